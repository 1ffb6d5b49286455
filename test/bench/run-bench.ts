/**
 * @module `npm run bench`: end-to-end ingest figures with the real collector process pinned to one
 * core (taskset) and the load generator on another, plus micro-benchmarks of the parsers and the
 * spool. Writes bench-results/latest.json (and a timestamped copy) and prints a summary.
 *
 * Scenarios (about 300-byte messages):
 * - tcp_rfc5424: RFC 5424 over one TCP connection, octet-counted. Throughput: as fast as the
 *   collector takes it (TCP backpressure paces the sender). Latency: offered at a fixed rate.
 * - udp_rfc3164: RFC 3164 over UDP at a fixed rate; what arrived, what the kernel dropped.
 * Latency is read-to-spool-commit, from the collector's own histogram (difference of two scrapes).
 */
import { spawn } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCollector, type CollectorHandle } from '../harness/collector.js'
import { REPO_ROOT } from '../harness/work-dir.js'
import { bucketsOf, quantile, subtractBuckets } from './histogram.js'
import { cpuSeconds, peakRssBytes } from './process-stats.js'
import { benchParsers } from './parsers.js'
import { benchSpool } from './spool.js'

const COLLECTOR_CORE = '0'
const GENERATOR_CORE = '1'
const LATENCY_METRIC = 'sentinel_pipeline_latency_seconds'
const scale = Number(process.env.BENCH_SCALE ?? '1')

interface LoadResult {
  sent: number
  seconds: number
  rate: number
}

function runLoad(args: string[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'taskset',
      [
        '-c',
        GENERATOR_CORE,
        process.execPath,
        '--import',
        'tsx',
        join(REPO_ROOT, 'test/bench/load-generator.ts'),
        ...args,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`))
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult)
    })
  })
}

async function appended(collector: CollectorHandle): Promise<number> {
  return collector.metric('sentinel_spool_appended_events_total')
}

/** Poll until the spool holds `target` events (or stops growing for 5 s); returns when it got there. */
async function waitForAppended(
  collector: CollectorHandle,
  target: number,
): Promise<{ count: number; at: number }> {
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    const count = await appended(collector)
    const now = Date.now()
    if (count >= target) return { count, at: now }
    if (count !== last) {
      last = count
      lastChange = now
    } else if (now - lastChange > 5000) {
      return { count, at: lastChange }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function latencyPhase(collector: CollectorHandle, args: string[]) {
  const before = bucketsOf(await collector.samples(), LATENCY_METRIC)
  const cpuBefore = cpuSeconds(collector.process.pid)
  const start = Date.now()
  const base = await appended(collector)
  const load = await runLoad(args)
  const done = await waitForAppended(collector, base + load.sent)
  const samples = await collector.samples()
  const phase = subtractBuckets(bucketsOf(samples, LATENCY_METRIC), before)
  const seconds = (done.at - start) / 1000
  return {
    offeredPerSecond: Math.round(load.rate),
    sent: load.sent,
    spooled: done.count - base,
    eventsPerSecond: Math.round((done.count - base) / seconds),
    p50Ms: round(quantile(0.5, phase) * 1000),
    p99Ms: round(quantile(0.99, phase) * 1000),
    collectorCpuCores: round((cpuSeconds(collector.process.pid) - cpuBefore) / seconds),
  }
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

async function withCollector<T>(
  protocol: 'tcp' | 'udp',
  run: (c: CollectorHandle, port: number) => Promise<T>,
): Promise<T> {
  const collector = await startCollector({
    sources: {
      bench: { type: 'syslog', protocol, format: 'auto', receive_buffer_bytes: 32 * 1024 * 1024 } as never,
    },
    spool: { max_bytes: 16 * 1024 ** 3, when_full: 'block', fsync_interval_ms: 1000 },
    logLevel: 'warn',
  })
  try {
    execFileSync('taskset', ['-a', '-cp', COLLECTOR_CORE, String(collector.process.pid)], { stdio: 'ignore' })
    return await run(collector, collector.port('bench'))
  } finally {
    await collector.stop()
    await rm(collector.workDir, { recursive: true, force: true })
  }
}

async function tcpScenario() {
  return withCollector('tcp', async (collector, port) => {
    const count = Math.round(2_000_000 * scale)
    const start = Date.now()
    const cpuBefore = cpuSeconds(collector.process.pid)
    const before = bucketsOf(await collector.samples(), LATENCY_METRIC)
    const load = await runLoad(['tcp', '127.0.0.1', String(port), 'rfc5424', String(count), '0', '1'])
    const done = await waitForAppended(collector, load.sent)
    const seconds = (done.at - start) / 1000
    const saturated = subtractBuckets(bucketsOf(await collector.samples(), LATENCY_METRIC), before)
    const throughput = {
      sent: load.sent,
      spooled: done.count,
      eventsPerSecond: Math.round(done.count / seconds),
      p50Ms: round(quantile(0.5, saturated) * 1000),
      p99Ms: round(quantile(0.99, saturated) * 1000),
      collectorCpuCores: round((cpuSeconds(collector.process.pid) - cpuBefore) / seconds),
    }
    const rate = 150_000
    const latency = await latencyPhase(collector, [
      'tcp',
      '127.0.0.1',
      String(port),
      'rfc5424',
      String(Math.round(rate * 10 * scale)),
      String(rate),
      '1',
    ])
    return {
      throughput,
      latencyAt150k: latency,
      peakRssMb: round(peakRssBytes(collector.process.pid) / 1024 ** 2, 1),
    }
  })
}

async function udpScenario() {
  return withCollector('udp', async (collector, port) => {
    const results = []
    for (const rate of [50_000, 100_000, 150_000]) {
      const dropsBefore = await collector.metric('sentinel_udp_kernel_receive_drops_total')
      const phase = await latencyPhase(collector, [
        'udp',
        '127.0.0.1',
        String(port),
        'rfc3164',
        String(Math.round(rate * 5 * scale)),
        String(rate),
      ])
      const kernelDrops = (await collector.metric('sentinel_udp_kernel_receive_drops_total')) - dropsBefore
      results.push({
        ...phase,
        kernelDrops,
        lossPercent: round((100 * (phase.sent - phase.spooled)) / phase.sent, 3),
      })
    }
    return { rates: results, peakRssMb: round(peakRssBytes(collector.process.pid) / 1024 ** 2, 1) }
  })
}

const spoolDir = await mkdtemp(join(tmpdir(), 'sentinel-bench-spool-'))
const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: (await import('node:os')).cpus().length,
    node: process.version,
    collectorPinnedToCores: 1,
  },
  messageBytes: 300,
  tcp_rfc5424: await tcpScenario(),
  udp_rfc3164: await udpScenario(),
  parsers: await benchParsers(),
  spool: await benchSpool(spoolDir),
}
await rm(spoolDir, { recursive: true, force: true })

const outDir = join(REPO_ROOT, 'bench-results')
await mkdir(outDir, { recursive: true })
const text = `${JSON.stringify(report, null, 2)}\n`
await writeFile(join(outDir, 'latest.json'), text)
await writeFile(join(outDir, `bench-${report.date.replace(/[:.]/g, '-')}.json`), text)
process.stdout.write(text)
process.stdout.write(`\nwrote bench-results/latest.json\n`)
