import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import onnxProto from 'onnx-proto'
import * as ort from 'onnxruntime-node'

import { SentinelError } from '../../errors/codes.js'
import {
  EVENT_FEATURE_SPEC,
  FEATURE_SPEC_METADATA_KEY,
  MODEL_VERSION_METADATA_KEY,
} from '../features/feature-spec.js'
import { IsolationForest, ISOLATION_FOREST_DEFAULTS } from '../forest/isolation-forest.js'
import { exportForestToOnnx, ONNX_ML_OPSET, ONNX_OPSET } from './onnx-export.js'
import { generator } from '../test-support/random.js'

const { onnx } = onnxProto
const DIMS = EVENT_FEATURE_SPEC.names.length

/** Three clusters in 13 dimensions plus a few far points; rounded so some values repeat. */
function sample(inliers: number, outliers: number, seed: number): Float32Array {
  const { uniform, gauss } = generator(seed)
  const rows = new Float32Array((inliers + outliers) * DIMS)
  for (let i = 0; i < inliers; i++) {
    const c = i % 3
    for (let f = 0; f < DIMS; f++) {
      const x = c * (f % 4) + gauss()
      rows[i * DIMS + f] = f % 5 === 0 ? Math.round(x * 4) / 4 : x
    }
  }
  for (let i = inliers; i < inliers + outliers; i++) {
    for (let f = 0; f < DIMS; f++) rows[i * DIMS + f] = (uniform() - 0.5) * 40
  }
  return rows
}

const F32 = new Float32Array(1)
const I32 = new Int32Array(F32.buffer)
/** The next float32 above a finite float32 x. */
function float32Above(x: number): number {
  if (x === 0) return 1.401298464324817e-45
  F32[0] = x
  I32[0] = (I32[0] ?? 0) + (x > 0 ? 1 : -1)
  return F32[0] ?? x
}

/**
 * Rows that meet split thresholds exactly: walking a tree from its root, each feature not yet
 * fixed on the path is set to the node's threshold (x = t, goes left) or the next float32 above
 * (goes right), so the row crosses a chain of boundaries exactly where they lie.
 */
function boundaryRows(
  forest: IsolationForest,
  base: Float32Array,
  perTree: number,
  seed: number,
): Float32Array {
  const { treeStart, feature, value, right } = forest.nodes()
  const { uniform } = generator(seed)
  const out: number[] = []
  const baseRows = base.length / DIMS
  for (let t = 0; t < forest.trees; t++) {
    for (let k = 0; k < perTree; k++) {
      const from = Math.floor(uniform() * baseRows) * DIMS
      const row = Array.from(base.subarray(from, from + DIMS))
      const fixed = new Set<number>()
      let i = treeStart[t] ?? 0
      for (let f = feature[i] ?? -1; f >= 0; f = feature[i] ?? -1) {
        const threshold = value[i] ?? 0
        if (!fixed.has(f)) {
          fixed.add(f)
          row[f] = uniform() < 0.5 ? threshold : float32Above(threshold)
        }
        i = (row[f] ?? 0) <= threshold ? i + 1 : (right[i] ?? 0)
      }
      out.push(...row)
    }
  }
  return Float32Array.from(out)
}

/** Rows far outside the training range: huge, tiny, infinite, NaN and negative zero. */
function extremeRows(base: Float32Array, count: number, seed: number): Float32Array {
  const specials = [1e30, -1e30, 3.4e38, -3.4e38, Infinity, -Infinity, Number.NaN, -0, 1e-40, 1e4, -1e4]
  const { uniform } = generator(seed)
  const rows = base.slice(0, count * DIMS)
  for (let i = 0; i < rows.length; i++) {
    const r = uniform()
    if (r < 0.3) rows[i] = specials[Math.floor(uniform() * specials.length)] ?? 0
    else if (r < 0.6) rows[i] = (rows[i] ?? 0) * 1000
  }
  return rows
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

async function onnxScores(bytes: Uint8Array, rows: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 })
  try {
    const n = rows.length / DIMS
    const result = await session.run({ features: new ort.Tensor('float32', rows, [n, DIMS]) })
    const score = result['score']
    assert.ok(score !== undefined)
    assert.deepEqual(score.dims, [n, 1])
    assert.equal(score.type, 'float32')
    return score.data as Float32Array
  } finally {
    await session.release()
  }
}

describe('exportForestToOnnx', () => {
  const training = sample(3000, 30, 11)
  const forest = IsolationForest.train(training, DIMS)
  const bytes = exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: 'forest-test-1' })

  it('scores exactly like the TypeScript forest in onnxruntime (parity)', async (t) => {
    const parts = {
      training,
      fresh: sample(5000, 50, 12),
      boundaries: boundaryRows(forest, training, 20, 13),
      extremes: extremeRows(sample(1000, 0, 14), 1000, 15),
    }
    const rows = concat(Object.values(parts))
    const n = rows.length / DIMS
    assert.ok(n >= 10_000, `${n} rows`)
    const fromOnnx = await onnxScores(bytes, rows)
    let maxDiff = 0
    let worst = -1
    for (let r = 0; r < n; r++) {
      const diff = Math.abs((fromOnnx[r] ?? Number.NaN) - forest.score(rows, r))
      if (!(diff <= maxDiff)) {
        maxDiff = diff
        worst = r
      }
    }
    const counts = Object.entries(parts)
      .map(([k, v]) => `${k} ${v.length / DIMS}`)
      .join(', ')
    const report = `max |onnx - typescript| = ${maxDiff.toExponential(3)} over ${n} rows (${counts}), worst row ${worst}`
    t.diagnostic(report)
    assert.ok(maxDiff <= 1e-6, report)
    // The outliers also score high through ONNX, so the graph computes the score, not just a number.
    const inlierMean = fromOnnx.subarray(0, 3000).reduce((a, b) => a + b, 0) / 3000
    const outlierMean = fromOnnx.subarray(3000, 3030).reduce((a, b) => a + b, 0) / 30
    assert.ok(outlierMean > inlierMean + 0.1, `outliers ${outlierMean}, inliers ${inlierMean}`)
  })

  it('writes a standard model with the spec and version in its metadata', async () => {
    const model = onnx.ModelProto.decode(bytes)
    assert.equal(Number(model.irVersion), 8)
    assert.equal(model.producerName, 'sentinel')
    const opsets = Object.fromEntries(model.opsetImport.map((o) => [o.domain, Number(o.version)]))
    assert.deepEqual(opsets, { '': ONNX_OPSET, 'ai.onnx.ml': ONNX_ML_OPSET })
    const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))
    assert.deepEqual(JSON.parse(metadata[FEATURE_SPEC_METADATA_KEY] ?? 'null'), {
      id: EVENT_FEATURE_SPEC.id,
      names: [...EVENT_FEATURE_SPEC.names],
    })
    assert.equal(metadata[MODEL_VERSION_METADATA_KEY], 'forest-test-1')
    assert.equal(metadata['sentinel.forest.trees'], String(ISOLATION_FOREST_DEFAULTS.trees))
    assert.equal(metadata['sentinel.forest.sample_size'], '256')
    assert.deepEqual(
      (model.graph?.node ?? []).map((n) => `${n.domain}:${n.opType}`),
      ['ai.onnx.ml:TreeEnsembleRegressor', ':Mul', ':Exp'],
    )

    const session = await ort.InferenceSession.create(bytes)
    try {
      assert.deepEqual(session.inputMetadata, [
        { name: 'features', isTensor: true, type: 'float32', shape: ['N', DIMS] },
      ])
      assert.deepEqual(session.outputMetadata, [
        { name: 'score', isTensor: true, type: 'float32', shape: ['N', 1] },
      ])
    } finally {
      await session.release()
    }
  })

  it('uses the description as doc_string when given', () => {
    const small = IsolationForest.train(training, DIMS, { trees: 2 })
    const described = exportForestToOnnx(small, {
      featureSpec: EVENT_FEATURE_SPEC,
      modelVersion: 'v2',
      description: 'trained on site A',
    })
    assert.equal(onnx.ModelProto.decode(described).docString, 'trained on site A')
  })

  it('refuses a spec whose width is not the forest’s, and an empty version', () => {
    const narrow = IsolationForest.train(new Float32Array([1, 2, 3, 4, 5, 6]), 3, { trees: 2 })
    assert.throws(
      () => exportForestToOnnx(narrow, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: 'v1' }),
      (error: unknown) =>
        error instanceof SentinelError &&
        error.code === 'SNT_ERR_MODEL_INVALID' &&
        /the forest has 3 features but spec sentinel.event\/v1 names 13/.test(error.message),
    )
    assert.throws(
      () => exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: ' ' }),
      /modelVersion must be a non-empty string/,
    )
  })
})
