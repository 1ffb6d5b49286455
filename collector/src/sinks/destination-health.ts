/**
 * @module Destination health, shared by the sinks: whether a destination answers (its up gauge),
 * a line when it goes down and one when it answers again, with the outage lines rate-limited so
 * that an outage of hours writes a line every `intervalMs` (with the count held back), not one per
 * retry. What a sink says, and at which level, is its own (elasticsearch/health.ts,
 * alertmanager/health.ts).
 */
import type { Logger } from '../telemetry/logger.js'
import { LogRateLimit } from '../telemetry/log-rate-limit.js'

/** How often a continuing outage, or another repeated failure, is logged again. */
export const FAILURE_LOG_INTERVAL_MS = 30_000

/** The level and message of an outage line. */
export interface OutageLine {
  level: 'warn' | 'error'
  message: string
}

export interface DestinationHealthOptions<Reason extends string> {
  /** Fields that name the destination on every line, e.g. `{ sink: 'elasticsearch' }`. */
  fields: Readonly<Record<string, string>>
  logger: Logger
  /** Sets the destination's up gauge. */
  setUp: (up: 0 | 1) => void
  /** What is logged when a failed destination answers again. */
  recovered: string
  /** What is logged for an outage with this reason. */
  outage: (reason: Reason) => OutageLine
  now?: () => number
  intervalMs?: number
}

/**
 * Tracks whether one destination answers, and logs what the operator needs to know.
 *
 * @example
 * const health = new DestinationHealth<'network' | 'timeout'>({
 *   fields: { sink: 'elasticsearch' }, logger, setUp: (up) => gauge.set({ sink: 'elasticsearch' }, up),
 *   recovered: 'Elasticsearch answers again; delivering the backlog from the spool.',
 *   outage: () => ({ level: 'warn', message: 'Elasticsearch is unavailable; retrying. Events wait in the spool.' }),
 * })
 * health.down('network', 'connect ECONNREFUSED 127.0.0.1:9200', 500)
 * health.up() // logs the recovery once
 */
export class DestinationHealth<Reason extends string> {
  readonly #options: DestinationHealthOptions<Reason>
  readonly #now: () => number
  readonly #outages: LogRateLimit
  #isUp: boolean | undefined
  #downSince = 0

  constructor(options: DestinationHealthOptions<Reason>) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#outages = new LogRateLimit(options.intervalMs ?? FAILURE_LOG_INTERVAL_MS)
  }

  /** True until a request fails, and again after one gets an answer. */
  get isUp(): boolean {
    return this.#isUp !== false
  }

  /** The destination answered. */
  up(): void {
    if (this.#isUp === true) return
    const wasDown = this.#isUp === false
    this.#isUp = true
    this.#options.setUp(1)
    if (wasDown) {
      const downSecs = Math.round((this.#now() - this.#downSince) / 1000)
      this.#options.logger.info({ ...this.#options.fields, down_secs: downSecs }, this.#options.recovered)
    }
    this.#outages.reset()
  }

  /** A request failed in a way that means the destination is in trouble; it is retried in `retryInMs`. */
  down(reason: Reason, message: string, retryInMs: number, status?: number): void {
    const now = this.#now()
    if (this.#isUp !== false) this.#downSince = now
    this.#isUp = false
    this.#options.setUp(0)
    const repeated = this.#outages.pass(now)
    if (repeated === undefined) return
    const { level, message: line } = this.#options.outage(reason)
    this.#options.logger[level](
      { ...this.#options.fields, reason, status, error: message, retry_in_ms: retryInMs, repeated },
      line,
    )
  }
}
