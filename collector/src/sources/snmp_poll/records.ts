/**
 * @module Poll results as pipeline records (format `snmp_poll`): one record per device per poll for
 * its scalars, and one per table row (an interface, a storage area, a CPU...) so that each
 * Elasticsearch document has fixed field names a Kibana/Grafana user can chart and split by
 * `host.name` and `observer.ingress.interface.name`. Device state changes are records too.
 */
import type { RawRecord, SourceContext } from '../../event/raw-record.js'
import type { CounterRate, StateChange } from './poller.js'
import type { DevicePoll, SnmpDevice } from './walker.js'

/** The listener-like context of poll records. */
export const SNMP_POLL_CONTEXT: SourceContext = {
  sourceId: 'snmp_poll',
  transport: 'udp',
  format: 'snmp_poll',
  timezone: 'UTC',
}

/** Device facts the documents carry besides its name. */
export interface PollDeviceFacts {
  address: string
  tags?: readonly string[]
  site?: string
}

/** JSON of one metric record. */
export interface PollRowData {
  kind: 'metric'
  device: string
  address: string
  tags?: string[]
  site?: string
  time_ms: number
  duration_ms: number
  uptime_ticks?: number
  /** Index label names of the table ('' for the device's scalars), e.g. `ifIndex`. */
  table: string
  /** Instance index ('' for scalars). */
  index: string
  labels: Record<string, string>
  metrics: Record<string, number>
  /** Per-second rates of counters (absent on the first poll and after a reset). */
  rates: Record<string, number>
}

/** JSON of one device state change record. */
export interface PollStateData {
  kind: 'state'
  device: string
  address: string
  tags?: string[]
  site?: string
  time_ms: number
  state: 'up' | 'down'
  previous: string
  error?: string
}

export type PollRecordData = PollRowData | PollStateData

function facts(facts: PollDeviceFacts): { address: string; tags?: string[]; site?: string } {
  return {
    address: facts.address,
    ...(facts.tags && facts.tags.length > 0 ? { tags: [...facts.tags] } : {}),
    ...(facts.site === undefined ? {} : { site: facts.site }),
  }
}

/** One record per row (table instance) of a poll, plus one for the scalars. */
export function pollRecords(
  poll: DevicePoll,
  rates: readonly CounterRate[],
  device: PollDeviceFacts,
): RawRecord[] {
  const rows = new Map<string, PollRowData>()
  const rowOf = (metric: { indexes: readonly string[] }, index: string): PollRowData => {
    const table = metric.indexes.join(',')
    const key = `${table}\u0000${index}`
    let row = rows.get(key)
    if (!row) {
      row = {
        kind: 'metric',
        device: poll.device,
        ...facts(device),
        time_ms: poll.timeMs,
        duration_ms: poll.durationMs,
        ...(poll.uptimeTicks === undefined ? {} : { uptime_ticks: poll.uptimeTicks }),
        table,
        index,
        labels: {},
        metrics: {},
        rates: {},
      }
      rows.set(key, row)
    }
    return row
  }
  for (const sample of poll.samples) {
    const row = rowOf(sample.metric, sample.index)
    Object.assign(row.labels, sample.labels)
    row.metrics[sample.metric.name] = Number(sample.value)
  }
  for (const rate of rates) {
    if (rate.result.kind !== 'rate') continue
    const scalar = Object.keys(rate.labels).length === 0
    for (const row of rows.values()) {
      if (row.metrics[rate.metric] === undefined) continue
      if (scalar ? row.table !== '' : !sameLabels(row.labels, rate.labels)) continue
      row.rates[rate.metric] = rate.result.perSecond
      break
    }
  }
  return [...rows.values()].map((row) => record(row, poll.timeMs, device.address))
}

function sameLabels(rowLabels: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(labels)) if (rowLabels[k] !== v) return false
  return true
}

/** The record of a device going down or coming back. */
export function stateRecord(change: StateChange, device: PollDeviceFacts & { name?: string }): RawRecord {
  const data: PollStateData = {
    kind: 'state',
    device: change.device.name,
    ...facts(device),
    time_ms: change.timeMs,
    state: change.state,
    previous: change.previous,
    ...(change.error === undefined ? {} : { error: change.error }),
  }
  return record(data, change.timeMs, device.address)
}

function record(data: PollRecordData, timeMs: number, address: string): RawRecord {
  return {
    data: Buffer.from(JSON.stringify(data)),
    receivedAt: timeMs,
    peerAddress: address,
    context: SNMP_POLL_CONTEXT,
  }
}

/** Device facts of a poller entry (for callers that only hold the SnmpDevice). */
export function deviceFacts(
  device: SnmpDevice,
  extra: { tags?: readonly string[]; site?: string } = {},
): PollDeviceFacts {
  return { address: device.address, ...extra }
}
