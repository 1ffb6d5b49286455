/**
 * @module Alertmanager health, per configured Alertmanager: the `sentinel_alertmanager_up` gauge
 * and the log lines about failures, rate-limited so that an outage of hours writes a line every
 * `intervalMs` (with the count held back), not one per retry.
 */
import type { Logger } from '../../telemetry/logger.js'
import type { FailureReason } from './retry.js'

/** How often a continuing outage, or a continuing run of rejections, is logged again. */
export const FAILURE_LOG_INTERVAL_MS = 30_000

export interface AlertmanagerHealthOptions {
  /** The `alertmanager` label. */
  alertmanager: string
  logger: Logger
  /** Sets `sentinel_alertmanager_up`. */
  setUp: (up: 0 | 1) => void
  now: () => number
  intervalMs?: number
}

interface Limited {
  lastAt: number
  suppressed: number
}

/**
 * Tracks whether one Alertmanager answers, and logs what the operator needs to know.
 *
 * @example
 * const health = new AlertmanagerHealth({ alertmanager: 'am:9093', logger, setUp, now: Date.now })
 * health.down('network', 'connect ECONNREFUSED 127.0.0.1:9093', 500)
 * health.up() // logs the recovery once
 */
export class AlertmanagerHealth {
  readonly #options: AlertmanagerHealthOptions
  #isUp: boolean | undefined
  #downSince = 0
  readonly #outage: Limited = { lastAt: Number.NEGATIVE_INFINITY, suppressed: 0 }
  readonly #rejections: Limited = { lastAt: Number.NEGATIVE_INFINITY, suppressed: 0 }

  constructor(options: AlertmanagerHealthOptions) {
    this.#options = options
  }

  /** The Alertmanager answered (2xx, 4xx or 429: it is there). */
  up(): void {
    if (this.#isUp === true) return
    const wasDown = this.#isUp === false
    this.#isUp = true
    this.#options.setUp(1)
    if (wasDown) {
      this.#options.logger.info(
        {
          alertmanager: this.#options.alertmanager,
          down_secs: Math.round((this.#options.now() - this.#downSince) / 1000),
        },
        'Alertmanager answers again; sending the alerts that waited.',
      )
    }
    this.#outage.lastAt = Number.NEGATIVE_INFINITY
    this.#outage.suppressed = 0
  }

  /** A request got no answer, or a 5xx; its alerts are retried after `retryInMs`. */
  down(reason: FailureReason, message: string, retryInMs: number, status?: number): void {
    if (this.#isUp !== false) this.#downSince = this.#options.now()
    this.#isUp = false
    this.#options.setUp(0)
    const repeated = this.#pass(this.#outage)
    if (repeated === undefined) return
    this.#options.logger.warn(
      {
        alertmanager: this.#options.alertmanager,
        reason,
        status,
        error: message,
        retry_in_ms: retryInMs,
        repeated,
      },
      'Alertmanager is unavailable; retrying. Alerts wait in memory.',
    )
  }

  /** Alertmanager refused a request for good (4xx); its alerts are dropped. Logged with the answer. */
  rejected(status: number, answer: string, alerts: number): void {
    const repeated = this.#pass(this.#rejections)
    if (repeated === undefined) return
    this.#options.logger.error(
      { alertmanager: this.#options.alertmanager, status, answer, alerts, repeated },
      'Alertmanager rejected alerts; they are dropped.',
    )
  }

  /** The number of lines held back since the last one, or undefined when this one is held back too. */
  #pass(limited: Limited): number | undefined {
    const now = this.#options.now()
    if (now - limited.lastAt < (this.#options.intervalMs ?? FAILURE_LOG_INTERVAL_MS)) {
      limited.suppressed += 1
      return undefined
    }
    const repeated = limited.suppressed
    limited.lastAt = now
    limited.suppressed = 0
    return repeated
  }
}
