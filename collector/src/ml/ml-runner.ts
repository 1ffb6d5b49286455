/**
 * @module How the collector runs the ML stage (`ml.thread`): in its worker thread (MlWorker), or
 * inline on the event loop. The worker takes template mining, inference and training off the
 * event loop, which pays where a core is free for it; on one or two cores the two threads take
 * turns on the same CPU and slices wait for each other, so inline has the lower latency there.
 */
import { availableParallelism } from 'node:os'
import type { SentinelEvent } from '../event/sentinel-event.js'
import type { Logger } from '../telemetry/logger.js'
import type { CollectorMetrics } from '../telemetry/metrics.js'
import type { MlConfig } from './config.js'
import { metricsObserver, statsSampler } from './ml-observer.js'
import { MlStage } from './ml-stage.js'
import { MlWorker } from './worker/ml-worker.js'

/** Cores the collector may use from which `thread: auto` runs the stage in a worker. */
const WORKER_FROM_CORES = 4

export interface MlRunner {
  readonly thread: 'worker' | 'inline'
  start(): Promise<void>
  stop(): Promise<void>
  /** The pipeline's annotate step. */
  annotate(events: SentinelEvent[]): Promise<void> | undefined
  /** Copies the stage's counts to the metrics (at scrape time). */
  sampleMetrics(): void
}

export function createMlRunner(
  config: MlConfig,
  dataDir: string,
  deps: { metrics: CollectorMetrics; logger: Logger },
): MlRunner {
  const cores = availableParallelism()
  const thread = config.thread !== 'auto' ? config.thread : cores >= WORKER_FROM_CORES ? 'worker' : 'inline'
  deps.logger.info(
    { thread, cores },
    thread === 'worker' ? 'The ML stage runs in a worker thread.' : 'The ML stage runs on the event loop.',
  )
  const runner = thread === 'worker' ? new MlWorker(config, dataDir, deps) : inline(config, dataDir, deps)
  return timed(runner, deps.metrics)
}

function inline(
  config: MlConfig,
  dataDir: string,
  deps: { metrics: CollectorMetrics; logger: Logger },
): MlRunner {
  const stage = new MlStage(config, dataDir, { observer: metricsObserver(deps.metrics), logger: deps.logger })
  const sample = statsSampler(deps.metrics)
  return {
    thread: 'inline',
    start: () => stage.start(),
    stop: () => stage.stop(),
    annotate: (events) => stage.annotate(events),
    sampleMetrics: () => sample(stage.stats()),
  }
}

/** The runner, with the time each slice spends in the stage observed (sentinel_anomaly_stage_seconds). */
function timed(runner: MlRunner, metrics: CollectorMetrics): MlRunner {
  return {
    thread: runner.thread,
    start: () => runner.start(),
    stop: () => runner.stop(),
    sampleMetrics: () => runner.sampleMetrics(),
    annotate: (events) => {
      const started = performance.now()
      return runner.annotate(events)?.then(() => {
        metrics.anomalyStageDuration.observe((performance.now() - started) / 1000)
      })
    },
  }
}
