/**
 * @module Message parsers: `parseRecord` turns a RawRecord into a SentinelEvent (ECS), dispatching
 * on the listener's format, then categorises well-known syslog records (known-messages/). It never
 * throws: bad input becomes an error event that keeps `event.original` and every field read before
 * the fault.
 */
import { isUtf8 } from 'node:buffer'
import type { RawRecord } from '../event/raw-record.js'
import { ECS_VERSION } from '../event/sentinel-event.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { createBaseEvent } from './base-event.js'
import { parseCef } from './cef.js'
import { failEvent, internalErrorEvent } from './error-event.js'
import { parseJsonBody } from './json.js'
import { categoriseKnownMessage } from './known-messages/index.js'
import { parseLeef } from './leef.js'
import type { ParseContext } from './parse-context.js'
import type { MibTable } from '../enrich/mib/table.js'
import { shippedMibTable } from '../enrich/mib/table.js'
import { parseAlert } from './alert.js'
import { parseSnmpPoll } from './snmp-poll.js'
import { parseSnmpTrap } from './snmp-trap.js'
import { parseRfc3164 } from './rfc3164.js'
import { looksLikeRfc5424, parseRfc5424 } from './rfc5424.js'
import { contentEnd, isCefAt, isLeefAt } from './syslog-body.js'

/** Options of {@link parseRecord}. */
export interface ParseOptions {
  /** Reference instant for RFC 3164 year inference, ms since the epoch; default `record.receivedAt`. */
  now?: number
  /** Year of RFC 3164 stamps that carry none, instead of inferring it (`sentinel parse --year`). */
  year?: number
  /** MIB table for `snmp_trap` records; default: the shipped MIBs (built on first use). */
  mib?: MibTable
  /** Address -> inventory device name: traps from a polled device get its name as host.name. */
  hosts?: ReadonlyMap<string, string>
}

/**
 * Parses one received frame into an ECS event, following `record.context.format`:
 * - `auto`: `<PRI>1 ` is RFC 5424, other `<` RFC 3164, `{` JSON, `CEF:`/`LEEF:` those, anything else
 *   RFC 3164 without PRI; a syslog MSG that is CEF, LEEF or a JSON object is parsed as such.
 * - `rfc3164`, `rfc5424`: that syslog format only (SNT_PARSE_FORMAT for the other one or a bare body).
 * - `cef`, `leef`, `json`: that format, bare or behind an RFC 5424/3164 header.
 *
 * Never throws, whatever the bytes.
 * @example
 * const event = parseRecord({ data: Buffer.from('<13>Nov 21 10:17:01 host sshd[42]: Accepted'), receivedAt: Date.now(), context })
 * event.log?.syslog?.appname // 'sshd'
 */
export function parseRecord(record: RawRecord, options?: ParseOptions): SentinelEvent {
  try {
    return dispatch(record, options)
  } catch (err) {
    try {
      return internalErrorEvent(record, err)
    } catch {
      return {
        '@timestamp': new Date().toISOString(),
        ecs: { version: ECS_VERSION },
        event: { kind: 'pipeline_error', dataset: 'sentinel.syslog', original: '' },
        error: { code: 'SNT_PARSE_INTERNAL', message: 'Parser failed unexpectedly on a malformed record' },
        sentinel: {},
      }
    }
  }
}

function dispatch(record: RawRecord, options: ParseOptions | undefined): SentinelEvent {
  const data = record.data
  const validUtf8 = isUtf8(data)
  const text = data.toString('utf8') // decoded once; invalid sequences become U+FFFD (bytes kept as base64)
  const context = record.context
  const pinned = context.format
  if (pinned === 'snmp_trap') {
    return parseSnmpTrap(record, text, validUtf8, options?.mib ?? shippedMibTable(), options?.hosts)
  }
  if (pinned === 'snmp_poll') return parseSnmpPoll(record, text, validUtf8)
  if (pinned === 'alert') return parseAlert(record, text, validUtf8)
  const event = createBaseEvent(record, text, validUtf8, pinned)
  const ctx: ParseContext = {
    now: options?.now ?? record.receivedAt,
    year: options?.year,
    timezone: context.timezone,
    pinned,
    scanMs: 0,
    scanEnd: 0,
  }
  if (contentEnd(text) === 0) {
    failEvent(
      event,
      'SNT_PARSE_EMPTY',
      data.length === 0 ? 'Empty message (0 bytes)' : 'Message holds only line breaks',
    )
    return event
  }
  const first = text.charCodeAt(0)
  switch (pinned) {
    case 'rfc5424':
      parseRfc5424(event, text, ctx)
      break
    case 'rfc3164':
      if (looksLikeRfc5424(text)) formatMismatch(event, 'rfc3164', 'an RFC 5424 header (<PRI>1 )')
      else if (first !== 60 && (first === 123 || isCefAt(text, 0) || isLeefAt(text, 0))) {
        formatMismatch(event, 'rfc3164', first === 123 ? 'a bare JSON object' : 'a bare CEF/LEEF message')
      } else parseRfc3164(event, text, ctx)
      break
    case 'cef':
    case 'leef':
    case 'json':
      parsePinnedBody(event, text, first, ctx)
      break
    default:
      parseAuto(event, text, first, ctx)
  }
  // CEF, LEEF and JSON bodies carry their own fields; plain syslog text may be a known record.
  const format = event.sentinel.format
  if (format === 'rfc3164' || format === 'rfc5424') categoriseKnownMessage(event)
  return event
}

function parseAuto(event: SentinelEvent, text: string, first: number, ctx: ParseContext): void {
  if (first === 60 /* < */) {
    if (looksLikeRfc5424(text)) parseRfc5424(event, text, ctx)
    else parseRfc3164(event, text, ctx)
  } else if (first === 123 /* { */) parseJsonBody(event, text, 0, contentEnd(text), ctx)
  else if (isCefAt(text, 0)) parseCef(event, text, 0, contentEnd(text), ctx)
  else if (isLeefAt(text, 0)) parseLeef(event, text, 0, contentEnd(text), ctx)
  else parseRfc3164(event, text, ctx)
}

/** cef/leef/json listeners: the bare format, or a syslog header in front of it. */
function parsePinnedBody(event: SentinelEvent, text: string, first: number, ctx: ParseContext): void {
  if (first === 60) {
    if (looksLikeRfc5424(text)) parseRfc5424(event, text, ctx)
    else parseRfc3164(event, text, ctx)
    // The syslog parsers ran the body through the sniffer, which enforces the pinned format.
    if (event.sentinel.format !== ctx.pinned && event.error === undefined) {
      formatMismatch(event, ctx.pinned, `a syslog message without a ${ctx.pinned.toUpperCase()} body`)
    }
    return
  }
  const end = contentEnd(text)
  if (ctx.pinned === 'cef' && isCefAt(text, 0)) parseCef(event, text, 0, end, ctx)
  else if (ctx.pinned === 'leef' && isLeefAt(text, 0)) parseLeef(event, text, 0, end, ctx)
  else if (ctx.pinned === 'json' && !isCefAt(text, 0) && !isLeefAt(text, 0))
    parseJsonBody(event, text, 0, end, ctx)
  else if (!isCefAt(text, 0) && !isLeefAt(text, 0) && first !== 123) {
    // A syslog header without PRI (RFC 3164 4.3.3) may still carry the pinned body.
    parseRfc3164(event, text, ctx)
    if (event.sentinel.format !== ctx.pinned && event.error === undefined) {
      formatMismatch(event, ctx.pinned, 'text without a recognisable header')
    }
  } else formatMismatch(event, ctx.pinned, 'a message of another format')
}

function formatMismatch(event: SentinelEvent, expected: string, found: string): void {
  failEvent(
    event,
    'SNT_PARSE_FORMAT',
    `Listener expects ${expected.toUpperCase()} but the message is ${found}`,
  )
}
