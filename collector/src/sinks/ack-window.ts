/**
 * @module Ack window: which spool position a sink may acknowledge. Events are read in seq order
 * and sent in batches that finish in any order (retries, several requests in flight); the cursor
 * may only pass a contiguous prefix of events whose fate is final (delivered, duplicate or
 * dead-lettered), so a crash at any moment replays the rest and loses nothing.
 */

/**
 * @example
 * const window = new AckWindow()
 * window.track([10, 11, 12])
 * window.settle([10, 12])
 * window.takeAckable() // 10: 11 is still open, so 12 waits
 * window.settle([11])
 * window.takeAckable() // 12
 */
export class AckWindow {
  /** Seqs read and not yet acknowledged, ascending. */
  #open: number[] = []
  #head = 0
  readonly #settled = new Set<number>()

  /** Events read and handed to a request, in read (ascending seq) order. */
  track(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const last = this.#open[this.#open.length - 1]
      if (last !== undefined && seq <= last) throw new RangeError(`seq ${seq} tracked after ${last}`)
      this.#open.push(seq)
    }
  }

  /** Events whose fate is final. */
  settle(seqs: readonly number[]): void {
    for (const seq of seqs) this.#settled.add(seq)
  }

  /**
   * The highest seq that ends a settled prefix (acknowledge up to it, inclusive), removing that
   * prefix; undefined when the oldest open event is not settled.
   */
  takeAckable(): number | undefined {
    let last: number | undefined
    while (this.#head < this.#open.length) {
      const seq = this.#open[this.#head]
      if (seq === undefined || !this.#settled.has(seq)) break
      this.#settled.delete(seq)
      last = seq
      this.#head += 1
    }
    if (this.#head > 1024 && this.#head * 2 > this.#open.length) {
      this.#open = this.#open.slice(this.#head)
      this.#head = 0
    }
    return last
  }

  /** Events tracked and not yet taken. */
  get size(): number {
    return this.#open.length - this.#head
  }
}
