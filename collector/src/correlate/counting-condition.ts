/**
 * @module Counting conditions: `threshold` (one part: at least N events within the window) and
 * `join` (every part at least its min_count within the window). Each part keeps a ring of its
 * newest min_count arrival times and nothing else.
 */
import { isTime, type Condition } from './condition.js'
import { TimeRing } from './time-ring.js'

export class CountingCondition implements Condition<TimeRing[]> {
  readonly firingCount: number
  readonly #minCounts: readonly number[]
  readonly #window: number

  /** @example new CountingCondition([5], 60_000) // threshold: 5 events within a minute */
  constructor(minCounts: readonly number[], window: number) {
    this.#minCounts = minCounts
    this.#window = window
    this.firingCount = minCounts.reduce((sum, n) => sum + n, 0)
  }

  create(): TimeRing[] {
    return this.#minCounts.map((n) => new TimeRing(n))
  }

  add(rings: TimeRing[], parts: number, _event: object, arrival: number): boolean {
    let bit = 1
    for (const ring of rings) {
      if ((parts & bit) !== 0) ring.push(arrival)
      bit <<= 1
    }
    return this.#holds(rings, arrival)
  }

  clearedAt(rings: TimeRing[], now: number): number | undefined {
    if (this.#holds(rings, now)) return undefined
    // The first part whose oldest counted event left the window.
    let at = now
    for (const ring of rings) if (ring.full) at = Math.min(at, ring.oldest() + this.#window)
    return at
  }

  added(): number {
    return 0
  }

  #holds(rings: readonly TimeRing[], now: number): boolean {
    const horizon = now - this.#window
    for (const ring of rings) if (!ring.full || ring.oldest() <= horizon) return false
    return true
  }

  save(rings: TimeRing[]): number[][] {
    return rings.map((ring) => ring.toArray())
  }

  load(json: unknown): TimeRing[] {
    const counts = this.#minCounts
    if (!Array.isArray(json) || json.length !== counts.length)
      throw new Error(`expected ${counts.length} lists of times`)
    const rings: TimeRing[] = []
    for (const [i, times] of json.entries()) {
      const limit = counts[i] as number
      if (!Array.isArray(times) || times.length > limit || !times.every(isTime)) {
        throw new Error(`list ${i}: expected at most ${limit} times`)
      }
      rings.push(TimeRing.of(limit, times))
    }
    return rings
  }
}
