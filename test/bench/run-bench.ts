/**
 * @module `npm run bench`: end-to-end ingest figures with the real collector process pinned to one
 * core (taskset) and the load generator on another, plus micro-benchmarks of the parsers and the
 * spool. Writes bench-results/latest.json (and a timestamped copy) and prints a summary.
 *
 * Scenarios (about 300-byte messages):
 * - tcp_rfc5424: RFC 5424 over one TCP connection, octet-counted. Throughput: as fast as the
 *   collector takes it (TCP backpressure paces the sender), three trials, median reported.
 *   Latency: also offered at fixed rates below saturation, where queueing does not dominate.
 * - udp_rfc3164: RFC 3164 over UDP at fixed rates; what arrived, what the kernel dropped.
 * Latency is read-to-spool-commit, from the collector's own histogram (difference of two scrapes).
 * BENCH_SCALE=0.2 shortens every phase (for a quick look); BENCH_ONLY=tcp_rfc5424,nab runs just
 * those scenarios and writes bench-results/partial.json.
 */
import { spawn } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCollector, type CollectorHandle } from '../harness/collector.js'
import { metricSum } from '../harness/prometheus-text.js'
import { makeWorkDir, REPO_ROOT } from '../harness/work-dir.js'
import { bucketsOf, quantile, subtractBuckets } from './histogram.js'
import { cpuSeconds, peakRssBytes } from './process-stats.js'
import { benchParsers } from './parsers.js'
import { benchSpool } from './spool.js'
import { benchElasticsearch } from './elasticsearch.js'
import { benchSnmp } from './snmp.js'
import { benchCorrelation } from './correlate.js'
import { benchTemplates, DEFAULT_DATA_DIR } from './templates.js'
import { benchAnomalyScoring, seedAnomalyModel } from './anomaly-scoring.js'
import { benchNab } from './nab.js'

const COLLECTOR_CORE = '0'
const GENERATOR_CORE = '1'
const LATENCY_METRIC = 'sentinel_pipeline_latency_seconds'
const ML_STAGE_METRIC = 'sentinel_anomaly_stage_seconds'
const scale = Number(process.env.BENCH_SCALE ?? '1')

interface LoadResult {
  sent: number
  seconds: number
  rate: number
  /** When the generator sent its first message (ms since the epoch), after its own start-up. */
  startedAt: number
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

/**
 * Events from the sources that reached the spool: the spool's count less the alerts the
 * correlation engine put into the pipeline (the UDP traffic's failed logins fire thousands).
 */
async function appended(collector: CollectorHandle): Promise<number> {
  const samples = await collector.samples()
  return (
    metricSum(samples, 'sentinel_spool_appended_events_total') -
    metricSum(samples, 'sentinel_component_parsed_events_total', { component_id: 'correlate' })
  )
}

/** Poll (4 times a second: a scrape costs the collector CPU too) until the spool holds `target`
 * events, or it stops growing for 5 s; returns when it got there. */
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
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Offer a load and measure what reached the spool, how fast, how late, and at what CPU cost. */
async function measure(collector: CollectorHandle, args: string[]) {
  const pid = collector.process.pid
  const samplesBefore = await collector.samples()
  const before = bucketsOf(samplesBefore, LATENCY_METRIC)
  const stageBefore = bucketsOf(samplesBefore, ML_STAGE_METRIC)
  const cpuBefore = cpuSeconds(pid)
  const base = await appended(collector)
  const load = await runLoad(args)
  const done = await waitForAppended(collector, base + load.sent)
  const cpu = cpuSeconds(pid) - cpuBefore
  const samplesAfter = await collector.samples()
  const phase = subtractBuckets(bucketsOf(samplesAfter, LATENCY_METRIC), before)
  const stage = subtractBuckets(bucketsOf(samplesAfter, ML_STAGE_METRIC), stageBefore)
  const spooled = done.count - base
  const seconds = (done.at - load.startedAt) / 1000
  return {
    offeredPerSecond: Math.round(load.rate),
    sent: load.sent,
    spooled,
    eventsPerSecond: Math.round(spooled / seconds),
    p50Ms: round(quantile(0.5, phase) * 1000),
    p99Ms: round(quantile(0.99, phase) * 1000),
    // Per slice, the time in the ML stage (absent without it): the latency it adds to the slice's events.
    ...((stage.counts.at(-1) ?? 0) > 0
      ? {
          mlStageP50Ms: round(quantile(0.5, stage) * 1000),
          mlStageP99Ms: round(quantile(0.99, stage) * 1000),
        }
      : {}),
    cpuMicrosPerEvent: round((cpu * 1e6) / Math.max(1, spooled), 1),
    eventsPerCpuSecond: Math.round(spooled / Math.max(cpu, 0.01)),
  }
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

/**
 * A collector as it runs once its first anomaly model is trained (one is registered before it
 * starts), or with `ml: false` the collector without the ML stage, for comparison.
 */
async function withCollector<T>(
  protocol: 'tcp' | 'udp',
  pinned: boolean,
  run: (c: CollectorHandle, port: number) => Promise<T>,
  options: { ml: boolean; thread?: 'worker' | 'inline' } = { ml: true },
): Promise<T> {
  const dataDir = await makeWorkDir('bench-data')
  if (options.ml) await seedAnomalyModel(dataDir)
  const collector = await startCollector({
    sources: {
      bench: {
        type: 'syslog',
        protocol,
        format: 'auto',
        ...(protocol === 'udp' ? { receive_buffer_bytes: 32 * 1024 * 1024 } : {}),
      },
    },
    spool: { max_bytes: 16 * 1024 ** 3, when_full: 'block', fsync_interval_ms: 1000 },
    logLevel: 'warn',
    extra: {
      data_dir: dataDir,
      ...(options.ml ? {} : { ml: { enabled: false } }),
      ...(options.thread ? { ml: { thread: options.thread } } : {}),
    },
  })
  try {
    // Every thread of the collector (JS, GC helpers, libuv pool) on one core.
    if (pinned)
      execFileSync('taskset', ['-a', '-cp', COLLECTOR_CORE, String(collector.process.pid)], {
        stdio: 'ignore',
      })
    return await run(collector, collector.port('bench'))
  } finally {
    await collector.stop()
    await rm(collector.workDir, { recursive: true, force: true })
    await rm(dataDir, { recursive: true, force: true })
  }
}

const TRIALS = 3

async function tcpScenario() {
  return withCollector('tcp', true, async (collector, port) => {
    const target = (rate: number, seconds: number) => String(Math.round(rate * seconds * scale))
    const saturation = []
    for (let i = 0; i < TRIALS; i++) {
      // Rate 0: as fast as the collector takes it; TCP backpressure paces the sender.
      saturation.push(
        await measure(collector, [
          'tcp',
          '127.0.0.1',
          String(port),
          'rfc5424',
          target(100_000, 10),
          '0',
          '1',
        ]),
      )
    }
    const atRate = []
    for (const rate of [25_000, 50_000]) {
      atRate.push(
        await measure(collector, [
          'tcp',
          '127.0.0.1',
          String(port),
          'rfc5424',
          target(rate, 10),
          String(rate),
          '1',
        ]),
      )
    }
    return {
      eventsPerSecondMedian: median(saturation.map((t) => t.eventsPerSecond)),
      eventsPerCpuSecondMedian: median(saturation.map((t) => t.eventsPerCpuSecond)),
      saturation,
      atFixedRate: atRate,
      peakRssMb: round(peakRssBytes(collector.process.pid) / 1024 ** 2, 1),
    }
  })
}

/**
 * Latency below saturation with the collector unpinned: its main thread still runs on one core
 * at a time, but its disk writes (libuv pool) and GC helpers are not queued behind it. Reports
 * the CPU it used, in cores.
 */
async function tcpLatencyUnpinned(ml = true, thread?: 'worker' | 'inline') {
  return withCollector(
    'tcp',
    false,
    async (collector, port) => {
      const phases = []
      for (const rate of [25_000, 50_000]) {
        const phase = await measure(collector, [
          'tcp',
          '127.0.0.1',
          String(port),
          'rfc5424',
          String(Math.round(rate * 10 * scale)),
          String(rate),
          '1',
        ])
        phases.push({
          ...phase,
          collectorCores: round((phase.eventsPerSecond * phase.cpuMicrosPerEvent) / 1e6, 2),
        })
      }
      return phases
    },
    { ml, ...(thread ? { thread } : {}) },
  )
}

async function udpScenario() {
  return withCollector('udp', true, async (collector, port) => {
    const rates = []
    for (const rate of [25_000, 50_000, 100_000]) {
      const dropsBefore = await collector.metric('sentinel_udp_kernel_receive_drops_total')
      const discardedBefore = await collector.metric('sentinel_component_discarded_events_total')
      const phase = await measure(collector, [
        'udp',
        '127.0.0.1',
        String(port),
        'rfc3164',
        String(Math.round(rate * 5 * scale)),
        String(rate),
      ])
      rates.push({
        ...phase,
        kernelDrops: (await collector.metric('sentinel_udp_kernel_receive_drops_total')) - dropsBefore,
        pipelineFullDrops:
          (await collector.metric('sentinel_component_discarded_events_total')) - discardedBefore,
        lossPercent: round((100 * (phase.sent - phase.spooled)) / phase.sent, 3),
      })
    }
    return { rates, peakRssMb: round(peakRssBytes(collector.process.pid) / 1024 ** 2, 1) }
  })
}

const spoolDir = await mkdtemp(join(tmpdir(), 'sentinel-bench-spool-'))
const scenarios: Record<string, () => unknown> = {
  tcp_rfc5424: tcpScenario,
  tcp_rfc5424_latency_unpinned: () => tcpLatencyUnpinned(),
  // The same without the ML stage: the latency and CPU that templates and scoring add.
  tcp_rfc5424_latency_unpinned_without_ml: () => tcpLatencyUnpinned(false),
  // And with the stage in its worker thread (\`auto\` runs it inline on fewer than four cores).
  tcp_rfc5424_latency_unpinned_ml_worker: () => tcpLatencyUnpinned(true, 'worker'),
  udp_rfc3164: udpScenario,
  parsers: benchParsers,
  spool: () => benchSpool(spoolDir),
  elasticsearch: () => benchElasticsearch(scale),
  snmp: () => benchSnmp(scale),
  correlation: () => benchCorrelation(scale),
  templates: () => benchTemplates(DEFAULT_DATA_DIR),
  anomalyScoring: () => benchAnomalyScoring(scale),
  nab: () => benchNab(DEFAULT_DATA_DIR),
}
// BENCH_ONLY=name,name runs just those scenarios (while working on one); the report says so.
const only = process.env.BENCH_ONLY?.split(',').filter((name) => name !== '')
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: {
    cpus: (await import('node:os')).cpus().length,
    node: process.version,
    collectorPinnedToCores: 1,
  },
  messageBytes: 300,
  ...(only ? { only } : {}),
}
for (const [name, run] of Object.entries(scenarios)) {
  if (!only || only.includes(name)) report[name] = await run()
}
await rm(spoolDir, { recursive: true, force: true })

const outDir = join(REPO_ROOT, 'bench-results')
await mkdir(outDir, { recursive: true })
const text = `${JSON.stringify(report, null, 2)}\n`
// A partial run must not pass for the whole report.
const file = only ? 'partial.json' : 'latest.json'
await writeFile(join(outDir, file), text)
await writeFile(join(outDir, `bench-${String(report['date']).replace(/[:.]/g, '-')}.json`), text)
process.stdout.write(text)
process.stdout.write(`\nwrote bench-results/${file}\n`)
