/**
 * @module Alertmanager encoder: an {@link Alert} state as a `postableAlert` of the Alertmanager v2
 * API (`POST /api/v2/alerts`), and the checks Alertmanager would fail it on, made here so that one
 * bad alert never costs the batch it travels in (Alertmanager answers 400 for the whole request).
 */
import type { Alert } from '../../correlate/alert.js'

/** One element of the `POST /api/v2/alerts` body. */
export interface PostableAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  /** Left out when there is no link. */
  generatorURL?: string
}

/** The state of an alert to send. */
export interface AlertState {
  alert: Alert
  status: 'firing' | 'resolved'
  /** When the change was reported (ms): the end of a resolved alert that carries no `endsAt`. */
  changedAt: number
}

/** Prometheus label names (`model.LabelName.IsValid`), which Alertmanager 0.25 enforces. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * How long a firing alert stays active in Alertmanager unless sent again: 4 re-send intervals, as
 * Prometheus does, so that a few lost re-sends are harmless and a dead collector's alerts expire.
 */
export const FIRING_LIFETIME_RESENDS = 4

/** Labels without empty values: Alertmanager drops those itself, and they never identify an alert. */
function nonEmpty(labels: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(labels)) if (value !== '') kept[name] = value
  return kept
}

/**
 * Why Alertmanager would refuse this alert, or undefined when it would take it.
 *
 * @example invalidReason({ ...alert, labels: { 'bad-name': 'x' } }) // 'invalid label name "bad-name"'
 */
export function invalidReason(alert: Alert): string | undefined {
  const labels = nonEmpty(alert.labels)
  if (Object.keys(labels).length === 0) return 'no labels (at least one label pair is required)'
  for (const name of Object.keys(labels)) if (!LABEL_NAME.test(name)) return `invalid label name "${name}"`
  for (const name of Object.keys(alert.annotations))
    if (!LABEL_NAME.test(name)) return `invalid annotation name "${name}"`
  if (!Number.isFinite(alert.startsAt)) return 'startsAt is not a time'
  return undefined
}

/**
 * The postable alert for `state` at `nowMs`. A firing alert ends {@link FIRING_LIFETIME_RESENDS}
 * re-send intervals from now; a resolved one at its end time (never before it started, which
 * Alertmanager refuses).
 *
 * @example
 * encodeAlert({ alert, status: 'firing', changedAt: now }, now, 60_000, 'http://sentinel:9464/api/v1/alerts/x')
 * // { ..., startsAt: '2026-...', endsAt: <now + 4 min>, generatorURL: 'http://sentinel:9464/api/v1/alerts/x' }
 */
export function encodeAlert(
  state: AlertState,
  nowMs: number,
  resendIntervalMs: number,
  generatorURL: string | undefined,
): PostableAlert {
  const { alert } = state
  const resolvedAt =
    alert.endsAt !== undefined && Number.isFinite(alert.endsAt) ? alert.endsAt : state.changedAt
  const endsAtMs =
    state.status === 'firing'
      ? nowMs + FIRING_LIFETIME_RESENDS * resendIntervalMs
      : Math.max(resolvedAt, alert.startsAt)
  return {
    labels: nonEmpty(alert.labels),
    annotations: { ...alert.annotations },
    startsAt: new Date(alert.startsAt).toISOString(),
    endsAt: new Date(endsAtMs).toISOString(),
    ...(generatorURL ? { generatorURL } : {}),
  }
}
