/** @module Sink factory: one running output per configured `sinks.<name>` section; a section left out is off. */
import type { CollectorConfig } from '../config/schema.js'
import type { Logger } from '../telemetry/logger.js'
import type { CollectorMetrics } from '../telemetry/metrics.js'
import { createElasticsearchSink, type SinkSpool } from './elasticsearch/sink.js'
import type { Sink } from './sink.js'

export interface SinkDeps {
  spool: SinkSpool
  metrics: CollectorMetrics
  logger: Logger
}

/**
 * The sinks `config` turns on (not started).
 *
 * @example
 * const sinks = createSinks(config.sinks, { spool, metrics, logger })
 * for (const sink of sinks) await sink.start()
 */
export function createSinks(config: CollectorConfig['sinks'], deps: SinkDeps): Sink[] {
  const sinks: Sink[] = []
  if (config.elasticsearch !== undefined) sinks.push(createElasticsearchSink(config.elasticsearch, deps))
  return sinks
}
