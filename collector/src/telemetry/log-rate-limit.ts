/**
 * @module Log rate limiting: a repeated line (an outage, a flood of bad handshakes, a full queue)
 * is written at most once per interval, with the number held back since. Sources and sinks use it.
 */

/**
 * Lets a repeated log line through once per interval and counts the ones it holds back.
 *
 * @example
 * const limit = new LogRateLimit(30_000)
 * const repeated = limit.pass(Date.now())
 * if (repeated !== undefined) logger.warn({ repeated }, 'Alertmanager rejected alerts; they are dropped.')
 */
export class LogRateLimit {
  readonly #intervalMs: number
  #lastAt = Number.NEGATIVE_INFINITY
  #suppressed = 0

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs
  }

  /**
   * Whether a line at time `now` (ms) is written: the number of lines held back since the last one,
   * or undefined when this one is held back too.
   */
  pass(now: number): number | undefined {
    if (now - this.#lastAt < this.#intervalMs) {
      this.#suppressed += 1
      return undefined
    }
    const repeated = this.#suppressed
    this.#lastAt = now
    this.#suppressed = 0
    return repeated
  }

  /** Start over: the next line passes. */
  reset(): void {
    this.#lastAt = Number.NEGATIVE_INFINITY
    this.#suppressed = 0
  }
}
