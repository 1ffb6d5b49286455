/**
 * @module Pipeline: the path from sources to the spool. Records are queued as sources push them,
 * parsed and serialised a slice per event-loop turn, and appended to the spool with one disk write
 * for everything encoded so far (group commit): while a write is in flight the next slices are
 * encoded, so the CPU does not wait on the disk. The queue is bounded: above
 * `maxPendingEvents` sources are told to pause (TCP/TLS) or drop and count (UDP), and they are
 * told to resume once it has drained to half.
 */
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import type { SentinelError } from '../errors/codes.js'
import type { RecordPort } from '../sources/source.js'
import { concatBatches, FrameBuilder, payloadAt, type FramedBatch } from '../spool/record-frame.js'
import type { CollectorMetrics } from '../telemetry/metrics.js'
import type { Logger } from '../telemetry/logger.js'
import type { RecentEvents } from './recent-events.js'

/** What the pipeline needs of the spool. */
export interface EventLog {
  /** Seq the next appended event gets. */
  readonly nextSeq: number
  appendFramed(batch: FramedBatch): Promise<{ firstSeq: number; count: number }>
  isFull(): boolean
  onSpace(listener: () => void): () => void
}

export interface PipelineOptions {
  batchMaxEvents: number
  /** Bytes of serialised events per spool write (one slice may exceed it alone). Keep it well under the spool quota. */
  batchMaxBytes: number
  maxPendingEvents: number
}

export interface PipelineDeps {
  spool: EventLog
  parse: (record: RawRecord) => SentinelEvent
  metrics: CollectorMetrics
  logger: Logger
  recent?: RecentEvents
  /**
   * Called with every event right after it is parsed, in spool order, with the seq the spool will
   * give it (the correlation engine's feed). Seeing events while they are young, instead of keeping
   * them until their write completes, spares the garbage collector a third of the ingest cost.
   */
  onParsed?: (seq: number, event: SentinelEvent, record: RawRecord) => void
  /**
   * Adds fields to a slice of parsed events before they are serialised (the ML stage: templates
   * and anomaly scores). May be asynchronous, with several slices in flight (the ML worker); slices
   * still reach the spool, and `onParsed`, in order, and a rejection leaves the events as they were.
   */
  annotate?: (events: SentinelEvent[]) => Promise<void> | void
}

/** Wait before retrying a failed spool write (an I/O error, not a full spool). */
const WRITE_RETRY_MS = 500
/** Records encoded per event-loop turn: small enough that sockets are read in between. */
const ENCODE_SLICE = 512
/**
 * Records per slice when an ML stage annotates them. Every event waits for its whole slice to be
 * scored, so the latency the stage adds grows with the slice: at 256 a slice's features and
 * inference take about 0.8 ms, and batch inference is no slower per event than at 512. The cap
 * only binds once more than a slice's worth is queued, where per-slice costs decide throughput:
 * slices of 128 halved the scoring time but carried about 20% fewer events/s pinned at saturation
 * (README, Performance).
 */
export const ANNOTATE_SLICE = 256
/**
 * Slices being annotated at once: the ML stage works in another thread, so the next slices are
 * parsed while it annotates the first; their encoding still waits, to keep spool order.
 */
const MAX_ANNOTATING_SLICES = 4

/** Records parsed and serialised, waiting for (or in) a spool write. */
interface AnnotatingSlice {
  records: RawRecord[]
  events: SentinelEvent[]
  /** Annotated (or failed to be): ready to encode once every slice before it is. */
  done: boolean
}

interface EncodedSlice {
  records: RawRecord[]
  batch: FramedBatch
}

export class Pipeline implements RecordPort {
  readonly #options: PipelineOptions
  readonly #deps: PipelineDeps
  /** Records not yet encoded; `#head` avoids shifting the array on every slice. */
  #queue: RawRecord[] = []
  #head = 0
  /** Encoded slices not yet committed, oldest first; the first ones may be in the write in flight. */
  #encoded: EncodedSlice[] = []
  #encodedRecords = 0
  /** Slices parsed and handed to `annotate`, oldest first (at most MAX_ANNOTATING_SLICES). */
  #annotating: AnnotatingSlice[] = []
  #annotatingRecords = 0
  #writing = false
  #encodeScheduled = false
  #waitingForSpace = false
  /** Set once a source has been told the pipeline is full; cleared when drain listeners run. */
  #backpressured = false
  readonly #drainListeners = new Set<() => void>()
  #idleWaiters: (() => void)[] = []
  /**
   * Seq the next encoded event will get: the spool's next seq plus everything encoded and not yet
   * written (the pipeline is the spool's only writer, and writes in encoding order).
   */
  #nextSeq: number | undefined

  constructor(options: PipelineOptions, deps: PipelineDeps) {
    this.#options = options
    this.#deps = deps
  }

  /** Records accepted and not yet in the spool. */
  get pending(): number {
    return this.#queue.length - this.#head + this.#annotatingRecords + this.#encodedRecords
  }

  push(records: RawRecord[]): boolean {
    for (const record of records) this.#queue.push(record)
    this.#scheduleEncode()
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

  #scheduleEncode(): void {
    if (this.#encodeScheduled || this.#head === this.#queue.length) return
    // Encoding runs ahead of the writer by at most one write's worth of records.
    if (this.#encodedRecords >= this.#options.batchMaxEvents) return
    if (this.#annotating.length >= MAX_ANNOTATING_SLICES) return
    this.#encodeScheduled = true
    setImmediate(() => {
      this.#encodeScheduled = false
      this.#encodeSlice()
      this.#sliceDone()
    })
  }

  #sliceDone(): void {
    this.#startWrite()
    this.#scheduleEncode()
    this.#settle()
  }

  /** Takes the next slice off the queue, parses it and encodes it, once annotated, in queue order. */
  #encodeSlice(): void {
    // A slice ends at ENCODE_SLICE records (ANNOTATE_SLICE with an ML stage), at batch_max_events,
    // or once its raw bytes reach a third of batch_max_bytes (serialised events are larger).
    const sliceMax = this.#deps.annotate === undefined ? ENCODE_SLICE : ANNOTATE_SLICE
    const limit = Math.min(this.#queue.length, this.#head + Math.min(sliceMax, this.#options.batchMaxEvents))
    let end = this.#head
    let rawBytes = 0
    while (end < limit && (end === this.#head || rawBytes * 3 < this.#options.batchMaxBytes)) {
      rawBytes += (this.#queue[end] as RawRecord).data.length
      end++
    }
    if (end === this.#head) return
    const records = this.#queue.slice(this.#head, end)
    this.#head = end
    // Compact once the consumed prefix dominates, so the array does not grow without bound.
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
    const events = this.#parse(records)
    const annotating = this.#annotate(events)
    if (annotating === undefined && this.#annotating.length === 0) return this.#addEncoded(records, events)
    const slice: AnnotatingSlice = { records, events, done: annotating === undefined }
    this.#annotating.push(slice)
    this.#annotatingRecords += records.length
    void annotating?.then(() => {
      slice.done = true
      this.#encodeAnnotated()
      this.#sliceDone()
    })
  }

  /** Encodes the annotated slices at the head of the line (a slice waits for those before it). */
  #encodeAnnotated(): void {
    while (this.#annotating[0]?.done) {
      const { records, events } = this.#annotating.shift() as AnnotatingSlice
      this.#annotatingRecords -= records.length
      this.#addEncoded(records, events)
    }
  }

  #annotate(events: SentinelEvent[]): Promise<void> | undefined {
    const { annotate, metrics, logger } = this.#deps
    const onError = (error: unknown) => {
      // Unannotated events are still worth keeping: count, log, and carry on.
      metrics.errors.inc({
        component_id: 'ml',
        error_type: 'annotate',
        error_code: errorCode(error),
        stage: 'scoring',
      })
      logger.error({ error: String(error) }, 'Annotating events failed; they go on without ML fields.')
    }
    try {
      return annotate?.(events)?.catch(onError)
    } catch (error) {
      onError(error)
      return undefined
    }
  }

  #addEncoded(records: RawRecord[], events: SentinelEvent[]): void {
    this.#encoded.push({ records, batch: this.#encode(records, events) })
    this.#encodedRecords += records.length
  }

  /** Write every encoded slice (up to batch_max_events) in one append, unless a write is in flight. */
  #startWrite(): void {
    if (this.#writing || this.#encoded.length === 0 || this.#waitingForSpace) return
    if (this.#deps.spool.isFull()) return this.#waitForSpace()
    let take = 0
    let records = 0
    let bytes = 0
    while (take < this.#encoded.length) {
      const slice = this.#encoded[take] as EncodedSlice
      const sliceBytes = slice.batch.buffer.length
      const fits =
        records + slice.records.length <= this.#options.batchMaxEvents &&
        bytes + sliceBytes <= this.#options.batchMaxBytes
      if (take > 0 && !fits) break
      records += slice.records.length
      bytes += sliceBytes
      take++
    }
    const slices = this.#encoded.slice(0, take)
    this.#writing = true
    void this.#write(slices)
  }

  async #write(slices: EncodedSlice[]): Promise<void> {
    const batch = concatBatches(slices.map((s) => s.batch))
    try {
      const { firstSeq, count } = await this.#deps.spool.appendFramed(batch)
      this.#encoded.splice(0, slices.length)
      this.#encodedRecords -= batch.offsets.length
      this.#recordCommitted(slices, batch, firstSeq, count)
    } catch (error) {
      // The slices stay queued: a full spool waits for space, an I/O error is retried.
      this.#writing = false
      if ((error as SentinelError).code === 'SNT_ERR_SPOOL_FULL') return this.#waitForSpace()
      const { metrics, logger } = this.#deps
      metrics.errors.inc({
        component_id: 'spool',
        error_type: 'write',
        error_code: errorCode(error),
        stage: 'spooling',
      })
      logger.error({ error: String(error), pending: this.pending }, 'Spool write failed; retrying.')
      setTimeout(() => this.#startWrite(), WRITE_RETRY_MS)
      return
    }
    this.#writing = false
    this.#deps.metrics.pipelinePending.set(this.pending)
    this.#startWrite()
    this.#scheduleEncode()
    this.#settle()
  }

  /** Parse a slice; outcomes are counted once per slice. */
  #parse(batch: readonly RawRecord[]): SentinelEvent[] {
    const { parse, metrics } = this.#deps
    const events: SentinelEvent[] = new Array<SentinelEvent>(batch.length)
    const parsed = new Map<string, { component_id: string; format: string; n: number }>()
    const failed = new Map<string, { component_id: string; error_code: string; n: number }>()
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i] as RawRecord
      const event = (events[i] = parse(record))
      const component = record.context.sourceId
      const format = event.sentinel.format ?? 'unknown'
      bump(parsed, `${component}\0${format}`, () => ({ component_id: component, format, n: 0 }))
      if (event.event?.kind === 'pipeline_error') {
        const code = String(event.error?.code ?? 'unknown')
        bump(failed, `${component}\0${code}`, () => ({ component_id: component, error_code: code, n: 0 }))
      }
    }
    for (const { component_id, format, n } of parsed.values())
      metrics.parsedEvents.inc({ component_id, format }, n)
    for (const { component_id, error_code, n } of failed.values()) {
      metrics.errors.inc({ component_id, error_type: 'parse', error_code, stage: 'parsing' }, n)
    }
    return events
  }

  /** Serialise a parsed slice into one framed buffer, giving each event the seq the spool will. */
  #encode(batch: readonly RawRecord[], events: readonly SentinelEvent[]): FramedBatch {
    const { onParsed } = this.#deps
    let seq = (this.#nextSeq ??= this.#deps.spool.nextSeq)
    this.#nextSeq += batch.length
    // An ECS document is about four times its raw line; sizing up front avoids regrowing the buffer.
    let rawBytes = 0
    for (const record of batch) rawBytes += record.data.length
    const frames = new FrameBuilder(rawBytes * 4 + 64 * batch.length)
    for (let i = 0; i < batch.length; i++) {
      const event = events[i] as SentinelEvent
      frames.add(JSON.stringify(event))
      onParsed?.(seq++, event, batch[i] as RawRecord)
    }
    return frames.build()
  }

  #recordCommitted(
    slices: readonly EncodedSlice[],
    batch: FramedBatch,
    firstSeq: number,
    count: number,
  ): void {
    const { metrics, recent } = this.#deps
    if (count === 0) {
      // Refused by a drop_newest spool (the spool counts those): these seqs were never given.
      if (this.#nextSeq !== undefined) this.#nextSeq -= batch.offsets.length
      return
    }
    const now = Date.now()
    metrics.spoolAppendedEvents.inc(count)
    for (const slice of slices) {
      for (const record of slice.records) metrics.pipelineLatency.observe((now - record.receivedAt) / 1000)
    }
    if (recent && recent.capacity > 0) {
      // Only the newest `capacity` events can stay in the window: make views for those alone.
      const from = Math.max(0, count - recent.capacity)
      const views: Buffer[] = []
      for (let i = from; i < count; i++) views.push(payloadAt(batch, i))
      recent.add(firstSeq + from, views)
    }
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
      this.#startWrite()
      this.#scheduleEncode()
    })
  }

  /** After a write: resume paused sources once half drained, or wake flush() when empty. */
  #settle(): void {
    if (this.#backpressured && this.pending <= this.#options.maxPendingEvents / 2) {
      this.#backpressured = false
      for (const listener of [...this.#drainListeners]) listener()
    }
    if (this.pending > 0 || this.#writing) return
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
