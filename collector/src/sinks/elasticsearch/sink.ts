/**
 * @module Elasticsearch sink: reads the spool with its own cursor (`elasticsearch`), sends
 * batches with the `_bulk` API (up to `max_in_flight` at once), judges every item (retry.ts) and
 * moves the cursor over the contiguous prefix of events whose fate is final: indexed, already
 * there (409), or written to the dead-letter stream. Outages of any length wait in the spool.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { SpoolReader } from '../../spool/spool.js'
import type { SpoolRecord } from '../../spool/spool-types.js'
import type { Logger } from '../../telemetry/logger.js'
import type { CollectorMetrics } from '../../telemetry/metrics.js'
import { AckWindow } from '../ack-window.js'
import { backoffDelayMs } from '../backoff.js'
import type { Sink } from '../sink.js'
import type { ElasticsearchSinkConfig } from './config.js'
import {
  bulkBody,
  dataStreamName,
  encodeDeadletter,
  encodeEvent,
  FALLBACK_DATASET,
  type DeadletterFacts,
  type EncodedEvent,
  type UnencodableEvent,
} from './encoder.js'
import { SinkHealth } from './health.js'
import { createBulkSender, type BulkItemResult, type BulkOutcome, type BulkSender } from './request.js'
import { classifyBulkItem, classifyRequestFailure, type DeadletterReason, type RetryReason } from './retry.js'

export const SINK_ID = 'elasticsearch'
/** How long stop() waits for requests in flight before cutting them off. */
export const STOP_GRACE_MS = 5_000
const ITEM_LOG_INTERVAL_MS = 30_000

/** What the sink needs of the spool. */
export interface SinkSpool {
  readonly id: string
  openReader(name: string): Promise<SpoolReader>
  stats(): { nextSeq: number }
}

export interface ElasticsearchSinkDeps {
  spool: SinkSpool
  metrics: CollectorMetrics
  logger: Logger
  /** Defaults to the official client (request.ts). */
  sender?: BulkSender
  /** Jitter source for backoff (tests pin it). */
  random?: () => number
  /** How long stop() waits for requests in flight (default {@link STOP_GRACE_MS}). */
  stopGraceMs?: number
}

type Entry = EncodedEvent | UnencodableEvent
interface Batch {
  events: EncodedEvent[]
  invalid: UnencodableEvent[]
  seqs: number[]
}
/** An event the destination refused for good, on its way to the dead-letter stream. */
interface DeadletterEntry {
  seq: number
  payload: Buffer
  reason: DeadletterReason
  facts: DeadletterFacts
}
/** A dead-letter document and why its event was refused. */
interface DeadletterDoc {
  doc: EncodedEvent
  reason: DeadletterReason
}

function isEncoded(entry: Entry): entry is EncodedEvent {
  return 'bytes' in entry
}

function entryBytes(entry: Entry): number {
  return isEncoded(entry) ? entry.bytes.length : entry.payload.length
}

/**
 * Create the sink; nothing is read or sent before `start()`.
 *
 * @example
 * const sink = createElasticsearchSink(config.sinks.elasticsearch, { spool, metrics, logger })
 * await sink.start()
 * // ...
 * await sink.stop()
 */
export function createElasticsearchSink(config: ElasticsearchSinkConfig, deps: ElasticsearchSinkDeps): Sink {
  return new ElasticsearchSink(config, deps)
}

class ElasticsearchSink implements Sink {
  readonly id = SINK_ID
  readonly #config: ElasticsearchSinkConfig
  readonly #deps: ElasticsearchSinkDeps
  readonly #labels = { sink: SINK_ID }
  readonly #window = new AckWindow()
  readonly #health: SinkHealth
  /** Aborts waits (new data, backoff) at stop. */
  readonly #stopController = new AbortController()
  /** Aborts requests still in flight once the stop grace period is over. */
  readonly #requestController = new AbortController()
  readonly #batches = new Set<Promise<void>>()
  #slotWaiters: Array<() => void> = []
  #carry: Entry[] = []
  #reader: SpoolReader | undefined
  #sender: BulkSender | undefined
  #loop: Promise<void> | undefined
  #ackChain: Promise<void> = Promise.resolve()
  /** Next seq not acknowledged (what the cursor file says once the ack chain settles). */
  #ackedNext = 0
  #inFlight = 0
  #stopping: Promise<void> | undefined
  readonly #itemLogAt = new Map<string, number>()

  constructor(config: ElasticsearchSinkConfig, deps: ElasticsearchSinkDeps) {
    this.#config = config
    this.#deps = deps
    this.#health = new SinkHealth({
      sink: SINK_ID,
      logger: deps.logger,
      setUp: (up) => deps.metrics.sinkUp.set(this.#labels, up),
    })
  }

  get #isStopping(): boolean {
    return this.#stopController.signal.aborted
  }

  async start(): Promise<void> {
    const { metrics, logger } = this.#deps
    this.#sender = this.#deps.sender ?? (await createBulkSender(this.#config))
    this.#reader = await this.#deps.spool.openReader(SINK_ID)
    this.#ackedNext = this.#reader.position()
    metrics.sinkUp.set(this.#labels, 1)
    metrics.sinkInFlightRequests.set(this.#labels, 0)
    this.collectMetrics()
    if (this.#config.tls?.verify_certificate === false) {
      logger.warn(
        { sink: SINK_ID },
        'TLS certificate verification is off for Elasticsearch; anyone in the path can read and alter the events.',
      )
    }
    void this.#logCluster(this.#sender)
    this.#loop = this.#run().catch((error: unknown) => {
      logger.error(
        { sink: SINK_ID, err: error },
        'Elasticsearch sink stopped reading the spool after an internal error.',
      )
    })
  }

  collectMetrics(): void {
    const backlog = Math.max(0, this.#deps.spool.stats().nextSeq - this.#ackedNext)
    this.#deps.metrics.sinkBacklogEvents.set(this.#labels, backlog)
  }

  stop(): Promise<void> {
    return (this.#stopping ??= this.#stopNow())
  }

  async #stopNow(): Promise<void> {
    this.#stopController.abort()
    for (const wake of this.#slotWaiters.splice(0)) wake()
    await this.#loop
    const settled = Promise.allSettled([...this.#batches])
    const graceOver = await Promise.race([
      settled.then(() => false),
      sleep(this.#deps.stopGraceMs ?? STOP_GRACE_MS, true, { ref: false }),
    ])
    if (graceOver) {
      this.#requestController.abort()
      await Promise.race([settled, sleep(1_000, undefined, { ref: false })])
    }
    await this.#ackChain
    await this.#sender?.close().catch(() => undefined)
    this.#deps.metrics.sinkInFlightRequests.set(this.#labels, 0)
    this.#deps.logger.info(
      { sink: SINK_ID, cursor: this.#ackedNext, unfinished_events: this.#window.size },
      'Elasticsearch sink stopped; unconfirmed events stay in the spool for the next start.',
    )
  }

  async #logCluster(sender: BulkSender): Promise<void> {
    try {
      const info = await sender.info(AbortSignal.timeout(10_000))
      this.#deps.logger.info(
        { sink: SINK_ID, version: info.version, cluster: info.clusterName },
        'Elasticsearch sink connected.',
      )
    } catch (error) {
      // Outages are reported by the delivery loop (rate-limited). Some distributions (the
      // integ-test build used in tests) have no `GET /`, so this is only worth a debug line.
      this.#deps.logger.debug(
        { sink: SINK_ID, error: error instanceof Error ? error.message : String(error) },
        'Elasticsearch did not say its version.',
      )
    }
  }

  /** Read batches and hand them to requests, at most `max_in_flight` at a time. */
  async #run(): Promise<void> {
    while (!this.#isStopping) {
      if (this.#batches.size >= this.#config.max_in_flight) {
        await new Promise<void>((resolve) => this.#slotWaiters.push(resolve))
        continue
      }
      const batch = await this.#nextBatch()
      if (batch === undefined) break
      this.#window.track(batch.seqs)
      const delivery: Promise<void> = this.#deliverBatch(batch)
        .catch((error: unknown) => {
          this.#deps.logger.error(
            { sink: SINK_ID, err: error },
            'Elasticsearch batch failed unexpectedly; its events stay in the spool and are sent again after a restart.',
          )
        })
        .finally(() => {
          this.#batches.delete(delivery)
          for (const wake of this.#slotWaiters.splice(0)) wake()
        })
      this.#batches.add(delivery)
    }
  }

  /**
   * The next batch: up to `max_events` events and `max_bytes` of bulk body, sent as soon as it is
   * full or `timeout_secs` after its first event arrived. Undefined when stopping.
   */
  async #nextBatch(): Promise<Batch | undefined> {
    const reader = this.#reader
    if (reader === undefined) return undefined
    const { max_events: maxEvents, max_bytes: maxBytes, timeout_secs: timeoutSecs } = this.#config.batch
    const entries: Entry[] = []
    let bytes = 0
    let deadline = 0
    while (!this.#isStopping) {
      while (this.#carry.length > 0 && entries.length < maxEvents) {
        const next = this.#carry[0]
        if (next === undefined) break
        if (entries.length > 0 && bytes + entryBytes(next) > maxBytes) return toBatch(entries)
        this.#carry.shift()
        if (entries.length === 0) deadline = Date.now() + timeoutSecs * 1000
        entries.push(next)
        bytes += entryBytes(next)
      }
      if (entries.length >= maxEvents || bytes >= maxBytes) return toBatch(entries)
      const records = await reader.read(maxEvents - entries.length, Math.max(1, maxBytes - bytes))
      if (records.length > 0) {
        this.#carry.push(...records.map((record) => this.#encode(record)))
        continue
      }
      const signals = [this.#stopController.signal]
      if (entries.length > 0) {
        const remaining = deadline - Date.now()
        if (remaining <= 0) return toBatch(entries)
        signals.push(AbortSignal.timeout(remaining))
      }
      await reader.waitForData(AbortSignal.any(signals)).catch(() => undefined)
    }
    return undefined
  }

  #encode(record: SpoolRecord): Entry {
    return encodeEvent(record, this.#deps.spool.id, this.#config.namespace)
  }

  async #deliverBatch(batch: Batch): Promise<void> {
    if (batch.invalid.length > 0) {
      await this.#deadletter(
        batch.invalid.map((event): DeadletterEntry => ({
          seq: event.seq,
          payload: event.payload,
          reason: 'parsing',
          facts: {
            reason: 'parsing',
            status: 0,
            index: dataStreamName(FALLBACK_DATASET, this.#config.namespace),
            eventId: event.id,
            errorType: 'spool_record_invalid',
            errorMessage: event.message,
          },
        })),
      )
    }
    await this.#sendEvents(batch.events)
  }

  /** Send events until each is indexed, a duplicate, or dead-lettered (or the sink stops). */
  async #sendEvents(events: EncodedEvent[]): Promise<void> {
    let pending = events
    let attempt = 0
    while (pending.length > 0 && !this.#isStopping) {
      const outcome = await this.#post(pending)
      if (!outcome.ok) {
        const decision = classifyRequestFailure(outcome)
        if (decision.kind === 'split') {
          if (pending.length > 1) {
            const half = Math.ceil(pending.length / 2)
            await this.#sendEvents(pending.slice(0, half))
            await this.#sendEvents(pending.slice(half))
            return
          }
          await this.#deadletter(
            pending.map((event) =>
              this.#deadletterEntry(event, 'rejected', outcome.status ?? 0, {
                type: 'request_rejected',
                reason: outcome.message,
              }),
            ),
          )
          return
        }
        attempt = await this.#backoffAfterRequestFailure(decision.reason, outcome, pending.length, attempt)
        continue
      }
      this.#health.up()
      const retry: EncodedEvent[] = []
      const retried = new Map<RetryReason, number>()
      const toDeadletter: DeadletterEntry[] = []
      const final: number[] = []
      let sent = 0
      let duplicates = 0
      pending.forEach((event, i) => {
        const result: BulkItemResult = outcome.items[i] ?? { status: 500 }
        const decision = classifyBulkItem(result.status, result.error)
        switch (decision.kind) {
          case 'ok':
            sent += 1
            final.push(event.seq)
            break
          case 'duplicate':
            duplicates += 1
            final.push(event.seq)
            break
          case 'retry':
            retry.push(event)
            retried.set(decision.reason, (retried.get(decision.reason) ?? 0) + 1)
            if (decision.reason === 'index_not_found') this.#logItemProblem('index_not_found', result)
            break
          case 'deadletter':
            toDeadletter.push(this.#deadletterEntry(event, decision.reason, result.status, result.error))
            break
        }
      })
      const { metrics } = this.#deps
      if (sent > 0) metrics.sinkSentEvents.inc(this.#labels, sent)
      if (duplicates > 0) metrics.sinkDuplicateEvents.inc(this.#labels, duplicates)
      for (const [reason, count] of retried) metrics.sinkRetries.inc({ ...this.#labels, reason }, count)
      this.#settle(final)
      if (toDeadletter.length > 0) await this.#deadletter(toDeadletter)
      pending = retry
      if (pending.length > 0)
        await this.#pause(backoffDelayMs(attempt++, ...this.#backoffBounds(), this.#deps.random))
    }
  }

  #deadletterEntry(
    event: EncodedEvent,
    reason: DeadletterReason,
    status: number,
    error: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } } | undefined,
  ): DeadletterEntry {
    const cause = error?.caused_by
    const message = [error?.reason, cause?.reason === undefined ? undefined : `caused by: ${cause.reason}`]
      .filter((part) => part !== undefined)
      .join('; ')
    return {
      seq: event.seq,
      payload: event.payload,
      reason,
      facts: {
        reason,
        status,
        index: event.index,
        eventId: event.id,
        errorType: error?.type ?? `status_${status}`,
        errorMessage: message === '' ? `HTTP ${status}` : message,
      },
    }
  }

  /** Write refused events to the dead-letter stream; only a refusal of that write drops (counted). */
  async #deadletter(entries: DeadletterEntry[]): Promise<void> {
    const now = new Date()
    const docs: DeadletterDoc[] = entries.map((entry) => ({
      doc: encodeDeadletter(entry.seq, entry.payload, entry.facts, this.#config.namespace, now),
      reason: entry.reason,
    }))
    const first = entries[0]?.facts
    this.#deps.logger.warn(
      {
        sink: SINK_ID,
        events: entries.length,
        reason: first?.reason,
        status: first?.status,
        error_type: first?.errorType,
        error: first?.errorMessage.slice(0, 500),
        index: first?.index,
      },
      'Elasticsearch refused events; writing them to the dead-letter data stream.',
    )
    await this.#sendDeadletters(docs)
  }

  async #sendDeadletters(docs: DeadletterDoc[]): Promise<void> {
    let pending = docs
    let attempt = 0
    while (pending.length > 0 && !this.#isStopping) {
      const outcome = await this.#post(pending.map((d) => d.doc))
      if (!outcome.ok) {
        const decision = classifyRequestFailure(outcome)
        if (decision.kind === 'split') {
          if (pending.length > 1) {
            const half = Math.ceil(pending.length / 2)
            await this.#sendDeadletters(pending.slice(0, half))
            await this.#sendDeadletters(pending.slice(half))
            return
          }
          this.#discard(pending, outcome.status ?? 0, outcome.message)
          return
        }
        attempt = await this.#backoffAfterRequestFailure(decision.reason, outcome, pending.length, attempt)
        continue
      }
      this.#health.up()
      const retry: DeadletterDoc[] = []
      const retried = new Map<RetryReason, number>()
      const written = new Map<DeadletterReason, number>()
      const final: number[] = []
      const refused: Array<{ doc: DeadletterDoc; result: BulkItemResult }> = []
      pending.forEach((doc, i) => {
        const result: BulkItemResult = outcome.items[i] ?? { status: 500 }
        const decision = classifyBulkItem(result.status, result.error)
        if (decision.kind === 'ok' || decision.kind === 'duplicate') {
          written.set(doc.reason, (written.get(doc.reason) ?? 0) + 1)
          final.push(doc.doc.seq)
        } else if (decision.kind === 'retry') {
          retry.push(doc)
          retried.set(decision.reason, (retried.get(decision.reason) ?? 0) + 1)
        } else {
          refused.push({ doc, result })
        }
      })
      const { metrics } = this.#deps
      for (const [reason, count] of written)
        metrics.sinkDeadletterEvents.inc({ ...this.#labels, reason }, count)
      for (const [reason, count] of retried) metrics.sinkRetries.inc({ ...this.#labels, reason }, count)
      this.#settle(final)
      const firstRefused = refused[0]
      if (firstRefused !== undefined) {
        const error = firstRefused.result.error
        this.#discard(
          refused.map((r) => r.doc),
          firstRefused.result.status,
          `${error?.type ?? 'unknown'}: ${error?.reason ?? ''}`,
        )
      }
      pending = retry
      if (pending.length > 0)
        await this.#pause(backoffDelayMs(attempt++, ...this.#backoffBounds(), this.#deps.random))
    }
  }

  /** The one place events are lost: the dead-letter stream refused them too. Counted and logged at ERROR. */
  #discard(docs: DeadletterDoc[], status: number, message: string): void {
    this.#deps.metrics.discardedEvents.inc(
      { component_id: SINK_ID, reason: 'deadletter_rejected', intentional: 'false' },
      docs.length,
    )
    this.#deps.logger.error(
      {
        sink: SINK_ID,
        events: docs.length,
        status,
        error: message.slice(0, 500),
        event_ids: docs.slice(0, 10).map((d) => d.doc.id),
      },
      'Elasticsearch refused the dead-letter documents too; these events are lost. Check the logs-sentinel.deadletter-* template.',
    )
    this.#settle(docs.map((d) => d.doc.seq))
  }

  async #post(docs: readonly EncodedEvent[]): Promise<BulkOutcome> {
    const sender = this.#sender
    if (sender === undefined) return { ok: false, cause: 'network', message: 'sink not started' }
    const { metrics } = this.#deps
    this.#inFlight += 1
    metrics.sinkInFlightRequests.set(this.#labels, this.#inFlight)
    const endTimer = metrics.sinkRequestDuration.startTimer(this.#labels)
    try {
      return await sender.bulk(bulkBody(docs), docs.length, this.#requestController.signal)
    } finally {
      endTimer()
      this.#inFlight -= 1
      metrics.sinkInFlightRequests.set(this.#labels, this.#inFlight)
    }
  }

  /** Count, report and wait after a whole request failed; returns the next attempt number. */
  async #backoffAfterRequestFailure(
    reason: RetryReason,
    outcome: { status?: number; message: string },
    events: number,
    attempt: number,
  ): Promise<number> {
    const delay = backoffDelayMs(attempt, ...this.#backoffBounds(), this.#deps.random)
    this.#deps.metrics.sinkRetries.inc({ ...this.#labels, reason }, events)
    this.#health.down(reason, outcome.message, delay, outcome.status)
    await this.#pause(delay)
    return attempt + 1
  }

  #backoffBounds(): [number, number] {
    return [this.#config.retry.initial_backoff_ms, this.#config.retry.max_backoff_ms]
  }

  /** Wait `ms`, or less when the sink stops. */
  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#stopController.signal }).catch(() => undefined)
  }

  #logItemProblem(kind: string, result: BulkItemResult): void {
    const now = Date.now()
    if (now - (this.#itemLogAt.get(kind) ?? Number.NEGATIVE_INFINITY) < ITEM_LOG_INTERVAL_MS) return
    this.#itemLogAt.set(kind, now)
    this.#deps.logger.error(
      { sink: SINK_ID, status: result.status, error_type: result.error?.type, error: result.error?.reason },
      'Elasticsearch has no data stream or template for some events; run `sentinel setup elastic`. They wait in the spool.',
    )
  }

  /** Mark events final and acknowledge the settled prefix (acks are written one after another). */
  #settle(seqs: readonly number[]): void {
    if (seqs.length === 0) return
    this.#window.settle(seqs)
    const upTo = this.#window.takeAckable()
    const reader = this.#reader
    if (upTo === undefined || reader === undefined) return
    this.#ackChain = this.#ackChain
      .then(() => reader.ack(upTo))
      .then(() => {
        this.#ackedNext = Math.max(this.#ackedNext, upTo + 1)
      })
      .catch((error: unknown) => {
        this.#deps.logger.error(
          { sink: SINK_ID, err: error, seq: upTo },
          'Cannot persist the Elasticsearch cursor; delivered events may be sent again after a restart (they are not duplicated).',
        )
      })
  }
}

function toBatch(entries: Entry[]): Batch {
  const events: EncodedEvent[] = []
  const invalid: UnencodableEvent[] = []
  for (const entry of entries) {
    if (isEncoded(entry)) events.push(entry)
    else invalid.push(entry)
  }
  return { events, invalid, seqs: entries.map((e) => e.seq) }
}
