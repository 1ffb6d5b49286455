/**
 * @module Alert history records: each alert change becomes a record in the spool, like any
 * received message, so the history reaches every sink (logs-sentinel.alert-* in Elasticsearch)
 * with the same delivery guarantees. parse/alert.ts turns the record into the ECS document.
 */
import type { RawRecord, SourceContext } from '../event/raw-record.js'
import type { AlertChange } from './alert.js'

/** The listener-like context of alert records. */
export const ALERT_CONTEXT: SourceContext = {
  sourceId: 'correlate',
  transport: 'internal',
  format: 'alert',
  timezone: 'UTC',
}

/** The record of one alert change, stamped with the time of the change. */
export function alertRecord(change: AlertChange, atMs: number): RawRecord {
  return { data: Buffer.from(JSON.stringify(change)), receivedAt: atMs, context: ALERT_CONTEXT }
}
