/**
 * @module registry.json: which model is active, which runs in shadow, the actives a rollback can
 * return to, and a bounded history of changes. Reading validates every field and names the bad one,
 * so a hand-edited or damaged file is reported, never half-trusted.
 */
import { isModelVersion } from './model-version.js'
import { isRecord } from '../is-record.js'

export const REGISTRY_FORMAT = 'sentinel.model-registry'

export const HISTORY_ACTIONS = [
  'promote',
  'shadow',
  'unshadow',
  'rollback',
  'add',
  'import',
  'prune',
] as const
export type HistoryAction = (typeof HISTORY_ACTIONS)[number]

/**
 * One change. For promote/rollback `version` is the new active and `previous` the one it replaced;
 * for shadow/unshadow the same for the shadow slot (unshadow: version null); for add/import/prune
 * `version` is the model concerned and `previous` null.
 */
export interface HistoryEntry {
  at: string
  action: HistoryAction
  version: string | null
  previous: string | null
}

export interface RegistryState {
  active: string | null
  shadow: string | null
  /** Actives that promotions replaced, oldest first; a rollback returns to the last one. */
  previous_active: string[]
  /** Oldest first, at most MAX_HISTORY entries. */
  history: HistoryEntry[]
}

export const MAX_HISTORY = 100
export const MAX_PREVIOUS_ACTIVE = 20

export function emptyRegistryState(): RegistryState {
  return { active: null, shadow: null, previous_active: [], history: [] }
}

export function serializeRegistryState(state: RegistryState): string {
  return `${JSON.stringify({ format: REGISTRY_FORMAT, format_version: 1, ...state }, null, 2)}\n`
}

/** Appends to the history, dropping the oldest entries beyond MAX_HISTORY. */
export function withHistory(state: RegistryState, ...entries: HistoryEntry[]): RegistryState {
  return { ...state, history: [...state.history, ...entries].slice(-MAX_HISTORY) }
}

const isVersionOrNull = (v: unknown): v is string | null =>
  v === null || (typeof v === 'string' && isModelVersion(v))

const isTimestamp = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v))

/**
 * Parses registry.json text. Returns the state, or a detail naming the bad field (JSON-pointer
 * style, e.g. `/history/3/action: not one of promote, …`).
 */
export function parseRegistryState(text: string): RegistryState | string {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`
  }
  if (!isRecord(doc)) return '/: not a JSON object'
  if (doc['format'] !== REGISTRY_FORMAT) return `/format: expected "${REGISTRY_FORMAT}"`
  if (doc['format_version'] !== 1) return '/format_version: unsupported (this Sentinel reads 1)'
  const { active, shadow, previous_active: previous, history } = doc
  if (!isVersionOrNull(active)) return '/active: not a model version (like v0001-20260101T000000Z) or null'
  if (!isVersionOrNull(shadow)) return '/shadow: not a model version or null'
  if (shadow !== null && shadow === active) return '/shadow: the same version as /active'
  if (!Array.isArray(previous)) return '/previous_active: not an array'
  for (const [i, v] of previous.entries()) {
    if (typeof v !== 'string' || !isModelVersion(v)) return `/previous_active/${i}: not a model version`
  }
  if (!Array.isArray(history)) return '/history: not an array'
  for (const [i, entry] of history.entries()) {
    const at = `/history/${i}`
    if (!isRecord(entry)) return `${at}: not an object`
    if (!isTimestamp(entry['at'])) return `${at}/at: not a timestamp`
    if (!HISTORY_ACTIONS.includes(entry['action'] as HistoryAction)) {
      return `${at}/action: not one of ${HISTORY_ACTIONS.join(', ')}`
    }
    if (!isVersionOrNull(entry['version'])) return `${at}/version: not a model version or null`
    if (!isVersionOrNull(entry['previous'])) return `${at}/previous: not a model version or null`
  }
  return {
    active,
    shadow,
    previous_active: previous as string[],
    history: (history as Record<string, unknown>[]).map((e) => ({
      at: e['at'] as string,
      action: e['action'] as HistoryAction,
      version: e['version'] as string | null,
      previous: e['previous'] as string | null,
    })),
  }
}
