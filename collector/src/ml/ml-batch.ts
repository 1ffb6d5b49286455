/**
 * @module ML batches: what the ML stage reads of a pipeline slice, and what it adds to it. The
 * stage runs in a worker thread, so a slice crosses the thread boundary as a few columns (strings
 * and typed arrays clone several times faster than ECS documents) and comes back as columns too;
 * `toMlBatch` and `applyMlAnnotations` are the two ends, both on the pipeline's thread.
 */
import type { SentinelEvent } from '../event/sentinel-event.js'
import { pollFacts, type PollAnomaly, type PollFacts } from './anomaly/series-annotator.js'
import { logEventFacts, type LogEventFacts } from './features/event-features.js'

/** Formats whose events are log lines with a message to mine. */
const LOG_FORMATS = new Set(['rfc3164', 'rfc5424', 'cef', 'leef', 'json'])

/** One slice's log events as columns (row i is the i-th log event), and its SNMP polls. */
export interface MlBatch {
  messages: string[]
  devices: string[]
  severities: Float64Array
  /** source.ip; null when absent. */
  sourceIps: (string | null)[]
  /** destination.port; NaN when absent. */
  ports: Float64Array
  polls: PollFacts[]
}

/** What the stage adds to a batch, row for row. */
export interface MlAnnotations {
  templateIds: string[]
  templateTexts: string[]
  /** Log event scores, by the active and the shadow model; absent while there is no such model. */
  active?: ScoredBy
  shadow?: ScoredBy
  /** Top features of the explained log events: [row, feature names]. */
  explained: [number, string[]][]
  /** Per poll; undefined for a poll with no values. */
  polls: (PollAnomaly | undefined)[]
}

export interface ScoredBy {
  version: string
  scores: Float32Array
}

/** A slice's batch, and the events its rows and polls came from (to annotate them in place). */
export interface SliceBatch {
  batch: MlBatch
  logged: SentinelEvent[]
  polled: SentinelEvent[]
}

/** The log events (known formats, with a message) and SNMP poll documents of a slice. */
export function toMlBatch(events: readonly SentinelEvent[]): SliceBatch {
  const logged: SentinelEvent[] = []
  const polled: SentinelEvent[] = []
  const polls: PollFacts[] = []
  for (const event of events) {
    if (event.event?.kind === 'pipeline_error') continue
    const format = event.sentinel.format
    if (format === 'snmp_poll') {
      const poll = pollFacts(event)
      if (poll !== undefined) {
        polls.push(poll)
        polled.push(event)
      }
    } else if (format !== undefined && LOG_FORMATS.has(format) && typeof event.message === 'string') {
      logged.push(event)
    }
  }
  const n = logged.length
  const batch: MlBatch = {
    messages: new Array<string>(n),
    devices: new Array<string>(n),
    severities: new Float64Array(n),
    sourceIps: new Array<string | null>(n),
    ports: new Float64Array(n),
    polls,
  }
  for (let i = 0; i < n; i++) {
    const event = logged[i] as SentinelEvent
    const facts = logEventFacts(event)
    batch.messages[i] = event.message as string
    batch.devices[i] = facts.device
    batch.severities[i] = facts.severity
    batch.sourceIps[i] = facts.sourceIp ?? null
    batch.ports[i] = facts.port ?? Number.NaN
  }
  return { batch, logged, polled }
}

/** Writes `sentinel.template` and `sentinel.anomaly` onto the slice's events. */
export function applyMlAnnotations({ logged, polled }: SliceBatch, annotations: MlAnnotations): void {
  const { templateIds, templateTexts, active, shadow } = annotations
  for (let i = 0; i < logged.length; i++) {
    const sentinel = (logged[i] as SentinelEvent).sentinel
    sentinel['template'] = { id: templateIds[i], text: templateTexts[i] }
    if (active === undefined && shadow === undefined) continue
    const anomaly: Record<string, unknown> = active
      ? { score: active.scores[i], model_version: active.version }
      : {}
    if (shadow) anomaly['shadow'] = { score: shadow.scores[i], model_version: shadow.version }
    sentinel['anomaly'] = anomaly
  }
  for (const [row, features] of annotations.explained) {
    const anomaly = (logged[row] as SentinelEvent).sentinel['anomaly'] as Record<string, unknown>
    anomaly['top_features'] = features
  }
  annotations.polls.forEach((anomaly, i) => {
    if (anomaly !== undefined) (polled[i] as SentinelEvent).sentinel['anomaly'] = anomaly
  })
}

/**
 * Row `i` of a batch as the feature extractor reads it, written into `into`: the extractor keeps
 * nothing of it, so one object serves every row (an object per event was an eighth of the
 * scoring loop's garbage).
 */
export function factsAt(batch: MlBatch, i: number, into: LogEventFacts = newFacts()): LogEventFacts {
  const port = batch.ports[i] as number
  into.device = batch.devices[i] as string
  into.severity = batch.severities[i] as number
  into.sourceIp = batch.sourceIps[i] ?? undefined
  into.port = Number.isNaN(port) ? undefined : port
  return into
}

/** An object for factsAt to fill. */
export const newFacts = (): LogEventFacts => ({
  device: '',
  severity: 0,
  sourceIp: undefined,
  port: undefined,
})
