/**
 * @module A hand-built operator model for tests: score = sigmoid(features · w + b), the feature
 * spec in its metadata, built with onnx-proto as an operator's own tooling would. Not a trained
 * forest, so it has nothing to explain its scores with.
 */
import onnxProto from 'onnx-proto'
import {
  FEATURE_SPEC_METADATA_KEY,
  MODEL_VERSION_METADATA_KEY,
  type FeatureSpec,
} from '../features/feature-spec.js'

export function linearOnnxModel(
  spec: FeatureSpec,
  options: { columns?: number; weight?: number; bias?: number } = {},
): Uint8Array {
  const { onnx } = onnxProto
  const columns = options.columns ?? spec.names.length
  const float = onnx.TensorProto.DataType.FLOAT
  const info = (name: string, dims: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: float,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  })
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'soc-team',
    graph: {
      name: 'linear',
      node: [
        { opType: 'MatMul', input: ['features', 'w'], output: ['product'] },
        { opType: 'Add', input: ['product', 'b'], output: ['logit'] },
        { opType: 'Sigmoid', input: ['logit'], output: ['score'] },
      ],
      initializer: [
        {
          name: 'w',
          dataType: float,
          dims: [columns, 1],
          floatData: new Array(columns).fill(options.weight ?? 0.01),
        },
        { name: 'b', dataType: float, dims: [1], floatData: [options.bias ?? 0] },
      ],
      input: [info('features', ['N', columns])],
      output: [info('score', ['N', 1])],
    },
    metadataProps: [
      { key: FEATURE_SPEC_METADATA_KEY, value: JSON.stringify({ id: spec.id, names: [...spec.names] }) },
      { key: MODEL_VERSION_METADATA_KEY, value: 'soc-linear-3' },
    ],
  })
  return onnx.ModelProto.encode(model).finish()
}
