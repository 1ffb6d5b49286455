/**
 * @module RFC 5424 syslog: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
 * STRUCTURED-DATA [SP MSG]` (RFC 5424 section 6), scanned by index with no regular expression.
 */
import type { LogSyslog, SentinelEvent } from '../event/sentinel-event.js'
import { setTimestamp } from './base-event.js'
import { byteOffset, failEvent } from './error-event.js'
import { appendValue } from './own-fields.js'
import type { ParseContext } from './parse-context.js'
import { SCAN_OK, scanRfc3339 } from './rfc3339.js'
import { parseSyslogBody } from './syslog-body.js'
import { applyPriority, priFailureMessage, readPri } from './syslog-priority.js'

const HEADER_FIELDS = ['TIMESTAMP', 'HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID', 'STRUCTURED-DATA'] as const

/** True when `text` opens like an RFC 5424 message: `<PRIVAL>` then VERSION `1` and a space. */
export function looksLikeRfc5424(text: string): boolean {
  const pri = readPri(text, 0)
  if (pri < 0) return false
  const end = Math.floor(pri / 256)
  return text.charCodeAt(end) === 49 /* 1 */ && text.charCodeAt(end + 1) === 32
}

/**
 * Parses an RFC 5424 message into `event`. On a malformed header or structured data the event
 * becomes an error event (SNT_PARSE_PRI, SNT_PARSE_RFC5424_HEADER, SNT_PARSE_RFC5424_SD) that keeps
 * every field read before the fault. A bad TIMESTAMP is flagged (SNT_PARSE_TIMESTAMP) but the rest
 * of the message is still read.
 * @example parseRfc5424(event, '<165>1 2026-11-21T10:17:01Z host app 42 ID47 - hello', ctx)
 */
export function parseRfc5424(event: SentinelEvent, text: string, ctx: ParseContext): void {
  event.sentinel.format = 'rfc5424'
  const pri = readPri(text, 0)
  if (pri < 0) {
    failEvent(event, 'SNT_PARSE_PRI', priFailureMessage(pri, text, 0))
    return
  }
  applyPriority(event, pri & 255)
  const syslog = event.log?.syslog ?? {}
  let pos = Math.floor(pri / 256)
  // RFC 5424 6.2.2: VERSION = NONZERO-DIGIT 0*2DIGIT; this parser knows version 1.
  const versionEnd = text.indexOf(' ', pos)
  const version = text.slice(pos, versionEnd < 0 ? text.length : versionEnd)
  if (version !== '1') {
    failEvent(
      event,
      version === '' || !/^[1-9]\d{0,2}$/.test(version) ? 'SNT_PARSE_FORMAT' : 'SNT_PARSE_RFC5424_HEADER',
      version === ''
        ? `Expected the RFC 5424 VERSION after the PRI at byte ${pos}, found ${versionEnd < 0 ? 'the end' : 'a space'}`
        : `Unsupported RFC 5424 VERSION '${version.slice(0, 8)}' at byte ${pos}; expected 1`,
    )
    return
  }
  syslog.version = version
  pos = versionEnd + 1
  for (let field = 0; field < 5; field++) {
    const stop = text.indexOf(' ', pos)
    if (stop < 0 || stop === pos) {
      headerEnds(event, text, stop < 0 ? text.length : pos, field, stop === pos)
      if (stop < 0 && field > 0) setHeaderField(event, syslog, field, text.slice(pos)) // keep the partial token's field
      return
    }
    const token = text.slice(pos, stop)
    if (field === 0) {
      if (token !== '-') {
        const scan = scanRfc3339(text, pos, ctx)
        if (scan === SCAN_OK && ctx.scanEnd === stop) setTimestamp(event, ctx.scanMs)
        else {
          failEvent(
            event,
            'SNT_PARSE_TIMESTAMP',
            `RFC 5424 TIMESTAMP '${token.slice(0, 40)}' at byte ${byteOffset(text, pos)} is not a valid RFC 3339 date-time (RFC 5424 6.2.3)`,
          )
        }
      }
    } else setHeaderField(event, syslog, field, token)
    pos = stop + 1
  }
  pos = parseStructuredData(event, syslog, text, pos)
  if (pos < 0) return
  if (pos >= text.length) return
  if (text.charCodeAt(pos) !== 32) {
    failEvent(
      event,
      'SNT_PARSE_RFC5424_SD',
      `Expected a space or the end after STRUCTURED-DATA at byte ${byteOffset(text, pos)}, found '${text[pos]}'`,
    )
    return
  }
  parseSyslogBody(event, text, pos + 1, ctx)
}

function setHeaderField(event: SentinelEvent, syslog: LogSyslog, field: number, token: string): void {
  if (token === '-' || token === '') return // NILVALUE
  switch (field) {
    case 1:
      syslog.hostname = token
      event.host = { name: token }
      break
    case 2:
      syslog.appname = token
      ;(event.process ??= {}).name = token
      break
    case 3:
      syslog.procid = token
      if (/^\d{1,10}$/.test(token)) (event.process ??= {}).pid = Number(token)
      break
    case 4:
      syslog.msgid = token
      break
  }
}

function headerEnds(event: SentinelEvent, text: string, at: number, field: number, empty: boolean): void {
  const name = HEADER_FIELDS[field] ?? 'STRUCTURED-DATA'
  failEvent(
    event,
    'SNT_PARSE_RFC5424_HEADER',
    empty
      ? `Empty ${name} at byte ${byteOffset(text, at)} (two spaces); use '-' for a missing value (RFC 5424 6)`
      : `RFC 5424 header ends at byte ${byteOffset(text, at)} before ${HEADER_FIELDS[field + 1] ?? 'STRUCTURED-DATA'}`,
  )
}

/** True for SD-NAME characters: PRINTUSASCII except `=`, SP, `]`, `"` (RFC 5424 6.3.2). */
function isSdNameChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 61 && c !== 93 && c !== 34
}

/**
 * Reads STRUCTURED-DATA at `pos` (RFC 5424 6.3) into `log.syslog.structured_data`; returns the index
 * after it, or -1 after recording an error (the elements read so far are kept).
 */
function parseStructuredData(event: SentinelEvent, syslog: LogSyslog, text: string, pos: number): number {
  const length = text.length
  if (pos >= length) {
    failEvent(
      event,
      'SNT_PARSE_RFC5424_HEADER',
      `RFC 5424 header ends at byte ${byteOffset(text, pos)} before STRUCTURED-DATA`,
    )
    return -1
  }
  const first = text.charCodeAt(pos)
  if (first === 45 /* - */) return pos + 1
  if (first !== 91 /* [ */)
    return sdError(
      event,
      text,
      pos,
      `Expected '[' or '-' for STRUCTURED-DATA at byte %, found '${text[pos]}'`,
    )
  const data: Record<string, Record<string, string | string[]>> = {}
  syslog.structured_data = data
  while (pos < length && text.charCodeAt(pos) === 91) {
    const elementStart = pos
    pos++
    const idStart = pos
    while (pos < length && isSdNameChar(text.charCodeAt(pos))) pos++
    if (pos === idStart) return sdError(event, text, idStart, 'Empty SD-ID at byte %')
    const id = text.slice(idStart, pos)
    let params = Object.hasOwn(data, id) ? data[id] : undefined
    if (params === undefined) {
      params = {}
      if (id === '__proto__')
        Object.defineProperty(data, id, {
          value: params,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      else data[id] = params
    }
    for (;;) {
      if (pos >= length)
        return sdError(
          event,
          text,
          elementStart,
          `SD-ELEMENT '${id.slice(0, 32)}' starting at byte % is not terminated by ']'`,
        )
      const c = text.charCodeAt(pos)
      if (c === 93 /* ] */) {
        pos++
        break
      }
      if (c !== 32)
        return sdError(
          event,
          text,
          pos,
          `Expected ' ' or ']' in SD-ELEMENT '${id.slice(0, 32)}' at byte %, found '${text[pos]}'`,
        )
      pos++
      const nameStart = pos
      while (pos < length && isSdNameChar(text.charCodeAt(pos))) pos++
      if (pos === nameStart)
        return sdError(
          event,
          text,
          nameStart,
          `Expected a PARAM-NAME in SD-ELEMENT '${id.slice(0, 32)}' at byte %`,
        )
      if (text.charCodeAt(pos) !== 61 || text.charCodeAt(pos + 1) !== 34) {
        return sdError(
          event,
          text,
          pos,
          `Expected '="' after PARAM-NAME '${text.slice(nameStart, pos).slice(0, 32)}' at byte %`,
        )
      }
      const name = text.slice(nameStart, pos)
      const valueStart = pos + 2
      let i = valueStart
      let escaped = false
      while (i < length) {
        const v = text.charCodeAt(i)
        if (v === 34) break
        if (v === 92) {
          escaped = true
          i++
        }
        i++
      }
      if (i >= length) {
        return sdError(
          event,
          text,
          valueStart - 1,
          `PARAM-VALUE of '${name.slice(0, 32)}' opened at byte % is not terminated by '"'`,
        )
      }
      appendValue(params, name, escaped ? unescapeParamValue(text, valueStart, i) : text.slice(valueStart, i))
      pos = i + 1
    }
  }
  return pos
}

/** RFC 5424 6.3.3: `\"`, `\\` and `\]` stand for the character; any other backslash is literal. */
function unescapeParamValue(text: string, start: number, end: number): string {
  let out = ''
  let from = start
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) !== 92) continue
    const next = text.charCodeAt(i + 1)
    if (next === 34 || next === 92 || next === 93) {
      out += text.slice(from, i)
      from = i + 1
      i++
    }
  }
  return out + text.slice(from, end)
}

function sdError(event: SentinelEvent, text: string, at: number, template: string): number {
  failEvent(event, 'SNT_PARSE_RFC5424_SD', template.replace('%', String(byteOffset(text, at))))
  return -1
}
