/** @module Syslog PRI part: PRIVAL = facility * 8 + severity (RFC 5424 6.2.1, RFC 3164 4.1.1). */
import type { SentinelEvent } from '../event/sentinel-event.js'

/** Facility keywords in RFC 5424 Table 1 order, as syslog implementations name them. */
export const FACILITY_NAMES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const

/** Severity names in RFC 5424 Table 2 order, spelled as the ECS `log.level` examples spell them. */
export const SEVERITY_NAMES = [
  'emergency',
  'alert',
  'critical',
  'error',
  'warning',
  'notice',
  'informational',
  'debug',
] as const

/** RFC 3164 4.3.3: a frame without a valid PRI is treated as user.notice. */
export const DEFAULT_PRIORITY = 13

/** Largest PRIVAL: facility 23 (local7), severity 7 (RFC 5424 6.2.1). */
const MAX_PRIORITY = 191

/**
 * Reads `<PRIVAL>` at `start`. Returns `end * 256 + prival` (end = index after `>`), or a negative
 * {@link PriFailure}; the packing avoids allocating a result per message.
 * @example readPri('<13>Nov', 0) // 4 * 256 + 13
 */
export function readPri(text: string, start: number): number {
  if (text.charCodeAt(start) !== 60 /* < */) return PRI_NO_OPEN
  let value = 0
  let pos = start + 1
  while (pos < text.length && pos - start <= 3) {
    const d = text.charCodeAt(pos) - 48
    if (d < 0 || d > 9) break
    value = value * 10 + d
    pos++
  }
  if (pos === start + 1) return PRI_NO_DIGITS
  if (text.charCodeAt(pos) !== 62 /* > */) return PRI_NO_CLOSE
  if (value > MAX_PRIORITY) return PRI_RANGE
  return (pos + 1) * 256 + value
}

/** Failure codes of {@link readPri}. */
export type PriFailure = typeof PRI_NO_OPEN | typeof PRI_NO_DIGITS | typeof PRI_NO_CLOSE | typeof PRI_RANGE
export const PRI_NO_OPEN = -1
export const PRI_NO_DIGITS = -2
export const PRI_NO_CLOSE = -3
export const PRI_RANGE = -4

/** A specific message for a failed {@link readPri}. */
export function priFailureMessage(code: number, text: string, start: number): string {
  switch (code) {
    case PRI_NO_OPEN:
      return `Expected '<' opening the PRI part at byte ${start}`
    case PRI_NO_DIGITS:
      return `Expected PRIVAL digits after '<' at byte ${start + 1}`
    case PRI_RANGE:
      return `PRIVAL ${text.slice(start + 1, text.indexOf('>', start))} is out of range 0-191 (RFC 5424 6.2.1)`
    default:
      return `Expected '>' closing the PRI part (at most 3 digits) at byte ${start + 1}`
  }
}

/** Sets `log.syslog.priority/facility/severity` and `log.level` from a PRIVAL. */
export function applyPriority(event: SentinelEvent, priority: number): void {
  const facility = priority >> 3
  const severity = priority & 7
  const severityName = SEVERITY_NAMES[severity]
  event.log = {
    level: severityName,
    syslog: {
      priority,
      facility: { code: facility, name: FACILITY_NAMES[facility] },
      severity: { code: severity, name: severityName },
    },
  }
}
