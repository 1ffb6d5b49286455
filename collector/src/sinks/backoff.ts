/** @module Retry backoff shared by the sinks: how long to wait before trying a destination again. */

/**
 * Wait before retry number `attempt` (0-based): exponential growth from `initialMs`, capped at
 * `maxMs`, with full jitter over [initialMs, cap] so that many senders retrying against one
 * recovering destination spread out. Never less than `initialMs` (or `maxMs` when that is lower),
 * so a failing destination is never hammered.
 *
 * @example
 * backoffDelayMs(0, 500, 30_000) // 500
 * backoffDelayMs(3, 500, 30_000) // between 500 and 4000
 */
export function backoffDelayMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const floor = Math.min(initialMs, maxMs)
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt, 0), 30))
  return Math.round(floor + random() * Math.max(0, cap - floor))
}
