/**
 * @module Anomaly scoring benchmark, in a child process pinned to core 0 (`taskset -c 0`; ONNX
 * Runtime's thread shares that core):
 * - features + inference: feature extraction plus one ONNX batch inference per 512 events (the
 *   pipeline's slice) with the default Isolation Forest trained on the first events, the issue's
 *   throughput figure;
 * - whole stage: MlStage.annotate as the collector runs it: template mining, features, inference,
 *   and explanations for events scoring at least explain.min_score;
 * - added latency per event: each event waits for its slice's annotate, so the distribution of
 *   slice durations is the latency the stage adds (p50/p99).
 * Events are a mix of the benchmark syslog lines from 200 hosts, parsed before timing starts.
 *
 * Run alone: `node --import tsx test/bench/anomaly-scoring.ts` (BENCH_SCALE as for run-bench).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import type { SourceContext } from '../../collector/src/event/raw-record.js'
import type { SentinelEvent } from '../../collector/src/event/sentinel-event.js'
import { parseConfig } from '../../collector/src/config/load.js'
import { EventFeatureExtractor } from '../../collector/src/ml/features/event-features.js'
import { EVENT_FEATURE_SPEC, EVENT_FEATURES } from '../../collector/src/ml/features/feature-spec.js'
import { IsolationForest } from '../../collector/src/ml/forest/isolation-forest.js'
import { MlStage } from '../../collector/src/ml/ml-stage.js'
import { exportForestToOnnx } from '../../collector/src/ml/onnx/onnx-export.js'
import { OnnxScorer } from '../../collector/src/ml/onnx/onnx-scorer.js'
import { TemplateMiner, type TemplateMatch } from '../../collector/src/ml/template-miner.js'
import { parseRecord } from '../../collector/src/parse/index.js'
import { createMetrics } from '../../collector/src/telemetry/metrics.js'
import { REPO_ROOT } from '../harness/work-dir.js'
import { rfc3164Message, rfc5424Message } from './messages.js'

const THIS_FILE = fileURLToPath(import.meta.url)
const SLICE = 512
const START = Date.UTC(2026, 10, 21, 9, 0, 0)
const scale = Number(process.env.BENCH_SCALE ?? '1')
const CONTEXT: SourceContext = { sourceId: 'bench', transport: 'tcp', format: 'auto', timezone: 'UTC' }

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** Simulated time between events: 200 events/s from 200 hosts, so windows fill as at a real site. */
const EVENT_GAP_MS = 5
/** Events before the first model trains: two windows' worth, then a model as the collector trains it. */
const WARMUP_EVENTS = 120_000

/** Parsed events n = from..from+count-1: the two benchmark line shapes and a rarer one, from 200 hosts. */
function events(from: number, count: number): SentinelEvent[] {
  const out: SentinelEvent[] = []
  for (let n = from; n < from + count; n++) {
    const at = START + n * EVENT_GAP_MS
    const now = new Date(at)
    let line = n % 2 === 0 ? rfc5424Message(n, now) : rfc3164Message(n, now)
    line = line.replace(/(\.example\.net)/, `-${n % 200}$1`)
    if (n % 997 === 0) {
      line = `<11>1 ${now.toISOString()} core-${n % 7} kernel - - - power supply ${n % 3} failed, fan ${n % 5} stopped`
    }
    out.push(parseRecord({ data: Buffer.from(line), receivedAt: at, context: CONTEXT }))
  }
  return out
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

/** Feature extraction + ONNX inference per slice, template matches computed beforehand. */
async function featuresAndInference(
  extractor: EventFeatureExtractor,
  stream: SentinelEvent[],
  firstN: number,
  matches: TemplateMatch[],
  scorer: OnnxScorer,
) {
  const dims = EVENT_FEATURES.length
  const rows = new Float32Array(SLICE * dims)
  const started = performance.now()
  const cpu = process.cpuUsage()
  let high = 0
  const durations: number[] = []
  for (let from = 0; from < stream.length; from += SLICE) {
    const t0 = performance.now()
    const count = Math.min(SLICE, stream.length - from)
    for (let i = 0; i < count; i++) {
      const n = firstN + from + i
      const event = stream[from + i] as SentinelEvent
      extractor.extract(event, matches[from + i] as TemplateMatch, n + 1, START + n * EVENT_GAP_MS, rows, i)
    }
    const scores = await scorer.score(rows, count)
    durations.push(performance.now() - t0)
    for (const s of scores) if (s >= 0.6) high++
  }
  const wall = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  durations.sort((a, b) => a - b)
  return {
    sliceEvents: SLICE,
    addedLatencyMs: { p50: round(quantile(durations, 0.5), 3), p99: round(quantile(durations, 0.99), 3) },
    events: stream.length,
    eventsPerSecond: Math.round(stream.length / wall),
    cpuSecondsPerEvent: round(((used.user + used.system) / 1e6 / stream.length) * 1e6, 3),
    scoredAtLeast06: high,
  }
}

/** MlStage.annotate slice by slice, as the pipeline calls it; slice durations are the added latency. */
async function wholeStage(total: number) {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-bench-ml-'))
  try {
    // The shipped defaults, but the first model after the warm-up's 600 s rather than an hour.
    const config = parseConfig('ml:\n  training:\n    min_period_secs: 300\n', 'bench').ml
    let clock = START
    const stage = new MlStage(config, dir, {
      metrics: createMetrics({ defaultMetrics: false }),
      logger: pino({ level: 'silent' }),
      now: () => clock,
    })
    await stage.start()
    const run = async (stream: SentinelEvent[], from: number, durations?: number[]) => {
      for (let i = 0; i < stream.length; i += SLICE) {
        const slice = stream.slice(i, i + SLICE)
        clock = START + (from + i) * EVENT_GAP_MS
        const t0 = performance.now()
        await stage.annotate(slice)
        durations?.push(performance.now() - t0)
      }
    }
    await run(events(0, WARMUP_EVENTS), 0)
    const model = await stage.train('active')
    const stream = events(WARMUP_EVENTS, total)
    const durations: number[] = []
    const started = performance.now()
    await run(stream, WARMUP_EVENTS, durations)
    const wall = (performance.now() - started) / 1000
    const anomaly = (e: SentinelEvent) =>
      e.sentinel['anomaly'] as { score?: number; top_features?: string[] } | undefined
    const scores = stream.map((e) => anomaly(e)?.score ?? -1)
    await stage.stop()
    durations.sort((a, b) => a - b)
    return {
      model,
      events: stream.length,
      scoredEvents: scores.filter((v) => v >= 0).length,
      scoredAtLeast06: scores.filter((v) => v >= 0.6).length,
      explainedEvents: stream.filter((e) => anomaly(e)?.top_features !== undefined).length,
      rareEventsScore: round(
        stream
          .filter((e) => (e.message as string).startsWith('power supply'))
          .reduce((sum, e) => sum + (anomaly(e)?.score ?? 0), 0) /
          Math.max(1, stream.filter((e) => (e.message as string).startsWith('power supply')).length),
        3,
      ),
      medianScore: round(scores.sort((a, b) => a - b)[Math.floor(scores.length / 2)] ?? 0, 3),
      eventsPerSecond: Math.round(stream.length / wall),
      sliceEvents: SLICE,
      addedLatencyMs: {
        p50: round(quantile(durations, 0.5), 3),
        p99: round(quantile(durations, 0.99), 3),
        max: round(durations.at(-1) ?? 0, 3),
      },
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function worker(total: number) {
  // A model for the features + inference figure: the default forest on the warm-up's second window on.
  const miner = new TemplateMiner()
  const extractor = new EventFeatureExtractor()
  const dims = EVENT_FEATURES.length
  const warmup = events(0, WARMUP_EVENTS)
  const rows = new Float32Array(warmup.length * dims)
  warmup.forEach((e, n) => {
    const at = START + n * EVENT_GAP_MS
    extractor.extract(e, miner.add(e.message as string, at), n + 1, at, rows, n)
  })
  const forest = IsolationForest.train(rows.subarray((WARMUP_EVENTS / 2) * dims), dims)
  const bytes = exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: 'bench' })
  const scorer = await OnnxScorer.load(bytes, { name: 'bench', expectedSpec: EVENT_FEATURE_SPEC })
  const stream = events(WARMUP_EVENTS, total)
  const matches = stream.map((e, i) =>
    miner.add(e.message as string, START + (WARMUP_EVENTS + i) * EVENT_GAP_MS),
  )
  const core = await featuresAndInference(extractor, stream, WARMUP_EVENTS, matches, scorer)
  await scorer.release()
  return {
    featuresAndInference: { ...core, trees: forest.trees },
    wholeStage: await wholeStage(total),
    heapUsedMb: round(process.memoryUsage().heapUsed / 1024 ** 2, 1),
  }
}

function pinnedWorker(total: number): Promise<Awaited<ReturnType<typeof worker>>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      'taskset',
      ['-c', '0', process.execPath, '--import', 'tsx', THIS_FILE, '--worker', String(total)],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`anomaly scoring worker exited ${code}`))
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Awaited<ReturnType<typeof worker>>)
    })
  })
}

export async function benchAnomalyScoring(benchScale = scale) {
  return {
    ...(await pinnedWorker(Math.round(300_000 * benchScale))),
    pinnedToCores: 1,
    targetEventsPerSecond: 200_000,
    targetAddedP99Ms: 2,
  }
}

if (process.argv[2] === '--worker') {
  process.stdout.write(`${JSON.stringify(await worker(Number(process.argv[3])))}\n`)
} else if (process.argv[1] === THIS_FILE) {
  process.stdout.write(`${JSON.stringify(await benchAnomalyScoring(), null, 2)}\n`)
}
