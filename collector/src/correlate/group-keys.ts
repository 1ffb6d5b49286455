/**
 * @module Group keys of one rule: each key's condition state, evidence and alert, in a map and in a
 * list ordered by when each key was last moved to the list's end. A key moves at most once a second
 * (MOVE_INTERVAL_MS), so a busy key (one source in a brute-force burst) costs no list work per
 * event. Since a key's `lastUpdate` is never before its `movedAt`, a walk from the list's start that
 * stops at the first key moved after time T has seen every key last updated at or before T: idle
 * clean-up and absence checks stay exact, and eviction takes the least recently updated key to
 * within a second, without scanning the others.
 */
import type { EvidenceRing } from './evidence-ring.js'

export const MOVE_INTERVAL_MS = 1000

/** An alert that is firing for a group key. */
export interface Firing {
  readonly id: string
  readonly startsAt: number
  /** Fixed when the alert starts. */
  readonly labels: Readonly<Record<string, string>>
  readonly triggeredByArrival: number
  /** Evidence KQL: the rule's query and this key's group values. */
  readonly query: string
  /** The alert's evidence is the key's events that arrived after this time. */
  readonly evidenceAfter: number
  /** The condition's running distinct total when it fired (for `{{distinct}}`). */
  readonly addedAtFire: number
  count: number
}

export class GroupKey<S> {
  readonly key: string
  /** Group field values, in `group_by` order. */
  readonly values: readonly string[]
  state: S
  readonly evidence: EvidenceRing
  /** Latest values of the summary's event fields. */
  readonly fields: unknown[]
  /** Arrival of the last matching event (absence: when the watch started, until one arrives). */
  lastUpdate: number
  /** When the key last moved to the end of the list. */
  movedAt: number
  /** absence: device and site of the last matching event. */
  device: string | undefined
  site: string | undefined
  /** No new alert before this time (suppress_for after the last one resolved). */
  suppressedUntil = -Infinity
  /** Whether the current suppressed burst (condition holding while suppressed) was counted. */
  suppressCounted = false
  firing: Firing | undefined
  older: GroupKey<S> | undefined
  newer: GroupKey<S> | undefined

  constructor(key: string, values: readonly string[], state: S, evidence: EvidenceRing, lastUpdate: number) {
    this.key = key
    this.values = values
    this.state = state
    this.evidence = evidence
    this.fields = []
    this.lastUpdate = lastUpdate
    this.movedAt = lastUpdate
  }
}

export class GroupKeys<S> {
  readonly #byKey = new Map<string, GroupKey<S>>()
  #oldest: GroupKey<S> | undefined
  #newest: GroupKey<S> | undefined

  get size(): number {
    return this.#byKey.size
  }

  /** The key moved longest ago. */
  get oldest(): GroupKey<S> | undefined {
    return this.#oldest
  }

  get(key: string): GroupKey<S> | undefined {
    return this.#byKey.get(key)
  }

  /** Add at the end of the list. */
  add(entry: GroupKey<S>): void {
    this.#byKey.set(entry.key, entry)
    this.#link(entry)
  }

  /** The key was updated at `now`: move it to the end unless it moved within the last second. */
  touch(entry: GroupKey<S>, now: number): void {
    if (now - entry.movedAt < MOVE_INTERVAL_MS) return
    entry.movedAt = now
    if (entry === this.#newest) return
    this.#unlink(entry)
    this.#link(entry)
  }

  remove(entry: GroupKey<S>): void {
    this.#byKey.delete(entry.key)
    this.#unlink(entry)
  }

  /** Least recently moved first. */
  *[Symbol.iterator](): IterableIterator<GroupKey<S>> {
    for (let entry = this.#oldest; entry !== undefined; entry = entry.newer) yield entry
  }

  #link(entry: GroupKey<S>): void {
    entry.older = this.#newest
    entry.newer = undefined
    if (this.#newest) this.#newest.newer = entry
    else this.#oldest = entry
    this.#newest = entry
  }

  #unlink(entry: GroupKey<S>): void {
    if (entry.older) entry.older.newer = entry.newer
    else this.#oldest = entry.newer
    if (entry.newer) entry.newer.older = entry.older
    else this.#newest = entry.older
    entry.older = undefined
    entry.newer = undefined
  }
}
