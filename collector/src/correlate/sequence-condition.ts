/**
 * @module Sequence condition: events matching every step in order, the first and the last within
 * the window. Per group key it keeps, for each step reached, the latest first-step time of a partial
 * sequence that got that far (a later start has more time left). One event advances one step; a
 * completed sequence starts over.
 */
import { isTime, type Condition } from './condition.js'

export interface SequenceState {
  /** starts[i]: first-step arrival of the latest partial sequence through step i; -Infinity: none. */
  readonly starts: Float64Array
  /** Arrival of the last completion; -Infinity: none. */
  completedAt: number
}

export class SequenceCondition implements Condition<SequenceState> {
  readonly firingCount: number
  readonly #steps: number
  readonly #window: number

  /** @example new SequenceCondition(3, 600_000) */
  constructor(steps: number, window: number) {
    this.#steps = steps
    this.#window = window
    this.firingCount = steps
  }

  create(): SequenceState {
    return { starts: new Float64Array(this.#steps).fill(-Infinity), completedAt: -Infinity }
  }

  add(state: SequenceState, parts: number, _event: object, arrival: number): boolean {
    const starts = state.starts
    const horizon = arrival - this.#window
    const last = this.#steps - 1
    // From the last step down, so an event matching several steps advances a sequence only once.
    for (let step = last; step >= 0; step--) {
      if ((parts & (1 << step)) === 0) continue
      if (step === 0) {
        starts[0] = arrival
        continue
      }
      const start = starts[step - 1] as number
      if (start <= horizon) continue
      if (step === last) {
        state.completedAt = arrival
        starts.fill(-Infinity)
        return true
      }
      if (start > (starts[step] as number)) starts[step] = start
    }
    return false
  }

  /** A sequence alert lasts a window after the last completion. */
  clearedAt(state: SequenceState, now: number): number | undefined {
    const end = state.completedAt + this.#window
    return end <= now ? end : undefined
  }

  added(): number {
    return 0
  }

  save(state: SequenceState): { starts: (number | null)[]; completedAt: number | null } {
    return {
      starts: [...state.starts].map((t) => (Number.isFinite(t) ? t : null)),
      completedAt: Number.isFinite(state.completedAt) ? state.completedAt : null,
    }
  }

  load(json: unknown): SequenceState {
    const { starts, completedAt } = (json ?? {}) as { starts?: unknown; completedAt?: unknown }
    const time = (v: unknown) => v === null || isTime(v)
    if (
      !Array.isArray(starts) ||
      starts.length !== this.#steps ||
      !starts.every(time) ||
      !time(completedAt)
    ) {
      throw new Error(`expected { starts: ${this.#steps} times or nulls, completedAt: a time or null }`)
    }
    return {
      starts: Float64Array.from(starts, (t: number | null) => t ?? -Infinity),
      completedAt: (completedAt as number | null) ?? -Infinity,
    }
  }
}
