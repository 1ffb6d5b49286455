/**
 * @module Conditions: what a rule kind keeps per group key and when its condition holds. Times are
 * arrival times in ms; an event is inside the window at `now` when it arrived after `now - window`.
 */

export interface Condition<S> {
  /** State for a new group key. */
  create(): S
  /**
   * Add one matching event; bit i of `parts` is set when it matched step or part i. Returns whether
   * the condition holds at `arrival`.
   */
  add(state: S, parts: number, event: object, arrival: number): boolean
  /** For a firing key: the time its condition stopped holding, if it has by `now`; else undefined. */
  clearedAt(state: S, now: number): number | undefined
  /** Events (or distinct values) it takes to fire: an alert's count when it starts. */
  readonly firingCount: number
  /** Distinct values added so far (a running total; distinct_count only, 0 for the other kinds). */
  added(state: S): number
  /** JSON-safe copy of the state. */
  save(state: S): unknown
  /** The state `save` wrote; throws an Error saying why when `json` is not one. */
  load(json: unknown): S
}

/** Whether `value` is a finite number (JSON has no NaN or Infinity). */
export function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}
