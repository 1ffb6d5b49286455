/**
 * @module Exports an Isolation Forest as a standard ONNX model, so the collector scores it with
 * onnxruntime like any model an operator brings, and other ONNX tools can read it. The graph is
 *
 *   features float32 [N, F] -> ai.onnx.ml TreeEnsembleRegressor (AVERAGE) -> mean path length [N, 1]
 *     -> Mul(-ln 2 / c(ψ)) -> Exp -> score float32 [N, 1]
 *
 * i.e. score = exp(-E·ln2 / c(ψ)) = 2^(-E / c(ψ)). Every split is BRANCH_LEQ on the forest's own
 * float32 threshold (x <= t goes to the true/left branch, NaN goes right), and each leaf's weight is
 * its float32 path length depth + c(size), so ONNX and `IsolationForest.score` take the same path
 * through every tree; they differ only in how the average is rounded (onnxruntime sums float32
 * leaf weights in float32). The feature spec and model version ride in `metadata_props`, which is
 * what `OnnxScorer` checks before it will score anything.
 */
import onnxProto from 'onnx-proto'

import { SentinelError } from '../../errors/codes.js'
import type { IsolationForest } from '../forest/isolation-forest.js'
import {
  FEATURE_SPEC_METADATA_KEY,
  MODEL_VERSION_METADATA_KEY,
  type FeatureSpec,
} from '../features/feature-spec.js'

const { onnx } = onnxProto
const { AttributeType } = onnx.AttributeProto
const { DataType } = onnx.TensorProto

/**
 * IR version 8 with opset 17 and ai.onnx.ml 3 (the pairing ONNX 1.12 writes), all of which
 * onnxruntime 1.30 loads. TreeEnsembleRegressor 3 is the operator's latest version (3 only added
 * the double-precision `*_as_tensor` attributes, unused here); Mul and Exp are unchanged since 13.
 */
export const ONNX_IR_VERSION = 8
export const ONNX_OPSET = 17
export const ONNX_ML_OPSET = 3

/** Input and output names of exported models, and what `OnnxScorer` looks for first. */
export const FEATURES_INPUT = 'features'
export const SCORE_OUTPUT = 'score'

/** Further metadata keys an exported forest carries (informational). */
export const MODEL_KIND_METADATA_KEY = 'sentinel.model_kind'
export const FOREST_TREES_METADATA_KEY = 'sentinel.forest.trees'
export const FOREST_SAMPLE_SIZE_METADATA_KEY = 'sentinel.forest.sample_size'
export const FOREST_SEED_METADATA_KEY = 'sentinel.forest.seed'
export const FOREST_NORMALISER_METADATA_KEY = 'sentinel.forest.path_normaliser'

export interface OnnxExportOptions {
  /** The columns the forest was trained on, in order; its length must equal the forest's dims. */
  featureSpec: FeatureSpec
  /** The model's version string, stored under `sentinel.model_version`. */
  modelVersion: string
  /** Free text for the model's doc_string. */
  description?: string
}

function floatTensorInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

/**
 * Serialises `forest` as an ONNX ModelProto. Throws SentinelError SNT_ERR_MODEL_INVALID when the
 * spec's column count is not the forest's, or the model version is empty.
 */
export function exportForestToOnnx(forest: IsolationForest, options: OnnxExportOptions): Uint8Array {
  const { featureSpec, modelVersion, description } = options
  if (typeof modelVersion !== 'string' || modelVersion.trim() === '') {
    throw new SentinelError('SNT_ERR_MODEL_INVALID', ['export', 'modelVersion must be a non-empty string'])
  }
  if (featureSpec.names.length !== forest.dims) {
    throw new SentinelError('SNT_ERR_MODEL_INVALID', [
      modelVersion,
      `the forest has ${forest.dims} features but spec ${featureSpec.id} names ${featureSpec.names.length}`,
    ])
  }

  const { treeStart, feature, value, right } = forest.nodes()
  const trees = treeStart.length - 1
  const nodeCount = feature.length
  const treeIds = new Array<number>(nodeCount)
  const nodeIds = new Array<number>(nodeCount)
  const featureIds = new Array<number>(nodeCount)
  const modes = new Array<Uint8Array>(nodeCount)
  const thresholds = new Array<number>(nodeCount)
  const trueIds = new Array<number>(nodeCount)
  const falseIds = new Array<number>(nodeCount)
  const targetTreeIds: number[] = []
  const targetNodeIds: number[] = []
  const targetWeights: number[] = []
  const leq = new TextEncoder().encode('BRANCH_LEQ')
  const leaf = new TextEncoder().encode('LEAF')
  for (let t = 0; t < trees; t++) {
    const start = treeStart[t] ?? 0
    const end = treeStart[t + 1] ?? 0
    // ONNX node ids start at 0 in every tree and count up: the forest's pre-order, made local.
    for (let i = start; i < end; i++) {
      const f = feature[i] ?? -1
      treeIds[i] = t
      nodeIds[i] = i - start
      if (f >= 0) {
        featureIds[i] = f
        modes[i] = leq
        thresholds[i] = value[i] ?? 0
        trueIds[i] = i + 1 - start
        falseIds[i] = (right[i] ?? 0) - start
      } else {
        featureIds[i] = 0
        modes[i] = leaf
        thresholds[i] = 0
        trueIds[i] = 0
        falseIds[i] = 0
        targetTreeIds.push(t)
        targetNodeIds.push(i - start)
        targetWeights.push(value[i] ?? 0)
      }
    }
  }

  const ints = (name: string, list: number[]): onnxProto.onnx.IAttributeProto => ({
    name,
    type: AttributeType.INTS,
    ints: list,
  })
  const floats = (name: string, list: number[]): onnxProto.onnx.IAttributeProto => ({
    name,
    type: AttributeType.FLOATS,
    floats: list,
  })
  const text = (name: string, s: string): onnxProto.onnx.IAttributeProto => ({
    name,
    type: AttributeType.STRING,
    s: new TextEncoder().encode(s),
  })

  const ensemble: onnxProto.onnx.INodeProto = {
    name: 'isolation_forest',
    opType: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    input: [FEATURES_INPUT],
    output: ['mean_path_length'],
    attribute: [
      text('aggregate_function', 'AVERAGE'),
      { name: 'n_targets', type: AttributeType.INT, i: 1 },
      text('post_transform', 'NONE'),
      ints('nodes_treeids', treeIds),
      ints('nodes_nodeids', nodeIds),
      ints('nodes_featureids', featureIds),
      { name: 'nodes_modes', type: AttributeType.STRINGS, strings: modes },
      floats('nodes_values', thresholds),
      ints('nodes_truenodeids', trueIds),
      ints('nodes_falsenodeids', falseIds),
      ints('target_treeids', targetTreeIds),
      ints('target_nodeids', targetNodeIds),
      ints('target_ids', new Array<number>(targetTreeIds.length).fill(0)),
      floats('target_weights', targetWeights),
    ],
  }
  const scale: onnxProto.onnx.ITensorProto = {
    name: 'neg_ln2_over_c',
    dataType: DataType.FLOAT,
    dims: [],
    floatData: [-Math.LN2 / forest.normaliser],
  }

  const metadata: Record<string, string> = {
    [FEATURE_SPEC_METADATA_KEY]: JSON.stringify({ id: featureSpec.id, names: [...featureSpec.names] }),
    [MODEL_VERSION_METADATA_KEY]: modelVersion,
    [MODEL_KIND_METADATA_KEY]: 'isolation_forest',
    [FOREST_TREES_METADATA_KEY]: String(trees),
    [FOREST_SAMPLE_SIZE_METADATA_KEY]: String(forest.subsample),
    [FOREST_SEED_METADATA_KEY]: String(forest.options.seed),
    [FOREST_NORMALISER_METADATA_KEY]: String(forest.normaliser),
  }

  const model: onnxProto.onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET },
    ],
    producerName: 'sentinel',
    domain: 'io.sentinel',
    docString:
      description ??
      `Isolation Forest (${trees} trees, ψ=${forest.subsample}) over ${featureSpec.id}; score in (0, 1), above 0.5 is unusual`,
    graph: {
      name: 'sentinel_isolation_forest',
      node: [
        ensemble,
        {
          name: 'scale',
          opType: 'Mul',
          input: ['mean_path_length', scale.name ?? ''],
          output: ['log_score'],
        },
        { name: 'to_score', opType: 'Exp', input: ['log_score'], output: [SCORE_OUTPUT] },
      ],
      initializer: [scale],
      input: [floatTensorInfo(FEATURES_INPUT, ['N', forest.dims])],
      output: [floatTensorInfo(SCORE_OUTPUT, ['N', 1])],
      valueInfo: [floatTensorInfo('mean_path_length', ['N', 1]), floatTensorInfo('log_score', ['N', 1])],
    },
    metadataProps: Object.entries(metadata).map(([key, v]) => ({ key, value: v })),
  }
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish()
}
