/**
 * @module Elasticsearch reachability: the `sentinel_sink_up` gauge and the log lines about outages,
 * rate-limited so that an outage of hours writes a line every `intervalMs`, not one per retry.
 */
import type { Logger } from '../../telemetry/logger.js'
import type { RetryReason } from './retry.js'

/** How often a continuing outage is logged again. */
export const OUTAGE_LOG_INTERVAL_MS = 30_000

export interface SinkHealthOptions {
  sink: string
  logger: Logger
  /** Sets `sentinel_sink_up`. */
  setUp: (up: 0 | 1) => void
  intervalMs?: number
  now?: () => number
}

/**
 * Tracks whether the destination answers.
 *
 * @example
 * const health = new SinkHealth({ sink: 'elasticsearch', logger, setUp: (v) => metrics.sinkUp.set({ sink: 'elasticsearch' }, v) })
 * health.down('network', 'connect ECONNREFUSED 127.0.0.1:9200', 500)
 * health.up() // logs the recovery once
 */
export class SinkHealth {
  readonly #options: SinkHealthOptions
  #isUp: boolean | undefined
  #lastLogAt = Number.NEGATIVE_INFINITY
  #suppressed = 0
  #downSince = 0

  constructor(options: SinkHealthOptions) {
    this.#options = options
  }

  /** True until a request fails, and again after one gets an answer. */
  get isUp(): boolean {
    return this.#isUp !== false
  }

  /** A request got an HTTP answer from the cluster. */
  up(): void {
    if (this.#isUp === true) return
    const wasDown = this.#isUp === false
    this.#isUp = true
    this.#options.setUp(1)
    if (wasDown) {
      const now = this.#options.now ?? Date.now
      this.#options.logger.info(
        { sink: this.#options.sink, down_secs: Math.round((now() - this.#downSince) / 1000) },
        'Elasticsearch answers again; delivering the backlog from the spool.',
      )
    }
    this.#suppressed = 0
    this.#lastLogAt = Number.NEGATIVE_INFINITY
  }

  /**
   * A request failed as a whole. `auth` (401/403) is logged at ERROR: only the operator can fix
   * the credentials. Messages never carry the credentials themselves.
   */
  down(reason: RetryReason, message: string, retryInMs: number, status?: number): void {
    const now = (this.#options.now ?? Date.now)()
    if (this.#isUp !== false) this.#downSince = now
    this.#isUp = false
    this.#options.setUp(0)
    const interval = this.#options.intervalMs ?? OUTAGE_LOG_INTERVAL_MS
    if (now - this.#lastLogAt < interval) {
      this.#suppressed += 1
      return
    }
    const fields = {
      sink: this.#options.sink,
      reason,
      status,
      error: message,
      retry_in_ms: retryInMs,
      repeated: this.#suppressed,
    }
    this.#lastLogAt = now
    this.#suppressed = 0
    if (reason === 'auth') {
      this.#options.logger.error(
        fields,
        'Elasticsearch refused the credentials; fix auth in sinks.elasticsearch. Events wait in the spool.',
      )
    } else if (reason === 'index_not_found') {
      this.#options.logger.error(
        fields,
        'Elasticsearch has no index template for the data stream; run `sentinel setup elastic`. Events wait in the spool.',
      )
    } else {
      this.#options.logger.warn(fields, 'Elasticsearch is unavailable; retrying. Events wait in the spool.')
    }
  }
}
