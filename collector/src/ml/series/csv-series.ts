/**
 * @module `timestamp,value` CSV lines, the shape of NAB's series and of what `sentinel ml
 * score-series` reads. Timestamps may be `YYYY-MM-DD HH:MM:SS` (NAB's, read as UTC), ISO 8601
 * (UTC unless it carries an offset) or epoch seconds or milliseconds; the first line may be a
 * header. A line that is neither becomes an error naming its line number, never a silent skip.
 */
import { SentinelError } from '../../errors/codes.js'

export interface SeriesPoint {
  /** Milliseconds since the epoch. */
  timestamp: number
  value: number
}

/** What one CSV line holds; `line` is 1-based. */
export type SeriesLine =
  | { kind: 'header'; line: number }
  | { kind: 'blank'; line: number }
  | { kind: 'point'; line: number; rawTimestamp: string; rawValue: string; timestamp: number; value: number }
  | { kind: 'error'; line: number; rawTimestamp: string; rawValue: string; problem: string }

// Calendar date, optional time (space or T), optional fraction and offset.
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const EPOCH_RE = /^\d+(\.\d+)?$/
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
/** Epoch numbers from here up are milliseconds (1e11 s would be the year 5138; 1e11 ms is 1973). */
const EPOCH_MS_FROM = 1e11

/** Milliseconds since the epoch for a supported timestamp, undefined for anything else. */
export function parseTimestamp(text: string): number | undefined {
  const s = text.trim()
  if (EPOCH_RE.test(s)) {
    const n = Number(s)
    return Number.isFinite(n) ? (n >= EPOCH_MS_FROM ? n : n * 1000) : undefined
  }
  const m = DATE_TIME_RE.exec(s)
  if (m === null) return undefined
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)] as const
  const ms = Date.UTC(...parts) + (frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000))
  // Date.UTC rolls 2014-02-30 over to March: a round trip catches impossible fields.
  const back = new Date(Date.UTC(...parts))
  if (
    back.getUTCFullYear() !== parts[0] ||
    back.getUTCMonth() !== parts[1] ||
    back.getUTCDate() !== parts[2] ||
    back.getUTCHours() !== parts[3] ||
    back.getUTCMinutes() !== parts[4] ||
    back.getUTCSeconds() !== parts[5]
  ) {
    return undefined
  }
  return ms - zoneOffsetMs(zone)
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0
  const digits = zone.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')
  return (zone.startsWith('-') ? -1 : 1) * minutes * 60_000
}

const unquote = (field: string): string => {
  const t = field.trim()
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t
}

/**
 * Reads one line. `line` is its 1-based number: only line 1 can be a header (a first field that is
 * no timestamp and a second that is no number, like `timestamp,value`).
 */
export function parseSeriesLine(text: string, line: number): SeriesLine {
  if (text.trim() === '') return { kind: 'blank', line }
  const fields = text.split(',')
  const rawTimestamp = unquote(fields[0] ?? '')
  const rawValue = unquote(fields[1] ?? '')
  if (fields.length !== 2) {
    const problem = `expected 2 fields (timestamp,value), got ${fields.length}`
    return { kind: 'error', line, rawTimestamp, rawValue, problem }
  }
  const timestamp = parseTimestamp(rawTimestamp)
  const isNumber = NUMBER_RE.test(rawValue)
  if (timestamp === undefined) {
    if (line === 1 && !isNumber) return { kind: 'header', line }
    return {
      kind: 'error',
      line,
      rawTimestamp,
      rawValue,
      problem: `bad timestamp ${JSON.stringify(rawTimestamp)} (expected YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch seconds/ms)`,
    }
  }
  const value = Number(rawValue)
  if (!isNumber || !Number.isFinite(value)) {
    return {
      kind: 'error',
      line,
      rawTimestamp,
      rawValue,
      problem: `bad value ${JSON.stringify(rawValue)} (expected a number)`,
    }
  }
  return { kind: 'point', line, rawTimestamp, rawValue, timestamp, value }
}

/**
 * Every point of a whole CSV text, in file order. The first malformed line throws SentinelError
 * SNT_ERR_SERIES_INPUT naming its line number (`where` names the input, such as a file path).
 */
export function parseSeriesCsv(text: string, where = 'csv'): SeriesPoint[] {
  const points: SeriesPoint[] = []
  const lines = text.split('\n')
  // A final newline ends the last line; it does not start another.
  if (lines[lines.length - 1] === '') lines.pop()
  lines.forEach((raw, i) => {
    const parsed = parseSeriesLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, i + 1)
    if (parsed.kind === 'error')
      throw new SentinelError('SNT_ERR_SERIES_INPUT', [where, `line ${parsed.line}: ${parsed.problem}`])
    if (parsed.kind === 'point') points.push({ timestamp: parsed.timestamp, value: parsed.value })
  })
  return points
}
