/** @module Calendar arithmetic shared by the timestamp readers: month names, month lengths, UTC instants. */

/** English month abbreviations as RFC 3164 4.1.2 spells them (`Jan` .. `Dec`). */
export const MONTH_ABBREVIATIONS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const

/**
 * Month (0-11) of a three-letter English abbreviation at `start`, case-insensitive, or -1.
 * @example monthAt('Nov 21', 0) // 10
 */
export function monthAt(text: string, start: number): number {
  if (start + 3 > text.length) return -1
  // Pack three lower-cased letters into one integer and compare: no substring, no map lookup.
  const key =
    ((text.charCodeAt(start) | 0x20) << 16) |
    ((text.charCodeAt(start + 1) | 0x20) << 8) |
    (text.charCodeAt(start + 2) | 0x20)
  for (let m = 0; m < 12; m++) if (MONTH_KEYS[m] === key) return m
  return -1
}

const MONTH_KEYS = MONTH_ABBREVIATIONS.map(
  (name) =>
    ((name.charCodeAt(0) | 0x20) << 16) | ((name.charCodeAt(1) | 0x20) << 8) | (name.charCodeAt(2) | 0x20),
)

/** True for Gregorian leap years. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Days in `month` (0-11) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 1 && isLeapYear(year) ? 29 : (MONTH_DAYS[month] ?? 0)
}

/** True when the calendar fields name a real date and time of day (a leap second `:60` is accepted). */
export function isValidDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  return (
    year >= 0 &&
    year <= 9999 &&
    month >= 0 &&
    month <= 11 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60
  )
}

/**
 * Milliseconds since the epoch of the given wall-clock fields read as UTC. Unlike `Date.UTC`, years
 * 0-99 stay in the first century. A leap second (`:60`) is read as the last millisecond of `:59`.
 */
export function utcMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): number {
  if (second === 60) {
    second = 59
    millis = 999
  }
  const ms = Date.UTC(year, month, day, hour, minute, second, millis)
  if (year >= 100) return ms
  const date = new Date(ms)
  date.setUTCFullYear(year)
  return date.getTime()
}

/** Reads `count` ASCII digits at `start`; -1 when any of them is not a digit. */
export function digitsAt(text: string, start: number, count: number): number {
  let value = 0
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

/** Earliest and latest instants `Date#toISOString` writes as a four-digit year (0000-9999). */
export const MIN_ISO_MS = -62167219200000
export const MAX_ISO_MS = 253402300799999

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + String(i))
const DAY_MS = 86_400_000
let lastIsoMs = Number.NaN
let lastIso = ''

/**
 * ISO 8601 UTC with milliseconds, exactly as `Date#toISOString` writes it, or undefined when the
 * instant is not a four-digit-year date. Hand-formatted (days-to-civil arithmetic, H. Hinnant's
 * algorithm) because `toISOString` costs about a microsecond in Node 20, more than parsing a message.
 * @example toIso(0) // '1970-01-01T00:00:00.000Z'
 */
export function toIso(ms: number): string | undefined {
  if (!(ms >= MIN_ISO_MS && ms <= MAX_ISO_MS)) return undefined
  ms = Math.floor(ms)
  if (ms === lastIsoMs) return lastIso // batches share receipt times and often stamps
  const days = Math.floor(ms / DAY_MS)
  let rest = ms - days * DAY_MS
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const hour = Math.floor(rest / 3_600_000)
  rest -= hour * 3_600_000
  const minute = Math.floor(rest / 60_000)
  rest -= minute * 60_000
  const second = Math.floor(rest / 1000)
  const millis = rest - second * 1000
  const iso =
    (TWO_DIGITS[Math.floor(year / 100)] ?? '') +
    (TWO_DIGITS[year % 100] ?? '') +
    '-' +
    (TWO_DIGITS[month] ?? '') +
    '-' +
    (TWO_DIGITS[day] ?? '') +
    'T' +
    (TWO_DIGITS[hour] ?? '') +
    ':' +
    (TWO_DIGITS[minute] ?? '') +
    ':' +
    (TWO_DIGITS[second] ?? '') +
    '.' +
    (millis < 100 ? (millis < 10 ? '00' : '0') : '') +
    String(millis) +
    'Z'
  lastIsoMs = ms
  lastIso = iso
  return iso
}
