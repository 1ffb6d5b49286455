/** @module The fields every parsed event carries, whatever its format. */
import type { RawRecord } from '../event/raw-record.js'
import { ECS_VERSION } from '../event/sentinel-event.js'
import type { SentinelEvent, SentinelFields } from '../event/sentinel-event.js'
import { toIso } from './calendar.js'

/** ECS `event.dataset` of everything the syslog-family parsers produce. */
export const SYSLOG_DATASET = 'sentinel.syslog'

// Records of one batch share their receipt time: format it once.
let lastReceivedAt = Number.NaN
let lastCreated = ''

/**
 * A fresh event for `record`: `@timestamp` and `event.created` at receipt (the parser replaces
 * `@timestamp` with the message's own stamp), `event.original` as decoded text, source facts under
 * `sentinel.*`, and the exact bytes as `sentinel.original_base64` when they are not valid UTF-8.
 */
export function createBaseEvent(
  record: RawRecord,
  text: string,
  validUtf8: boolean,
  format: string,
): SentinelEvent {
  let created = lastCreated
  if (record.receivedAt !== lastReceivedAt) {
    created = toIso(record.receivedAt) ?? new Date().toISOString()
    lastReceivedAt = record.receivedAt
    lastCreated = created
  }
  const context = record.context
  const sentinel: SentinelFields = { source_id: context.sourceId, transport: context.transport, format }
  if (record.truncated === true) sentinel.truncated = true
  if (record.peerAddress !== undefined) {
    sentinel.peer =
      record.peerPort !== undefined
        ? { ip: record.peerAddress, port: record.peerPort }
        : { ip: record.peerAddress }
  }
  if (!validUtf8) sentinel.original_base64 = record.data.toString('base64')
  return {
    '@timestamp': created,
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: SYSLOG_DATASET, created, original: text },
    sentinel,
  }
}

/** Sets `@timestamp` from an instant; out-of-range instants leave the receipt time in place. */
export function setTimestamp(event: SentinelEvent, ms: number): boolean {
  const iso = toIso(ms)
  if (iso === undefined) return false
  event['@timestamp'] = iso
  return true
}
