/**
 * @module RawRecord: one received frame plus the transport facts, before any parsing.
 *
 * Sources produce RawRecords and never parse; parsers turn them into SentinelEvents.
 */

/** How the bytes reached the collector. */
/** `internal`: records the collector makes itself (alert history). */
export type Transport = 'udp' | 'tcp' | 'tls' | 'stdin' | 'http' | 'internal'

/** Message formats a listener can be pinned to; `auto` detects per message. */
export const PARSE_FORMATS = ['auto', 'rfc3164', 'rfc5424', 'cef', 'leef', 'json'] as const
/** Formats only internal sources produce (not selectable on a syslog listener). */
export const INTERNAL_FORMATS = ['snmp_trap', 'snmp_poll', 'alert'] as const
export type ParseFormat = (typeof PARSE_FORMATS)[number] | (typeof INTERNAL_FORMATS)[number]

/**
 * Facts shared by every record from one listener (and, for TCP/TLS, one connection).
 * One object per listener/connection keeps per-record allocation small.
 */
export interface SourceContext {
  /** The listener's name in the config, e.g. `syslog_tcp`. Bounded: safe as a metric label. */
  readonly sourceId: string
  readonly transport: Transport
  /** The format this listener is pinned to, or `auto`. */
  readonly format: ParseFormat
  /** IANA time zone for RFC 3164 timestamps, which carry no offset (e.g. `UTC`, `Europe/Berlin`). */
  readonly timezone: string
  /** Local port the record arrived on, when there is one. */
  readonly localPort?: number
}

/** One message frame as received. */
export interface RawRecord {
  /** The frame's bytes, without transport framing (no octet count, no trailing newline). */
  readonly data: Buffer
  /** When the collector read the frame, in ms since the epoch. */
  readonly receivedAt: number
  readonly peerAddress?: string
  readonly peerPort?: number
  /** Subject of the verified TLS client certificate, when the listener asks for one. */
  readonly tlsPeer?: string
  /** The frame was longer than the listener's `max_length` and was cut to it. */
  readonly truncated?: boolean
  readonly context: SourceContext
}
