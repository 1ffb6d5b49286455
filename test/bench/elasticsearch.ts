/**
 * @module Elasticsearch benchmark: the cluster's own bulk indexing rate for Sentinel's documents,
 * then syslog over TCP through the collector into the same cluster, end to end, with the
 * collector's CPU per 10,000 events. Nothing is pinned: Elasticsearch needs the cores, and the
 * collector's CPU time is measured, not assumed.
 */
import { spawn } from 'node:child_process'
import { setupElastic } from '@sentinel/elastic-ingest'
import { parseRecord } from '../../collector/src/parse/index.js'
import { startCollector, startElasticsearch, type ElasticsearchHandle } from '../harness/index.js'
import { REPO_ROOT } from '../harness/work-dir.js'
import { rfc5424Message } from './messages.js'
import { cpuSeconds, peakRssBytes } from './process-stats.js'

const BULK_EVENTS = 5_000

async function count(es: ElasticsearchHandle, index: string): Promise<number> {
  await es.request('POST', `/${index}/_refresh`)
  const { status, body } = await es.request<{ count?: number }>('GET', `/${index}/_count`)
  return status === 200 ? (body.count ?? 0) : 0
}

async function waitForCount(es: ElasticsearchHandle, index: string, target: number): Promise<number> {
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    const n = await count(es, index)
    if (n >= target) return Date.now()
    if (n !== last) [last, lastChange] = [n, Date.now()]
    else if (Date.now() - lastChange > 30_000)
      throw new Error(`${index} stuck at ${n} of ${target} documents`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Sentinel's ECS documents for `n` RFC 5424 messages, as the collector would spool them. */
function documents(n: number): string[] {
  const now = new Date()
  const context = { sourceId: 'bench', transport: 'tcp', format: 'auto', timezone: 'UTC' } as const
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify(
      parseRecord({ data: Buffer.from(rfc5424Message(i, now)), receivedAt: Date.now(), context }),
    ),
  )
}

/** Bulk-load the documents straight into Elasticsearch, two requests in flight, 5,000 per request. */
async function elasticsearchOwnRate(es: ElasticsearchHandle, n: number) {
  const index = 'logs-sentinel.syslog-esdirect'
  const docs = documents(n)
  const bodies: string[] = []
  for (let i = 0; i < n; i += BULK_EVENTS) {
    bodies.push(
      docs
        .slice(i, i + BULK_EVENTS)
        .map((d) => `{"create":{"_index":"${index}"}}\n${d}\n`)
        .join(''),
    )
  }
  const start = Date.now()
  let next = 0
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string
      const { status } = await es.request('POST', '/_bulk', body)
      if (status !== 200) throw new Error(`_bulk answered ${status}`)
    }
  }
  await Promise.all([worker(), worker()])
  const done = await waitForCount(es, index, n)
  return { documents: n, eventsPerSecond: Math.round((n * 1000) / (done - start)) }
}

function sendLoad(port: number, n: number): Promise<{ startedAt: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/bench/load-generator.ts',
        'tcp',
        '127.0.0.1',
        String(port),
        'rfc5424',
        String(n),
        '0',
        '1',
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as { startedAt: number })
        : reject(new Error(`load generator exited ${code}`)),
    )
  })
}

/** Syslog over TCP -> collector -> Elasticsearch, until every event is searchable. */
async function endToEnd(es: ElasticsearchHandle, n: number) {
  const collector = await startCollector({
    sources: { bench: { type: 'syslog', protocol: 'tcp' } },
    spool: { max_bytes: 16 * 1024 ** 3 },
    logLevel: 'warn',
    extra: { sinks: { elasticsearch: { endpoints: [es.url], namespace: 'e2e', max_in_flight: 2 } } },
  })
  try {
    const pid = collector.process.pid
    const cpuBefore = cpuSeconds(pid)
    const { startedAt } = await sendLoad(collector.port('bench'), n)
    const done = await waitForCount(es, 'logs-sentinel.syslog-e2e', n)
    const cpu = cpuSeconds(pid) - cpuBefore
    const eventsPerSecond = Math.round((n * 1000) / (done - startedAt))
    return {
      documents: n,
      eventsPerSecond,
      collectorCpuSecondsPer10kEvents: Math.round((cpu / n) * 10_000 * 1000) / 1000,
      collectorCoresUsed: Math.round((cpu / ((done - startedAt) / 1000)) * 100) / 100,
      sinkRetries: await collector.metric('sentinel_sink_retries_total'),
      duplicates: await collector.metric('sentinel_sink_duplicate_events_total'),
      collectorPeakRssMb: Math.round(peakRssBytes(pid) / 1024 ** 2),
    }
  } finally {
    await collector.stop()
  }
}

export async function benchElasticsearch(scale = 1) {
  const es = await startElasticsearch({ heapMb: 1024 })
  try {
    await setupElastic({ url: es.url })
    const n = Math.round(300_000 * scale)
    const own = await elasticsearchOwnRate(es, n)
    const e2e = await endToEnd(es, n)
    return { elasticsearchOwnBulkRate: own, syslogToElasticsearch: e2e }
  } finally {
    await es.stop()
  }
}
