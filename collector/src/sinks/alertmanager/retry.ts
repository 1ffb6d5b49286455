/**
 * @module Alertmanager retry decisions: what a request's outcome means for the alerts in it. Pure
 * functions; the sender's loop acts on them, waiting as ../backoff.ts says.
 *
 * | outcome | decision | `reason` of sentinel_alertmanager_errors_total |
 * |---|---|---|
 * | 2xx | `accepted` | |
 * | connection refused/reset, DNS, TLS | `retry` | `network` |
 * | no answer within `timeout_ms` | `retry` | `timeout` |
 * | 429 | `retry` | `status_429` |
 * | 5xx | `retry` | `status_5xx` (Alertmanager answers 500 when it cannot store alerts) |
 * | other 4xx | `reject` | `status_4xx`: the same body would be refused again (400 names the invalid alert) |
 * | 1xx, 3xx | `reject` | `status_other`: a proxy or a wrong URL; an operator must fix it |
 */

/** The `reason` label of sentinel_alertmanager_errors_total. */
export type FailureReason =
  'network' | 'timeout' | 'status_429' | 'status_5xx' | 'status_4xx' | 'status_other'

/** What happened to one request. */
export type RequestOutcome =
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'failed'; cause: 'network' | 'timeout'; message: string }

export type Decision =
  { kind: 'accepted' } | { kind: 'retry'; reason: FailureReason } | { kind: 'reject'; reason: FailureReason }

/**
 * Decide what a request's outcome means for its alerts.
 *
 * @example
 * classifyOutcome({ kind: 'answered', status: 503, body: '' }) // { kind: 'retry', reason: 'status_5xx' }
 * classifyOutcome({ kind: 'answered', status: 400, body: '"invalid label set"' }) // { kind: 'reject', reason: 'status_4xx' }
 */
export function classifyOutcome(outcome: RequestOutcome): Decision {
  if (outcome.kind === 'failed') return { kind: 'retry', reason: outcome.cause }
  const status = outcome.status
  if (status >= 200 && status < 300) return { kind: 'accepted' }
  if (status === 429) return { kind: 'retry', reason: 'status_429' }
  if (status >= 500) return { kind: 'retry', reason: 'status_5xx' }
  if (status >= 400) return { kind: 'reject', reason: 'status_4xx' }
  return { kind: 'reject', reason: 'status_other' }
}

/** True when the Alertmanager itself is in trouble (sets sentinel_alertmanager_up to 0). */
export function meansDown(reason: FailureReason): boolean {
  return reason === 'network' || reason === 'timeout' || reason === 'status_5xx'
}
