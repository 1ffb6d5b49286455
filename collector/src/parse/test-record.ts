/** @module Test helper: RawRecords as a listener would build them, for the parser tests. */
import type { ParseFormat, RawRecord } from '../event/raw-record.js'

/** Receipt time used across the parser tests: 2026-11-21T12:00:00Z. */
export const RECEIVED_AT = Date.UTC(2026, 10, 21, 12, 0, 0)

/** A record holding `data` (text as UTF-8, or raw bytes) from a listener pinned to `format`. */
export function testRecord(
  data: string | Buffer,
  format: ParseFormat = 'auto',
  overrides: { timezone?: string; receivedAt?: number; truncated?: boolean } = {},
): RawRecord {
  return {
    data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
    receivedAt: overrides.receivedAt ?? RECEIVED_AT,
    peerAddress: '192.0.2.10',
    peerPort: 40514,
    truncated: overrides.truncated,
    context: { sourceId: 'syslog_udp', transport: 'udp', format, timezone: overrides.timezone ?? 'UTC' },
  }
}
