/**
 * @module Elasticsearch encoder: spool records -> `_bulk` NDJSON. Each event is a `create` action
 * with `_id` `<spool id>-<seq>` (a replay gets a 409, never a second copy) into the data stream
 * `logs-<event.dataset>-<namespace>`. The event JSON the spool holds is sent byte for byte; only
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
  return `logs-${dataset}-${namespace}`
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
 * Encode one spool record as a bulk `create` action and its document.
 *
 * @example
 * const encoded = encodeEvent({ seq: 7, payload: Buffer.from('{"@timestamp":"…","event":{"dataset":"sentinel.syslog"}}') }, 'ab12', 'default')
 * // encoded.bytes: {"create":{"_index":"logs-sentinel.syslog-default","_id":"ab12-7"}}\n{"data_stream":{…},"@timestamp":"…",…}\n
 */
export function encodeEvent(
  record: SpoolRecord,
  spoolId: string,
  namespace: string,
): EncodedEvent | UnencodableEvent {
  const id = `${spoolId}-${record.seq}`
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
  const dataStream = { type: 'logs', dataset, namespace }
  const action = Buffer.from(`${JSON.stringify({ create: { _index: index, _id: id } })}\n`)
  const payload = record.payload
  let documentLine: Buffer
  if (
    !('data_stream' in fields) &&
    Object.keys(fields).length > 0 &&
    payload[0] === OPEN_BRACE &&
    payload.indexOf(NEWLINE) === -1
  ) {
    // The common case: splice `"data_stream":{…},` after the opening brace, keep the rest verbatim.
    documentLine = Buffer.concat([
      Buffer.from(`{"data_stream":${JSON.stringify(dataStream)},`),
      payload.subarray(1),
      Buffer.from('\n'),
    ])
  } else {
    documentLine = Buffer.from(`${JSON.stringify({ ...fields, data_stream: dataStream })}\n`)
  }
  return { seq: record.seq, id, index, bytes: Buffer.concat([action, documentLine]), payload }
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
