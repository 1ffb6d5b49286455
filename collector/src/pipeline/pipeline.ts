/**
 * @module Pipeline: the path from sources to the spool. Records are queued as sources push them,
 * then parsed, serialised and appended to the spool in batches, one disk write per batch (group
 * commit: while a write is in flight the next batch accumulates). The queue is bounded: above
 * `maxPendingEvents` sources are told to pause (TCP/TLS) or drop and count (UDP), and they are
 * told to resume once it has drained to half.
 */
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import type { SentinelError } from '../errors/codes.js'
import type { RecordPort } from '../sources/source.js'
import type { CollectorMetrics } from '../telemetry/metrics.js'
import type { Logger } from '../telemetry/logger.js'
import type { RecentEvents } from './recent-events.js'

/** What the pipeline needs of the spool. */
export interface EventLog {
  append(payloads: Buffer[]): Promise<{ firstSeq: number; count: number }>
  isFull(): boolean
  onSpace(listener: () => void): () => void
}

export interface PipelineOptions {
  batchMaxEvents: number
  maxPendingEvents: number
}

export interface PipelineDeps {
  spool: EventLog
  parse: (record: RawRecord) => SentinelEvent
  metrics: CollectorMetrics
  logger: Logger
  recent?: RecentEvents
}

/** Wait before retrying a failed spool write (an I/O error, not a full spool). */
const WRITE_RETRY_MS = 500

export class Pipeline implements RecordPort {
  readonly #options: PipelineOptions
  readonly #deps: PipelineDeps
  /** Queue of records not yet written; `#head` avoids shifting the array on every batch. */
  #queue: RawRecord[] = []
  #head = 0
  #writing = false
  #scheduled = false
  #waitingForSpace = false
  /** Set once a source has been told the pipeline is full; cleared when drain listeners run. */
  #backpressured = false
  readonly #drainListeners = new Set<() => void>()
  #idleWaiters: (() => void)[] = []

  constructor(options: PipelineOptions, deps: PipelineDeps) {
    this.#options = options
    this.#deps = deps
  }

  get pending(): number {
    return this.#queue.length - this.#head
  }

  push(records: RawRecord[]): boolean {
    for (const record of records) this.#queue.push(record)
    this.#schedule()
    if (this.pending >= this.#options.maxPendingEvents) {
      this.#backpressured = true
      return false
    }
    return true
  }

  isFull(): boolean {
    const full = this.pending >= this.#options.maxPendingEvents
    if (full) this.#backpressured = true
    return full
  }

  onDrain(listener: () => void): () => void {
    this.#drainListeners.add(listener)
    return () => this.#drainListeners.delete(listener)
  }

  /** Resolves once every record pushed so far is in the spool (used by graceful shutdown). */
  async flush(): Promise<void> {
    if (this.pending === 0 && !this.#writing) return
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing || this.#waitingForSpace) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      void this.#writeNextBatch()
    })
  }

  async #writeNextBatch(): Promise<void> {
    if (this.#writing || this.pending === 0) return this.#settle()
    const { spool, logger } = this.#deps
    if (spool.isFull()) return this.#waitForSpace()

    this.#writing = true
    const end = Math.min(this.#queue.length, this.#head + this.#options.batchMaxEvents)
    const batch = this.#queue.slice(this.#head, end)
    const payloads = this.#encode(batch)
    try {
      const { firstSeq, count } = await spool.append(payloads)
      this.#consume(end)
      this.#recordCommitted(batch, payloads, firstSeq, count)
    } catch (error) {
      // The batch stays queued: a full spool waits for space, an I/O error is retried.
      if ((error as SentinelError).code === 'SNT_ERR_SPOOL_FULL') {
        this.#writing = false
        return this.#waitForSpace()
      }
      this.#deps.metrics.errors.inc({ component_id: 'spool', error_type: 'write', error_code: errorCode(error), stage: 'spooling' })
      logger.error({ error: String(error), pending: this.pending }, 'Spool write failed; retrying.')
      await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_MS))
    }
    this.#writing = false
    this.#settle()
  }

  #consume(end: number): void {
    this.#head = end
    // Compact once the consumed prefix dominates, so the array does not grow without bound.
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
    this.#deps.metrics.pipelinePending.set(this.pending)
  }

  /** Parse and serialise a batch; parse outcomes are counted once per batch. */
  #encode(batch: readonly RawRecord[]): Buffer[] {
    const { parse, metrics } = this.#deps
    const payloads = new Array<Buffer>(batch.length)
    const parsed = new Map<string, { component_id: string; format: string; n: number }>()
    const failed = new Map<string, { component_id: string; error_code: string; n: number }>()
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i] as RawRecord
      const event = parse(record)
      const component = record.context.sourceId
      const format = event.sentinel.format ?? 'unknown'
      bump(parsed, `${component}\0${format}`, () => ({ component_id: component, format, n: 0 }))
      if (event.event?.kind === 'pipeline_error') {
        const code = String(event.error?.code ?? 'unknown')
        bump(failed, `${component}\0${code}`, () => ({ component_id: component, error_code: code, n: 0 }))
      }
      payloads[i] = Buffer.from(JSON.stringify(event))
    }
    for (const { component_id, format, n } of parsed.values()) metrics.parsedEvents.inc({ component_id, format }, n)
    for (const { component_id, error_code, n } of failed.values()) {
      metrics.errors.inc({ component_id, error_type: 'parse', error_code, stage: 'parsing' }, n)
    }
    return payloads
  }

  #recordCommitted(batch: readonly RawRecord[], payloads: Buffer[], firstSeq: number, count: number): void {
    const { metrics, recent } = this.#deps
    if (count === 0) return // refused by a drop_newest spool; the spool counts those
    const now = Date.now()
    metrics.spoolAppendedEvents.inc(count)
    for (const record of batch) metrics.pipelineLatency.observe((now - record.receivedAt) / 1000)
    recent?.add(firstSeq, payloads)
  }

  #waitForSpace(): void {
    if (this.#waitingForSpace) return
    this.#waitingForSpace = true
    this.#deps.logger.error(
      { pending: this.pending },
      'Spool is full; pushing back on senders until a sink frees space.',
    )
    const unsubscribe = this.#deps.spool.onSpace(() => {
      unsubscribe()
      this.#waitingForSpace = false
      this.#deps.logger.info({ pending: this.pending }, 'Spool has space again; resuming.')
      this.#schedule()
    })
  }

  /** After a write: resume paused sources once half drained, schedule more, or wake flush(). */
  #settle(): void {
    if (this.#backpressured && this.pending <= this.#options.maxPendingEvents / 2) {
      this.#backpressured = false
      for (const listener of [...this.#drainListeners]) listener()
    }
    if (this.pending > 0) return this.#schedule()
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}

function bump<T extends { n: number }>(counts: Map<string, T>, key: string, create: () => T): void {
  let entry = counts.get(key)
  if (!entry) counts.set(key, (entry = create()))
  entry.n++
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'unknown'
}
