/**
 * @module Sink contract: a destination that reads the spool with its own cursor and moves that
 * cursor only after the destination confirmed the write (at-least-once).
 */

/** A running output. */
export interface Sink {
  /** Stable name: the spool reader's name and the `sink` metric label (e.g. `elasticsearch`). */
  readonly id: string
  /** Open the spool reader and start delivering; resolves once the loop runs (not when the destination answers). */
  start(): Promise<void>
  /** Stop reading, wait (bounded) for requests in flight, persist the cursor. Idempotent. */
  stop(): Promise<void>
  /** Refresh sampled values (backlog) right before a scrape. */
  collectMetrics?(): void
}
