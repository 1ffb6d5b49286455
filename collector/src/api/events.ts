/** @module `GET /api/v1/events`: search the recent-events window by simple filters, newest first. */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { RecentEvents } from '../pipeline/recent-events.js'

export const EventsQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Most events to return.' }),
    source_id: Type.Optional(Type.String({ description: 'Listener name (sentinel.source_id).' })),
    'host.name': Type.Optional(Type.String()),
    'log.level': Type.Optional(Type.String({ description: 'e.g. error, warning, informational.' })),
    'event.kind': Type.Optional(
      Type.String({ description: 'event, or pipeline_error for records that failed to parse.' }),
    ),
    q: Type.Optional(Type.String({ maxLength: 512, description: 'Case-insensitive substring of message.' })),
    since: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only events with @timestamp at or after.' }),
    ),
  },
  { additionalProperties: false },
)
type EventsQuery = Static<typeof EventsQuery>

const EventsReply = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.String({ description: 'Deterministic event id: <spool id>-<seq>.' }),
      seq: Type.Integer({ description: 'Position in the spool.' }),
      event: Type.Object({}, { additionalProperties: true, description: 'The ECS document.' }),
    }),
  ),
  window: Type.Integer({ description: 'Events currently held in the recent window.' }),
})

export interface EventsOptions {
  recent: RecentEvents
  spoolId: () => string
}

export async function eventsRoutes(app: FastifyInstance, options: EventsOptions): Promise<void> {
  app.get<{ Querystring: EventsQuery }>(
    '/api/v1/events',
    {
      schema: {
        summary: 'Recent events, newest first, filtered by exact fields and a message substring.',
        querystring: EventsQuery,
        response: { 200: EventsReply, 400: { $ref: 'ErrorReply#' } },
      },
    },
    async (request) => {
      const { limit, since, ...fields } = request.query
      const spoolId = options.spoolId()
      const found = options.recent.query(
        { ...fields, ...(since === undefined ? {} : { sinceMs: Date.parse(since) }) },
        limit,
      )
      return {
        events: found.map(({ seq, event }) => ({ id: `${spoolId}-${seq}`, seq, event })),
        window: options.recent.size,
      }
    },
  )
}
