import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { SentinelError } from '../../errors/codes.js'
import { EVENT_FEATURE_SPEC, type FeatureSpec } from '../features/feature-spec.js'
import { IsolationForest } from '../forest/isolation-forest.js'
import { exportForestToOnnx } from '../onnx/onnx-export.js'
import { OnnxScorer } from '../onnx/onnx-scorer.js'
import { linearOnnxModel } from '../test-support/linear-model.js'
import { ModelRegistry } from './model-registry.js'
import { checkOnnxAgreement, importModel, ONNX_AGREEMENT_TOLERANCE, trainAndRegister } from './train-model.js'

const DIMS = EVENT_FEATURE_SPEC.names.length
const WINDOW = { windowStart: new Date('2026-11-20T00:00:00Z'), windowEnd: new Date('2026-11-21T00:00:00Z') }

/** n rows of a tight cluster (seeded), with every 50th row far away. */
function syntheticRows(n: number, seed = 7): Float32Array {
  let state = seed
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
  const rows = new Float32Array(n * DIMS)
  for (let r = 0; r < n; r++) {
    const outlier = r % 50 === 49
    for (let f = 0; f < DIMS; f++) rows[r * DIMS + f] = (outlier ? 8 : 1) + random() * 0.5 + f * 0.1
  }
  return rows
}

async function withRegistry(run: (registry: ModelRegistry, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-train-'))
  try {
    await run(await ModelRegistry.open(dir), dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const isModelInvalid = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof SentinelError, String(error))
  assert.equal(error.code, 'SNT_ERR_MODEL_INVALID')
  assert.match(error.message, pattern)
  return true
}

test('trainAndRegister: trains, checks ONNX against the forest, registers model + forest, promotes', async () => {
  await withRegistry(async (registry) => {
    const n = 600
    const rows = syntheticRows(n)
    const info = await trainAndRegister(registry, rows, n, {
      ...WINDOW,
      seed: 42,
      trees: 30,
      promote: 'active',
    })

    assert.equal(registry.active, info.version)
    assert.equal(info.active, true)
    assert.equal(info.hasForest, true)
    assert.equal(info.meta.kind, 'isolation-forest')
    assert.equal(info.meta.feature_spec.id, EVENT_FEATURE_SPEC.id)
    assert.deepEqual(info.meta.training, {
      window_start: '2026-11-20T00:00:00.000Z',
      window_end: '2026-11-21T00:00:00.000Z',
      rows: n,
    })
    const m = info.meta.metrics
    assert.equal(m['rows'], n)
    assert.equal(m['trees'], 30)
    assert.equal(m['seed'], 42)
    assert.ok((m['training_ms'] ?? -1) >= 0)
    const [p50, p90, p99] = [m['score_p50'], m['score_p90'], m['score_p99']] as number[]
    assert.ok(p50 !== undefined && p90 !== undefined && p99 !== undefined)
    assert.ok(p50 <= p90 && p90 <= p99 && p99 < 1, `quantiles in order: ${p50} ${p90} ${p99}`)
    // 12 of 600 rows are far from the cluster: they, and hardly anything else, score above 0.6.
    assert.ok(
      (m['share_above_0_6'] ?? 0) >= 0.015 && (m['share_above_0_6'] ?? 1) <= 0.05,
      String(m['share_above_0_6']),
    )
    assert.ok((m['onnx_max_abs_diff'] ?? 1) <= ONNX_AGREEMENT_TOLERANCE)

    // What was stored scores like the forest it was trained as, and carries its registry version.
    const scorer = await OnnxScorer.load(await registry.readModel(info.version), {
      name: info.version,
      expectedSpec: EVENT_FEATURE_SPEC,
    })
    try {
      assert.equal(scorer.modelVersion, info.version)
      const forest = IsolationForest.fromJSON(await registry.readForest(info.version))
      const onnx = await scorer.score(rows, 100)
      const ts = forest.scoreBatch(rows, 100)
      for (let i = 0; i < 100; i++)
        assert.ok(Math.abs((onnx[i] ?? 0) - (ts[i] ?? 1)) <= ONNX_AGREEMENT_TOLERANCE)
      assert.ok((ts[49] ?? 0) > (ts[0] ?? 1), 'the outlier row scores higher')
    } finally {
      await scorer.release()
    }

    // A second training as shadow leaves the active alone.
    const second = await trainAndRegister(registry, rows, n, {
      ...WINDOW,
      seed: 43,
      trees: 10,
      promote: 'shadow',
    })
    assert.equal(registry.active, info.version)
    assert.equal(registry.shadow, second.version)
    const third = await trainAndRegister(registry, rows, n, { ...WINDOW, trees: 5, promote: 'none' })
    assert.equal(third.active || third.shadow, false)
    assert.equal(registry.list().length, 3)
  })
})

test('trainAndRegister refuses unusable input, and registers nothing', async () => {
  await withRegistry(async (registry, dir) => {
    const rows = syntheticRows(10)
    await assert.rejects(
      trainAndRegister(registry, rows, 1, { ...WINDOW, promote: 'none' }),
      isModelInvalid(/at least 2/),
    )
    await assert.rejects(
      trainAndRegister(registry, rows, 11, { ...WINDOW, promote: 'none' }),
      isModelInvalid(/need 143 values, got 130/),
    )
    const withNaN = rows.slice()
    withNaN[5] = Number.NaN
    await assert.rejects(
      trainAndRegister(registry, withNaN, 10, { ...WINDOW, promote: 'none' }),
      isModelInvalid(/row 0 column 5 is NaN/),
    )
    await assert.rejects(
      trainAndRegister(registry, rows, 10, {
        windowStart: WINDOW.windowEnd,
        windowEnd: WINDOW.windowStart,
        promote: 'none',
      }),
      isModelInvalid(/training window/),
    )
    assert.deepEqual(await readdir(dir), [])
  })
})

test('the agreement check refuses an export that scores differently from its forest', async () => {
  const rows = syntheticRows(300)
  const forest = IsolationForest.train(rows, DIMS, { trees: 20, seed: 1 })
  const other = IsolationForest.train(rows, DIMS, { trees: 20, seed: 2 })
  const bytes = exportForestToOnnx(forest, {
    featureSpec: EVENT_FEATURE_SPEC,
    modelVersion: 'v0001-20261121T000000Z',
  })
  const diff = await checkOnnxAgreement(bytes, 'v0001', forest, { rows, n: 300 })
  assert.ok(diff <= ONNX_AGREEMENT_TOLERANCE)
  await assert.rejects(
    checkOnnxAgreement(bytes, 'v0001', other, { rows, n: 300 }),
    isModelInvalid(/the ONNX export scores sample row \d+ as .* but the forest as .*the export is broken/),
  )
})

test('importModel registers an operator model that fits, and refuses one built for other features', async () => {
  await withRegistry(async (registry, dir) => {
    const info = await importModel(registry, linearOnnxModel(EVENT_FEATURE_SPEC), {
      name: 'soc-linear.onnx',
      note: 'SOC baseline',
      promote: 'shadow',
    })
    assert.equal(info.meta.kind, 'imported')
    assert.equal(info.meta.training, null)
    assert.equal(info.hasForest, false)
    assert.equal(info.meta.note, 'SOC baseline')
    assert.equal(info.meta.source, 'imported from soc-linear.onnx (its model version: soc-linear-3)')
    assert.equal(registry.shadow, info.version)
    assert.equal(registry.history.at(-2)?.action, 'import')
    assert.deepEqual(await registry.readModel(info.version), Buffer.from(linearOnnxModel(EVENT_FEATURE_SPEC)))

    // A forest exported by another Sentinel imports too.
    const forest = IsolationForest.train(syntheticRows(100), DIMS, { trees: 5 })
    const exported = exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: 'lab-7' })
    assert.equal(
      (await importModel(registry, exported, { name: 'lab.onnx', promote: 'active' })).active,
      true,
    )

    const renamed: FeatureSpec = {
      id: EVENT_FEATURE_SPEC.id,
      names: EVENT_FEATURE_SPEC.names.map((n, i) => (i === 3 ? 'bytes_out' : n)),
    }
    await assert.rejects(
      importModel(registry, linearOnnxModel(renamed), { name: 'other.onnx', promote: 'active' }),
      isModelInvalid(/other\.onnx.*column 3 is 'bytes_out' in the model/),
    )
    const shorter: FeatureSpec = { id: 'vendor/v2', names: EVENT_FEATURE_SPEC.names.slice(0, 5) }
    await assert.rejects(
      importModel(registry, linearOnnxModel(shorter), { name: 'short.onnx', promote: 'none' }),
      isModelInvalid(/short\.onnx/),
    )
    await assert.rejects(
      importModel(registry, new TextEncoder().encode('not a model at all'), {
        name: 'notes.txt',
        promote: 'none',
      }),
      isModelInvalid(/notes\.txt/),
    )
    assert.equal(registry.list().length, 2, 'refused models are not registered')
    assert.equal((await readdir(dir)).length, 3)
  })
})
