/** @module Messages between the collector's thread and the ML worker thread. */
import type { MlConfig } from '../config.js'
import type { MlBatch } from '../ml-batch.js'
import type { MlObserver, MlStageStats } from '../ml-observer.js'

/** The worker's `workerData`. */
export interface MlThreadInput {
  config: MlConfig
  dataDir: string
  /** The collector's log level: the worker's log lines are forwarded to the collector's logger. */
  logLevel: string
}

export type MlRequest =
  { id: number; op: 'start' } | { id: number; op: 'annotate'; batch: MlBatch } | { id: number; op: 'stop' }

/** The worker's answer to request `id`, with the stage's counts as of then. */
export type MlReply =
  | { kind: 'reply'; id: number; ok: true; result: unknown; stats: MlStageStats }
  | { kind: 'reply'; id: number; ok: false; error: string }

/** What the worker says unasked: a log line, or an observation for the metrics. */
export type MlNotice =
  { kind: 'log'; line: string } | { kind: 'observe'; method: keyof MlObserver; args: unknown[] }

export type MlThreadMessage = MlReply | MlNotice
