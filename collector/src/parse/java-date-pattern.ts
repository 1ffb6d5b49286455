/**
 * @module The simple subset of Java `SimpleDateFormat` patterns that LEEF `devTimeFormat` uses
 * (LEEF 2.0 guide, "Predefined event attributes"): `yyyy yy MMM MM M dd d HH H mm ss SSS z Z X XXX`
 * and quoted or punctuation literals. Anything else is not "simple" and is not guessed at.
 */
import { daysInMonth, monthAt, utcMillis } from './calendar.js'
import { localToUtc } from './local-time.js'

/**
 * Instant that `value` denotes under `pattern`, read in `timeZone` when the pattern names no zone;
 * NaN when the pattern is not simple or the value does not match it.
 * @example parseJavaDate('2026-11-21 10:17:01', 'yyyy-MM-dd HH:mm:ss', 'UTC') // Date.UTC(2026, 10, 21, 10, 17, 1)
 */
export function parseJavaDate(value: string, pattern: string, timeZone: string): number {
  let year = -1
  let month = -1
  let day = -1
  let hour = 0
  let minute = 0
  let second = 0
  let millis = 0
  let offset: number | undefined
  let v = 0
  let p = 0
  while (p < pattern.length) {
    const letter = pattern[p] ?? ''
    let run = 1
    while (pattern[p + run] === letter) run++
    if (letter === "'") {
      const close = pattern.indexOf("'", p + 1)
      if (close < 0) return Number.NaN
      const literal = pattern.slice(p + 1, close)
      if (!value.startsWith(literal, v)) return Number.NaN
      v += literal.length
      p = close + 1
      continue
    }
    const isLetter = (letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z')
    if (!isLetter) {
      if (value[v] !== letter) return Number.NaN
      v++
      p++
      continue
    }
    p += run
    if (letter === 'M' && run === 3) {
      month = monthAt(value, v)
      if (month < 0) return Number.NaN
      v += 3
      continue
    }
    if (letter === 'z' || letter === 'Z' || letter === 'X') {
      const zone = readZone(value, v)
      if (zone === undefined) return Number.NaN
      offset = zone.offset
      v = zone.end
      continue
    }
    // Numeric fields: a run of n letters reads exactly n digits, except a single letter reads 1-2.
    const maxDigits = run === 1 ? 2 : run
    let n = 0
    let digits = 0
    while (digits < maxDigits) {
      const d = value.charCodeAt(v) - 48
      if (d < 0 || d > 9) break
      n = n * 10 + d
      v++
      digits++
    }
    if (digits === 0 || (run > 1 && digits !== run && letter !== 'y')) return Number.NaN
    switch (letter) {
      case 'y':
        year = run === 2 ? 2000 + n : n
        break
      case 'M':
        month = n - 1
        break
      case 'd':
        day = n
        break
      case 'H':
        hour = n
        break
      case 'm':
        minute = n
        break
      case 's':
        second = n
        break
      case 'S':
        millis = run === 3 ? n : run === 2 ? n * 10 : n * 100
        break
      default:
        return Number.NaN // h, a, E, D, ...: not simple
    }
  }
  if (
    v !== value.length ||
    year < 0 ||
    month < 0 ||
    month > 11 ||
    day < 1 ||
    day > daysInMonth(year, month)
  ) {
    return Number.NaN
  }
  if (hour > 23 || minute > 59 || second > 60) return Number.NaN
  const wallClock = utcMillis(year, month, day, hour, minute, second, millis)
  return offset === undefined ? localToUtc(wallClock, timeZone) : wallClock - offset
}

function readZone(value: string, pos: number): { offset: number; end: number } | undefined {
  if (value.startsWith('UTC', pos) || value.startsWith('GMT', pos)) return { offset: 0, end: pos + 3 }
  if (value[pos] === 'Z') return { offset: 0, end: pos + 1 }
  const sign = value[pos]
  if (sign !== '+' && sign !== '-') return undefined
  const h = Number(value.slice(pos + 1, pos + 3))
  const colon = value[pos + 3] === ':' ? 1 : 0
  const m = Number(value.slice(pos + 3 + colon, pos + 5 + colon))
  if (!Number.isInteger(h) || !Number.isInteger(m) || h > 23 || m > 59) return undefined
  const offset = (h * 60 + m) * 60_000
  return { offset: sign === '+' ? offset : -offset, end: pos + 5 + colon }
}
