/**
 * @module SNMP inventory API and the polled values: `GET /metrics/snmp` (snmp_exporter-style text of
 * the latest polls), `GET /api/v1/inventory`, `PUT` / `DELETE /api/v1/inventory/devices/:name`
 * (devices of `snmp.inventory_file`; config devices are read-only) and
 * `GET /api/v1/inventory/devices/:name/status`. Credentials appear by name only, never secrets.
 */
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { ERRORS, type ErrorCode } from '../errors/codes.js'
import { SnmpDeviceConfig } from '../sources/snmp_poll/config.js'
import { validateDevice, type Inventory } from '../sources/snmp_poll/inventory.js'
import type { DeviceStatus } from '../sources/snmp_poll/poller.js'

/** What the routes need of the running poller (absent while no device is polled). */
export interface SnmpPollerView {
  exposition(): string
  deviceStatus(name: string): DeviceStatus | undefined
}

export interface InventoryOptions {
  inventory?: Inventory
  poller?: () => SnmpPollerView | undefined
}

const DeviceReply = Type.Composite([
  SnmpDeviceConfig,
  Type.Object({ origin: Type.Union([Type.Literal('config'), Type.Literal('file')]) }),
])

const StatusReply = Type.Object({
  name: Type.String(),
  state: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('down')]),
  last_poll: Type.Optional(
    Type.String({ format: 'date-time', description: 'End of the latest successful poll.' }),
  ),
  last_attempt: Type.Optional(Type.String({ format: 'date-time' })),
  last_duration_ms: Type.Optional(Type.Number()),
  last_error: Type.Optional(Type.String()),
  samples: Type.Integer({ description: 'Values in the latest successful poll.' }),
})

const NameParams = Type.Object({ name: Type.String({ minLength: 1 }) })

function fail(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(ERRORS[code].status).send({ code, message })
}

export async function inventoryRoutes(app: FastifyInstance, options: InventoryOptions): Promise<void> {
  app.get(
    '/metrics/snmp',
    { schema: { summary: 'Prometheus text of the latest SNMP polls (snmp_exporter names and labels).' } },
    async (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(options.poller?.()?.exposition() ?? ''),
  )
  const inventory = options.inventory
  if (!inventory) return

  app.get(
    '/api/v1/inventory',
    {
      schema: {
        summary: 'SNMP devices (config and inventory file), credentials by name.',
        response: { 200: Type.Object({ devices: Type.Array(DeviceReply), writable: Type.Boolean() }) },
      },
    },
    async () => ({
      devices: inventory.list().map(({ device, origin }) => ({ ...device, origin })),
      writable: inventory.writable,
    }),
  )

  app.put<{ Params: { name: string }; Body: unknown }>(
    '/api/v1/inventory/devices/:name',
    {
      schema: {
        summary: 'Add or replace a device of the inventory file; the poller picks it up at once.',
        params: NameParams,
        body: Type.Object(
          {},
          { additionalProperties: true, description: 'A device (name defaults to :name).' },
        ),
        response: {
          200: DeviceReply,
          201: DeviceReply,
          400: { $ref: 'ErrorReply#' },
          409: { $ref: 'ErrorReply#' },
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params
      const body = { name, ...(request.body as Record<string, unknown>) }
      if (body.name !== name) {
        return fail(
          reply,
          'SNT_ERR_API_BAD_REQUEST',
          `Bad request: body name "${String(body.name)}" differs from the path name "${name}"`,
        )
      }
      const result = validateDevice(body, 'device', inventory.snmp)
      if (!result.device)
        return fail(reply, 'SNT_ERR_API_BAD_REQUEST', `Bad request: ${result.problems.join('; ')}`)
      if (inventory.get(name)?.origin === 'config') {
        return fail(
          reply,
          'SNT_ERR_API_CONFLICT',
          `Conflict: device ${name} is defined in the config file; change it there`,
        )
      }
      if (!inventory.writable) {
        return fail(reply, 'SNT_ERR_API_CONFLICT', 'Conflict: snmp.inventory_file is not configured')
      }
      const outcome = await inventory.put(result.device)
      return reply.code(outcome === 'created' ? 201 : 200).send({ ...result.device, origin: 'file' })
    },
  )

  app.delete<{ Params: { name: string } }>(
    '/api/v1/inventory/devices/:name',
    {
      schema: {
        summary: 'Remove a device of the inventory file; polling stops.',
        params: NameParams,
        response: { 204: Type.Null(), 404: { $ref: 'ErrorReply#' }, 409: { $ref: 'ErrorReply#' } },
      },
    },
    async (request, reply) => {
      const { name } = request.params
      const found = inventory.get(name)
      if (!found)
        return fail(reply, 'SNT_ERR_API_DEVICE_NOT_FOUND', `No SNMP device ${name} in the inventory`)
      if (found.origin === 'config') {
        return fail(
          reply,
          'SNT_ERR_API_CONFLICT',
          `Conflict: device ${name} is defined in the config file; remove it there`,
        )
      }
      await inventory.delete(name)
      return reply.code(204).send()
    },
  )

  app.get<{ Params: { name: string } }>(
    '/api/v1/inventory/devices/:name/status',
    {
      schema: {
        summary: 'Whether a device answers: up/down, the latest poll, the latest error.',
        params: NameParams,
        response: { 200: StatusReply, 404: { $ref: 'ErrorReply#' } },
      },
    },
    async (request, reply) => {
      const { name } = request.params
      if (!inventory.get(name)) {
        return fail(reply, 'SNT_ERR_API_DEVICE_NOT_FOUND', `No SNMP device ${name} in the inventory`)
      }
      const status = options.poller?.()?.deviceStatus(name)
      const iso = (ms: number | undefined) => (ms === undefined ? {} : { v: new Date(ms).toISOString() })
      return {
        name,
        state: status?.state ?? 'unknown',
        ...(status?.last
          ? { last_poll: iso(status.last.timeMs).v, last_duration_ms: status.last.durationMs }
          : {}),
        ...(status?.lastAttemptMs === undefined ? {} : { last_attempt: iso(status.lastAttemptMs).v }),
        ...(status?.lastError === undefined ? {} : { last_error: status.lastError }),
        samples: status?.last?.samples.length ?? 0,
      }
    },
  )
}
