/**
 * @module Training sample: a uniform random sample of the feature rows seen since the last
 * training (reservoir sampling, Vitter's algorithm R), of fixed size, so the next model learns
 * from the whole period and not only from its busiest minutes, in bounded memory.
 */

export class TrainingSample {
  readonly dims: number
  readonly capacity: number
  readonly #rows: Float32Array
  #seen = 0
  #since: number | undefined
  #until: number | undefined
  readonly #random: () => number

  constructor(dims: number, capacity: number, random: () => number = Math.random) {
    this.dims = dims
    this.capacity = capacity
    this.#rows = new Float32Array(dims * capacity)
    this.#random = random
  }

  /** Rows offered since the last reset (the sample holds min(seen, capacity) of them). */
  get seen(): number {
    return this.#seen
  }

  /** When the first row of this period was offered (ms), if any. */
  get since(): number | undefined {
    return this.#since
  }

  get size(): number {
    return Math.min(this.#seen, this.capacity)
  }

  /** Offers row `row` of `rows` (row-major, `dims` columns), seen at `now` ms. */
  offer(rows: Float32Array, row: number, now: number): void {
    this.#since ??= now
    this.#until = now
    const seen = this.#seen++
    const slot = seen < this.capacity ? seen : Math.floor(this.#random() * (seen + 1))
    if (slot >= this.capacity) return
    // Copied value by value: a subarray view per offered row was garbage on every event.
    const from = row * this.dims
    const to = slot * this.dims
    for (let k = 0; k < this.dims; k++) this.#rows[to + k] = rows[from + k] as number
  }

  /** A copy of the sample and the period it covers; undefined while it is empty. */
  take(): { rows: Float32Array; n: number; windowStart: Date; windowEnd: Date } | undefined {
    if (this.#since === undefined || this.#until === undefined) return undefined
    const n = this.size
    return {
      rows: this.#rows.slice(0, n * this.dims),
      n,
      windowStart: new Date(this.#since),
      windowEnd: new Date(this.#until),
    }
  }

  /** Starts a new period (after a training). */
  reset(): void {
    this.#seen = 0
    this.#since = undefined
    this.#until = undefined
  }
}
