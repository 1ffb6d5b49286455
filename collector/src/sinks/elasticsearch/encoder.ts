/**
 * @module Elasticsearch encoder: spool records -> `_bulk` NDJSON. Each event is a `create` action
 * with `_id` `<spool id>-<seq>` (a replay gets a 409, never a second copy) into the data stream
 * `logs-<event.dataset>-<namespace>` (`metrics-sentinel.snmp-<namespace>` for polled SNMP values). The event JSON the spool holds is sent byte for byte; only
 * the `data_stream` object is put in front of its first key.
 */
import type { SpoolRecord } from '../../spool/spool-types.js'

/** Dataset of events that carry none. */
export const FALLBACK_DATASET = 'sentinel.generic'
/** Dataset of the dead-letter stream: `logs-sentinel.deadletter-<namespace>`. */
export const DEADLETTER_DATASET = 'sentinel.deadletter'

/** One event ready for a bulk body. */
export interface EncodedEvent {
  seq: number
  /** `_id`: `<spool id>-<seq>`. */
  id: string
  /** Data stream name. */
  index: string
  /** Action line + document line, each ending in `\n`. */
  bytes: Buffer
  /** The event JSON as the spool holds it (the dead-letter document's `event.original`). */
  payload: Buffer
}

/** A spool record that is not a JSON object (disk damage): it cannot be sent, only dead-lettered. */
export interface UnencodableEvent {
  seq: number
  id: string
  payload: Buffer
  message: string
}

const NEWLINE = 0x0a
const OPEN_BRACE = 0x7b
/** Characters Elasticsearch refuses in index names, plus `-` (the separator of type-dataset-namespace). */
const INVALID_DATASET_CHARS = /[\\/*?"<>| ,#:-]/g

/**
 * Data stream for a dataset, following Elastic's `type-dataset-namespace` scheme.
 *
 * @example dataStreamName('sentinel.syslog', 'default') // 'logs-sentinel.syslog-default'
 */
export function dataStreamName(dataset: string, namespace: string): string {
  return `${dataStreamType(dataset)}-${dataset}-${namespace}`
}

/** Datasets of metric documents (`event.kind: metric`): polled SNMP values. */
export const METRICS_DATASETS: ReadonlySet<string> = new Set(['sentinel.snmp'])

/** `metrics` for the metric datasets, else `logs`. */
export function dataStreamType(dataset: string): 'logs' | 'metrics' {
  return METRICS_DATASETS.has(dataset) ? 'metrics' : 'logs'
}

/** A dataset usable in an index name (lower case, no separators), or the fallback. */
export function normaliseDataset(dataset: unknown): string {
  if (typeof dataset !== 'string') return FALLBACK_DATASET
  const clean = dataset
    .toLowerCase()
    .replace(INVALID_DATASET_CHARS, '_')
    .replace(/^[_.+]+/, '')
    .slice(0, 100)
  return clean === '' ? FALLBACK_DATASET : clean
}

/**
 * Turn one spooled event into its bulk `create` entry. The payload bytes go out verbatim with
 * `"data_stream":{…},` spliced in after the opening brace; `_id` is `<spool id>-<seq>`.
 *
 * The data stream comes from `event.dataset`, found by {@link scanEventJson} without parsing the
 * document; anything the scan is unsure about takes the slow path (JSON.parse), which also
 * reports payloads that are not JSON objects.
 */
export function encodeEvent(
  record: SpoolRecord,
  spoolId: string,
  namespace: string,
): EncodedEvent | UnencodableEvent {
  const id = `${spoolId}-${record.seq}`
  const payload = record.payload
  const scan = scanEventJson(payload)
  if (scan.simple && !scan.hasDataStream && scan.keys > 0) {
    const target = entryTarget(scan.dataset, namespace)
    // `id` is `<hex spool id>-<digits>`: nothing in it needs JSON escaping.
    const head = Buffer.from(`${target.actionStart}${id}${target.actionEnd}`)
    return {
      seq: record.seq,
      id,
      index: target.index,
      bytes: Buffer.concat([head, payload.subarray(1), NEWLINE_BUFFER]),
      payload,
    }
  }
  return encodeParsed(record, id, namespace)
}

const NEWLINE_BUFFER = Buffer.from('\n')

/** The parts of a bulk entry that depend only on the dataset and namespace, built once each. */
interface EntryTarget {
  index: string
  /** `{"create":{"_index":"…","_id":"` */
  actionStart: string
  /** `"}}` newline `{"data_stream":{…},` */
  actionEnd: string
}

const entryTargets = new Map<string, EntryTarget>()

function entryTarget(rawDataset: string | undefined, namespace: string): EntryTarget {
  const key = `${rawDataset ?? ''}\0${namespace}`
  let target = entryTargets.get(key)
  if (!target) {
    const dataset = normaliseDataset(rawDataset)
    const index = dataStreamName(dataset, namespace)
    const [actionStart = '', actionEnd = ''] = JSON.stringify({ create: { _index: index, _id: '\0' } }).split(
      '\\u0000',
    )
    const dataStream = JSON.stringify({ type: dataStreamType(dataset), dataset, namespace })
    target = { index, actionStart, actionEnd: `${actionEnd}\n{"data_stream":${dataStream},` }
    // Datasets come from a small set of parsers; the bound only guards against hostile payloads.
    if (entryTargets.size < 1024) entryTargets.set(key, target)
  }
  return target
}

/** The slow path: parse the document, then re-serialise it with `data_stream` set. */
function encodeParsed(record: SpoolRecord, id: string, namespace: string): EncodedEvent | UnencodableEvent {
  let document: unknown
  try {
    document = JSON.parse(record.payload.toString('utf8'))
  } catch (error) {
    return { seq: record.seq, id, payload: record.payload, message: `not JSON: ${(error as Error).message}` }
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { seq: record.seq, id, payload: record.payload, message: 'not a JSON object' }
  }
  const fields = document as Record<string, unknown>
  const event = fields.event
  const dataset = normaliseDataset(
    event !== null && typeof event === 'object' ? (event as Record<string, unknown>).dataset : undefined,
  )
  const index = dataStreamName(dataset, namespace)
  const dataStream = { type: dataStreamType(dataset), dataset, namespace }
  const action = JSON.stringify({ create: { _index: index, _id: id } })
  const bytes = Buffer.from(`${action}\n${JSON.stringify({ ...fields, data_stream: dataStream })}\n`)
  return { seq: record.seq, id, index, bytes, payload: record.payload }
}

/** What {@link scanEventJson} learnt about a payload. */
export interface EventJsonScan {
  /**
   * The payload is one JSON object on one line whose structure the scan followed to the end, and
   * `event.dataset` (when present) is a string without escapes: safe to splice.
   */
  simple: boolean
  /** Number of top-level keys. */
  keys: number
  hasDataStream: boolean
  dataset: string | undefined
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COLON = 0x3a

/**
 * One pass over compact JSON (as JSON.stringify writes it): counts top-level keys, notices a
 * top-level `data_stream`, and reads `event.dataset`. Escaped quotes inside strings cannot end a
 * string, so a key is any string followed by a colon.
 *
 * @example scanEventJson(Buffer.from('{"event":{"dataset":"sentinel.syslog"}}')).dataset // 'sentinel.syslog'
 */
export function scanEventJson(json: Buffer): EventJsonScan {
  const result: EventJsonScan = { simple: false, keys: 0, hasDataStream: false, dataset: undefined }
  const last = json.length - 1
  if (last < 1 || json[0] !== OPEN_BRACE || json[last] !== CLOSE_BRACE) return result
  let depth = 0
  /** Depth-1 key whose value is open (`event` matters). */
  let inEvent = false
  let datasetEscaped = false
  for (let i = 0; i <= last; i++) {
    const byte = json[i]
    if (byte === QUOTE) {
      // A string: find its end, skipping escapes.
      const start = i + 1
      i++
      while (i <= last && json[i] !== QUOTE) {
        // A raw newline cannot be inside a JSON string: the payload is not one line.
        if (json[i] === NEWLINE) return result
        if (json[i] === BACKSLASH) i++
        i++
      }
      if (i > last) return result
      if (json[i + 1] !== COLON) continue // a value, not a key
      if (depth === 1) {
        result.keys++
        const key = json.toString('latin1', start, i)
        if (key === 'data_stream') result.hasDataStream = true
        inEvent = key === 'event'
      } else if (depth === 2 && inEvent && json.toString('latin1', start, i) === 'dataset') {
        // The value follows the colon: a plain string is read here, anything else is left to JSON.parse.
        if (json[i + 2] !== QUOTE) return result
        const valueStart = i + 3
        let j = valueStart
        while (j <= last && json[j] !== QUOTE) {
          if (json[j] === BACKSLASH) datasetEscaped = true
          j++
        }
        result.dataset = json.toString('utf8', valueStart, j)
        i = j
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--
      if (depth === 1) inEvent = false
      if (depth === 0 && i !== last) return result
    } else if (byte === NEWLINE) {
      return result
    }
  }
  result.simple = depth === 0 && !datasetEscaped
  return result
}

/** Why an event went to the dead-letter stream, as its document records it. */
export interface DeadletterFacts {
  reason: string
  /** Item status (0 when the event was never sent). */
  status: number
  /** Data stream the event was meant for. */
  index: string
  /** `_id` the event had (`<spool id>-<seq>`). */
  eventId: string
  errorType: string
  errorMessage: string
}

/**
 * The dead-letter document for an event: the original JSON as a string plus why it was
 * refused, into `logs-sentinel.deadletter-<namespace>` with the same `_id` (idempotent too).
 */
export function encodeDeadletter(
  seq: number,
  payload: Buffer,
  facts: DeadletterFacts,
  namespace: string,
  now: Date,
): EncodedEvent {
  const index = dataStreamName(DEADLETTER_DATASET, namespace)
  const document = {
    '@timestamp': now.toISOString(),
    message: `Elasticsearch refused event ${facts.eventId}: ${facts.errorType}`,
    event: { kind: 'pipeline_error', dataset: DEADLETTER_DATASET, original: payload.toString('utf8') },
    error: { type: facts.errorType, message: facts.errorMessage },
    sentinel: {
      deadletter: { reason: facts.reason, status: facts.status, index: facts.index, event_id: facts.eventId },
    },
    data_stream: { type: 'logs', dataset: DEADLETTER_DATASET, namespace },
  }
  const bytes = Buffer.from(
    `${JSON.stringify({ create: { _index: index, _id: facts.eventId } })}\n${JSON.stringify(document)}\n`,
  )
  return { seq, id: facts.eventId, index, bytes, payload }
}

/** The bulk body for `events`. */
export function bulkBody(events: readonly EncodedEvent[]): Buffer {
  return Buffer.concat(events.map((e) => e.bytes))
}
