/**
 * @module Elasticsearch retry decisions: what to do with each `_bulk` item and with a failed
 * request. Pure functions; the loop in sink.ts acts on them, waiting as ../backoff.ts says.
 *
 * Item statuses (the `create` action of the bulk API):
 *
 * | status | error.type | decision |
 * |---|---|---|
 * | 200, 201 | | `ok`: indexed |
 * | 409 | version_conflict_engine_exception | `duplicate`: a replay of an event Elasticsearch already has (same `_id`) |
 * | 429 | es_rejected_execution_exception | `retry` (`status_429`): the write queue is full |
 * | 5xx except 501 | | `retry` (`status_5xx`): shard unavailable, node restarting |
 * | 404 | index_not_found_exception | `retry` (`index_not_found`): no index template matches and auto-create is off; the operator must run `sentinel setup elastic`. Dead-lettering would fail the same way, so the events wait in the spool. |
 * | 400 | mapper_parsing_exception, strict_dynamic_mapping_exception, document_parsing_exception "failed to parse field" | `deadletter` (`mapping`): a field's value does not fit its mapped type |
 * | 400 | document_parsing_exception, x_content_parse_exception | `deadletter` (`parsing`): the document could not be read |
 * | other 4xx, 501 | illegal_argument_exception, ... | `deadletter` (`rejected`) |
 */

/** Why an event (or a whole request) is sent again: the `reason` label of sentinel_sink_retries_total. */
export type RetryReason =
  'status_429' | 'status_5xx' | 'status_4xx' | 'network' | 'timeout' | 'auth' | 'index_not_found'

/** Why an event went to the dead-letter stream: the `reason` label of sentinel_sink_deadletter_events_total. */
export type DeadletterReason = 'mapping' | 'parsing' | 'rejected'

/** The `error` object of a bulk item (only the fields read here). */
export interface BulkItemError {
  type?: string
  reason?: string
  caused_by?: { type?: string; reason?: string }
}

export type ItemDecision =
  | { kind: 'ok' }
  | { kind: 'duplicate' }
  | { kind: 'retry'; reason: RetryReason }
  | { kind: 'deadletter'; reason: DeadletterReason }

const MAPPING_ERRORS = new Set(['mapper_parsing_exception', 'strict_dynamic_mapping_exception'])
const PARSING_ERRORS = new Set([
  'document_parsing_exception',
  'x_content_parse_exception',
  'json_parse_exception',
])

/**
 * Decide one bulk item's fate from its status and error.
 *
 * @example
 * classifyBulkItem(409, { type: 'version_conflict_engine_exception' }) // { kind: 'duplicate' }
 * classifyBulkItem(429) // { kind: 'retry', reason: 'status_429' }
 */
export function classifyBulkItem(status: number, error?: BulkItemError): ItemDecision {
  if (status >= 200 && status < 300) return { kind: 'ok' }
  if (status === 409) return { kind: 'duplicate' } // create with an _id Elasticsearch already has
  if (status === 429) return { kind: 'retry', reason: 'status_429' }
  if (status >= 500 && status !== 501) return { kind: 'retry', reason: 'status_5xx' }
  if (status === 404 && error?.type === 'index_not_found_exception')
    return { kind: 'retry', reason: 'index_not_found' }
  return { kind: 'deadletter', reason: deadletterReason(error) }
}

function deadletterReason(error: BulkItemError | undefined): DeadletterReason {
  const type = error?.type ?? ''
  const causedBy = error?.caused_by?.type ?? ''
  if (MAPPING_ERRORS.has(type) || MAPPING_ERRORS.has(causedBy)) return 'mapping'
  if (PARSING_ERRORS.has(type)) {
    // Elasticsearch 8 reports a value of the wrong type as document_parsing_exception "failed to parse field [x] of type [long]".
    return /failed to parse field/i.test(error?.reason ?? '') ? 'mapping' : 'parsing'
  }
  return 'rejected'
}

/** What to do when the whole `_bulk` request failed (no per-item answer). */
export type RequestDecision =
  /** Send the same batch again after a backoff, however long it takes. */
  | { kind: 'retry'; reason: RetryReason }
  /** The request itself was refused (400, 413): halve the batch to isolate the event, dead-letter a single one. */
  | { kind: 'split' }

/** The facts of a failed request: an HTTP status when the server answered, else the kind of failure. */
export interface RequestFailure {
  status?: number
  /** `timeout` when the request ran past its deadline; `network` for connection errors. */
  cause: 'timeout' | 'network' | 'status'
}

/**
 * Decide what to do with a failed request. Outages (network, timeouts, 429, 5xx) and
 * authentication failures (401/403, which need the operator) are retried forever: the events
 * wait in the spool. Other 4xx refuse the body itself, so the batch is split to find the event.
 *
 * @example
 * classifyRequestFailure({ cause: 'network' }) // { kind: 'retry', reason: 'network' }
 * classifyRequestFailure({ cause: 'status', status: 413 }) // { kind: 'split' }
 */
export function classifyRequestFailure(failure: RequestFailure): RequestDecision {
  if (failure.cause === 'timeout') return { kind: 'retry', reason: 'timeout' }
  const status = failure.status
  if (failure.cause === 'network' || status === undefined) return { kind: 'retry', reason: 'network' }
  if (status === 429) return { kind: 'retry', reason: 'status_429' }
  if (status === 401 || status === 403) return { kind: 'retry', reason: 'auth' }
  if (status === 404) return { kind: 'retry', reason: 'index_not_found' }
  if (status >= 500) return { kind: 'retry', reason: 'status_5xx' }
  if (status === 408) return { kind: 'retry', reason: 'timeout' }
  if (status === 400 || status === 413) return { kind: 'split' }
  // 405, 410, ...: usually a proxy in the way; an operator fixes it and nothing is lost meanwhile.
  return { kind: 'retry', reason: 'status_4xx' }
}
