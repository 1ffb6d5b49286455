/**
 * @module JSON lines: one JSON object per message (RFC 8259), bare or as a syslog MSG. Well-known
 * keys map to ECS; every other key is kept as-is under `sentinel.extensions`.
 */
import type { SentinelEvent } from '../event/sentinel-event.js'
import { setTimestamp } from './base-event.js'
import { byteOffset, failEvent } from './error-event.js'
import { setOwn } from './own-fields.js'
import type { ParseContext } from './parse-context.js'
import { SCAN_OK, scanRfc3339 } from './rfc3339.js'

/** Deepest nesting kept: deeper documents are refused so that serialising the event cannot overflow the stack. */
export const MAX_JSON_DEPTH = 64

/** pino/bunyan numeric levels and the names they stand for. */
const NUMERIC_LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}

/**
 * Parses `text[start, end)` as a JSON object into `event`. Returns true when it did (fields merged,
 * `sentinel.format = 'json'`), or when it recorded an SNT_PARSE_JSON error because the listener is
 * pinned to `json`; false when the text is not a JSON object and the caller should keep it as plain
 * text (a syslog MSG that merely starts with `{`).
 */
export function parseJsonBody(
  event: SentinelEvent,
  text: string,
  start: number,
  end: number,
  ctx: ParseContext,
): boolean {
  const strict = ctx.pinned === 'json' || (start === 0 && ctx.pinned === 'auto')
  let value: unknown
  try {
    value = JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end))
  } catch (err) {
    if (!strict) return false
    event.sentinel.format = 'json'
    const reason = err instanceof Error ? err.message : String(err)
    failEvent(event, 'SNT_PARSE_JSON', `Invalid JSON starting at byte ${byteOffset(text, start)}: ${reason}`)
    return true
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (!strict) return false
    event.sentinel.format = 'json'
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    failEvent(
      event,
      'SNT_PARSE_JSON',
      `JSON message at byte ${byteOffset(text, start)} is ${kind}, not an object`,
    )
    return true
  }
  event.sentinel.format = 'json'
  if (exceedsDepth(value, MAX_JSON_DEPTH)) {
    failEvent(
      event,
      'SNT_PARSE_JSON',
      `JSON message at byte ${byteOffset(text, start)} nests deeper than ${MAX_JSON_DEPTH} levels`,
    )
    return true
  }
  mapObject(event, value as Record<string, unknown>, ctx)
  return true
}

/** Iterative depth check (no recursion, so hostile nesting cannot overflow the stack here either). */
function exceedsDepth(root: object, limit: number): boolean {
  const stack: unknown[] = [root]
  const depths: number[] = [1]
  while (stack.length > 0) {
    const node = stack.pop()
    const depth = depths.pop() ?? 0
    if (typeof node !== 'object' || node === null) continue
    if (depth > limit) return true
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return false
}

function mapObject(event: SentinelEvent, object: Record<string, unknown>, ctx: ParseContext): void {
  let extensions: Record<string, unknown> | undefined
  for (const key of Object.keys(object)) {
    const value = object[key]
    let mapped = false
    switch (key) {
      case '@timestamp':
      case 'timestamp':
      case 'time':
        mapped = setJsonTime(event, value, ctx)
        break
      case 'message':
      case 'msg':
        if (typeof value === 'string') {
          event.message = value
          mapped = true
        }
        break
      case 'level':
      case 'log.level':
      case 'severity': {
        const level = levelName(value)
        if (level !== undefined) {
          ;(event.log ??= {}).level = level
          mapped = true
        }
        break
      }
      case 'host.name':
      case 'hostname':
      case 'host':
        if (typeof value === 'string' && value !== '') {
          ;(event.host ??= {}).name = value
          mapped = true
        }
        break
    }
    if (mapped) continue
    extensions ??= event.sentinel.extensions ??= {}
    setOwn(extensions, key, value)
  }
}

function levelName(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value.toLowerCase()
  if (typeof value === 'number' && Number.isFinite(value)) return NUMERIC_LEVELS[value] ?? String(value)
  return undefined
}

/** An RFC 3339 string (offset-less reads in the listener's zone) or a number of ms (or s) since the epoch. */
function setJsonTime(event: SentinelEvent, value: unknown, ctx: ParseContext): boolean {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return setTimestamp(event, Math.abs(value) < 1e11 ? value * 1000 : value) // below 1e11: seconds
  }
  if (typeof value !== 'string') return false
  if (scanRfc3339(value, 0, ctx) === SCAN_OK && ctx.scanEnd === value.length)
    return setTimestamp(event, ctx.scanMs)
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? false : setTimestamp(event, ms)
}
