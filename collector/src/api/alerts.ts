/**
 * @module `GET /api/v1/alerts` and `GET /api/v1/alerts/:id`: the correlation alerts firing now,
 * with their evidence. Alertmanager's generatorURL points at the second, so an operator can go from
 * a Slack message to the events that raised it.
 */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Alert } from '../correlate/alert.js'
import { ERRORS } from '../errors/codes.js'

const AlertsQuery = Type.Object(
  {
    severity: Type.Optional(
      Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')]),
    ),
    rule_id: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
type AlertsQuery = Static<typeof AlertsQuery>

const AlertReply = Type.Object(
  {
    id: Type.String({ description: '<rule id>:<group key hash>, stable while the alert is active.' }),
    ruleId: Type.String(),
    ruleName: Type.String(),
    severity: Type.String(),
    status: Type.String(),
    labels: Type.Record(Type.String(), Type.String()),
    annotations: Type.Record(Type.String(), Type.String()),
    groupKey: Type.Record(Type.String(), Type.String()),
    startsAt: Type.String({ format: 'date-time' }),
    count: Type.Integer(),
    evidence: Type.Object({
      eventIds: Type.Array(Type.String(), {
        description: 'Elasticsearch _id of the newest matching events.',
      }),
      query: Type.String({ description: 'KQL that finds the matching events.' }),
      from: Type.String({ format: 'date-time' }),
      to: Type.String({ format: 'date-time' }),
    }),
  },
  { additionalProperties: false },
)

export interface AlertsOptions {
  /** Firing alerts now; without it (correlation off) the list is empty. */
  alerts?: () => readonly Alert[]
}

export async function alertsRoutes(app: FastifyInstance, options: AlertsOptions): Promise<void> {
  app.get<{ Querystring: AlertsQuery }>(
    '/api/v1/alerts',
    {
      schema: {
        summary: 'Correlation alerts firing now, newest first.',
        querystring: AlertsQuery,
        response: { 200: Type.Object({ alerts: Type.Array(AlertReply) }), 400: { $ref: 'ErrorReply#' } },
      },
    },
    async (request) => {
      const { severity, rule_id } = request.query
      const alerts = firing(options)
        .filter(
          (a) =>
            (severity === undefined || a.severity === severity) &&
            (rule_id === undefined || a.ruleId === rule_id),
        )
        .sort((a, b) => b.startsAt - a.startsAt)
      return { alerts: alerts.map(toReply) }
    },
  )
  app.get<{ Params: { id: string } }>(
    '/api/v1/alerts/:id',
    {
      schema: {
        summary: 'One firing alert with its evidence (the generatorURL of alerts sent to Alertmanager).',
        params: Type.Object({ id: Type.String() }),
        response: { 200: AlertReply, 404: { $ref: 'ErrorReply#' } },
      },
    },
    async (request, reply) => {
      const alert = firing(options).find((a) => a.id === request.params.id)
      if (alert) return toReply(alert)
      return reply.code(ERRORS.SNT_ERR_API_NOT_FOUND.status).send({
        code: 'SNT_ERR_API_NOT_FOUND',
        message: `No firing alert ${request.params.id} (it may have resolved; its history is in logs-sentinel.alert-*)`,
      })
    },
  )
}

function firing(options: AlertsOptions): readonly Alert[] {
  return options.alerts?.() ?? []
}

function toReply(alert: Alert): Static<typeof AlertReply> {
  const iso = (ms: number): string => new Date(ms).toISOString()
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    severity: alert.severity,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    groupKey: alert.groupKey,
    startsAt: iso(alert.startsAt),
    count: alert.count,
    evidence: {
      eventIds: alert.evidence.eventIds,
      query: alert.evidence.query,
      from: iso(alert.evidence.from),
      to: iso(alert.evidence.to),
    },
  }
}
