/**
 * @module ArcSight Common Event Format (CEF) `CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension`,
 * bare or as a syslog MSG, following the "Implementing ArcSight CEF" guide (rev. 25): header escapes
 * `\|` `\\`, extension escapes `\=` `\\` `\n` `\r`, values running to the next ` key=`.
 */
import type { SentinelEvent } from '../event/sentinel-event.js'
import { scanBsdTimestamp } from './bsd-timestamp.js'
import { setTimestamp } from './base-event.js'
import { byteOffset, failEvent } from './error-event.js'
import { categoriseVerdict } from './known-messages/categorisation.js'
import { appendValue, setOwn } from './own-fields.js'
import {
  setEndpointBytes,
  setEndpointDomain,
  setEndpointIp,
  setEndpointMac,
  setEndpointPort,
  setEndpointUser,
  setTransport,
} from './network-fields.js'
import type { ParseContext } from './parse-context.js'
import { SCAN_OK, scanRfc3339 } from './rfc3339.js'

const HEADER_FIELDS = [
  'Version',
  'Device Vendor',
  'Device Product',
  'Device Version',
  'Signature ID',
  'Name',
  'Severity',
]

/** CEF severity words and the numbers the CEF guide gives them. */
const SEVERITY_WORDS: Readonly<Record<string, number>> = { low: 3, medium: 6, high: 8, 'very-high': 10 }

/** ECS `event.outcome` allowed values. */
const OUTCOMES = new Set(['success', 'failure', 'unknown'])

/**
 * Parses a CEF message occupying `text[start, end)` (starting `CEF:`) into `event`, which may
 * already hold syslog header fields. Sets `sentinel.format = 'cef'`. A header with fewer than seven
 * `|`-terminated fields makes the event an SNT_PARSE_CEF error, keeping the fields read.
 * @example parseCef(event, 'CEF:0|Acme|FW|1.0|100|Blocked|5|src=10.0.0.1', 0, 44, ctx)
 */
export function parseCef(
  event: SentinelEvent,
  text: string,
  start: number,
  end: number,
  ctx: ParseContext,
): void {
  event.sentinel.format = 'cef'
  let pos = start + 4
  let name = ''
  for (let field = 0; field < 7; field++) {
    const stop = findHeaderPipe(text, pos, end)
    if (stop < 0) {
      failEvent(
        event,
        'SNT_PARSE_CEF',
        `CEF header ends at byte ${byteOffset(text, end)} without the '|' closing field ${field + 1} (${HEADER_FIELDS[field]}); 7 are required`,
      )
      if (name !== '') event.message = name
      return
    }
    const value = unescapeHeader(text, pos, stop)
    pos = stop + 1
    switch (field) {
      case 0:
        event.sentinel.format_version = value.trim()
        break
      case 1:
        if (value !== '') (event.observer ??= {}).vendor = value
        break
      case 2:
        if (value !== '') (event.observer ??= {}).product = value
        break
      case 3:
        if (value !== '') (event.observer ??= {}).version = value
        break
      case 4:
        if (value !== '') (event.event ??= {}).code = value
        break
      case 5:
        name = value
        break
      case 6:
        applySeverity(event, value)
        break
    }
  }
  const extension = readExtension(text, pos, end)
  const message = extension === undefined ? undefined : mapExtension(event, extension, ctx)
  // `act=deny` and the like: ECS `event.type: denied` (allowed), once every extension is mapped.
  const action = event.event?.action
  if (action !== undefined) categoriseVerdict(event, action)
  if (message !== undefined) {
    event.message = message
    if (name !== '') (event.event ??= {}).reason = name
  } else if (name !== '') event.message = name
}

/** Index of the next unescaped `|` in `[pos, end)`, or -1. */
function findHeaderPipe(text: string, pos: number, end: number): number {
  for (let i = pos; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 124) return i
    if (c === 92) i++
  }
  return -1
}

/** Header field with `\|` and `\\` resolved; any other backslash is kept as is. */
function unescapeHeader(text: string, start: number, end: number): string {
  const slash = text.indexOf('\\', start)
  if (slash < 0 || slash >= end) return text.slice(start, end)
  let out = ''
  let from = start
  for (let i = slash; i < end; i++) {
    if (text.charCodeAt(i) !== 92) continue
    const next = text.charCodeAt(i + 1)
    if (next === 124 || next === 92) {
      out += text.slice(from, i)
      from = i + 1
      i++
    }
  }
  return out + text.slice(from, end)
}

function applySeverity(event: SentinelEvent, value: string): void {
  const trimmed = value.trim()
  let severity = -1
  if (/^\d{1,2}$/.test(trimmed)) severity = Number(trimmed)
  else {
    const word = SEVERITY_WORDS[trimmed.toLowerCase()]
    if (word !== undefined && Object.hasOwn(SEVERITY_WORDS, trimmed.toLowerCase())) severity = word
  }
  if (severity >= 0 && severity <= 10) (event.event ??= {}).severity = severity
  else if (trimmed !== '') event.sentinel.vendor_severity = trimmed
}

/** True for characters CEF extension keys are made of (letters, digits, `_`, `.`, `-`, `[`, `]`). */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 46 ||
    c === 45 ||
    c === 91 ||
    c === 93
  )
}

/**
 * Splits the extension into key -> value(s), in one left-to-right pass: a value ends at the last
 * space before the next `key=` (an unescaped `=` preceded by a run of key characters and a space).
 * Linear in the length: each character is looked at a bounded number of times.
 */
function readExtension(
  text: string,
  start: number,
  end: number,
): Record<string, string | string[]> | undefined {
  let pos = start
  while (pos < end && text.charCodeAt(pos) === 32) pos++
  if (pos >= end) return undefined
  const pairs: Record<string, string | string[]> = {}
  let keyStart = pos
  let keyEnd = findFirstKeyEnd(text, pos, end)
  if (keyEnd < 0) {
    pairs.unparsed_extension = text.slice(pos, end) // no key=value at all: keep the text
    return pairs
  }
  let valueStart = keyEnd + 1
  let i = valueStart
  let hasEscape = false
  while (i < end) {
    const c = text.charCodeAt(i)
    if (c === 92) {
      hasEscape = true
      i += 2
      continue
    }
    if (c !== 32) {
      i++
      continue
    }
    let k = i + 1
    while (k < end && isKeyChar(text.charCodeAt(k))) k++
    if (k > i + 1 && text.charCodeAt(k) === 61 /* = */) {
      appendValue(pairs, text.slice(keyStart, keyEnd), extensionValue(text, valueStart, i, hasEscape))
      keyStart = i + 1
      keyEnd = k
      valueStart = k + 1
      hasEscape = false
      i = valueStart
    } else i = k > i + 1 ? k : i + 1
  }
  appendValue(pairs, text.slice(keyStart, keyEnd), extensionValue(text, valueStart, end, hasEscape))
  return pairs
}

/** End of the first key (index of its `=`), or -1 when the extension does not open with `key=`. */
function findFirstKeyEnd(text: string, pos: number, end: number): number {
  let k = pos
  while (k < end && isKeyChar(text.charCodeAt(k))) k++
  return k > pos && k < end && text.charCodeAt(k) === 61 ? k : -1
}

/** A value with trailing spaces dropped and `\=` `\\` `\n` `\r` resolved (others kept verbatim). */
function extensionValue(text: string, start: number, end: number, hasEscape: boolean): string {
  while (end > start && text.charCodeAt(end - 1) === 32) end--
  if (!hasEscape) return text.slice(start, end)
  let out = ''
  let from = start
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) !== 92 || i + 1 >= end) continue
    const next = text.charCodeAt(i + 1)
    let replacement: string | undefined
    if (next === 61 || next === 92) replacement = text[i + 1]
    else if (next === 110) replacement = '\n'
    else if (next === 114) replacement = '\r'
    if (replacement === undefined) {
      i++
      continue
    }
    out += text.slice(from, i) + replacement
    from = i + 2
    i++
  }
  return out + text.slice(from, end)
}

/**
 * Maps extension keys to ECS (the table in the module README of `parse/`); returns the `msg` value.
 * `csN`/`cnN`/... take the name in their `<key>Label` partner; everything unmapped, and every value
 * that fails its ECS type (an `src` that is not an address), lands in `sentinel.extensions`.
 */
function mapExtension(
  event: SentinelEvent,
  pairs: Record<string, string | string[]>,
  ctx: ParseContext,
): string | undefined {
  let message: string | undefined
  let extensions: Record<string, string | string[]> | undefined
  for (const key of Object.keys(pairs)) {
    const raw = pairs[key]
    if (raw === undefined) continue
    const value = typeof raw === 'string' ? raw : (raw[0] ?? '')
    let mapped = typeof raw === 'string' // repeated keys keep all values in extensions too
    switch (key) {
      case 'src':
        mapped = setEndpointIp(event, 'source', value) && mapped
        break
      case 'dst':
        mapped = setEndpointIp(event, 'destination', value) && mapped
        break
      case 'spt':
        mapped = setEndpointPort(event, 'source', value) && mapped
        break
      case 'dpt':
        mapped = setEndpointPort(event, 'destination', value) && mapped
        break
      case 'shost':
        setEndpointDomain(event, 'source', value)
        break
      case 'dhost':
        setEndpointDomain(event, 'destination', value)
        break
      case 'smac':
        mapped = setEndpointMac(event, 'source', value) && mapped
        break
      case 'dmac':
        mapped = setEndpointMac(event, 'destination', value) && mapped
        break
      case 'suser':
        setEndpointUser(event, 'source', value)
        break
      case 'duser':
        setEndpointUser(event, 'destination', value)
        break
      case 'in':
        mapped = setEndpointBytes(event, 'source', value) && mapped
        break
      case 'out':
        mapped = setEndpointBytes(event, 'destination', value) && mapped
        break
      case 'act':
        ;(event.event ??= {}).action = value
        break
      case 'proto':
        mapped = setTransport(event, value) && mapped
        break
      case 'request':
        ;(event.url ??= {}).original = value
        break
      case 'msg':
        message = value
        break
      case 'outcome': {
        const outcome = value.toLowerCase()
        mapped = OUTCOMES.has(outcome) && mapped
        if (OUTCOMES.has(outcome)) (event.event ??= {}).outcome = outcome
        break
      }
      case 'rt':
        mapped = setDeviceTime(event, value, ctx) && mapped
        break
      default:
        mapped = false
    }
    if (mapped) continue
    if (key.endsWith('Label') && Object.hasOwn(pairs, key.slice(0, -5))) continue // consumed by its partner
    let name = key
    if (!(key === 'src' || key === 'dst')) {
      const label = Object.hasOwn(pairs, key + 'Label') ? pairs[key + 'Label'] : undefined
      if (typeof label === 'string' && label !== '') name = label
    }
    extensions ??= {}
    if (typeof raw === 'string') appendValue(extensions, name, raw)
    else for (const item of raw) appendValue(extensions, name, item)
  }
  if (extensions !== undefined) {
    const target = (event.sentinel.extensions ??= {})
    for (const key of Object.keys(extensions)) setOwn(target, key, extensions[key])
  }
  return message
}

/**
 * `rt` / `devTime` style device time: ms since the epoch, `MMM dd [yyyy] HH:mm:ss[.SSS] [zone]`,
 * or RFC 3339. Sets `@timestamp`; false (leaving it) when the value is none of these.
 */
export function setDeviceTime(event: SentinelEvent, value: string, ctx: ParseContext): boolean {
  if (/^\d{9,15}$/.test(value)) return setTimestamp(event, Number(value))
  if (
    (scanBsdTimestamp(value, 0, ctx) === SCAN_OK || scanRfc3339(value, 0, ctx) === SCAN_OK) &&
    ctx.scanEnd === value.length
  ) {
    return setTimestamp(event, ctx.scanMs)
  }
  return false
}
