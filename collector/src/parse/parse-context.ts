/** @module Per-message parse state handed from the dispatcher to the format parsers. */
import type { ParseFormat } from '../event/raw-record.js'

/** Options of one `parseRecord` call, resolved, plus scratch slots the scanners write into. */
export interface ParseContext {
  /** Reference instant for RFC 3164 year inference (ms since the epoch). */
  readonly now: number
  /** Forced year for stamps without one, or undefined to infer it. */
  readonly year: number | undefined
  /** IANA zone of stamps without an offset. */
  readonly timezone: string
  /** The listener's format; anything but `auto` parses strictly. */
  readonly pinned: ParseFormat
  /** Set by the timestamp scanners: the instant read (ms since the epoch). */
  scanMs: number
  /** Set by the timestamp scanners: the index just after the stamp. */
  scanEnd: number
}
