/**
 * @module Alert history parser: an `alert` record (correlate/alert-record.ts) -> the ECS document
 * of logs-sentinel.alert-*. The rule goes to ECS `rule.*`, the device to `host.name`, the
 * summary to `message`, and the Alertmanager view (labels, annotations, evidence) under
 * `sentinel.alert`. Never throws.
 */
import type { AlertChange } from '../correlate/alert.js'
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { createBaseEvent, setTimestamp } from './base-event.js'
import { failEvent } from './error-event.js'

/** ECS `event.dataset` of alert history documents. */
export const ALERT_DATASET = 'sentinel.alert'

/** ECS event.severity (a number) per alert severity: the higher, the more severe. */
const SEVERITY_NUMBER = { critical: 3, warning: 2, info: 1 } as const

export function parseAlert(record: RawRecord, text: string, validUtf8: boolean): SentinelEvent {
  const event = createBaseEvent(record, text, validUtf8, 'alert')
  const ev = event.event ?? {}
  event.event = ev
  ev.dataset = ALERT_DATASET
  let change: AlertChange
  try {
    change = JSON.parse(text) as AlertChange
    if (typeof change?.alert?.id !== 'string' || typeof change.alert.ruleId !== 'string') {
      throw new Error('not an alert change (no alert.id or alert.ruleId)')
    }
  } catch (error) {
    failEvent(event, 'SNT_PARSE_JSON', `Invalid alert record: ${(error as Error).message}`)
    return event
  }
  const { alert } = change
  // The record is Sentinel's own JSON, not something received: the fields below hold it all.
  delete ev.original
  ev.kind = 'alert'
  ev.action = change.type === 'firing' ? 'alert-firing' : 'alert-resolved'
  ev.severity = SEVERITY_NUMBER[alert.severity] ?? 1
  setTimestamp(event, change.type === 'firing' ? alert.startsAt : (alert.endsAt ?? record.receivedAt))
  ev.start = new Date(alert.startsAt).toISOString()
  if (alert.endsAt !== undefined) ev.end = new Date(alert.endsAt).toISOString()
  const summary = alert.annotations.summary
  if (summary !== undefined) {
    event.message = summary
    ev.reason = summary
  }
  const description = alert.annotations.description
  event.rule = {
    id: alert.ruleId,
    name: alert.ruleName,
    ruleset: 'sentinel',
    ...(description === undefined ? {} : { description }),
  }
  const device = alert.labels.device
  if (device !== undefined && device !== 'unknown') event.host = { name: device }
  event.sentinel.alert = {
    id: alert.id,
    status: change.type,
    severity: alert.severity,
    count: alert.count,
    group_key: alert.groupKey,
    labels: alert.labels,
    annotations: alert.annotations,
    evidence: {
      event_ids: alert.evidence.eventIds,
      query: alert.evidence.query,
      ...(alert.annotations.evidence_url === undefined ? {} : { url: alert.annotations.evidence_url }),
    },
  }
  return event
}
