/**
 * @module Scores feature rows in batches with any ONNX model through onnxruntime-node: the exported
 * Isolation Forest or a model an operator brings. A model is only accepted after it proves it fits:
 * its metadata declares the feature spec the collector extracts (`sentinel.feature_spec`), it takes
 * exactly one float32 [N, F] input, and a probe batch returns one finite score per row. A misfit is
 * refused at load with SentinelError SNT_ERR_MODEL_INVALID saying what is wrong, rather than
 * producing quietly meaningless scores later.
 *
 * onnxruntime-node does not expose a model's custom metadata, so it is read by decoding the bytes
 * with onnx-proto. Sessions default to one intra-op and one inter-op thread: the collector scales
 * by process, and one thread per batch keeps latency predictable. Note that onnxruntime-node runs
 * a session on the calling JavaScript thread (after a setImmediate), so a batch blocks that thread
 * for as long as it takes: the collector scores in the ML worker thread, not on its event loop.
 */
import * as ort from 'onnxruntime-node'
import onnxProto from 'onnx-proto'

import { SentinelError } from '../../errors/codes.js'
import {
  FEATURE_SPEC_METADATA_KEY,
  MODEL_VERSION_METADATA_KEY,
  type FeatureSpec,
} from '../features/feature-spec.js'

const { onnx } = onnxProto

export interface OnnxScorerOptions {
  /** Names the model in errors and logs (e.g. its file name or registry id). */
  name: string
  /** The spec of the rows the collector will pass; the model must declare the same one. */
  expectedSpec: FeatureSpec
  /** Threads one batch may use; 1 by default. */
  intraOpThreads?: number
}

/** Rows of the probe batch run at load: more than one, so a model that only takes one row fails. */
const PROBE_ROWS = 3
/** The output used when a model has several: `score` if it has one, else its first output. */
const PREFERRED_OUTPUT = 'score'

function invalid(name: string, detail: string, cause?: unknown): SentinelError {
  return new SentinelError(
    'SNT_ERR_MODEL_INVALID',
    [name, detail],
    cause === undefined ? undefined : { cause },
  )
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function quote(value: string | undefined): string {
  return value === undefined ? 'nothing' : `'${value}'`
}

/** Says how a declared spec differs from the expected one, first differing column first. */
export function describeSpecDifference(expected: FeatureSpec, declared: FeatureSpec): string | undefined {
  const width = Math.max(expected.names.length, declared.names.length)
  for (let i = 0; i < width; i++) {
    const want = expected.names[i]
    const got = declared.names[i]
    if (want !== got) {
      return (
        `feature spec column ${i} is ${quote(got)} in the model but ${quote(want)} in the collector ` +
        `(model spec ${declared.id} has ${declared.names.length} columns, the collector's ${expected.id} has ${expected.names.length})`
      )
    }
  }
  if (expected.id !== declared.id) {
    return `feature spec id is '${declared.id}' in the model but '${expected.id}' in the collector (same columns)`
  }
  return undefined
}

/** Decodes the bytes as an ONNX ModelProto and returns its metadata, or says why it cannot. */
function readMetadata(source: Uint8Array, name: string): Record<string, string> {
  if (!(source instanceof Uint8Array) || source.length === 0)
    throw invalid(name, 'no bytes: the model is empty')
  let model: onnxProto.onnx.ModelProto
  try {
    model = onnx.ModelProto.decode(source)
  } catch (error) {
    throw invalid(name, `not an ONNX model: the bytes are not a ModelProto (${messageOf(error)})`, error)
  }
  // Protobuf decodes many byte strings without complaint; a model without a graph is not a model.
  if ((model.graph?.node?.length ?? 0) === 0) {
    throw invalid(name, 'not an ONNX model: no graph with any node')
  }
  const metadata: Record<string, string> = {}
  for (const { key, value } of model.metadataProps) if (typeof key === 'string') metadata[key] = value ?? ''
  return metadata
}

function readSpec(metadata: Record<string, string>, name: string): FeatureSpec {
  const text = metadata[FEATURE_SPEC_METADATA_KEY]
  if (text === undefined) {
    throw invalid(
      name,
      `no metadata '${FEATURE_SPEC_METADATA_KEY}': a model must declare the feature spec it was built for, as JSON {"id": ..., "names": [...]}`,
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw invalid(name, `metadata '${FEATURE_SPEC_METADATA_KEY}' is not JSON (${messageOf(error)})`, error)
  }
  const spec = parsed as Partial<FeatureSpec> | null
  if (
    typeof spec !== 'object' ||
    spec === null ||
    typeof spec.id !== 'string' ||
    !Array.isArray(spec.names) ||
    !spec.names.every((n) => typeof n === 'string')
  ) {
    throw invalid(name, `metadata '${FEATURE_SPEC_METADATA_KEY}' is not {"id": string, "names": string[]}`)
  }
  return { id: spec.id, names: spec.names }
}

/** Checks the session's one input is float32 [N, F] with a free batch dimension. */
function checkInput(session: ort.InferenceSession, name: string, columns: number): string {
  const inputs = session.inputNames
  const input = inputs[0]
  if (inputs.length !== 1 || input === undefined) {
    throw invalid(
      name,
      `the model has ${inputs.length} inputs (${inputs.join(', ')}); it must take exactly one float32 [N, ${columns}] input`,
    )
  }
  const meta = session.inputMetadata[0]
  if (meta === undefined || !meta.isTensor) throw invalid(name, `input '${input}' is not a tensor`)
  if (meta.type !== 'float32') {
    throw invalid(name, `input '${input}' is ${meta.type}; it must be float32 [N, ${columns}]`)
  }
  // An empty shape means the model does not say; the probe run settles it.
  if (meta.shape.length > 0) {
    const shape = `[${meta.shape.join(', ')}]`
    const [batch, width] = meta.shape
    if (meta.shape.length !== 2)
      throw invalid(name, `input '${input}' has shape ${shape}; it must be [N, ${columns}]`)
    if (typeof width === 'number' && width !== columns) {
      throw invalid(
        name,
        `input '${input}' has shape ${shape}: ${width} columns, but the feature spec has ${columns}`,
      )
    }
    if (typeof batch === 'number') {
      throw invalid(
        name,
        `input '${input}' has shape ${shape}: a fixed batch of ${batch}, it must be a free dimension N`,
      )
    }
  }
  return input
}

/**
 * The output as n scores clamped to [0, 1] (in place when it is float32 already). NaN throws, and
 * so does any non-finite value when `finite` is set (the probe at load).
 */
function toScores(
  value: ort.OnnxValue | undefined,
  n: number,
  name: string,
  what: string,
  finite = false,
): Float32Array {
  if (value === undefined) throw invalid(name, `${what} returned no output`)
  const { data, dims, type } = value as ort.Tensor
  if (type !== 'float32' && type !== 'float64')
    throw invalid(name, `${what} returned ${type} scores; expected float32`)
  const shapeOk =
    (dims.length === 1 && dims[0] === n) || (dims.length === 2 && dims[0] === n && dims[1] === 1)
  if (!shapeOk)
    throw invalid(
      name,
      `${what} returned shape [${dims.join(', ')}] for ${n} rows; expected [${n}] or [${n}, 1]`,
    )
  const source = data as Float32Array | Float64Array
  const scores = source instanceof Float32Array ? source : new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const v = source[i] ?? Number.NaN
    if (Number.isNaN(v) || (finite && !Number.isFinite(v)))
      throw invalid(name, `${what} returned ${v} for row ${i}`)
    scores[i] = v < 0 ? 0 : v > 1 ? 1 : v
  }
  return scores
}

/**
 * One loaded model, ready to score batches.
 *
 * @example
 * const scorer = await OnnxScorer.load(bytes, { name: 'forest-v3', expectedSpec: EVENT_FEATURE_SPEC })
 * const scores = await scorer.score(rows, n) // Float32Array of n scores in [0, 1]
 */
export class OnnxScorer {
  readonly name: string
  readonly spec: FeatureSpec
  /** `sentinel.model_version` from the model's metadata, when it has one. */
  readonly modelVersion: string | undefined
  /** All of the model's metadata_props. */
  readonly metadata: Readonly<Record<string, string>>
  readonly inputName: string
  readonly outputName: string
  readonly #session: ort.InferenceSession
  #released = false

  private constructor(
    session: ort.InferenceSession,
    name: string,
    spec: FeatureSpec,
    metadata: Record<string, string>,
    inputName: string,
    outputName: string,
  ) {
    this.#session = session
    this.name = name
    this.spec = spec
    this.metadata = Object.freeze({ ...metadata })
    this.modelVersion = metadata[MODEL_VERSION_METADATA_KEY]
    this.inputName = inputName
    this.outputName = outputName
  }

  /**
   * Loads and checks a model. Rejects with SentinelError SNT_ERR_MODEL_INVALID [name, detail] for
   * bytes that are not an ONNX model, a missing or different feature spec (naming the first
   * differing column), anything but one float32 [N, F] input, or a probe batch that does not
   * come back as N finite scores.
   */
  static async load(source: Uint8Array, options: OnnxScorerOptions): Promise<OnnxScorer> {
    const { name, expectedSpec } = options
    const threads = options.intraOpThreads ?? 1
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError('intraOpThreads must be a positive integer')
    const metadata = readMetadata(source, name)
    const declared = readSpec(metadata, name)
    const difference = describeSpecDifference(expectedSpec, declared)
    if (difference !== undefined) throw invalid(name, difference)

    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(source, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Errors reach the caller as exceptions; onnxruntime's own warnings would bypass the logs.
        logSeverityLevel: 3,
      })
    } catch (error) {
      throw invalid(name, `onnxruntime cannot load it: ${messageOf(error)}`, error)
    }
    try {
      const columns = expectedSpec.names.length
      const inputName = checkInput(session, name, columns)
      const outputs = session.outputNames
      const outputName = outputs.includes(PREFERRED_OUTPUT) ? PREFERRED_OUTPUT : outputs[0]
      if (outputName === undefined) throw invalid(name, 'the model has no output')
      const scorer = new OnnxScorer(
        session,
        name,
        { id: declared.id, names: [...declared.names] },
        metadata,
        inputName,
        outputName,
      )
      await scorer.#probe(columns)
      return scorer
    } catch (error) {
      await session.release()
      throw error
    }
  }

  /**
   * Scores the first n rows of `rows` (row-major, spec-width columns) in one batched run and
   * returns n scores clamped to [0, 1]. A NaN score throws SNT_ERR_MODEL_INVALID; the caller
   * counts it and carries on.
   */
  async score(rows: Float32Array, n: number): Promise<Float32Array> {
    if (this.#released) throw new Error(`OnnxScorer ${this.name} was released`)
    const columns = this.spec.names.length
    if (!Number.isInteger(n) || n < 0 || n * columns > rows.length) {
      throw new RangeError(`Cannot score ${n} rows of ${columns} from ${rows.length} values`)
    }
    if (n === 0) return new Float32Array(0)
    const data = rows.length === n * columns ? rows : rows.subarray(0, n * columns)
    let result: ort.InferenceSession.ReturnType
    try {
      result = await this.#session.run({ [this.inputName]: new ort.Tensor('float32', data, [n, columns]) }, [
        this.outputName,
      ])
    } catch (error) {
      throw invalid(this.name, `scoring ${n} rows failed: ${messageOf(error)}`, error)
    }
    return toScores(result[this.outputName], n, this.name, `scoring ${n} rows`)
  }

  async release(): Promise<void> {
    if (this.#released) return
    this.#released = true
    await this.#session.release()
  }

  /** Runs a small batch of plausible rows and checks N finite scores come back. */
  async #probe(columns: number): Promise<void> {
    const rows = new Float32Array(PROBE_ROWS * columns)
    for (let i = 0; i < columns; i++) {
      rows[columns + i] = 1
      rows[2 * columns + i] = i % 2 === 0 ? 3 : -1
    }
    let result: ort.InferenceSession.ReturnType
    try {
      result = await this.#session.run(
        { [this.inputName]: new ort.Tensor('float32', rows, [PROBE_ROWS, columns]) },
        [this.outputName],
      )
    } catch (error) {
      throw invalid(this.name, `a probe run on ${PROBE_ROWS} rows failed: ${messageOf(error)}`, error)
    }
    toScores(result[this.outputName], PROBE_ROWS, this.name, `a probe run on ${PROBE_ROWS} rows`, true)
  }
}
