/**
 * @module The ML stage as the collector runs it: in a worker thread, so that template mining,
 * feature extraction, ONNX inference and training use a core of their own instead of the event
 * loop that reads sockets, parses and spools. Each pipeline slice crosses as an MlBatch (columns)
 * and its templates and scores come back as columns, written onto the events here.
 *
 * A worker that dies is restarted (1 s, then 5 s, then every 30 s) from the state it last saved;
 * until then events go on without ML fields, counted in sentinel_errors_total.
 */
import { Worker } from 'node:worker_threads'
import { SentinelError } from '../../errors/codes.js'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import type { Logger } from '../../telemetry/logger.js'
import type { CollectorMetrics } from '../../telemetry/metrics.js'
import type { MlConfig } from '../config.js'
import { applyMlAnnotations, toMlBatch, type MlAnnotations } from '../ml-batch.js'
import { metricsObserver, statsSampler, type MlObserver, type MlStageStats } from '../ml-observer.js'
import type { MlReply, MlRequest, MlThreadInput, MlThreadMessage } from './protocol.js'

/** Waits before restarting a worker that died, by restarts so far (the last repeats). */
const RESTART_DELAYS_MS = [1_000, 5_000, 30_000]

export interface MlWorkerDeps {
  metrics: CollectorMetrics
  logger: Logger
  /** Starts the thread (tests keep a handle on it); spawnMlThread by default. */
  spawn?: (input: MlThreadInput) => Worker
}

type Distributive<T> = T extends unknown ? Omit<T, 'id'> : never

interface Waiting {
  resolve: (reply: Extract<MlReply, { ok: true }>) => void
  reject: (error: Error) => void
}

export class MlWorker {
  readonly thread = 'worker'
  readonly #input: MlThreadInput
  readonly #deps: MlWorkerDeps
  readonly #observer: MlObserver
  readonly #sampleStats: (stats: MlStageStats) => void
  #worker: Worker | undefined
  /** True between a worker's start reply and its exit. */
  #ready = false
  #stopping = false
  #nextId = 1
  readonly #waiting = new Map<number, Waiting>()
  /** The counts the worker reported with its last answer. */
  #stats: MlStageStats | undefined
  #restarts = 0
  #restartTimer: NodeJS.Timeout | undefined

  constructor(config: MlConfig, dataDir: string, deps: MlWorkerDeps) {
    this.#input = { config, dataDir, logLevel: deps.logger.level }
    this.#deps = deps
    this.#observer = metricsObserver(deps.metrics)
    this.#sampleStats = statsSampler(deps.metrics)
  }

  /** Starts the worker and waits until its state and models are loaded. */
  async start(): Promise<void> {
    this.#stopping = false
    await this.#spawn()
  }

  /** Saves the worker's state and ends it; batches sent before are answered first. */
  async stop(): Promise<void> {
    this.#stopping = true
    clearTimeout(this.#restartTimer)
    const worker = this.#worker
    if (worker === undefined) return
    try {
      if (this.#ready) await this.#request({ op: 'stop' })
    } finally {
      this.#ready = false
      await worker.terminate()
    }
  }

  /** Copies the worker's counts to the metrics (at scrape time). */
  sampleMetrics(): void {
    if (this.#stats) this.#sampleStats(this.#stats)
  }

  /**
   * The pipeline's annotate step: sends the slice's log events and polls to the worker and writes
   * what comes back onto them. Nothing to wait for when the slice has none, or the worker is down
   * (those events are counted and go on as they are).
   */
  annotate(events: SentinelEvent[]): Promise<void> | undefined {
    const slice = toMlBatch(events)
    const rows = slice.logged.length + slice.polled.length
    if (rows === 0) return undefined
    if (!this.#ready) {
      this.#deps.metrics.errors.inc(
        { component_id: 'ml', error_type: 'unavailable', error_code: 'SNT_ERR_ML_WORKER', stage: 'scoring' },
        rows,
      )
      return undefined
    }
    return this.#request({ op: 'annotate', batch: slice.batch }).then((reply) =>
      applyMlAnnotations(slice, reply.result as MlAnnotations),
    )
  }

  async #spawn(): Promise<void> {
    const worker = (this.#deps.spawn ?? spawnMlThread)(this.#input)
    this.#worker = worker
    worker.on('message', (message: MlThreadMessage) => this.#receive(message))
    worker.on('error', (error) => {
      this.#deps.logger.error({ error: String(error) }, 'ML worker thread failed.')
    })
    worker.on('exit', (code) => this.#exited(worker, code))
    try {
      await this.#request({ op: 'start' })
    } catch (error) {
      this.#worker = undefined
      await worker.terminate()
      throw error
    }
    this.#ready = true
  }

  #request(request: Distributive<MlRequest>): Promise<Extract<MlReply, { ok: true }>> {
    const worker = this.#worker
    if (worker === undefined)
      return Promise.reject(new SentinelError('SNT_ERR_ML_WORKER', ['is not running']))
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject })
      worker.postMessage({ ...request, id })
    })
  }

  #receive(message: MlThreadMessage): void {
    switch (message.kind) {
      case 'reply': {
        const waiting = this.#waiting.get(message.id)
        this.#waiting.delete(message.id)
        if (!message.ok) return waiting?.reject(new SentinelError('SNT_ERR_ML_WORKER', [message.error]))
        this.#stats = message.stats
        return waiting?.resolve(message)
      }
      case 'log':
        return this.#log(message.line)
      case 'observe':
        return (this.#observer[message.method] as (...args: unknown[]) => void)(...message.args)
    }
  }

  /** A log line of the worker's, through the collector's logger at the same level. */
  #log(line: string): void {
    const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg?: string }
    const { logger } = this.#deps
    const label = logger.levels.labels[level] ?? 'info'
    const write = logger[label as 'info'].bind(logger)
    write(fields, msg)
  }

  #exited(worker: Worker, code: number): void {
    if (worker !== this.#worker) return
    this.#worker = undefined
    this.#ready = false
    const error = new SentinelError('SNT_ERR_ML_WORKER', [`exited with code ${code}`])
    for (const waiting of this.#waiting.values()) waiting.reject(error)
    this.#waiting.clear()
    if (this.#stopping) return
    this.#deps.logger.error(
      { exit_code: code },
      'ML worker thread stopped; events go on without templates or scores until it restarts.',
    )
    this.#scheduleRestart()
  }

  #scheduleRestart(): void {
    clearTimeout(this.#restartTimer)
    const delay = RESTART_DELAYS_MS[Math.min(this.#restarts, RESTART_DELAYS_MS.length - 1)] as number
    this.#restarts++
    this.#restartTimer = setTimeout(() => {
      if (this.#stopping) return
      this.#spawn().then(
        () => this.#deps.logger.info({ restarts: this.#restarts }, 'ML worker thread restarted.'),
        (error: unknown) => {
          this.#deps.logger.error(
            { error: String(error), restart_in_ms: delay },
            'Restarting the ML worker failed.',
          )
          if (!this.#stopping) this.#scheduleRestart()
        },
      )
    }, delay)
    this.#restartTimer.unref()
  }
}

/**
 * The worker, from the compiled entry beside this file; run from source (tests, under tsx), the
 * worker registers tsx before importing the TypeScript entry, as workers do not inherit loaders.
 */
export function spawnMlThread(input: MlThreadInput): Worker {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new Worker(new URL('./ml-thread.js', here), { workerData: input })
  const entry = JSON.stringify(new URL('./ml-thread.ts', here).href)
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${entry}) })`, {
    eval: true,
    workerData: input,
  })
}
