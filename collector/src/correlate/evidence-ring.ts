/**
 * @module Evidence rings: ids and arrival times of the newest matching events of one group key,
 * capped, so an alert can name the events that made it fire and those that kept it firing.
 */

export interface EvidenceSlice {
  /** Oldest first. */
  readonly ids: string[]
  readonly from: number
  readonly to: number
}

export class EvidenceRing {
  readonly #capacity: number
  readonly #ids: string[] = []
  readonly #times: number[] = []
  #start = 0

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  push(id: string, time: number): void {
    if (this.#ids.length < this.#capacity) {
      this.#ids.push(id)
      this.#times.push(time)
      return
    }
    this.#ids[this.#start] = id
    this.#times[this.#start] = time
    this.#start = this.#start + 1 === this.#capacity ? 0 : this.#start + 1
  }

  /** The entries that arrived after `after`, oldest first; undefined when there are none. */
  since(after: number): EvidenceSlice | undefined {
    const ids: string[] = []
    let from = NaN
    let to = NaN
    const size = this.#ids.length
    for (let i = 0; i < size; i++) {
      const at = (this.#start + i) % size
      const time = this.#times[at] as number
      if (time <= after) continue
      if (ids.length === 0) from = time
      ids.push(this.#ids[at] as string)
      to = time
    }
    return ids.length === 0 ? undefined : { ids, from, to }
  }

  /** Every entry, oldest first, for a snapshot. */
  entries(): { ids: string[]; times: number[] } {
    const ids: string[] = []
    const times: number[] = []
    const size = this.#ids.length
    for (let i = 0; i < size; i++) {
      const at = (this.#start + i) % size
      ids.push(this.#ids[at] as string)
      times.push(this.#times[at] as number)
    }
    return { ids, times }
  }

  /** A ring holding the newest `capacity` of the given entries (oldest first). */
  static of(capacity: number, ids: readonly string[], times: readonly number[]): EvidenceRing {
    const ring = new EvidenceRing(capacity)
    ids.forEach((id, i) => ring.push(id, times[i] as number))
    return ring
  }
}
