/**
 * @module Arrival-time rings: the newest N arrival times of one group key. A condition over "N
 * events within the window" needs no more: it holds while the oldest of the newest N is inside the
 * window. The buffer grows on demand up to N, so quiet keys stay small.
 */

const INITIAL_CAPACITY = 4

export class TimeRing {
  readonly capacity: number
  #times: Float64Array
  #start = 0
  #size = 0

  constructor(capacity: number) {
    this.capacity = capacity
    this.#times = new Float64Array(Math.min(capacity, INITIAL_CAPACITY))
  }

  get size(): number {
    return this.#size
  }

  get full(): boolean {
    return this.#size === this.capacity
  }

  /** Add the newest time; when full, the oldest is dropped. */
  push(time: number): void {
    if (this.#size < this.capacity) {
      // Until it is full the ring has never wrapped: entries sit at [0, size).
      if (this.#size === this.#times.length) {
        const grown = new Float64Array(Math.min(this.capacity, this.#times.length * 2))
        grown.set(this.#times)
        this.#times = grown
      }
      this.#times[this.#size++] = time
      return
    }
    this.#times[this.#start] = time
    this.#start = this.#start + 1 === this.capacity ? 0 : this.#start + 1
  }

  /** The oldest time kept; NaN when empty. */
  oldest(): number {
    return this.#size === 0 ? NaN : (this.#times[this.#start] as number)
  }

  /** Times oldest first. */
  toArray(): number[] {
    const out: number[] = []
    for (let i = 0; i < this.#size; i++)
      out.push(this.#times[(this.#start + i) % this.#times.length] as number)
    return out
  }

  /** A ring holding `times` (oldest first, at most `capacity`). */
  static of(capacity: number, times: readonly number[]): TimeRing {
    const ring = new TimeRing(capacity)
    for (const time of times) ring.push(time)
    return ring
  }
}
