/** @module Per-sender token buckets for the trap source's `rate_limit_per_source`. */

/** Senders tracked at most; beyond it, buckets idle for a second or more are forgotten. */
const MAX_BUCKETS = 10_000

/**
 * A token bucket per sender address: `rate` tokens a second, a burst of `max(1, rate)`.
 *
 * @example
 * const limiter = new SenderRateLimiter(10)
 * if (!limiter.take('192.0.2.1', Date.now())) dropped++
 */
export class SenderRateLimiter {
  readonly #rate: number
  readonly #burst: number
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(ratePerSecond: number) {
    this.#rate = ratePerSecond
    this.#burst = Math.max(1, ratePerSecond)
  }

  /** True when `sender` may send one more trap at `now` (ms). */
  take(sender: string, now: number): boolean {
    let bucket = this.#buckets.get(sender)
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#prune(now)
      bucket = { tokens: this.#burst, at: now }
      this.#buckets.set(sender, bucket)
    } else {
      bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate)
      bucket.at = now
    }
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  #prune(now: number): void {
    for (const [sender, bucket] of this.#buckets) {
      if (now - bucket.at >= 1000) this.#buckets.delete(sender)
    }
    if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.clear()
  }
}
