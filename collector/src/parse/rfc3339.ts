/** @module RFC 3339 timestamps as RFC 5424 6.2.3 restricts them (also sent in RFC 3164 frames by rsyslog). */
import { digitsAt, isValidDateTime, utcMillis } from './calendar.js'
import type { ParseContext } from './parse-context.js'

/** Outcome of a timestamp scan: read, not a timestamp at all, or shaped like one with impossible values. */
export const SCAN_OK = 1
export const SCAN_NONE = 0
export const SCAN_INVALID = -1

/**
 * Reads `YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)` at `start` (RFC 3339 5.6; RFC 5424 6.2.3 caps
 * the fraction at 6 digits, we accept 9). Writes the instant to `ctx.scanMs` and the index after the
 * stamp to `ctx.scanEnd`. An offset-less stamp (some rsyslog templates) reads in `ctx.timezone`
 * only when `localFallback` is given, else it is invalid.
 * @example scanRfc3339('2026-11-21T10:17:01.123Z', 0, ctx) // SCAN_OK, ctx.scanMs === Date.UTC(2026, 10, 21, 10, 17, 1, 123)
 */
export function scanRfc3339(
  text: string,
  start: number,
  ctx: ParseContext,
  localFallback?: (wallClock: number, timeZone: string) => number,
): number {
  const year = digitsAt(text, start, 4)
  if (year < 0 || text.charCodeAt(start + 4) !== 45 /* - */) return SCAN_NONE
  const month = digitsAt(text, start + 5, 2)
  const day = digitsAt(text, start + 8, 2)
  const sep = text.charCodeAt(start + 10) | 0x20
  const hour = digitsAt(text, start + 11, 2)
  const minute = digitsAt(text, start + 14, 2)
  const second = digitsAt(text, start + 17, 2)
  if (
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    text.charCodeAt(start + 7) !== 45 ||
    sep !== 0x74 /* t */ ||
    text.charCodeAt(start + 13) !== 58 ||
    text.charCodeAt(start + 16) !== 58
  ) {
    return SCAN_INVALID
  }
  let pos = start + 19
  let millis = 0
  if (text.charCodeAt(pos) === 46 /* . */) {
    const fracStart = ++pos
    while (pos < text.length && pos - fracStart < 9) {
      const d = text.charCodeAt(pos) - 48
      if (d < 0 || d > 9) break
      if (pos - fracStart < 3) millis = millis * 10 + d
      pos++
    }
    const digits = pos - fracStart
    if (digits === 0) return SCAN_INVALID
    if (digits === 1) millis *= 100
    else if (digits === 2) millis *= 10
  }
  if (!isValidDateTime(year, month - 1, day, hour, minute, second)) return SCAN_INVALID
  const wallClock = utcMillis(year, month - 1, day, hour, minute, second, millis)
  const zone = text.charCodeAt(pos)
  if ((zone | 0x20) === 0x7a /* z */) {
    ctx.scanMs = wallClock
    ctx.scanEnd = pos + 1
    return SCAN_OK
  }
  if (zone === 43 /* + */ || zone === 45 /* - */) {
    const offH = digitsAt(text, pos + 1, 2)
    const offM = digitsAt(text, pos + 4, 2)
    if (offH < 0 || offM < 0 || offH > 23 || offM > 59 || text.charCodeAt(pos + 3) !== 58) return SCAN_INVALID
    const offset = (offH * 60 + offM) * 60_000
    ctx.scanMs = zone === 43 ? wallClock - offset : wallClock + offset
    ctx.scanEnd = pos + 6
    return SCAN_OK
  }
  if (localFallback === undefined) return SCAN_INVALID
  ctx.scanMs = localFallback(wallClock, ctx.timezone)
  ctx.scanEnd = pos
  return SCAN_OK
}
