/** @module Prometheus exposition of the collector's self-metrics. */
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

export interface MetricsOptions {
  registry: Registry
  /** Refresh sampled values (spool sizes, UDP kernel drops) right before a scrape. */
  beforeScrape: () => void
}

export async function metricsRoutes(app: FastifyInstance, options: MetricsOptions): Promise<void> {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus text exposition of sentinel_* metrics.', hide: false } },
    async (_request, reply) => {
      options.beforeScrape()
      const body = await options.registry.metrics()
      return reply.type(options.registry.contentType).send(body)
    },
  )
}
