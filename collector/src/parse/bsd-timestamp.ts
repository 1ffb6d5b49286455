/**
 * @module BSD-style stamps `Mmm dd [yyyy] hh:mm:ss[.fff] [zone]` (RFC 3164 4.1.2 and the variants
 * devices send: Cisco IOS/ASA, CEF `rt`, LEEF `devTime`), with year inference for stamps without one.
 */
import { daysInMonth, digitsAt, isValidDateTime, monthAt, utcMillis } from './calendar.js'
import { localToUtc } from './local-time.js'
import type { ParseContext } from './parse-context.js'
import { SCAN_INVALID, SCAN_NONE, SCAN_OK } from './rfc3339.js'

/** How far ahead of `now` a device clock may run before its stamp is read as last year's. */
export const FUTURE_TOLERANCE_MS = 15 * 60_000
/** Largest UTC offset in use anywhere (Line Islands, +14:00): bounds the cheap year pre-check. */
const MAX_ZONE_OFFSET_MS = 14 * 3_600_000
/** `offset` value meaning the stamp named no zone: it is local time in the listener's zone. */
export const NO_OFFSET = 1e15

/**
 * Reads a BSD stamp at `start`. Writes the instant to `ctx.scanMs` and the index after the stamp
 * (and after a recognised zone word) to `ctx.scanEnd`. Without a year, the year comes from
 * `ctx.year` or {@link inferYear}; without a zone, the stamp is local time in `ctx.timezone`.
 * @example scanBsdTimestamp('Nov 21 10:17:01 host', 0, ctx) // SCAN_OK, ctx.scanEnd === 15
 */
export function scanBsdTimestamp(text: string, start: number, ctx: ParseContext): number {
  const month = monthAt(text, start)
  if (month < 0 || text.charCodeAt(start + 3) !== 32) return SCAN_NONE
  let pos = start + 4
  if (text.charCodeAt(pos) === 32) pos++ // RFC 3164 4.1.2: a one-digit day is padded with a space
  let day = digitsAt(text, pos, 2)
  if (day >= 0) pos += 2
  else {
    day = digitsAt(text, pos, 1)
    if (day < 0) return SCAN_NONE
    pos += 1
  }
  if (text.charCodeAt(pos) !== 32) return SCAN_NONE
  pos++
  let year = -1
  if (text.charCodeAt(pos + 4) === 32 && text.charCodeAt(pos + 2) !== 58) {
    year = digitsAt(text, pos, 4) // Cisco `service timestamps log datetime year`, ASA, CEF `rt`
    if (year < 0) return SCAN_NONE
    pos += 5
  }
  const hour = digitsAt(text, pos, 2)
  const minute = digitsAt(text, pos + 3, 2)
  const second = digitsAt(text, pos + 6, 2)
  if (
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    text.charCodeAt(pos + 2) !== 58 ||
    text.charCodeAt(pos + 5) !== 58
  ) {
    return SCAN_NONE
  }
  pos += 8
  let millis = 0
  const fracMark = text.charCodeAt(pos)
  if (fracMark === 46 || fracMark === 44) {
    const fracStart = pos + 1
    let p = fracStart
    while (p < text.length && p - fracStart < 9) {
      const d = text.charCodeAt(p) - 48
      if (d < 0 || d > 9) break
      if (p - fracStart < 3) millis = millis * 10 + d
      p++
    }
    const digits = p - fracStart
    if (digits > 0) {
      if (digits === 1) millis *= 100
      else if (digits === 2) millis *= 10
      pos = p
    }
  }
  const offset = scanZone(text, pos)
  if (offset !== NO_OFFSET) pos = zoneEnd
  ctx.scanEnd = pos
  const probeYear = year >= 0 ? year : 2000 // a leap year, so Feb 29 passes the shape check
  if (!isValidDateTime(probeYear, month, day, hour, minute, second)) return SCAN_INVALID
  const wallClock = year >= 0 ? utcMillis(year, month, day, hour, minute, second, millis) : Number.NaN
  let instant: number
  if (year >= 0) instant = offset === NO_OFFSET ? localToUtc(wallClock, ctx.timezone) : wallClock - offset
  else instant = inferYear(month, day, hour, minute, second, millis, offset, ctx)
  if (Number.isNaN(instant)) return SCAN_INVALID
  ctx.scanMs = instant
  return SCAN_OK
}

let zoneEnd = 0

/**
 * A zone after the time: ` UTC`/` GMT`/` Z`, ` +hh:mm`/` +hhmm`, or an abbreviation ending the
 * Cisco stamp (` EST:`), which names no offset we can trust and so reads as local time. Returns the
 * offset in ms (NO_OFFSET when none applies) and sets `zoneEnd`.
 */
function scanZone(text: string, pos: number): number {
  if (text.charCodeAt(pos) !== 32) return NO_OFFSET
  const start = pos + 1
  const first = text.charCodeAt(start)
  if (first === 43 || first === 45) {
    const h = digitsAt(text, start + 1, 2)
    const colon = text.charCodeAt(start + 3) === 58 ? 1 : 0
    const m = digitsAt(text, start + 3 + colon, 2)
    const end = start + 5 + colon
    if (h < 0 || m < 0 || h > 23 || m > 59 || !endsToken(text, end)) return NO_OFFSET
    zoneEnd = end
    const ms = (h * 60 + m) * 60_000
    return first === 43 ? ms : -ms
  }
  let end = start
  while (end < text.length && end - start < 6) {
    const c = text.charCodeAt(end) | 0x20
    if (c < 0x61 || c > 0x7a) break
    end++
  }
  const length = end - start
  if (length === 0 || !endsToken(text, end)) return NO_OFFSET
  const word = text.slice(start, end).toUpperCase()
  if (word === 'UTC' || word === 'GMT' || word === 'Z') {
    zoneEnd = end
    return 0
  }
  if (length >= 3 && text.charCodeAt(end) === 58) {
    zoneEnd = end // Cisco `... 12:00:01.123 EST:`: the abbreviation is ambiguous; local time applies
    return NO_OFFSET
  }
  return NO_OFFSET
}

function endsToken(text: string, pos: number): boolean {
  const c = text.charCodeAt(pos)
  return pos >= text.length || c === 32 || c === 58
}

/**
 * Instant of a stamp without a year. `ctx.year` wins; otherwise the most recent of now.year+1,
 * now.year, now.year-1 that does not put the stamp more than {@link FUTURE_TOLERANCE_MS} after
 * `ctx.now` (so `Dec 31 23:59:59` received on Jan 1 is last year's, and a device clock a few
 * minutes fast keeps this year). Feb 29 steps back to the latest leap year. NaN when no year fits.
 */
export function inferYear(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offset: number,
  ctx: ParseContext,
): number {
  if (ctx.year !== undefined) {
    if (day > daysInMonth(ctx.year, month)) return Number.NaN
    return toInstant(utcMillis(ctx.year, month, day, hour, minute, second, millis), offset, ctx.timezone)
  }
  const limit = ctx.now + FUTURE_TOLERANCE_MS
  const nowYear = new Date(ctx.now).getUTCFullYear()
  for (let year = nowYear + 1; year >= nowYear - 8; year--) {
    if (day > daysInMonth(year, month)) continue
    const wallClock = utcMillis(year, month, day, hour, minute, second, millis)
    if (wallClock - MAX_ZONE_OFFSET_MS > limit) continue // certainly in the future, whatever the zone
    const instant = toInstant(wallClock, offset, ctx.timezone)
    if (instant <= limit) return instant
  }
  return Number.NaN
}

function toInstant(wallClock: number, offset: number, timeZone: string): number {
  return offset === NO_OFFSET ? localToUtc(wallClock, timeZone) : wallClock - offset
}
