/**
 * @module BSD syslog, RFC 3164: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: CONTENT` and the variants
 * real senders emit: no PRI (RFC 3164 4.3.3), no HOSTNAME, an RFC 3339 stamp (rsyslog high
 * precision), milliseconds and a year in the stamp, Cisco IOS sequence numbers and `*`/`.` clock
 * marks, and ASA's `HOSTNAME : %ASA-...`.
 */
import type { LogSyslog, SentinelEvent } from '../event/sentinel-event.js'
import { setTimestamp } from './base-event.js'
import { scanBsdTimestamp } from './bsd-timestamp.js'
import { byteOffset, failEvent } from './error-event.js'
import { localToUtc } from './local-time.js'
import type { ParseContext } from './parse-context.js'
import { SCAN_INVALID, SCAN_OK, scanRfc3339 } from './rfc3339.js'
import { isCefAt, isLeefAt, parseSyslogBody } from './syslog-body.js'
import { DEFAULT_PRIORITY, applyPriority, priFailureMessage, readPri } from './syslog-priority.js'

/** Longest TAG accepted (RFC 3164 4.1.3 says 32; real app names run longer). */
const MAX_TAG_LENGTH = 64

/**
 * Parses an RFC 3164 message into `event`. Only a malformed `<PRI>` is fatal (SNT_PARSE_PRI); a
 * stamp with impossible values is flagged SNT_PARSE_TIMESTAMP and the rest still read. A frame with
 * no stamp is all CONTENT, as RFC 3164 4.3.2 says a relay must read it.
 * @example parseRfc3164(event, '<13>Nov 21 10:17:01 host sshd[42]: Accepted publickey', ctx)
 */
export function parseRfc3164(event: SentinelEvent, text: string, ctx: ParseContext): void {
  event.sentinel.format = 'rfc3164'
  let pos = 0
  if (text.charCodeAt(0) === 60 /* < */) {
    const pri = readPri(text, 0)
    if (pri < 0) {
      failEvent(event, 'SNT_PARSE_PRI', priFailureMessage(pri, text, 0))
      return
    }
    applyPriority(event, pri & 255)
    pos = Math.floor(pri / 256)
    if (pos >= text.length) {
      failEvent(
        event,
        'SNT_PARSE_RFC3164_HEADER',
        `Nothing follows the PRI part (byte ${pos}): no TIMESTAMP, HOSTNAME or MSG`,
      )
      return
    }
  } else {
    applyPriority(event, DEFAULT_PRIORITY) // RFC 3164 4.3.3: no PRI means user.notice
    event.sentinel.pri_inferred = true
  }
  const syslog = event.log?.syslog ?? {}
  const length = text.length

  // Cisco IOS `service sequence-numbers`: `<189>123: *Mar  1 00:00:12.345 UTC: %SYS-5-...`
  const sequenceEnd = scanSequence(text, pos)
  if (sequenceEnd > 0) {
    ;(event.event ??= {}).sequence = Number(text.slice(pos, sequenceEnd - 2))
    pos = sequenceEnd
  }
  let stamp = scanStamp(event, text, pos, ctx)
  if (stamp < 0 && sequenceEnd > 0) {
    // Cisco `logging origin-id hostname`: `<189>123: router1: *Mar  1 ...`
    const colon = text.indexOf(': ', pos)
    if (colon > pos && colon - pos < 256 && isHostname(text, pos, colon)) {
      const afterHost = scanStamp(event, text, colon + 2, ctx)
      if (afterHost >= 0) {
        setHostname(event, syslog, text.slice(pos, colon))
        stamp = afterHost
      }
    }
  }
  if (stamp >= 0) {
    pos = stamp
    if (text.charCodeAt(pos) === 58 /* : */) pos++ // Cisco closes the stamp with ':'
    while (text.charCodeAt(pos) === 32) pos++
    if (syslog.hostname === undefined) pos = scanHostname(event, syslog, text, pos)
  }
  if (pos >= length) return
  if (isCefAt(text, pos) || isLeefAt(text, pos) || text.charCodeAt(pos) === 123 /* { */) {
    parseSyslogBody(event, text, pos, ctx)
    return
  }
  parseSyslogBody(event, text, scanTag(event, syslog, text, pos), ctx)
}

/** End (after `: `) of a Cisco sequence number `123: ` at `pos`, else -1. */
function scanSequence(text: string, pos: number): number {
  let i = pos
  while (i < text.length && i - pos < 10) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    i++
  }
  return i > pos && text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 32 ? i + 2 : -1
}

/**
 * Reads the stamp at `pos` (optionally after Cisco's `*`/`.` clock mark) and sets `@timestamp`.
 * Returns the index after it, or -1 when there is none. An impossible date is flagged, and its
 * extent still skipped.
 */
function scanStamp(event: SentinelEvent, text: string, pos: number, ctx: ParseContext): number {
  let start = pos
  const mark = text.charCodeAt(start)
  if (mark === 42 /* * */ || mark === 46 /* . */) start++
  const first = text.charCodeAt(start)
  const result =
    first >= 48 && first <= 57
      ? scanRfc3339(text, start, ctx, localToUtc)
      : scanBsdTimestamp(text, start, ctx)
  if (result === SCAN_OK) {
    setTimestamp(event, ctx.scanMs)
    return ctx.scanEnd
  }
  if (result === SCAN_INVALID && first > 57) {
    failEvent(
      event,
      'SNT_PARSE_TIMESTAMP',
      `RFC 3164 TIMESTAMP at byte ${byteOffset(text, start)} names no real date ('${text.slice(start, ctx.scanEnd).slice(0, 40)}')`,
    )
    return ctx.scanEnd
  }
  return -1
}

/** HOSTNAME characters: letters, digits, `.`, `-`, `_`, and `:` for IPv6 literals. */
function isHostname(text: string, start: number, end: number): boolean {
  if (end <= start || end - start > 255) return false
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    const ok =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === 46 ||
      c === 45 ||
      c === 95 ||
      c === 58
    if (!ok) return false
  }
  return text.charCodeAt(end - 1) !== 58 // `su:` is a TAG
}

/**
 * Decides whether the token at `pos` is a HOSTNAME: it must look like one, be followed by more
 * text, and not be a TAG (`sshd[42]:`, `su:`) or a Cisco mnemonic (`%ASA-6-302013:`). Returns
 * the index where the TAG/CONTENT starts.
 */
function scanHostname(event: SentinelEvent, syslog: LogSyslog, text: string, pos: number): number {
  const space = text.indexOf(' ', pos)
  if (space < 0 || !isHostname(text, pos, space)) return pos
  setHostname(event, syslog, text.slice(pos, space))
  pos = space + 1
  while (text.charCodeAt(pos) === 32) pos++
  if (text.charCodeAt(pos) === 58 && text.charCodeAt(pos + 1) === 32) pos += 2 // ASA: `fw01 : %ASA-...`
  return pos
}

function setHostname(event: SentinelEvent, syslog: LogSyslog, hostname: string): void {
  syslog.hostname = hostname
  event.host = { name: hostname }
}

/**
 * Reads `TAG[PID]: ` or `TAG: ` at `pos` (RFC 3164 4.1.3) into app name and proc id; returns where
 * CONTENT starts (`pos` itself when there is no TAG, e.g. a Cisco `%FAC-SEV-MNEMONIC:` line).
 */
function scanTag(event: SentinelEvent, syslog: LogSyslog, text: string, pos: number): number {
  const length = text.length
  if (text.charCodeAt(pos) === 37 /* % */) return pos
  let i = pos
  while (i < length && i - pos <= MAX_TAG_LENGTH) {
    const c = text.charCodeAt(i)
    if (c === 32 || c === 91 || c === 58) break
    i++
  }
  if (i === pos || i >= length) return pos
  const tagEnd = i
  let pid: string | undefined
  if (text.charCodeAt(i) === 91 /* [ */) {
    const close = text.indexOf(']', i)
    if (close < 0 || close - i > 130) return pos
    pid = text.slice(i + 1, close)
    i = close + 1
  }
  const c = text.charCodeAt(i)
  if (c === 58 /* : */) i++
  else if (pid === undefined || (c !== 32 && i < length)) return pos
  if (text.charCodeAt(i) === 32) i++
  else if (i < length) return pos // `a:b` is content, not a TAG
  const tag = text.slice(pos, tagEnd)
  syslog.appname = tag
  const process = (event.process ??= {})
  process.name = tag
  if (pid !== undefined && pid !== '') {
    syslog.procid = pid
    if (/^\d{1,10}$/.test(pid)) process.pid = Number(pid)
  }
  return i
}
