/**
 * @module Syslog source: picks the UDP, TCP or TLS listener from `listen` and hands it the pipeline port,
 * the metrics and a logger.
 */
import { SentinelError } from '../../errors/codes.js'
import type { CollectorMetrics } from '../../telemetry/metrics.js'
import type { RecordPort, Source } from '../source.js'
import { type SyslogSourceConfig } from './config.js'
import { parseListen } from '../listen.js'
import type { SourceLogger } from '../log-limiter.js'
import { createTcpSource } from './tcp.js'
import { createTlsSource } from './tls.js'
import { UdpSyslogSource } from './udp.js'

export type { SourceLogger } from '../log-limiter.js'

/** What a syslog listener needs from the collector. */
export interface SyslogSourceDeps {
  port: RecordPort
  metrics: CollectorMetrics
  /** A pino logger (or anything with the same info/warn/error(obj, msg) shape). */
  logger: SourceLogger
}

/**
 * A source with metrics that are pulled rather than pushed (UDP kernel drops). The /metrics handler
 * calls `collectMetrics()` on every source that has it before it renders the registry.
 */
export interface MetricsRefresher {
  collectMetrics?(): void
}

/** A syslog listener: the Source contract plus the optional metrics refresh. */
export type SyslogSource = Source & MetricsRefresher

/**
 * Build the syslog listener `config.listen` names. Throws SNT_ERR_CONFIG_INVALID for a malformed
 * `listen` (the schema normally catches that first); start() rejects with SNT_ERR_LISTEN or
 * SNT_ERR_TLS_CONFIG.
 *
 * @example
 * const source = createSyslogSource('syslog_udp', config, { port, metrics, logger })
 * await source.start()
 * source.collectMetrics?.() // before each /metrics scrape
 */
export function createSyslogSource(
  id: string,
  config: SyslogSourceConfig,
  deps: SyslogSourceDeps,
): SyslogSource {
  const listen = parseListen(config.listen)
  if (!listen) {
    throw new SentinelError('SNT_ERR_CONFIG_INVALID', [
      `sources.${id}.listen: expected <udp|tcp|tls>:<host>:<port>, got ${JSON.stringify(config.listen)}`,
    ])
  }
  switch (listen.protocol) {
    case 'udp':
      return new UdpSyslogSource(id, config, listen, deps)
    case 'tcp':
      return createTcpSource(id, config, listen, deps)
    case 'tls':
      return createTlsSource(id, config, listen, deps)
  }
}
