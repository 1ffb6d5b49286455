/**
 * @module SNMP poll parser: the poller's `snmp_poll` record -> ECS document. Never throws.
 *
 * Metric rows (`event.kind: metric`, dataset `sentinel.snmp`, routed by the Elasticsearch sink to
 * `metrics-sentinel.snmp-<namespace>`): one document per device per poll for its scalars and one per
 * table row, `host.name` the inventory's device name, `host.ip` its address when it is an IP,
 * the values as numbers under `sentinel.snmp.metrics.<snmp_exporter name>`, counter rates per second
 * under `sentinel.snmp.rates.<name>`, the row's labels under `sentinel.snmp.labels` and, for IF-MIB
 * rows, the interface as ECS `observer.ingress.interface.{id,name}` (as trap events have it).
 *
 * State changes (`event.kind: event`, `event.action` snmp-device-unreachable / snmp-device-recovered,
 * `log.level` warning / informational) carry the same host fields.
 */
import { isIP } from 'node:net'
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import type { PollRecordData } from '../sources/snmp_poll/records.js'
import { createBaseEvent, setTimestamp } from './base-event.js'
import { failEvent } from './error-event.js'

/** ECS `event.dataset` of poll documents and device state events. */
export const SNMP_POLL_DATASET = 'sentinel.snmp'
export const ACTION_UNREACHABLE = 'snmp-device-unreachable'
export const ACTION_RECOVERED = 'snmp-device-recovered'

export function parseSnmpPoll(record: RawRecord, text: string, validUtf8: boolean): SentinelEvent {
  const event = createBaseEvent(record, text, validUtf8, 'snmp_poll')
  const ev = event.event ?? {}
  event.event = ev
  ev.dataset = SNMP_POLL_DATASET
  ev.module = 'snmp'
  let data: PollRecordData
  try {
    const parsed: unknown = JSON.parse(text)
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      typeof (parsed as PollRecordData).device !== 'string'
    ) {
      throw new Error('not a poll record (no device)')
    }
    data = parsed as PollRecordData
  } catch (error) {
    failEvent(
      event,
      'SNT_PARSE_JSON',
      `Invalid SNMP poll record: ${error instanceof Error ? error.message : String(error)}`,
    )
    return event
  }
  if (typeof data.time_ms === 'number') setTimestamp(event, data.time_ms)
  const address = typeof data.address === 'string' ? data.address : undefined
  event.host = { name: data.device, ...(address && isIP(address) ? { ip: [address] } : {}) }
  if (Array.isArray(data.tags) && data.tags.length > 0) event.tags = data.tags.map(String)
  const snmp: Record<string, unknown> = {
    device: data.device,
    ...(address === undefined ? {} : { address }),
    ...(typeof data.site === 'string' ? { site: data.site } : {}),
  }
  event.sentinel.snmp = snmp
  // The whole record is the document: event.original would only double its size.
  delete ev.original

  if (data.kind === 'state') {
    const down = data.state === 'down'
    ev.kind = 'event'
    ev.action = down ? ACTION_UNREACHABLE : ACTION_RECOVERED
    ev.category = ['network']
    ev.type = ['info']
    ev.outcome = down ? 'failure' : 'success'
    event.log = { level: down ? 'warning' : 'informational' }
    snmp.state = data.state
    snmp.previous_state = data.previous
    if (down && typeof data.error === 'string') event.error = { message: data.error }
    event.message = down
      ? `SNMP device ${data.device} (${address ?? '?'}) is not answering${data.error ? `: ${data.error}` : ''}`
      : `SNMP device ${data.device} (${address ?? '?'}) answers again`
    return event
  }

  ev.kind = 'metric'
  const labels = isRecord(data.labels) ? data.labels : {}
  snmp.table = typeof data.table === 'string' && data.table !== '' ? data.table : 'scalar'
  if (typeof data.index === 'string' && data.index !== '') snmp.index = data.index
  if (Object.keys(labels).length > 0) snmp.labels = labels
  snmp.metrics = numbers(data.metrics)
  const rates = numbers(data.rates)
  if (Object.keys(rates).length > 0) snmp.rates = rates
  if (typeof data.uptime_ticks === 'number') snmp.uptime_ticks = data.uptime_ticks
  if (typeof data.duration_ms === 'number') ev.duration = Math.round(data.duration_ms * 1e6)
  const ifIndex = labels.ifIndex
  if (typeof ifIndex === 'string') {
    const name = labels.ifName || labels.ifDescr
    event.observer = {
      ingress: { interface: { id: ifIndex, ...(name ? { name: String(name) } : {}) } },
    } as SentinelEvent['observer']
  }
  return event
}

function isRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function numbers(value: unknown): Record<string, number> {
  const out: Record<string, number> = {}
  if (!isRecord(value)) return out
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v
  }
  return out
}
