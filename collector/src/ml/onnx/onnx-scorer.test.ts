import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import onnxProto from 'onnx-proto'

import { SentinelError } from '../../errors/codes.js'
import {
  EVENT_FEATURE_SPEC,
  FEATURE_SPEC_METADATA_KEY,
  MODEL_VERSION_METADATA_KEY,
  type FeatureSpec,
} from '../features/feature-spec.js'
import { IsolationForest } from '../forest/isolation-forest.js'
import { exportForestToOnnx } from './onnx-export.js'
import { describeSpecDifference, OnnxScorer } from './onnx-scorer.js'

const { onnx } = onnxProto
const DIMS = EVENT_FEATURE_SPEC.names.length
const SPEC_JSON = JSON.stringify({ id: EVENT_FEATURE_SPEC.id, names: EVENT_FEATURE_SPEC.names })

type Dim = number | string
interface HandModel {
  inputs?: { name: string; dims: Dim[] }[]
  outputs?: { name: string; dims: Dim[] }[]
  nodes: { op: string; inputs: string[]; output: string }[]
  weights?: Record<string, { dims: number[]; values: number[] }>
  metadata?: Record<string, string>
}

/** Builds an ONNX model by hand, as an operator's own tooling would (opset 17). */
function handModel(spec: HandModel): Uint8Array {
  const info = (name: string, dims: Dim[]): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  })
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'operator-tooling',
    graph: {
      name: 'operator_model',
      input: (spec.inputs ?? [{ name: 'x', dims: ['batch', DIMS] }]).map((i) => info(i.name, i.dims)),
      output: (spec.outputs ?? [{ name: 'anomaly', dims: ['batch', 1] }]).map((o) => info(o.name, o.dims)),
      node: spec.nodes.map((n, i) => ({ name: `n${i}`, opType: n.op, input: n.inputs, output: [n.output] })),
      initializer: Object.entries(spec.weights ?? {}).map(([name, w]) => ({
        name,
        dims: w.dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        floatData: w.values,
      })),
    },
    metadataProps: Object.entries(spec.metadata ?? { [FEATURE_SPEC_METADATA_KEY]: SPEC_JSON }).map(
      ([key, value]) => ({
        key,
        value,
      }),
    ),
  }
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish()
}

/** Fixed weights of a logistic model: the operator's "weights.onnx". */
const WEIGHTS = Array.from({ length: DIMS }, (_, i) => ((i % 5) - 2) / 4)
const BIAS = -0.5
const logistic = (spec?: Partial<HandModel>): Uint8Array =>
  handModel({
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], output: 'logit_raw' },
      { op: 'Add', inputs: ['logit_raw', 'b'], output: 'logit' },
      { op: 'Sigmoid', inputs: ['logit'], output: 'anomaly' },
    ],
    weights: { w: { dims: [DIMS, 1], values: WEIGHTS }, b: { dims: [1], values: [BIAS] } },
    metadata: {
      [FEATURE_SPEC_METADATA_KEY]: SPEC_JSON,
      [MODEL_VERSION_METADATA_KEY]: 'ops-7',
      owner: 'netops',
    },
    ...spec,
  })

function rowsOf(n: number, seed: number): Float32Array {
  let s = seed
  const rows = new Float32Array(n * DIMS)
  for (let i = 0; i < rows.length; i++) {
    s = (s * 16807) % 2147483647
    rows[i] = (s / 2147483647) * 6 - 3
  }
  return rows
}

async function expectRejected(
  source: Uint8Array,
  pattern: RegExp,
  spec: FeatureSpec = EVENT_FEATURE_SPEC,
): Promise<void> {
  await assert.rejects(OnnxScorer.load(source, { name: 'm.onnx', expectedSpec: spec }), (error: unknown) => {
    assert.ok(error instanceof SentinelError, String(error))
    assert.equal(error.code, 'SNT_ERR_MODEL_INVALID')
    assert.match(error.message, /^Invalid anomaly model m\.onnx: /)
    assert.match(error.message, pattern)
    return true
  })
}

describe('OnnxScorer', () => {
  it('loads the exported forest and scores batches as the forest does', async () => {
    const training = rowsOf(2000, 5)
    const forest = IsolationForest.train(training, DIMS, { trees: 40 })
    const bytes = exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: 'forest-2' })
    const scorer = await OnnxScorer.load(bytes, { name: 'forest-2.onnx', expectedSpec: EVENT_FEATURE_SPEC })
    try {
      assert.equal(scorer.modelVersion, 'forest-2')
      assert.equal(scorer.metadata['sentinel.model_kind'], 'isolation_forest')
      assert.equal(scorer.inputName, 'features')
      assert.equal(scorer.outputName, 'score')
      const rows = rowsOf(600, 9)
      const expected = forest.scoreBatch(rows, 600)
      for (const n of [1, 64, 600]) {
        const scores = await scorer.score(rows, n)
        assert.equal(scores.length, n)
        for (let i = 0; i < n; i++)
          assert.ok(Math.abs((scores[i] ?? 0) - (expected[i] ?? 0)) < 1e-6, `row ${i}`)
      }
      assert.deepEqual(await scorer.score(rows, 0), new Float32Array(0))
      await assert.rejects(scorer.score(rows, 601), RangeError)
    } finally {
      await scorer.release()
    }
  })

  it('loads an operator-built model that declares the spec (MatMul + Sigmoid)', async () => {
    const scorer = await OnnxScorer.load(logistic(), {
      name: 'weights.onnx',
      expectedSpec: EVENT_FEATURE_SPEC,
    })
    try {
      assert.equal(scorer.modelVersion, 'ops-7')
      assert.equal(scorer.metadata['owner'], 'netops')
      assert.equal(scorer.outputName, 'anomaly')
      const rows = rowsOf(100, 3)
      const scores = await scorer.score(rows, 100)
      for (let r = 0; r < 100; r++) {
        let z = BIAS
        for (let f = 0; f < DIMS; f++) z += (WEIGHTS[f] ?? 0) * (rows[r * DIMS + f] ?? 0)
        const want = 1 / (1 + Math.exp(-z))
        assert.ok(Math.abs((scores[r] ?? 0) - want) < 1e-6, `row ${r}: ${scores[r]} vs ${want}`)
      }
    } finally {
      await scorer.release()
    }
  })

  it('accepts an [N] output and clamps scores to [0, 1]', async () => {
    // A linear model without a squashing function, weights as a vector: output [N], any real.
    const linear = handModel({
      outputs: [{ name: 'raw', dims: ['batch'] }],
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], output: 'raw' }],
      weights: { w: { dims: [DIMS], values: WEIGHTS.map((w, i) => (i === 0 ? 1 : w * 0)) } },
    })
    const scorer = await OnnxScorer.load(linear, { name: 'linear.onnx', expectedSpec: EVENT_FEATURE_SPEC })
    try {
      assert.equal(scorer.modelVersion, undefined)
      const rows = new Float32Array(4 * DIMS)
      ;[-2, 0.25, 7, 1].forEach((v, r) => (rows[r * DIMS] = v))
      assert.deepEqual(await scorer.score(rows, 4), new Float32Array([0, 0.25, 1, 1]))
    } finally {
      await scorer.release()
    }
  })

  it('throws SNT_ERR_MODEL_INVALID when a batch scores NaN', async () => {
    // sqrt(x0): fine for the probe rows, NaN for a negative first feature.
    const root = handModel({
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], output: 'first' },
        { op: 'Sqrt', inputs: ['first'], output: 'anomaly' },
      ],
      weights: { w: { dims: [DIMS, 1], values: WEIGHTS.map((_, i) => (i === 0 ? 1 : 0)) } },
    })
    const scorer = await OnnxScorer.load(root, { name: 'sqrt.onnx', expectedSpec: EVENT_FEATURE_SPEC })
    try {
      const rows = new Float32Array(2 * DIMS)
      rows[0] = 0.25
      rows[DIMS] = -1
      await assert.rejects(
        scorer.score(rows, 2),
        /Invalid anomaly model sqrt\.onnx: scoring 2 rows returned NaN for row 1/,
      )
      rows[DIMS] = 0.04
      const scores = await scorer.score(rows, 2)
      assert.ok(Math.abs((scores[0] ?? 0) - 0.5) < 1e-6 && Math.abs((scores[1] ?? 0) - 0.2) < 1e-6)
    } finally {
      await scorer.release()
    }
  })

  it('rejects a model built for another feature spec, naming the first differing column', async () => {
    const names = [...EVENT_FEATURE_SPEC.names]
    names[2] = 'bytes_out'
    await expectRejected(
      logistic({
        metadata: { [FEATURE_SPEC_METADATA_KEY]: JSON.stringify({ id: 'site.custom/v1', names }) },
      }),
      /feature spec column 2 is 'bytes_out' in the model but 'device_template_count' in the collector/,
    )
    await expectRejected(
      logistic({
        metadata: {
          [FEATURE_SPEC_METADATA_KEY]: JSON.stringify({
            id: 'sentinel.event/v0',
            names: EVENT_FEATURE_SPEC.names,
          }),
        },
      }),
      /feature spec id is 'sentinel.event\/v0' in the model but 'sentinel.event\/v1' in the collector/,
    )
    const shorter = { id: EVENT_FEATURE_SPEC.id, names: EVENT_FEATURE_SPEC.names.slice(0, 12) }
    assert.match(
      describeSpecDifference(EVENT_FEATURE_SPEC, shorter) ?? '',
      /column 12 is nothing in the model but 'device_rate_vs_baseline'/,
    )
    assert.equal(
      describeSpecDifference(EVENT_FEATURE_SPEC, {
        id: EVENT_FEATURE_SPEC.id,
        names: [...EVENT_FEATURE_SPEC.names],
      }),
      undefined,
    )
  })

  it('rejects a model without a usable feature spec in its metadata', async () => {
    await expectRejected(
      logistic({ metadata: { owner: 'netops' } }),
      /no metadata 'sentinel\.feature_spec': a model must declare/,
    )
    await expectRejected(
      logistic({ metadata: { [FEATURE_SPEC_METADATA_KEY]: 'v1' } }),
      /metadata 'sentinel\.feature_spec' is not JSON/,
    )
    await expectRejected(
      logistic({ metadata: { [FEATURE_SPEC_METADATA_KEY]: '{"id": "x", "names": [1, 2]}' } }),
      /is not \{"id": string, "names": string\[\]\}/,
    )
  })

  it('rejects bytes that are not an ONNX model', async () => {
    await expectRejected(new Uint8Array(0), /no bytes: the model is empty/)
    await expectRejected(
      new TextEncoder().encode('this is not a model at all, just text'),
      /not an ONNX model/,
    )
    await expectRejected(
      Uint8Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256),
      /not an ONNX model/,
    )
  })

  it('rejects models whose input is not one float32 [N, F]', async () => {
    const twoInputs = logistic({
      inputs: [
        { name: 'x', dims: ['batch', DIMS] },
        { name: 'y', dims: ['batch', DIMS] },
      ],
      nodes: [
        { op: 'Add', inputs: ['x', 'y'], output: 'sum' },
        { op: 'MatMul', inputs: ['sum', 'w'], output: 'logit_raw' },
        { op: 'Add', inputs: ['logit_raw', 'b'], output: 'logit' },
        { op: 'Sigmoid', inputs: ['logit'], output: 'anomaly' },
      ],
    })
    await expectRejected(
      twoInputs,
      /the model has 2 inputs \(x, y\); it must take exactly one float32 \[N, 13\] input/,
    )
    await expectRejected(
      logistic({ inputs: [{ name: 'x', dims: [1, DIMS] }] }),
      /shape \[1, 13\]: a fixed batch of 1/,
    )
    await expectRejected(
      logistic({
        inputs: [{ name: 'x', dims: ['batch', 7] }],
        weights: { w: { dims: [7, 1], values: WEIGHTS.slice(0, 7) }, b: { dims: [1], values: [0] } },
      }),
      /shape \[batch, 7\]: 7 columns, but the feature spec has 13/,
    )
  })

  it('rejects models whose probe batch does not come back as N finite scores', async () => {
    await expectRejected(
      handModel({
        outputs: [{ name: 'anomaly', dims: ['batch', DIMS] }],
        nodes: [{ op: 'Sigmoid', inputs: ['x'], output: 'anomaly' }],
      }),
      /a probe run on 3 rows returned shape \[3, 13\] for 3 rows; expected \[3\] or \[3, 1\]/,
    )
    // 0 / 0 for every row.
    await expectRejected(
      handModel({
        nodes: [
          { op: 'MatMul', inputs: ['x', 'zero'], output: 'z' },
          { op: 'Div', inputs: ['z', 'z'], output: 'anomaly' },
        ],
        weights: { zero: { dims: [DIMS, 1], values: new Array<number>(DIMS).fill(0) } },
      }),
      /a probe run on 3 rows returned NaN for row 0/,
    )
    // 1 / x0: infinite for the all-zero probe row.
    await expectRejected(
      handModel({
        nodes: [
          { op: 'MatMul', inputs: ['x', 'first'], output: 'z' },
          { op: 'Reciprocal', inputs: ['z'], output: 'anomaly' },
        ],
        weights: { first: { dims: [DIMS, 1], values: WEIGHTS.map((_, i) => (i === 0 ? 1 : 0)) } },
      }),
      /a probe run on 3 rows returned Infinity for row 0/,
    )
  })

  it('rejects a model onnxruntime cannot load', async () => {
    await expectRejected(
      handModel({ nodes: [{ op: 'NoSuchOperator', inputs: ['x'], output: 'anomaly' }] }),
      /onnxruntime cannot load it: .*NoSuchOperator/,
    )
  })

  it('refuses to score after release', async () => {
    const scorer = await OnnxScorer.load(logistic(), {
      name: 'weights.onnx',
      expectedSpec: EVENT_FEATURE_SPEC,
      intraOpThreads: 2,
    })
    await scorer.release()
    await scorer.release()
    await assert.rejects(scorer.score(new Float32Array(DIMS), 1), /was released/)
  })
})
