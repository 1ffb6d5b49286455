/**
 * @module HTTP API: health, metrics, recent events and the OpenAPI description, as fastify
 * plugins. Every error answers `{ code, message }`.
 */
import swagger from '@fastify/swagger'
import { fastify, type FastifyError, type FastifyInstance } from 'fastify'
import { ERRORS } from '../errors/codes.js'
import { alertsRoutes, type AlertsOptions } from './alerts.js'
import { ErrorReply } from './error-reply.js'
import { eventsRoutes, type EventsOptions } from './events.js'
import { healthRoutes, type HealthOptions } from './health.js'
import { inventoryRoutes, type InventoryOptions } from './inventory.js'
import { metricsRoutes, type MetricsOptions } from './metrics.js'

export type ApiOptions = HealthOptions &
  MetricsOptions &
  EventsOptions &
  InventoryOptions &
  AlertsOptions & { version: string }

/** Build the API (not listening yet); tests use `app.inject`. */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = fastify({
    logger: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
  })
  app.addSchema(ErrorReply)
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sentinel collector API',
        version: options.version,
        description:
          'Health, Prometheus metrics, recent events, SNMP inventory and alerts of a Sentinel collector.',
      },
    },
  })
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) {
      return reply
        .code(400)
        .send({ code: 'SNT_ERR_API_BAD_REQUEST', message: `Bad request: ${error.message}` })
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    return reply.code(status).send({ code: error.code ?? 'SNT_ERR_INTERNAL', message: error.message })
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(ERRORS.SNT_ERR_API_NOT_FOUND.status).send({
      code: 'SNT_ERR_API_NOT_FOUND',
      message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
    }),
  )
  await app.register(healthRoutes, options)
  await app.register(metricsRoutes, options)
  await app.register(eventsRoutes, options)
  await app.register(inventoryRoutes, options)
  await app.register(alertsRoutes, options)
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  return app
}
