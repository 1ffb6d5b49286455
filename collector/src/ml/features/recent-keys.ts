/**
 * @module Distinct keys (peer addresses, ports) one device was seen with in its last few minutes,
 * counted exactly, with the forgetting spread out. When the window moves on, the minute that left
 * it only takes its count away; its keys are deleted a few per later event. Deleting them all at
 * once would put the expiry of every busy device into the first slice of each minute, when they
 * all roll over together.
 */

/** Expired keys deleted per `add`: more than the one an add can insert, so the backlog drains. */
const FORGET_PER_ADD = 2

export class RecentKeys<K> {
  /** Key -> minute last seen, in the order last seen (oldest first), expired keys included. */
  readonly #lastSeen = new Map<K, number>()
  /** Keys last seen in minute m, at m % minutes, for the minutes in the window. */
  readonly #perMinute: Int32Array
  readonly #minutes: number
  readonly #cap: number
  /** First minute of the window. */
  #oldest: number
  #count = 0
  /** Walks #lastSeen from the oldest key, deleting expired ones; undefined when none are left. */
  #expiring: MapIterator<[K, number]> | undefined

  /** A window of `minutes` minutes ending at `minute`, tracking at most `cap` keys. */
  constructor(minutes: number, cap: number, minute: number) {
    this.#minutes = minutes
    this.#cap = cap
    this.#perMinute = new Int32Array(minutes)
    this.#oldest = minute - minutes + 1
  }

  /** Keys seen in the window. */
  get count(): number {
    return this.#count
  }

  /** Keys held, expired ones not yet deleted included (for tests). */
  get held(): number {
    return this.#lastSeen.size
  }

  /** Moves the window on to end at `minute`. */
  advance(minute: number): void {
    const oldest = minute - this.#minutes + 1
    if (oldest <= this.#oldest) return
    const leaving = Math.min(oldest, this.#oldest + this.#minutes)
    for (let m = this.#oldest; m < leaving; m++) {
      const slot = this.#slot(m)
      this.#count -= this.#perMinute[slot] as number
      this.#perMinute[slot] = 0
    }
    this.#oldest = oldest
    this.#expiring ??= this.#lastSeen.entries()
  }

  /**
   * Records `key` as seen at minute `at`, the window's last; a new key is not counted while `cap`
   * keys of the window are held.
   */
  add(key: K, at: number): void {
    // A clock stepped back counts as the window's last minute: the order, and the counts, hold.
    const minute = Math.max(at, this.#oldest + this.#minutes - 1)
    this.#forget(FORGET_PER_ADD)
    const last = this.#lastSeen.get(key)
    if (last === minute) return
    if (last === undefined) {
      if (this.#lastSeen.size >= this.#cap && this.#forget(1) === 0) return
      this.#count++
    } else {
      // Seen again: it moves to the end, so the map stays in the order last seen.
      this.#lastSeen.delete(key)
      if (last >= this.#oldest) (this.#perMinute[this.#slot(last)] as number)--
      else this.#count++
    }
    ;(this.#perMinute[this.#slot(minute)] as number)++
    this.#lastSeen.set(key, minute)
  }

  /**
   * Where minute `m` counts. A window ending before minute `minutes - 1` starts below 0, and `%`
   * keeps the sign.
   */
  #slot(m: number): number {
    const slot = m % this.#minutes
    return slot < 0 ? slot + this.#minutes : slot
  }

  /** Deletes up to `limit` expired keys, the oldest first; returns how many. */
  #forget(limit: number): number {
    let deleted = 0
    while (this.#expiring !== undefined && deleted < limit) {
      const next = this.#expiring.next()
      if (next.done === true || next.value[1] >= this.#oldest) {
        // Every key from here on was seen in the window.
        this.#expiring = undefined
        break
      }
      this.#lastSeen.delete(next.value[0])
      deleted++
    }
    return deleted
  }
}
