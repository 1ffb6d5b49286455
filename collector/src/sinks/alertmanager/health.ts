/**
 * @module Alertmanager health, per configured Alertmanager: the `sentinel_alertmanager_up` gauge and
 * the log lines about outages (../destination-health.ts), plus the lines about rejected alerts,
 * rate-limited the same way.
 */
import type { Logger } from '../../telemetry/logger.js'
import { LogRateLimit } from '../../telemetry/log-rate-limit.js'
import {
  DestinationHealth,
  FAILURE_LOG_INTERVAL_MS,
  type DestinationHealthOptions,
} from '../destination-health.js'
import type { FailureReason } from './retry.js'

export interface AlertmanagerHealthOptions extends Omit<
  DestinationHealthOptions<FailureReason>,
  'fields' | 'recovered' | 'outage' | 'now'
> {
  /** The `alertmanager` label. */
  alertmanager: string
  now: () => number
}

/**
 * Tracks whether one Alertmanager answers (2xx, 4xx or 429: it is there), and logs what the
 * operator needs to know.
 *
 * @example
 * const health = new AlertmanagerHealth({ alertmanager: 'am:9093', logger, setUp, now: Date.now })
 * health.down('network', 'connect ECONNREFUSED 127.0.0.1:9093', 500)
 * health.up() // logs the recovery once
 */
export class AlertmanagerHealth extends DestinationHealth<FailureReason> {
  readonly #alertmanager: string
  readonly #logger: Logger
  readonly #now: () => number
  readonly #rejections: LogRateLimit

  constructor(options: AlertmanagerHealthOptions) {
    super({
      ...options,
      fields: { alertmanager: options.alertmanager },
      recovered: 'Alertmanager answers again; sending the alerts that waited.',
      outage: () => ({
        level: 'warn',
        message: 'Alertmanager is unavailable; retrying. Alerts wait in memory.',
      }),
    })
    this.#alertmanager = options.alertmanager
    this.#logger = options.logger
    this.#now = options.now
    this.#rejections = new LogRateLimit(options.intervalMs ?? FAILURE_LOG_INTERVAL_MS)
  }

  /** Alertmanager refused a request for good (4xx); its alerts are dropped. Logged with the answer. */
  rejected(status: number, answer: string, alerts: number): void {
    const repeated = this.#rejections.pass(this.#now())
    if (repeated === undefined) return
    this.#logger.error(
      { alertmanager: this.#alertmanager, status, answer, alerts, repeated },
      'Alertmanager rejected alerts; they are dropped.',
    )
  }
}
