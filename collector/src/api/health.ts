/** @module Health routes: liveness (the process answers) and readiness (listening, spool open, spool not full). */
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'

export interface Readiness {
  ready: boolean
  /** Why not ready, for operators. */
  reason?: string
  /** Set when the condition is expected to clear (a full spool): sent as Retry-After. */
  retryAfterSecs?: number
}

export interface HealthOptions {
  readiness: () => Readiness
}

const HealthReply = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) })

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get(
    '/health/live',
    { schema: { summary: 'The process is up and serving.', response: { 200: HealthReply } } },
    async () => ({ status: 'live' }),
  )
  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Listeners are bound, the spool is open and has room.',
        response: {
          200: HealthReply,
          503: Type.Object({ code: Type.String(), message: Type.String(), status: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      const state = options.readiness()
      if (state.ready) return { status: 'ready' }
      if (state.retryAfterSecs !== undefined) void reply.header('retry-after', String(state.retryAfterSecs))
      return reply.code(503).send({
        status: 'not_ready',
        code: 'SNT_ERR_API_NOT_READY',
        message: `Not ready: ${state.reason ?? 'starting'}`,
      })
    },
  )
}
