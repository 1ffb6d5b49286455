/**
 * @module Spool contract: the durable, ordered log of accepted events that every sink reads
 * with its own cursor.
 */

/** What happens when the spool reaches its disk quota. */
export const WHEN_FULL_POLICIES = ['block', 'drop_newest', 'drop_oldest'] as const
export type WhenFull = (typeof WHEN_FULL_POLICIES)[number]

export interface SpoolOptions {
  /** Directory the spool owns. */
  dir: string
  /** Disk quota for segment files, in bytes. */
  maxBytes: number
  /** A segment is closed and a new one started past this size. */
  segmentBytes: number
  /** Policy at the quota: `block` pushes back, `drop_newest` refuses new events, `drop_oldest` deletes the oldest segment. */
  whenFull: WhenFull
  /** fsync the active segment at most this often (0: after every append). Writes reach the OS page cache at once, which survives a process crash. */
  fsyncIntervalMs: number
}

/** One stored event. */
export interface SpoolRecord {
  /** Position in the log: dense, increasing, never reused within a spool. */
  seq: number
  payload: Buffer
}
