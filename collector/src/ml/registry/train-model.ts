/**
 * @module Getting models into the registry: train an Isolation Forest on feature rows and register
 * its ONNX export, or register a model an operator brings. Either way the model is loaded with
 * onnxruntime first, exactly as the collector will load it, so a model that would be refused at
 * scoring time is refused here instead. A trained model must also score a sample of its training
 * rows the same through ONNX as through the TypeScript forest, which guards against a broken export.
 */
import { performance } from 'node:perf_hooks'
import { SentinelError } from '../../errors/codes.js'
import { EVENT_FEATURE_SPEC } from '../features/feature-spec.js'
import { ISOLATION_FOREST_DEFAULTS, IsolationForest } from '../forest/isolation-forest.js'
import { exportForestToOnnx } from '../onnx/onnx-export.js'
import { OnnxScorer } from '../onnx/onnx-scorer.js'
import type { ModelInfo, ModelRegistry } from './model-registry.js'

/** What happens to a newly registered model. */
export type PromoteTo = 'active' | 'shadow' | 'none'

export interface TrainOptions {
  /** The period the rows were sampled from (recorded in model.json). */
  windowStart: Date
  windowEnd: Date
  promote: PromoteTo
  seed?: number
  trees?: number
  sampleSize?: number
  /** Free text kept in model.json. */
  note?: string
}

export interface ImportOptions {
  /** Names the model in errors and in model.json (the file the operator gave). */
  name: string
  note?: string
  promote: PromoteTo
}

/** ONNX and TypeScript scores may differ by float32 rounding of the average, nothing more. */
export const ONNX_AGREEMENT_TOLERANCE = 1e-5
/** Training rows the score quantiles in the model's metrics are measured on. */
const METRIC_ROWS = 5000
/** Training rows compared between ONNX and TypeScript. */
const AGREEMENT_SAMPLE_ROWS = 512
/** A training score above this is "unusual"; the share of such rows says how noisy the data was. */
const UNUSUAL_SCORE = 0.6

const TRAINING_NAME = 'forest training'

function invalid(name: string, detail: string, cause?: unknown): SentinelError {
  return new SentinelError(
    'SNT_ERR_MODEL_INVALID',
    [name, detail],
    cause === undefined ? undefined : { cause },
  )
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: Float32Array, q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

/** Rounds for model.json: enough digits to compare models, not float32 noise. */
const round = (x: number, digits = 6): number => Number(x.toFixed(digits))

/** Up to `max` rows spread evenly over all n (first and last included), as one row-major block. */
function sampleRows(
  rows: Float32Array,
  n: number,
  dims: number,
  max: number,
): { rows: Float32Array; n: number } {
  const k = Math.min(n, max)
  const out = new Float32Array(k * dims)
  for (let i = 0; i < k; i++) {
    const row = k === 1 ? 0 : Math.round((i * (n - 1)) / (k - 1))
    out.set(rows.subarray(row * dims, (row + 1) * dims), i * dims)
  }
  return { rows: out, n: k }
}

/**
 * Loads an exported model with onnxruntime, as the collector would, and checks it scores the first
 * `sample.n` rows as `forest` does. Returns the largest difference; throws SNT_ERR_MODEL_INVALID
 * when it exceeds ONNX_AGREEMENT_TOLERANCE.
 */
export async function checkOnnxAgreement(
  bytes: Uint8Array,
  version: string,
  forest: IsolationForest,
  sample: { rows: Float32Array; n: number },
): Promise<number> {
  const scorer = await OnnxScorer.load(bytes, { name: version, expectedSpec: EVENT_FEATURE_SPEC })
  try {
    const onnx = await scorer.score(sample.rows, sample.n)
    const ts = forest.scoreBatch(sample.rows, sample.n)
    let worst = 0
    let worstRow = 0
    for (let i = 0; i < sample.n; i++) {
      const diff = Math.abs((onnx[i] ?? Number.NaN) - (ts[i] ?? Number.NaN))
      if (!(diff <= worst)) {
        worst = diff
        worstRow = i
      }
    }
    if (!(worst <= ONNX_AGREEMENT_TOLERANCE)) {
      throw invalid(
        version,
        `the ONNX export scores sample row ${worstRow} as ${onnx[worstRow]} but the forest as ${ts[worstRow]} ` +
          `(difference ${worst}, allowed ${ONNX_AGREEMENT_TOLERANCE}); the export is broken, so it was not registered`,
      )
    }
    return worst
  } finally {
    await scorer.release()
  }
}

async function applyPromotion(
  registry: ModelRegistry,
  version: string,
  promote: PromoteTo,
): Promise<ModelInfo> {
  if (promote === 'active') await registry.promote(version)
  else if (promote === 'shadow') await registry.setShadow(version)
  const info = registry.get(version)
  if (info === undefined)
    throw new SentinelError('SNT_ERR_MODEL_REGISTRY', [registry.dir, `${version} vanished`])
  return info
}

/**
 * Trains an Isolation Forest on the first n rows (EVENT_FEATURE_SPEC columns, row-major), records
 * its training metrics, registers its ONNX export with the forest beside it, and promotes it as
 * asked. Throws SNT_ERR_MODEL_INVALID for unusable rows or an export that disagrees with the forest.
 */
export async function trainAndRegister(
  registry: ModelRegistry,
  rows: Float32Array,
  n: number,
  options: TrainOptions,
): Promise<ModelInfo> {
  const dims = EVENT_FEATURE_SPEC.names.length
  const { windowStart, windowEnd } = options
  if (!Number.isInteger(n) || n < 2) throw invalid(TRAINING_NAME, `${n} rows; at least 2 are needed`)
  if (n * dims > rows.length) {
    throw invalid(TRAINING_NAME, `${n} rows of ${dims} features need ${n * dims} values, got ${rows.length}`)
  }
  if (Number.isNaN(windowStart.getTime()) || Number.isNaN(windowEnd.getTime()) || windowEnd < windowStart) {
    throw invalid(TRAINING_NAME, 'the training window must be two valid times, the start not after the end')
  }
  const data = rows.subarray(0, n * dims)
  const forestOptions = {
    seed: options.seed ?? ISOLATION_FOREST_DEFAULTS.seed,
    trees: options.trees ?? ISOLATION_FOREST_DEFAULTS.trees,
    sampleSize: options.sampleSize ?? ISOLATION_FOREST_DEFAULTS.sampleSize,
  }

  const started = performance.now()
  let forest: IsolationForest
  try {
    forest = IsolationForest.train(data, dims, forestOptions)
  } catch (error) {
    throw invalid(TRAINING_NAME, error instanceof Error ? error.message : String(error), error)
  }
  const trainingMs = performance.now() - started

  // Metrics from an even spread of rows: scoring all of a large sample would hold up the next batches.
  const measured = sampleRows(data, n, dims, METRIC_ROWS)
  const scores = forest.scoreBatch(measured.rows, measured.n)
  let unusual = 0
  for (const s of scores) if (s > UNUSUAL_SCORE) unusual++
  const sorted = scores.slice().sort()
  const metrics: Record<string, number> = {
    rows: n,
    training_ms: round(trainingMs, 1),
    score_p50: round(quantile(sorted, 0.5)),
    score_p90: round(quantile(sorted, 0.9)),
    score_p99: round(quantile(sorted, 0.99)),
    share_above_0_6: round(unusual / measured.n),
    trees: forestOptions.trees,
    sample_size: forest.subsample,
    seed: forestOptions.seed,
  }
  const sample = sampleRows(data, n, dims, AGREEMENT_SAMPLE_ROWS)

  const info = await registry.add({
    bytes: async (version) => {
      const bytes = exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: version })
      // The registry reads meta after this returns, so the measured agreement is recorded too.
      metrics['onnx_max_abs_diff'] = await checkOnnxAgreement(bytes, version, forest, sample)
      return bytes
    },
    meta: {
      kind: 'isolation-forest',
      feature_spec: EVENT_FEATURE_SPEC,
      training: { window_start: windowStart.toISOString(), window_end: windowEnd.toISOString(), rows: n },
      metrics,
      source: 'sentinel training',
      note: options.note ?? null,
    },
    forest,
  })
  return applyPromotion(registry, info.version, options.promote)
}

/**
 * Registers a model an operator built elsewhere (kind `imported`, no forest). It must load as the
 * collector loads it: ONNX, declaring EVENT_FEATURE_SPEC, one float32 [N, F] input, finite probe
 * scores; otherwise SNT_ERR_MODEL_INVALID says what is wrong and nothing is registered.
 */
export async function importModel(
  registry: ModelRegistry,
  bytes: Uint8Array,
  options: ImportOptions,
): Promise<ModelInfo> {
  const scorer = await OnnxScorer.load(bytes, { name: options.name, expectedSpec: EVENT_FEATURE_SPEC })
  const declaredVersion = scorer.modelVersion
  await scorer.release()
  const info = await registry.add({
    bytes,
    meta: {
      kind: 'imported',
      feature_spec: EVENT_FEATURE_SPEC,
      training: null,
      metrics: {},
      source:
        declaredVersion === undefined
          ? `imported from ${options.name}`
          : `imported from ${options.name} (its model version: ${declaredVersion})`,
      note: options.note ?? null,
    },
  })
  return applyPromotion(registry, info.version, options.promote)
}
