/**
 * @module Anomaly scoring benchmark, in a child process pinned to core 0 (`taskset -c 0`; ONNX
 * Runtime's thread shares that core):
 * - features + inference: feature extraction plus one ONNX batch inference per slice (the
 *   pipeline's slice with an ML stage, ANNOTATE_SLICE events) with the default Isolation Forest
 *   trained on the first events, the throughput figure;
 * - whole stage: MlStage.annotateBatch, the stage's own work: template mining, features,
 *   inference, explanations for events scoring at least explain.min_score, the training sample;
 * - added latency per event: each event waits for its slice's annotation, so the distribution of
 *   slice durations is the latency the stage adds (p50/p99); run-bench also measures the
 *   collector's own pipeline latency with and without the stage at fixed rates.
 * Events are a mix of the benchmark syslog lines from 200 devices in a random order, parsed into
 * the stage's input columns before timing starts, and the timed work sits in small functions of
 * its own: with the parsing, or a large benchmark loop that V8 recompiles, in the timed slices,
 * the slices measure the benchmark (a background compile or GC takes the pinned core for a
 * scheduler time slice).
 *
 * Run alone: `node --import tsx test/bench/anomaly-scoring.ts` (BENCH_SCALE as for run-bench).
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { setTimeout } from 'node:timers/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import type { SourceContext } from '../../collector/src/event/raw-record.js'
import type { SentinelEvent } from '../../collector/src/event/sentinel-event.js'
import { parseConfig } from '../../collector/src/config/load.js'
import { EventFeatureExtractor, logEventFacts } from '../../collector/src/ml/features/event-features.js'
import { EVENT_FEATURE_SPEC, EVENT_FEATURES } from '../../collector/src/ml/features/feature-spec.js'
import { IsolationForest } from '../../collector/src/ml/forest/isolation-forest.js'
import { ModelRegistry } from '../../collector/src/ml/registry/model-registry.js'
import { trainAndRegister } from '../../collector/src/ml/registry/train-model.js'
import { metricsObserver } from '../../collector/src/ml/ml-observer.js'
import { MlStage } from '../../collector/src/ml/ml-stage.js'
import { factsAt, newFacts, toMlBatch, type MlBatch } from '../../collector/src/ml/ml-batch.js'
import { MlWorker } from '../../collector/src/ml/worker/ml-worker.js'
import { exportForestToOnnx } from '../../collector/src/ml/onnx/onnx-export.js'
import { OnnxScorer } from '../../collector/src/ml/onnx/onnx-scorer.js'
import { TemplateMiner, type TemplateMatch } from '../../collector/src/ml/template-miner.js'
import { parseRecord } from '../../collector/src/parse/index.js'
import { ANNOTATE_SLICE } from '../../collector/src/pipeline/pipeline.js'
import { createMetrics } from '../../collector/src/telemetry/metrics.js'
import { REPO_ROOT } from '../harness/work-dir.js'
import { rfc3164Message, rfc5424Message } from './messages.js'

const THIS_FILE = fileURLToPath(import.meta.url)
const SLICE = ANNOTATE_SLICE
/** Events made at a time, untimed, before their slices are timed. */
const CHUNK = 64 * SLICE
/**
 * Events scored untimed before the timed ones, so that what is timed is the steady state. The
 * per-event functions are optimised within the warm-up, but the per-slice ones (OnnxScorer.score,
 * onnxruntime's run and Tensor, the stage's own) only after some hundreds of slices, and V8 then
 * compiles them on a background thread that takes the pinned core for 4-5 ms mid-slice.
 */
const UNTIMED = 16 * CHUNK
const START = Date.UTC(2026, 10, 21, 9, 0, 0)
const scale = Number(process.env.BENCH_SCALE ?? '1')
const CONTEXT: SourceContext = { sourceId: 'bench', transport: 'tcp', format: 'auto', timezone: 'UTC' }

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** Simulated time between events: 200 events/s from 200 devices, so windows fill as at a real site. */
const EVENT_GAP_MS = 5
/** Events before the first model trains: two windows' worth, then a model as the collector trains it. */
const WARMUP_EVENTS = 120_000

/** Devices sending; each sends one of the two benchmark line shapes. */
const DEVICES = 200

/**
 * The device that sends event n: a fixed pseudo-random sequence rather than turns. Devices taking
 * turns all reach the same state at the same event, so V8 rebuilt about 100 devices' peer tables
 * in one slice; and rows alternating between two shapes let the CPU predict the trees' branches,
 * which halved inference time. Real traffic does neither.
 */
function deviceOf(n: number): number {
  // MurmurHash3's finaliser: consecutive n land on unrelated devices.
  let h = Math.imul(n ^ (n >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return ((h ^ (h >>> 16)) >>> 0) % DEVICES
}

/** Parsed events n = from..from+count-1: the two benchmark line shapes and a rarer one. */
function events(from: number, count: number): SentinelEvent[] {
  const out: SentinelEvent[] = []
  for (let n = from; n < from + count; n++) {
    const at = START + n * EVENT_GAP_MS
    const now = new Date(at)
    const device = deviceOf(n)
    let line = device % 2 === 0 ? rfc5424Message(n, now) : rfc3164Message(n, now)
    line = line.replace(
      /[\w-]+\.example\.net/,
      `${device % 2 === 0 ? 'fw' : 'bastion'}-${device}.example.net`,
    )
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

/** p50, p99 and max of slice durations (ms), sorted. */
function sliceLatency(sorted: readonly number[]) {
  return {
    p50: round(quantile(sorted, 0.5), 3),
    p99: round(quantile(sorted, 0.99), 3),
    max: round(sorted.at(-1) ?? 0, 3),
  }
}

/** The warm-up's feature rows (from its second window on, when device windows are full), and the
 * miner and extractor that made them, ready to go on with the events after it. */
function warmUp() {
  const miner = new TemplateMiner()
  const extractor = new EventFeatureExtractor()
  const dims = EVENT_FEATURES.length
  const warmup = events(0, WARMUP_EVENTS)
  const rows = new Float32Array(warmup.length * dims)
  warmup.forEach((e, n) => {
    const at = START + n * EVENT_GAP_MS
    extractor.extract(logEventFacts(e), miner.add(e.message as string, at), n + 1, at, rows, n)
  })
  return { miner, extractor, rows: rows.slice((WARMUP_EVENTS / 2) * dims), n: WARMUP_EVENTS / 2 }
}

/**
 * Registers a model trained on benchmark traffic as the active one in `dataDir`'s registry, so a
 * benchmarked collector scores every event as it would after its first training.
 */
export async function seedAnomalyModel(dataDir: string): Promise<string> {
  const { rows, n } = warmUp()
  const registry = await ModelRegistry.open(join(dataDir, 'ml', 'models'))
  const info = await trainAndRegister(registry, rows, n, {
    windowStart: new Date(START),
    windowEnd: new Date(START + WARMUP_EVENTS * EVENT_GAP_MS),
    promote: 'active',
  })
  return info.version
}

/**
 * Events [from, from + count) in chunks, each made (parsed) untimed and followed by a full GC, so
 * the garbage of making them is not charged to the slices timed after (the heap holds one chunk).
 */
function* chunks(from: number, count: number): Generator<{ at: number; events: SentinelEvent[] }> {
  for (let at = from; at < from + count; at += CHUNK) {
    const made = events(at, Math.min(CHUNK, from + count - at))
    ;(globalThis as { gc?: () => void }).gc?.()
    yield { at, events: made }
  }
}

/** A slice of the stage's input, numbered from event `from` (its simulated time follows). */
interface Slice {
  from: number
  batch: MlBatch
}

/**
 * Events [from, from + count) as the stage's input, slices of SLICE as MlBatch columns, all made
 * before any is timed: parsing makes about three times the stage's garbage, and collecting it
 * during the timed slices would charge the parser's cost to the stage (V8's background GC and
 * compiler threads share the one pinned core with the stage's thread).
 */
async function slices(from: number, count: number): Promise<Slice[]> {
  const out: Slice[] = []
  for (const { at, events: made } of chunks(from, count)) {
    for (let offset = 0; offset < made.length; offset += SLICE)
      out.push({ from: at + offset, batch: toMlBatch(made.slice(offset, offset + SLICE)).batch })
  }
  ;(globalThis as { gc?: () => void }).gc?.()
  // Let the concurrent sweeper finish with the parser's garbage before the timing starts.
  await setTimeout(500)
  return out
}

const timeOf = (n: number) => START + n * EVENT_GAP_MS

/** Feature rows for a slice, then one batch inference: the timed work. */
async function scoreSlice(
  extractor: EventFeatureExtractor,
  scorer: OnnxScorer,
  rows: Float32Array,
  { from, batch }: Slice,
  matches: readonly TemplateMatch[],
): Promise<{ scores: Float32Array; extractMs: number; tookMs: number }> {
  const t0 = performance.now()
  const n = batch.messages.length
  const facts = newFacts()
  for (let i = 0; i < n; i++) {
    extractor.extract(
      factsAt(batch, i, facts),
      matches[i] as TemplateMatch,
      from + i + 1,
      timeOf(from + i),
      rows,
      i,
    )
  }
  const t1 = performance.now()
  const scores = await scorer.score(rows, n)
  return { scores, extractMs: t1 - t0, tookMs: performance.now() - t0 }
}

/**
 * Feature extraction + ONNX inference per slice, templates mined beforehand (untimed). The first
 * UNTIMED events after the warm-up are scored untimed too: V8 optimises the scoring path then, and
 * a collector that has run for a minute is past that.
 */
async function featuresAndInference(total: number) {
  const { miner, extractor, rows: trainingRows, n: trainingN } = warmUp()
  const dims = EVENT_FEATURES.length
  const forest = IsolationForest.train(trainingRows, dims)
  const bytes = exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: 'bench' })
  const scorer = await OnnxScorer.load(bytes, { name: 'bench', expectedSpec: EVENT_FEATURE_SPEC })
  const rows = new Float32Array(SLICE * dims)
  const durations: number[] = []
  let timed = 0
  let extracting = 0
  let high = 0
  for (const slice of await slices(WARMUP_EVENTS, UNTIMED + total)) {
    const { from, batch } = slice
    const matches = batch.messages.map((message, i) => miner.add(message, timeOf(from + i)))
    const { scores, extractMs, tookMs } = await scoreSlice(extractor, scorer, rows, slice, matches)
    if (from < WARMUP_EVENTS + UNTIMED) continue
    extracting += extractMs
    durations.push(tookMs)
    timed += tookMs
    high += countAtLeast(scores, 0.6)
  }
  await scorer.release()
  durations.sort((a, b) => a - b)
  return {
    trees: forest.trees,
    trainingRows: trainingN,
    events: total,
    eventsPerSecond: Math.round(total / (timed / 1000)),
    microsPerEvent: round((timed * 1000) / total, 3),
    extractionMicrosPerEvent: round((extracting * 1000) / total, 3),
    scoredAtLeast06: high,
    sliceEvents: SLICE,
    addedLatencyMs: sliceLatency(durations),
  }
}

function countAtLeast(scores: Float32Array, min: number): number {
  let n = 0
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) >= min) n++
  return n
}

/**
 * The stage's own work per slice (MlStage.annotateBatch, as in its worker thread): template
 * mining, features, inference, explanations, the training sample. Inline, the stage also turns the
 * slice's events into columns and writes the fields back: `inWorkerThread` measures that part.
 */
async function wholeStage(total: number) {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-bench-ml-'))
  try {
    // The shipped defaults, but the first model after the warm-up's 600 s rather than an hour.
    const config = parseConfig('ml:\n  training:\n    min_period_secs: 300\n', 'bench').ml
    let clock = START
    const stage = new MlStage(config, dir, {
      observer: metricsObserver(createMetrics({ defaultMetrics: false })),
      logger: pino({ level: 'silent' }),
      now: () => clock,
    })
    await stage.start()
    const annotate = (slice: Slice) => {
      clock = timeOf(slice.from)
      return stage.annotateBatch(slice.batch)
    }
    for (const slice of await slices(0, WARMUP_EVENTS)) await annotate(slice)
    const model = await stage.train('active')
    const durations: number[] = []
    const scores: number[] = []
    let explained = 0
    let rare = 0
    let rareSum = 0
    for (const slice of await slices(WARMUP_EVENTS, UNTIMED + total)) {
      const t0 = performance.now()
      const annotations = await annotate(slice)
      const took = performance.now() - t0
      if (slice.from < WARMUP_EVENTS + UNTIMED) continue
      durations.push(took)
      const sliceScores = annotations.active?.scores ?? new Float32Array(slice.batch.messages.length).fill(-1)
      explained += annotations.explained.length
      slice.batch.messages.forEach((message, i) => {
        const score = sliceScores[i] as number
        scores.push(score)
        if (message.startsWith('power supply')) {
          rare++
          rareSum += Math.max(0, score)
        }
      })
    }
    await stage.stop()
    const timed = durations.reduce((a, b) => a + b, 0)
    durations.sort((a, b) => a - b)
    scores.sort((a, b) => a - b)
    return {
      model,
      events: total,
      scoredEvents: scores.filter((v) => v >= 0).length,
      scoredAtLeast06: scores.filter((v) => v >= 0.6).length,
      explainedEvents: explained,
      rareEventsScore: round(rareSum / Math.max(1, rare), 3),
      medianScore: round(scores[Math.floor(scores.length / 2)] ?? 0, 3),
      eventsPerSecond: Math.round(total / (timed / 1000)),
      microsPerEvent: round((timed * 1000) / total, 3),
      sliceEvents: SLICE,
      addedLatencyMs: sliceLatency(durations),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** CPU time of this process's main thread (user + system; Linux), in seconds. */
function mainThreadCpuSeconds(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/**
 * The stage as the collector runs it, in its worker thread (MlWorker), with a model trained on the
 * warm-up: slices of SLICE go from this thread and come back annotated. Reports the round trip per
 * slice (the latency the stage adds to a slice's events) and this thread's own busy time per
 * event (making the batch, structured clone both ways, writing the fields on): what the ML stage
 * still costs the collector's event loop.
 */
async function inWorkerThread(total: number) {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-bench-ml-worker-'))
  try {
    const version = await seedAnomalyModel(dir)
    const ml = new MlWorker(parseConfig('', 'bench').ml, dir, {
      metrics: createMetrics({ defaultMetrics: false }),
      logger: pino({ level: 'silent' }),
    })
    await ml.start()
    const durations: number[] = []
    let measuredEvents = 0
    let scored = 0
    let busy = 0
    for (const chunk of chunks(0, WARMUP_EVENTS + total)) {
      const measured = chunk.at >= WARMUP_EVENTS
      if (measured) measuredEvents += chunk.events.length
      const before = mainThreadCpuSeconds()
      for (let offset = 0; offset < chunk.events.length; offset += SLICE) {
        const slice = chunk.events.slice(offset, offset + SLICE)
        const t0 = performance.now()
        await ml.annotate(slice)
        if (!measured) continue
        durations.push(performance.now() - t0)
        for (const e of slice) if (e.sentinel['anomaly'] !== undefined) scored++
      }
      if (measured) busy += mainThreadCpuSeconds() - before
    }
    await ml.stop()
    durations.sort((a, b) => a - b)
    return {
      model: version,
      events: measuredEvents,
      scoredEvents: scored,
      sliceEvents: SLICE,
      collectorThreadMicrosPerEvent: round((busy * 1e6) / measuredEvents, 3),
      addedLatencyMs: sliceLatency(durations),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function worker(total: number) {
  return {
    featuresAndInference: await featuresAndInference(total),
    wholeStage: await wholeStage(total),
    heapUsedMb: round(process.memoryUsage().heapUsed / 1024 ** 2, 1),
  }
}

/** This file in a child process, pinned to `cores` (taskset) or not; resolves to its JSON result. */
function child<T>(mode: string, total: number, cores?: string): Promise<T> {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', THIS_FILE, mode, String(total)]
  const [command, ...args] = cores === undefined ? node : ['taskset', '-c', cores, ...node]
  return new Promise((resolve, reject) => {
    const proc = spawn(command as string, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`anomaly scoring ${mode} exited ${code}`))
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as T)
    })
  })
}

export async function benchAnomalyScoring(benchScale = scale) {
  const total = Math.round(300_000 * benchScale)
  return {
    ...(await child<Awaited<ReturnType<typeof worker>>>('--worker', total, '0')),
    pinnedToCores: 1,
    // Two threads, so two cores (this machine's all): the collector's thread and the ML thread.
    inWorkerThread: await child<Awaited<ReturnType<typeof inWorkerThread>>>('--worker-thread', total),
    targetEventsPerSecond: 200_000,
    targetAddedP99Ms: 2,
  }
}

if (process.argv[2] === '--worker') {
  process.stdout.write(`${JSON.stringify(await worker(Number(process.argv[3])))}\n`)
} else if (process.argv[2] === '--worker-thread') {
  process.stdout.write(`${JSON.stringify(await inWorkerThread(Number(process.argv[3])))}\n`)
} else if (process.argv[1] === THIS_FILE) {
  process.stdout.write(`${JSON.stringify(await benchAnomalyScoring(), null, 2)}\n`)
}
