/**
 * @module IBM QRadar Log Event Extended Format: LEEF 1.0 `LEEF:1.0|Vendor|Product|Version|EventID|`
 * + tab-separated `key=value`, and LEEF 2.0 `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|` + attributes
 * separated by that delimiter (a character, or its code as `x09` / `0x5E`), bare or as a syslog MSG
 * (IBM "LEEF format guide" 1.0 and 2.0).
 */
import type { SentinelEvent } from '../event/sentinel-event.js'
import { setTimestamp } from './base-event.js'
import { setDeviceTime } from './cef.js'
import { byteOffset, failEvent } from './error-event.js'
import { parseJavaDate } from './java-date-pattern.js'
import {
  setEndpointBytes,
  setEndpointIp,
  setEndpointMac,
  setEndpointPort,
  setTransport,
} from './network-fields.js'
import { categoriseVerdict } from './known-messages/categorisation.js'
import { appendValue, setOwn } from './own-fields.js'
import type { ParseContext } from './parse-context.js'

const HEADER_FIELDS = ['LEEF Version', 'Vendor', 'Product Name', 'Product Version', 'EventID']

/**
 * Parses a LEEF message occupying `text[start, end)` (starting `LEEF:`) into `event`, which may
 * already hold syslog header fields. Sets `sentinel.format = 'leef'`. A header missing one of its
 * `|` separators, or a LEEF 2.0 delimiter that is not one character or a hex code, makes the event
 * an SNT_PARSE_LEEF error with the fields read so far.
 * @example parseLeef(event, 'LEEF:1.0|IBM|QRadar|7.5|Login|src=10.0.0.1\tusrName=bob', 0, 54, ctx)
 */
export function parseLeef(
  event: SentinelEvent,
  text: string,
  start: number,
  end: number,
  ctx: ParseContext,
): void {
  event.sentinel.format = 'leef'
  let pos = start + 5
  let version = ''
  for (let field = 0; field < 5; field++) {
    const stop = text.indexOf('|', pos)
    if (stop < 0 || stop >= end) {
      failEvent(
        event,
        'SNT_PARSE_LEEF',
        `LEEF header ends at byte ${byteOffset(text, end)} without the '|' closing field ${field + 1} (${HEADER_FIELDS[field]}); 5 are required`,
      )
      return
    }
    const value = text.slice(pos, stop)
    pos = stop + 1
    if (field === 0) {
      version = value.trim()
      event.sentinel.format_version = version
    } else if (value !== '') {
      if (field === 4) (event.event ??= {}).code = value
      else {
        const observer = (event.observer ??= {})
        if (field === 1) observer.vendor = value
        else if (field === 2) observer.product = value
        else observer.version = value
      }
    }
  }
  let delimiter = '\t'
  if (version.startsWith('2')) {
    // LEEF 2.0: the delimiter field is optional; a field holding `=` is already the attributes.
    const stop = text.indexOf('|', pos)
    const field = stop >= 0 && stop < end ? text.slice(pos, stop) : undefined
    if (field !== undefined && !field.includes('=')) {
      const parsed = parseDelimiter(field)
      if (parsed === undefined) {
        failEvent(
          event,
          'SNT_PARSE_LEEF',
          `LEEF 2.0 delimiter '${field.slice(0, 16)}' at byte ${byteOffset(text, pos)} is neither one character nor a hex code like x09`,
        )
        return
      }
      delimiter = parsed
      pos = stop + 1
    }
  }
  const attributes = readAttributes(text, pos, end, delimiter)
  mapAttributes(event, attributes, ctx)
  // LEEF predefines no verdict key; firewalls write `action=` (kept in sentinel.extensions as is).
  const action = Object.hasOwn(attributes, 'action') ? attributes.action : undefined
  if (typeof action === 'string') categoriseVerdict(event, action)
}

/** LEEF 2.0 delimiter field: empty (tab), one character, or `xHH`/`0xHH` (up to 4 hex digits). */
function parseDelimiter(field: string): string | undefined {
  if (field === '') return '\t'
  if (field.length === 1) return field
  const hex =
    field.startsWith('0x') || field.startsWith('0X')
      ? field.slice(2)
      : field.startsWith('x') || field.startsWith('X')
        ? field.slice(1)
        : ''
  if (!/^[0-9A-Fa-f]{1,4}$/.test(hex)) return undefined
  return String.fromCharCode(parseInt(hex, 16))
}

/** Splits attributes on `delimiter`; a piece without `=` belongs to the previous value. */
function readAttributes(
  text: string,
  start: number,
  end: number,
  delimiter: string,
): Record<string, string | string[]> {
  const pairs: Record<string, string | string[]> = {}
  let pos = start
  let lastKey: string | undefined
  let eq = -1 // next '=' at or after pos, reused across pieces so the scan stays linear
  while (pos < end) {
    let stop = text.indexOf(delimiter, pos)
    if (stop < 0 || stop > end) stop = end
    if (eq < pos && eq !== Infinity) {
      eq = text.indexOf('=', pos)
      if (eq < 0) eq = Infinity
    }
    if (eq > pos && eq < stop) {
      lastKey = text.slice(pos, eq).trim()
      appendValue(pairs, lastKey, text.slice(eq + 1, stop))
    } else if (stop > pos) {
      const piece = text.slice(pos, stop)
      if (lastKey !== undefined) {
        const previous = pairs[lastKey]
        if (typeof previous === 'string') setOwn(pairs, lastKey, previous + delimiter + piece)
        else if (previous !== undefined) previous[previous.length - 1] += delimiter + piece
      } else appendValue(pairs, 'unparsed_attributes', piece)
    }
    pos = stop + delimiter.length
  }
  return pairs
}

/** Maps LEEF predefined attributes to ECS; the rest goes to `sentinel.extensions`. */
function mapAttributes(
  event: SentinelEvent,
  pairs: Record<string, string | string[]>,
  ctx: ParseContext,
): void {
  let extensions: Record<string, unknown> | undefined
  const format = typeof pairs.devTimeFormat === 'string' ? pairs.devTimeFormat : undefined
  for (const key of Object.keys(pairs)) {
    const raw = pairs[key]
    if (raw === undefined) continue
    const value = typeof raw === 'string' ? raw : (raw[0] ?? '')
    let mapped = typeof raw === 'string'
    switch (key) {
      case 'src':
        mapped = setEndpointIp(event, 'source', value) && mapped
        break
      case 'dst':
        mapped = setEndpointIp(event, 'destination', value) && mapped
        break
      case 'srcPort':
        mapped = setEndpointPort(event, 'source', value) && mapped
        break
      case 'dstPort':
        mapped = setEndpointPort(event, 'destination', value) && mapped
        break
      case 'srcBytes':
        mapped = setEndpointBytes(event, 'source', value) && mapped
        break
      case 'dstBytes':
        mapped = setEndpointBytes(event, 'destination', value) && mapped
        break
      case 'srcMAC':
        mapped = setEndpointMac(event, 'source', value) && mapped
        break
      case 'dstMAC':
        mapped = setEndpointMac(event, 'destination', value) && mapped
        break
      case 'usrName':
        ;(event.user ??= {}).name = value
        break
      case 'proto':
        mapped = setTransport(event, value) && mapped
        break
      case 'cat':
        ;(event.event ??= {}).action = value
        break
      case 'sev': {
        const severity = /^\d{1,2}$/.test(value) ? Number(value) : -1
        mapped = severity >= 0 && severity <= 10 && mapped
        if (severity >= 0 && severity <= 10) (event.event ??= {}).severity = severity
        break
      }
      case 'devTime': {
        const ms = format !== undefined ? parseJavaDate(value, format, ctx.timezone) : Number.NaN
        mapped = (Number.isNaN(ms) ? setDeviceTime(event, value, ctx) : setTimestamp(event, ms)) && mapped
        break
      }
      case 'devTimeFormat':
        mapped = false
        break
      default:
        mapped = false
    }
    if (mapped) continue
    extensions ??= event.sentinel.extensions ??= {}
    setOwn(extensions, key, raw)
  }
}
