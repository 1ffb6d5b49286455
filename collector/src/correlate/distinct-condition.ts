/**
 * @module Distinct-count condition: at least N distinct values of a field within the window. Per
 * group key it keeps the newest N distinct values with the time each was last seen, oldest first:
 * N of them inside the window is exactly "at least N distinct values in the window". A list field
 * counts its first value; a number and its text (22, "22") are one value.
 */
import { isTime, type Condition } from './condition.js'
import { firstScalar, type FieldPath, type Scalar } from './field-path.js'

export interface DistinctState {
  /** Value -> last seen, least recently seen first. */
  readonly seen: Map<Scalar, number>
  /** Values added that were not in `seen`: a running total for `{{distinct}}`. */
  added: number
}

export class DistinctCondition implements Condition<DistinctState> {
  readonly firingCount: number
  readonly #field: FieldPath
  readonly #threshold: number
  readonly #window: number

  /** @example new DistinctCondition(['destination', 'port'], 20, 60_000) */
  constructor(field: FieldPath, threshold: number, window: number) {
    this.#field = field
    this.#threshold = threshold
    this.#window = window
    this.firingCount = threshold
  }

  create(): DistinctState {
    return { seen: new Map(), added: 0 }
  }

  add(state: DistinctState, _parts: number, event: object, arrival: number): boolean {
    const value = sameValue(firstScalar(event, this.#field))
    if (value !== undefined) {
      const seen = state.seen
      if (seen.has(value)) {
        seen.delete(value) // re-inserted below as the most recently seen
      } else {
        state.added++
        if (seen.size === this.#threshold) seen.delete(oldestKey(seen))
      }
      seen.set(value, arrival)
    }
    return this.#holds(state, arrival)
  }

  clearedAt(state: DistinctState, now: number): number | undefined {
    if (this.#holds(state, now)) return undefined
    const oldest = oldestTime(state.seen)
    return state.seen.size === this.#threshold ? Math.min(oldest + this.#window, now) : now
  }

  added(state: DistinctState): number {
    return state.added
  }

  #holds(state: DistinctState, now: number): boolean {
    return state.seen.size === this.#threshold && oldestTime(state.seen) > now - this.#window
  }

  save(state: DistinctState): { values: [Scalar, number][]; added: number } {
    return { values: [...state.seen], added: state.added }
  }

  load(json: unknown): DistinctState {
    const { values, added } = (json ?? {}) as { values?: unknown; added?: unknown }
    if (!Array.isArray(values) || values.length > this.#threshold || !isTime(added)) {
      throw new Error(`expected { values: at most ${this.#threshold} [value, time] pairs, added: a number }`)
    }
    const seen = new Map<Scalar, number>()
    for (const pair of values) {
      if (!Array.isArray(pair) || pair.length !== 2 || !isScalar(pair[0]) || !isTime(pair[1])) {
        throw new Error('values: expected [value, time] pairs')
      }
      seen.set(pair[0], pair[1])
    }
    return { seen, added }
  }
}

/** Port 22 and port "22" are one value: a number written as text counts as the number. */
function sameValue(value: Scalar | undefined): Scalar | undefined {
  if (typeof value !== 'string' || value === '') return value
  const first = value.charCodeAt(0)
  if (first !== 45 && (first < 48 || first > 57)) return value // neither "-" nor a digit
  const number = Number(value)
  return String(number) === value ? number : value
}

function oldestKey(seen: Map<Scalar, number>): Scalar {
  return seen.keys().next().value as Scalar
}

function oldestTime(seen: Map<Scalar, number>): number {
  return seen.values().next().value ?? NaN
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || isTime(value)
}
