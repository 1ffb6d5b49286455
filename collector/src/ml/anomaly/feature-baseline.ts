/**
 * @module Feature baseline: an exponentially weighted mean and variance of every feature over
 * recent events. It explains scores when the model cannot (an imported ONNX model has no trees
 * to follow): the features of an event furthest from usual, in standard deviations.
 */

export class FeatureBaseline {
  readonly dims: number
  readonly #weight: number
  readonly #mean: Float64Array
  readonly #variance: Float64Array
  #seen = 0

  /** `span`: events the averages mostly cover (EWMA weight 2 / (span + 1)). */
  constructor(dims: number, span = 10_000) {
    this.dims = dims
    this.#weight = 2 / (span + 1)
    this.#mean = new Float64Array(dims)
    this.#variance = new Float64Array(dims)
  }

  update(rows: Float32Array, row: number): void {
    const at = row * this.dims
    // Until the averages have seen a few events, a plain mean keeps the first one from dominating.
    const weight = Math.max(this.#weight, 1 / ++this.#seen)
    for (let f = 0; f < this.dims; f++) {
      const delta = (rows[at + f] as number) - (this.#mean[f] as number)
      this.#mean[f] = (this.#mean[f] as number) + weight * delta
      this.#variance[f] = (1 - weight) * ((this.#variance[f] as number) + weight * delta * delta)
    }
  }

  /** Indices of the k features of the row furthest from their average, furthest first. */
  explain(rows: Float32Array, row: number, k: number): number[] {
    const at = row * this.dims
    const distance = (f: number) => {
      const spread = Math.sqrt(this.#variance[f] as number) || 1e-9
      return Math.abs((rows[at + f] as number) - (this.#mean[f] as number)) / spread
    }
    return [...Array(this.dims).keys()]
      .map((f) => [f, distance(f)] as const)
      .filter(([, d]) => d > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([f]) => f)
  }
}
