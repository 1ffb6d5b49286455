/** @module Durations in rule files (`30s`, `10m`, `1h30m`, `1d`) as milliseconds. */

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const

// Units largest first, each at most once, as Prometheus writes durations.
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/
const UNITS_IN_ORDER = [UNIT_MS.w, UNIT_MS.d, UNIT_MS.h, UNIT_MS.m, UNIT_MS.s, UNIT_MS.ms]

/**
 * Parse a duration: numbers with units `w`, `d`, `h`, `m`, `s`, `ms`, largest first.
 * Throws an Error whose message quotes the text and shows the expected form.
 *
 * @example
 * parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text)
  if (text === '' || !match) {
    throw new Error(`${JSON.stringify(text)} is not a duration (expected e.g. 30s, 10m, 1h30m, 1d)`)
  }
  let total = 0
  for (let i = 0; i < UNITS_IN_ORDER.length; i++) {
    const digits = match[i + 1]
    if (digits !== undefined) total += Number(digits) * (UNITS_IN_ORDER[i] ?? 0)
  }
  if (!Number.isSafeInteger(total)) throw new Error(`${JSON.stringify(text)} is too long a duration`)
  return total
}
