/**
 * Behaviour of the Elasticsearch sink against a stand-in `_bulk` server (a local HTTP server that
 * answers with scripted per-item statuses), with a real spool. Real Elasticsearch is exercised in
 * test/integration/elasticsearch/.
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { Spool } from '../../spool/spool.js'
import { tempDir } from '../../spool/test-support/fixtures.js'
import { createLogger } from '../../telemetry/logger.js'
import { createMetrics, type CollectorMetrics } from '../../telemetry/metrics.js'
import type { Sink } from '../sink.js'
import { ElasticsearchSinkConfig } from './config.js'
import { createElasticsearchSink } from './sink.js'

interface BulkDoc {
  action: { create: { _index: string; _id: string } }
  doc: Record<string, unknown>
}
interface ItemAnswer {
  status: number
  error?: { type: string; reason?: string }
}
type Answer = { items: ItemAnswer[] } | { status: number; body?: unknown } | 'hang'

/** Stand-in for the Elasticsearch `_bulk` API: records each request and answers as `respond` says. */
class BulkStandIn {
  readonly requests: BulkDoc[][] = []
  respond: (docs: BulkDoc[], n: number) => Answer | Promise<Answer> = (docs) => ({
    items: docs.map(() => ({ status: 201 })),
  })
  readonly server: Server
  private readonly hanging: ServerResponse[] = []

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res))
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  listen(port = 0): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve))
  }

  close(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy()
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  /** Every `_id` the stand-in accepted (201) into indices other than the dead-letter one. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    res.setHeader('x-elastic-product', 'Elasticsearch')
    res.setHeader('content-type', 'application/json')
    if (req.url?.startsWith('/_bulk') !== true) {
      res.end(JSON.stringify({ version: { number: '8.19.4' }, cluster_name: 'stand-in' }))
      return
    }
    const lines = Buffer.concat(chunks)
      .toString()
      .split('\n')
      .filter((l) => l !== '')
    const docs: BulkDoc[] = []
    for (let i = 0; i < lines.length; i += 2) {
      docs.push({
        action: JSON.parse(lines[i] ?? '') as BulkDoc['action'],
        doc: JSON.parse(lines[i + 1] ?? '') as Record<string, unknown>,
      })
    }
    this.requests.push(docs)
    const answer = await this.respond(docs, this.requests.length)
    if (answer === 'hang') {
      this.hanging.push(res)
      return
    }
    if ('items' in answer) {
      res.end(
        JSON.stringify({
          errors: answer.items.some((item) => item.status >= 300),
          items: answer.items.map((item) => ({ create: item })),
        }),
      )
      return
    }
    res.statusCode = answer.status
    res.end(
      JSON.stringify(
        answer.body ?? { error: { type: 'stand_in_error', reason: 'scripted' }, status: answer.status },
      ),
    )
  }
}

const cleanups: Array<() => Promise<unknown>> = []
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
})

function syslogEvent(n: number, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      '@timestamp': '2026-01-01T00:00:00.000Z',
      event: { kind: 'event', dataset: 'sentinel.syslog' },
      message: `event-${n}`,
      ...extra,
    }),
  )
}

interface Setup {
  spool: Spool
  sink: Sink
  metrics: CollectorMetrics
  standIn: BulkStandIn
}

async function setup(overrides: Record<string, unknown> = {}, standIn?: BulkStandIn): Promise<Setup> {
  const server = standIn ?? new BulkStandIn()
  if (standIn === undefined) {
    await server.listen()
    cleanups.push(() => server.close())
  }
  const spool = await Spool.open({
    dir: await tempDir(),
    maxBytes: 64 << 20,
    segmentBytes: 1 << 20,
    whenFull: 'block',
    fsyncIntervalMs: 1000,
  })
  const config = Value.Default(ElasticsearchSinkConfig, {
    endpoints: [server.url],
    batch: { max_events: 5, timeout_secs: 0.05 },
    retry: { initial_backoff_ms: 5, max_backoff_ms: 20 },
    ...overrides,
  }) as ElasticsearchSinkConfig
  Value.Default(ElasticsearchSinkConfig, config)
  const metrics = createMetrics({ defaultMetrics: false })
  const sink = createElasticsearchSink(config, {
    spool,
    metrics,
    logger: createLogger('silent'),
    stopGraceMs: 300,
  })
  cleanups.push(async () => {
    await sink.stop()
    await spool.close()
  })
  return { spool, sink, metrics, standIn: server }
}

async function cursor(spool: Spool): Promise<number> {
  const text = await readFile(join(spool.dir, 'readers', 'elasticsearch.cursor'), 'utf8')
  return (JSON.parse(text) as { position: number }).position
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function value(
  metric: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get()
  return values
    .filter((v) =>
      Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
    )
    .reduce((sum, v) => sum + v.value, 0)
}

test('stand-in _bulk: events go out as creates with _id <spool id>-<seq>, the cursor follows', async () => {
  const { spool, sink, metrics, standIn } = await setup()
  await spool.append([0, 1, 2].map((n) => syslogEvent(n)))
  await sink.start()
  await until(async () => (await cursor(spool)) === 3, 'cursor at 3')
  const docs = standIn.requests.flat()
  assert.deepEqual(
    docs.map((d) => d.action.create),
    [0, 1, 2].map((seq) => ({ _index: 'logs-sentinel.syslog-default', _id: `${spool.id}-${seq}` })),
  )
  assert.deepEqual(docs[0]?.doc.data_stream, {
    type: 'logs',
    dataset: 'sentinel.syslog',
    namespace: 'default',
  })
  assert.equal(await value(metrics.sinkSentEvents), 3)
  sink.collectMetrics?.()
  assert.equal(await value(metrics.sinkBacklogEvents), 0)
})

test('stand-in _bulk: batches hold at most max_events, and a partial batch leaves after timeout_secs', async () => {
  const { spool, sink, standIn } = await setup({ batch: { max_events: 4, timeout_secs: 0.05 } })
  await spool.append(Array.from({ length: 10 }, (_, n) => syslogEvent(n)))
  await sink.start()
  await until(async () => (await cursor(spool)) === 10, 'the ten events')
  assert.deepEqual(
    standIn.requests.map((r) => r.length),
    [4, 4, 2],
    'by count, then the partial batch after the timeout',
  )
})

test('stand-in _bulk: a batch body stays within max_bytes (the next event waits for the next request)', async () => {
  const { spool, sink, standIn } = await setup({
    batch: { max_events: 4, max_bytes: 1400, timeout_secs: 0.05 },
  })
  // Each encoded event (action line + document) takes about 590 bytes.
  await spool.append([0, 1, 2].map((n) => syslogEvent(n, { padding: 'x'.repeat(300) })))
  await sink.start()
  await until(async () => (await cursor(spool)) === 3, 'the three events')
  assert.deepEqual(
    standIn.requests.map((r) => r.length),
    [2, 1],
  )
})

test('stand-in _bulk: 429 items are retried alone, and the cursor stops before the first unfinished event', async () => {
  const { spool, sink, metrics, standIn } = await setup()
  let releaseRetry: () => void = () => undefined
  const retryHeld = new Promise<void>((resolve) => {
    releaseRetry = resolve
  })
  standIn.respond = async (docs, n) => {
    if (n === 1) {
      // Items 1 and 3 of 0..4 are rejected by a full write queue.
      return {
        items: docs.map((_, i) =>
          i === 1 || i === 3
            ? { status: 429, error: { type: 'es_rejected_execution_exception' } }
            : { status: 201 },
        ),
      }
    }
    await retryHeld
    return { items: docs.map(() => ({ status: 201 })) }
  }
  await spool.append([0, 1, 2, 3, 4].map((n) => syslogEvent(n)))
  await sink.start()
  await until(() => standIn.requests.length === 2, 'the retry request')
  assert.deepEqual(
    standIn.requests[1]?.map((d) => d.action.create._id),
    [`${spool.id}-1`, `${spool.id}-3`],
    'only the rejected items are sent again',
  )
  await until(async () => (await cursor(spool)) === 1, 'cursor after event 0')
  assert.equal(await cursor(spool), 1, 'events 2 and 4 are indexed but 1 is not: the cursor waits at 1')
  sink.collectMetrics?.()
  assert.equal(await value(metrics.sinkBacklogEvents), 4)
  releaseRetry()
  await until(async () => (await cursor(spool)) === 5, 'cursor at the end')
  assert.equal(await value(metrics.sinkRetries, { reason: 'status_429' }), 2)
  assert.equal(await value(metrics.sinkSentEvents), 5)
})

test('stand-in _bulk: a 409 on create is a duplicate, delivered and counted', async () => {
  const { spool, sink, metrics, standIn } = await setup()
  standIn.respond = (docs) => ({
    items: docs.map((_, i) =>
      i === 0 ? { status: 409, error: { type: 'version_conflict_engine_exception' } } : { status: 201 },
    ),
  })
  await spool.append([0, 1].map((n) => syslogEvent(n)))
  await sink.start()
  await until(async () => (await cursor(spool)) === 2, 'cursor at 2')
  assert.equal(await value(metrics.sinkDuplicateEvents), 1)
  assert.equal(await value(metrics.sinkSentEvents), 1)
  assert.equal(standIn.requests.length, 1, 'a duplicate is not sent again')
})

test('stand-in _bulk: a mapping rejection goes to the dead-letter stream with the original and the reason', async () => {
  const { spool, sink, metrics, standIn } = await setup()
  standIn.respond = (docs) => ({
    items: docs.map((d) =>
      d.action.create._index.startsWith('logs-sentinel.syslog') && d.doc.message === 'event-1'
        ? {
            status: 400,
            error: {
              type: 'document_parsing_exception',
              reason: '[1:50] failed to parse field [source.port] of type [long]',
            },
          }
        : { status: 201 },
    ),
  })
  await spool.append([0, 1, 2].map((n) => syslogEvent(n)))
  await sink.start()
  await until(async () => (await cursor(spool)) === 3, 'cursor at 3')
  const deadletters = standIn.requests
    .flat()
    .filter((d) => d.action.create._index === 'logs-sentinel.deadletter-default')
  assert.equal(deadletters.length, 1)
  const doc = deadletters[0]
  assert.equal(doc?.action.create._id, `${spool.id}-1`)
  assert.equal(
    doc?.doc['event'] !== undefined && (doc.doc['event'] as { original: string }).original,
    syslogEvent(1).toString(),
  )
  assert.deepEqual(doc?.doc['sentinel'], {
    deadletter: {
      reason: 'mapping',
      status: 400,
      index: 'logs-sentinel.syslog-default',
      event_id: `${spool.id}-1`,
    },
  })
  assert.equal(await value(metrics.sinkDeadletterEvents, { reason: 'mapping' }), 1)
  assert.equal(await value(metrics.sinkSentEvents), 2)
  assert.equal(await value(metrics.discardedEvents), 0, 'nothing dropped')
})

test('stand-in _bulk: when the dead-letter write is refused too, the event is counted as discarded', async () => {
  const { spool, sink, metrics, standIn } = await setup()
  standIn.respond = (docs) => ({
    items: docs.map(() => ({ status: 400, error: { type: 'illegal_argument_exception', reason: 'no' } })),
  })
  await spool.append([syslogEvent(0)])
  await sink.start()
  await until(async () => (await cursor(spool)) === 1, 'cursor at 1')
  assert.equal(
    await value(metrics.discardedEvents, {
      component_id: 'elasticsearch',
      reason: 'deadletter_rejected',
      intentional: 'false',
    }),
    1,
  )
  assert.equal(await value(metrics.sinkDeadletterEvents), 0)
})

test('stand-in _bulk: a 413 for the request halves the batch until the culprit is alone, then dead-letters it', async () => {
  const { spool, sink, metrics, standIn } = await setup()
  standIn.respond = (docs) =>
    docs.some((d) => d.doc.message === 'event-2') && docs.length > 1
      ? { status: 413 }
      : docs.some((d) => d.doc.message === 'event-2') &&
          docs[0]?.action.create._index.includes('syslog') === true
        ? { status: 400 }
        : { items: docs.map(() => ({ status: 201 })) }
  await spool.append([0, 1, 2, 3].map((n) => syslogEvent(n)))
  await sink.start()
  await until(async () => (await cursor(spool)) === 4, 'cursor at 4')
  assert.equal(await value(metrics.sinkSentEvents), 3)
  assert.equal(await value(metrics.sinkDeadletterEvents, { reason: 'rejected' }), 1)
})

test('stand-in _bulk: an outage (connection refused, then 503) waits with sink_up 0 and delivers after it', async () => {
  const standIn = new BulkStandIn()
  await standIn.listen()
  const port = (standIn.server.address() as AddressInfo).port
  const url = standIn.url
  await standIn.close()
  const restarted = new BulkStandIn()
  Object.defineProperty(restarted, 'url', { value: url })
  cleanups.push(() => restarted.close())
  const { spool, sink, metrics } = await setup({}, restarted)
  await spool.append([0, 1, 2].map((n) => syslogEvent(n)))
  await sink.start()
  await until(async () => (await value(metrics.sinkRetries, { reason: 'network' })) >= 3, 'network retries')
  assert.equal(await value(metrics.sinkUp), 0)
  assert.equal(await cursor(spool), 0, 'nothing acknowledged during the outage')
  let answered503 = 0
  restarted.respond = (docs) =>
    answered503++ < 2 ? { status: 503 } : { items: docs.map(() => ({ status: 201 })) }
  await restarted.listen(port)
  await until(async () => (await cursor(spool)) === 3, 'delivery after the outage')
  assert.equal(await value(metrics.sinkUp), 1)
  assert.ok((await value(metrics.sinkRetries, { reason: 'status_5xx' })) >= 3)
  assert.equal(await value(metrics.sinkSentEvents), 3)
})

test('stand-in _bulk: stop() with a request that never gets an answer returns and keeps the event for the next start', async () => {
  const { spool, sink, standIn } = await setup()
  standIn.respond = () => 'hang'
  await spool.append([syslogEvent(0)])
  await sink.start()
  await until(() => standIn.requests.length === 1, 'the request')
  const started = Date.now()
  await sink.stop()
  assert.ok(Date.now() - started < 5_000, 'stop() is bounded')
  assert.equal(await cursor(spool), 0, 'the unanswered event is not acknowledged')
})
