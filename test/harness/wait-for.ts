/** @module Bounded polling: the harness's only way to wait for something to become true. */
import { setTimeout as delay } from 'node:timers/promises'

export interface WaitForOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number
  /** Pause between attempts (ms). */
  intervalMs?: number
  /** What is awaited, for the error message: `collector ready on :9464`. */
  description: string
}

/** Thrown when a {@link waitFor} deadline passes; carries the last value or error seen. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
}

/**
 * Call `check` until it returns something other than `undefined`/`false`, or the deadline
 * passes. Errors thrown by `check` count as "not yet" and the last one is reported.
 *
 * @example const n = await waitFor(async () => (await count()) >= 10 || undefined, { description: '10 events' })
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000
  const intervalMs = options.intervalMs ?? 50
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: last error: ${lastError.message}` : ''
      throw new WaitTimeoutError(`Timed out after ${timeoutMs} ms waiting for ${options.description}${why}`, {
        cause: lastError,
      })
    }
    await delay(intervalMs)
  }
}
