import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pino } from 'pino'
import type { RawRecord, SourceContext } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { parseRecord } from '../parse/index.js'
import { Spool } from '../spool/spool.js'
import type { WhenFull } from '../spool/spool-types.js'
import { createMetrics } from '../telemetry/metrics.js'
import { ANNOTATE_SLICE, Pipeline } from './pipeline.js'
import { RecentEvents } from './recent-events.js'

const context: SourceContext = { sourceId: 'syslog_tcp', transport: 'tcp', format: 'auto', timezone: 'UTC' }
const silent = pino({ level: 'silent' })

function record(text: string): RawRecord {
  return {
    data: Buffer.from(text),
    receivedAt: Date.now(),
    peerAddress: '127.0.0.1',
    peerPort: 40000,
    context,
  }
}

function line(n: number): string {
  return `<134>1 2026-11-21T10:00:00.000Z host${n % 3} app ${n} M1 - message number ${n}`
}

async function setup(
  t: { after: (fn: () => Promise<void>) => void },
  options: {
    maxBytes?: number
    whenFull?: WhenFull
    maxPending?: number
    /** A write's worth: 50 events, 8 KiB by default, so tests see many writes. */
    batch?: { maxEvents: number; maxBytes: number }
    onParsed?: (seq: number, event: SentinelEvent) => void
    annotate?: (events: SentinelEvent[]) => Promise<void> | void
  } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-pipeline-'))
  const spool = await Spool.open({
    dir,
    maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
    segmentBytes: Math.min(options.maxBytes ?? 1 << 20, 1 << 20) / 4,
    whenFull: options.whenFull ?? 'block',
    fsyncIntervalMs: 1000,
  })
  const metrics = createMetrics({ defaultMetrics: false })
  const recent = new RecentEvents(100)
  const pipeline = new Pipeline(
    {
      batchMaxEvents: options.batch?.maxEvents ?? 50,
      batchMaxBytes: options.batch?.maxBytes ?? 8 * 1024,
      maxPendingEvents: options.maxPending ?? 10_000,
    },
    {
      spool,
      parse: (r) => parseRecord(r),
      metrics,
      logger: silent,
      recent,
      ...(options.onParsed ? { onParsed: options.onParsed } : {}),
      ...(options.annotate ? { annotate: options.annotate } : {}),
    },
  )
  t.after(async () => {
    await spool.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { spool, metrics, recent, pipeline }
}

async function spooled(spool: Spool): Promise<SentinelEvent[]> {
  const records = await spool.readRange(0, 1_000_000)
  return records.map((r) => JSON.parse(r.payload.toString()) as SentinelEvent)
}

test('every pushed record reaches the spool as an ECS event, in order, across many batches', async (t) => {
  const { spool, metrics, recent, pipeline } = await setup(t)
  for (let n = 0; n < 1000; n += 100) {
    pipeline.push(Array.from({ length: 100 }, (_, i) => record(line(n + i))))
  }
  await pipeline.flush()
  const events = await spooled(spool)
  assert.equal(events.length, 1000)
  assert.deepEqual(
    events.map((e) => e.message),
    Array.from({ length: 1000 }, (_, n) => `message number ${n}`),
  )
  assert.equal(events[7]?.log?.syslog?.procid, '7')
  assert.equal((await metrics.spoolAppendedEvents.get()).values[0]?.value, 1000)
  const latency = await metrics.pipelineLatency.get()
  assert.equal(latency.values.find((v) => v.metricName?.endsWith('_count'))?.value, 1000)
  assert.deepEqual(
    recent.query({}, 2).map((e) => [e.seq, e.event.message]),
    [
      [999, 'message number 999'],
      [998, 'message number 998'],
    ],
  )
})

test('unparseable records are kept as pipeline_error events and counted by code, once per batch', async (t) => {
  const { spool, metrics, pipeline } = await setup(t)
  pipeline.push([
    record(line(1)),
    record('<13>1 2026-11-21T10:00:00Z h a - - [unterminated@1 k="v'),
    record(''),
  ])
  await pipeline.flush()
  const events = await spooled(spool)
  assert.equal(events.length, 3)
  assert.deepEqual(
    events.map((e) => e.event?.kind),
    ['event', 'pipeline_error', 'pipeline_error'],
  )
  assert.equal(events[1]?.event?.original, '<13>1 2026-11-21T10:00:00Z h a - - [unterminated@1 k="v')
  const errors = (await metrics.errors.get()).values
  const total = errors.reduce((sum, v) => sum + v.value, 0)
  assert.equal(total, 2)
  assert.ok(errors.every((v) => v.labels.stage === 'parsing' && v.labels.component_id === 'syslog_tcp'))
})

test('above max_pending_events push answers false, and drain listeners run once the queue has halved', async (t) => {
  const { pipeline } = await setup(t, { maxPending: 100 })
  let drained = 0
  pipeline.onDrain(() => drained++)
  assert.equal(pipeline.push(Array.from({ length: 99 }, (_, i) => record(line(i)))), true)
  assert.equal(pipeline.push([record(line(99))]), false)
  assert.equal(pipeline.isFull(), true)
  await pipeline.flush()
  assert.equal(pipeline.pending, 0)
  assert.equal(drained, 1)
})

test('a full spool under block holds records back (nothing lost) until a reader frees space', async (t) => {
  const { spool, pipeline } = await setup(t, { maxBytes: 64 * 1024, whenFull: 'block' })
  const reader = await spool.openReader('sink')
  const total = 600 // about 180 KiB of events: three times the quota
  pipeline.push(Array.from({ length: total }, (_, i) => record(line(i))))
  const done = pipeline.flush()
  const seen: string[] = []
  while (seen.length < total) {
    // Once the spool is full the pipeline waits; only acknowledging makes room.
    if (spool.isFull())
      assert.ok(pipeline.pending > 0, 'records wait in the pipeline while the spool is full')
    const batch = await reader.read(50)
    if (batch.length === 0) {
      await reader.waitForData()
      continue
    }
    for (const r of batch) seen.push((JSON.parse(r.payload.toString()) as SentinelEvent).message ?? '')
    await reader.ack((batch.at(-1) as { seq: number }).seq)
  }
  await done
  assert.deepEqual(
    seen,
    Array.from({ length: total }, (_, n) => `message number ${n}`),
  )
})

test('onParsed sees every event once, in order, with the seq the spool gives it, across many writes', async (t) => {
  const seen: { seq: number; message: string }[] = []
  const { spool, pipeline } = await setup(t, {
    onParsed: (seq, event) => seen.push({ seq, message: String(event.message) }),
  })
  await spool.append([Buffer.from('{"message":"written before the pipeline started"}')])
  for (let i = 0; i < 7; i++) pipeline.push(Array.from({ length: 60 }, (_, j) => record(line(i * 60 + j))))
  await pipeline.flush()
  const records = await spool.readRange(0, 1_000_000)
  assert.equal(seen.length, 420)
  for (const { seq, message } of seen) {
    const stored = records.find((r) => r.seq === seq)
    assert.equal((JSON.parse(String(stored?.payload)) as SentinelEvent).message, message, `seq ${seq}`)
  }
  assert.deepEqual(
    seen.map((s) => s.seq),
    Array.from({ length: 420 }, (_, i) => i + 1),
  )
})

test('slices are parsed while earlier ones are annotated, at most four at once, and spooled in order', async (t) => {
  const waiting: (() => void)[] = []
  let most = 0
  const { spool, pipeline } = await setup(t, {
    annotate: (events) =>
      new Promise<void>((resolve) => {
        waiting.push(() => {
          for (const event of events) event.sentinel['note'] = 'annotated'
          resolve()
        })
        most = Math.max(most, waiting.length)
      }),
  })
  pipeline.push(Array.from({ length: 300 }, (_, i) => record(line(i))))
  const flushed = pipeline.flush()
  // Let the pipeline run ahead for a few turns, then answer the newest slice in flight first.
  for (let turns = 0; turns < 1000 && pipeline.pending > 0; turns++) {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
    waiting.pop()?.()
  }
  await flushed
  assert.equal(most, 4, 'four slices in flight at most')
  const events = await spooled(spool)
  assert.deepEqual(
    events.map((e) => Number(/message number (\d+)/.exec(e.message as string)?.[1])),
    Array.from({ length: 300 }, (_, i) => i),
  )
  assert.ok(events.every((e) => e.sentinel['note'] === 'annotated'))
})

test('with an annotate step, slices hold at most ANNOTATE_SLICE events (each waits for its slice)', async (t) => {
  const sizes: number[] = []
  const { pipeline } = await setup(t, {
    batch: { maxEvents: 1000, maxBytes: 1 << 20 },
    annotate: (events) => void sizes.push(events.length),
  })
  pipeline.push(Array.from({ length: 600 }, (_, i) => record(line(i))))
  await pipeline.flush()
  assert.deepEqual(sizes, [ANNOTATE_SLICE, ANNOTATE_SLICE, 600 - 2 * ANNOTATE_SLICE])
})

test('an asynchronous annotate step adds fields before the spool, keeping order and seqs', async (t) => {
  const seen: [number, unknown][] = []
  let calls = 0
  const { spool, pipeline } = await setup(t, {
    onParsed: (seq, event) => seen.push([seq, event.sentinel['note']]),
    annotate: async (events) => {
      const call = calls++
      // Later slices finish faster than earlier ones would if they ran side by side.
      await new Promise((resolve) => setTimeout(resolve, call % 2 === 0 ? 5 : 0))
      if (call === 1) throw new Error('model failed')
      for (const event of events) event.sentinel['note'] = `slice ${call}`
    },
  })
  for (let n = 0; n < 300; n += 100) pipeline.push(Array.from({ length: 100 }, (_, i) => record(line(n + i))))
  await pipeline.flush()
  assert.equal(pipeline.pending, 0)
  const events = await spooled(spool)
  assert.deepEqual(
    events.map((e) => Number(/message number (\d+)/.exec(e.message as string)?.[1])),
    Array.from({ length: 300 }, (_, i) => i),
  )
  assert.ok(calls > 1, 'several slices')
  assert.deepEqual(
    seen.map(([seq]) => seq),
    Array.from({ length: 300 }, (_, i) => i),
  )
  // The failed slice's events went on without the field; the others carry it, as spooled.
  assert.ok(events.some((e) => e.sentinel['note'] === undefined))
  assert.ok(events.some((e) => e.sentinel['note'] === 'slice 0'))
  assert.deepEqual(
    seen.map(([, note]) => note),
    events.map((e) => e.sentinel['note']),
  )
})
