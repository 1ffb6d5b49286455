/**
 * @module model.json: what a registered model is (kind, the feature spec it scores, the window it
 * was trained on, its training metrics, where it came from). Stored beside model.onnx so a version
 * directory explains itself; validation names the bad field.
 */
import type { FeatureSpec } from '../features/feature-spec.js'
import { isModelVersion } from './model-version.js'
import { isRecord } from '../is-record.js'

export const MODEL_KINDS = ['isolation-forest', 'imported'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

export interface TrainingWindow {
  window_start: string
  window_end: string
  rows: number
}

export interface ModelMeta {
  version: string
  created_at: string
  kind: ModelKind
  feature_spec: FeatureSpec
  /** Null for imported models. */
  training: TrainingWindow | null
  /** Free-form numbers, e.g. training_ms, score_p99, share_above_0_6. */
  metrics: Record<string, number>
  /** Who made it: `sentinel training` or the imported file. */
  source: string
  note: string | null
}

/** What a caller gives `ModelRegistry.add`; the registry assigns version and created_at. */
export type NewModelMeta = Omit<ModelMeta, 'version' | 'created_at' | 'note'> & { note?: string | null }

const isTimestamp = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v))

function checkSpec(spec: unknown): string | undefined {
  if (!isRecord(spec)) return '/feature_spec: not an object'
  if (typeof spec['id'] !== 'string' || spec['id'] === '') return '/feature_spec/id: not a non-empty string'
  const names = spec['names']
  if (!Array.isArray(names) || names.length === 0) return '/feature_spec/names: not a non-empty array'
  if (!names.every((n) => typeof n === 'string')) return '/feature_spec/names: not all strings'
  return undefined
}

function checkTraining(training: unknown): string | undefined {
  if (training === null) return undefined
  if (!isRecord(training)) return '/training: not an object or null'
  if (!isTimestamp(training['window_start'])) return '/training/window_start: not a timestamp'
  if (!isTimestamp(training['window_end'])) return '/training/window_end: not a timestamp'
  const rows = training['rows']
  if (!Number.isInteger(rows) || (rows as number) < 1) return '/training/rows: not a positive integer'
  return undefined
}

/** Checks the fields a caller supplies (everything but version and created_at). */
export function checkNewModelMeta(meta: unknown): string | undefined {
  if (!isRecord(meta)) return '/: not an object'
  if (!MODEL_KINDS.includes(meta['kind'] as ModelKind)) return `/kind: not one of ${MODEL_KINDS.join(', ')}`
  const problem = checkSpec(meta['feature_spec']) ?? checkTraining(meta['training'])
  if (problem !== undefined) return problem
  if (meta['kind'] === 'isolation-forest' && meta['training'] === null) {
    return '/training: required for a trained model'
  }
  const metrics = meta['metrics']
  if (!isRecord(metrics)) return '/metrics: not an object'
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `/metrics/${key}: not a finite number`
  }
  if (typeof meta['source'] !== 'string' || meta['source'] === '') return '/source: not a non-empty string'
  const note = meta['note']
  if (note !== undefined && note !== null && typeof note !== 'string') return '/note: not a string or null'
  return undefined
}

/** Parses model.json text; returns the metadata or a detail naming the bad field. */
export function parseModelMeta(text: string): ModelMeta | string {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`
  }
  if (!isRecord(doc)) return '/: not a JSON object'
  if (typeof doc['version'] !== 'string' || !isModelVersion(doc['version']))
    return '/version: not a model version'
  if (!isTimestamp(doc['created_at'])) return '/created_at: not a timestamp'
  const problem = checkNewModelMeta(doc)
  if (problem !== undefined) return problem
  return toModelMeta(doc as unknown as ModelMeta)
}

/** A normalised copy (note null when absent, arrays copied) in the key order model.json uses. */
export function toModelMeta(meta: NewModelMeta & { version: string; created_at: string }): ModelMeta {
  return {
    version: meta.version,
    created_at: meta.created_at,
    kind: meta.kind,
    feature_spec: { id: meta.feature_spec.id, names: [...meta.feature_spec.names] },
    training: meta.training === null ? null : { ...meta.training },
    metrics: { ...meta.metrics },
    source: meta.source,
    note: meta.note ?? null,
  }
}
