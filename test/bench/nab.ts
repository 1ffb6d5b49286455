/**
 * @module Series anomaly detection on the Numenta Anomaly Benchmark: runs the SNMP series detector
 * (its one default configuration for every series) over each labelled NAB series under
 * `<data>/nab`, scores the result with NAB's own rules (collector/src/ml/series/nab-score.ts) for
 * the three profiles, and sets the figures beside the published scoreboard. Because the defaults
 * were chosen on these same files, it also reports held-out checks: thresholds and configurations
 * chosen on one half of the files (or one category) and scored on the other. Runnable alone:
 * `node --import tsx test/bench/nab.ts [--data /work/shared/data]`. The data lives outside the
 * repository (see the data README); NAB is MIT-licensed, Copyright Numenta Inc.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseSeriesCsv, parseTimestamp } from '../../collector/src/ml/series/csv-series.js'
import {
  SERIES_DETECTOR_DEFAULTS,
  SeriesDetector,
  type SeriesDetectorOptions,
} from '../../collector/src/ml/series/detector.js'
import {
  optimizeThreshold,
  NAB_PROFILES,
  scoreCorpus,
  type NabFile,
  type NabProfileName,
} from '../../collector/src/ml/series/nab-score.js'
import { SeriesScorer } from '../../collector/src/ml/series/series-scorer.js'
import { DEFAULT_DATA_DIR } from './templates.js'

/** The NAB scoreboard, standard profile, whole corpus (data README). */
export const NAB_SCOREBOARD: Readonly<Record<string, number>> = {
  ARTime: 74.9,
  'Numenta HTM': 70.5,
  'CAD OSE': 69.9,
  'earthgecko Skyline': 58.2,
  'KNN CAD': 58.0,
  'Relative Entropy': 54.6,
  'Random Cut Forest': 51.7,
  'Twitter ADVec': 47.1,
  'Windowed Gaussian': 39.6,
  'Etsy Skyline': 35.7,
  'Bayesian Changepoint': 17.7,
  Random: 11.0,
}

const PROFILES = Object.keys(NAB_PROFILES) as NabProfileName[]
const MINUTE = 60_000
const DAY = 86_400_000

interface Series {
  name: string
  category: string
  timestamps: number[]
  values: number[]
  windows: [number, number][]
}

export interface ProfileReport {
  /** Normalised NAB score: 0 flags nothing, 100 flags each window's first row. */
  score: number
  /** Detections are scores >= this; null when flagging nothing scored best. */
  threshold: number | null
  raw: number
  nullScore: number
  perfectScore: number
  /** Normalised score of each category at the corpus threshold. */
  categories: Record<string, number>
  /** tp, fn: windows detected and missed; fp: detections outside windows after probation. */
  files: { name: string; score: number; tp: number; fp: number; fn: number; windows: number }[]
}

export interface HeldOutResult {
  /** Files the configuration and threshold were chosen on. */
  chosenOn: string
  /** Files scored (never seen by the choice). */
  scoredOn: string
  /** Options of the chosen configuration that differ from the defaults (empty: the defaults won). */
  chosenOptions: Partial<SeriesDetectorOptions>
  /** The threshold optimised on the training files for the chosen configuration. */
  chosenThreshold: number | null
  /** Standard-profile scores of the held-out files. */
  scores: {
    /** Chosen configuration, threshold optimised on the held-out files, as NAB does for any detector. */
    chosenConfiguration: number
    /** Chosen configuration and the training threshold: nothing at all chosen on the held-out files. */
    chosenConfigurationAndThreshold: number
    /** The defaults with the training threshold. */
    defaultsTrainingThreshold: number
    /** The defaults with their own optimal threshold (in-sample, for comparison). */
    defaultsInSample: number
  }
}

export interface NabBenchReport {
  dataDir: string
  note: string
  files: number
  points: number
  windows: number
  /** Labelled window edges that fall on no row (NAB's sweeper needs them on rows; 0 expected). */
  windowEdgesOffRows: number
  detector: SeriesDetectorOptions
  profiles: Record<NabProfileName, ProfileReport>
  /** Scores with the detector's own shipped threshold, no optimisation at all. */
  atDefaultThreshold: Record<NabProfileName, number>
  heldOut: { method: string; candidates: number; folds: HeldOutResult[] }
  scoreboard: Readonly<Record<string, number>>
  /** SeriesDetector.update on one core, best of three passes over every point. */
  pointsPerSecond: number
  /** SeriesScorer.score (keyed, with its map and recency upkeep), the collector's path. */
  scorerPointsPerSecond: number
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits
const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? round(n, 4) : null)

function loadSeries(nabDir: string): Series[] {
  const labels = JSON.parse(readFileSync(join(nabDir, 'labels', 'combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >
  const series: Series[] = []
  for (const [name, windows] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
    const path = join(nabDir, name)
    if (!existsSync(path)) continue
    const points = parseSeriesCsv(readFileSync(path, 'utf8'), path)
    series.push({
      name,
      category: name.split('/')[0] ?? '',
      timestamps: points.map((p) => p.timestamp),
      values: points.map((p) => p.value),
      windows: windows.map(([start, end]) => {
        const a = parseTimestamp(start)
        const b = parseTimestamp(end)
        if (a === undefined || b === undefined) throw new Error(`${name}: bad window ${start} - ${end}`)
        return [a, b]
      }),
    })
  }
  return series
}

function detect(series: readonly Series[], options: Partial<SeriesDetectorOptions>): NabFile[] {
  return series.map((s) => {
    const detector = new SeriesDetector(options)
    return {
      name: s.name,
      timestamps: s.timestamps,
      scores: s.values.map((v, i) => detector.update(s.timestamps[i] ?? 0, v).score),
      windows: s.windows,
    }
  })
}

function profileReport(files: NabFile[], profile: NabProfileName, threshold?: number): ProfileReport {
  const result = scoreCorpus(files, profile, threshold)
  const categories: Record<string, number> = {}
  for (const category of [...new Set(files.map((f) => f.name.split('/')[0] ?? ''))]) {
    const subset = files.filter((f) => f.name.startsWith(`${category}/`))
    categories[category] = round(scoreCorpus(subset, profile, result.threshold).normalized)
  }
  return {
    score: round(result.normalized),
    threshold: finiteOrNull(result.threshold),
    raw: round(result.raw, 3),
    nullScore: round(result.nullScore, 3),
    perfectScore: round(result.perfectScore, 3),
    categories,
    files: result.files.map((f) => ({ ...f, score: round(f.score, 3) })),
  }
}

/** Configurations the held-out check chooses among; the defaults are one of them. */
function candidates(): Partial<SeriesDetectorOptions>[] {
  const out: Partial<SeriesDetectorOptions>[] = []
  for (const envelopeMemoryMs of [30 * DAY, 60 * DAY, 90 * DAY])
    for (const smoothingMs of [10 * MINUTE, 14 * MINUTE, 20 * MINUTE])
      for (const seasonWeight of [0.2, 0.3, 0.5])
        for (const medianWindow of [3, 5])
          out.push({ envelopeMemoryMs, smoothingMs, seasonWeight, medianWindow })
  return out
}

function differences(options: Partial<SeriesDetectorOptions>): Partial<SeriesDetectorOptions> {
  const out: Partial<SeriesDetectorOptions> = {}
  for (const [key, value] of Object.entries(options) as [keyof SeriesDetectorOptions, number][]) {
    if (SERIES_DETECTOR_DEFAULTS[key] !== value) out[key] = value
  }
  return out
}

/** Two halves of alternate files (by name, within each category), and the categories one against the rest. */
function folds(
  series: readonly Series[],
): { trainName: string; testName: string; train: Set<string>; test: Set<string> }[] {
  const categories = [...new Set(series.map((s) => s.category))]
  const halves: [Set<string>, Set<string>] = [new Set(), new Set()]
  for (const category of categories) {
    series.filter((s) => s.category === category).forEach((s, i) => halves[i % 2]?.add(s.name))
  }
  const out = [
    {
      trainName: `half A (${halves[0].size} files)`,
      testName: `half B (${halves[1].size} files)`,
      train: halves[0],
      test: halves[1],
    },
    {
      trainName: `half B (${halves[1].size} files)`,
      testName: `half A (${halves[0].size} files)`,
      train: halves[1],
      test: halves[0],
    },
  ]
  if (categories.length > 1) {
    for (const category of categories) {
      const inside = new Set(series.filter((s) => s.category === category).map((s) => s.name))
      const outside = new Set(series.filter((s) => s.category !== category).map((s) => s.name))
      out.push({ trainName: category, testName: `all but ${category}`, train: inside, test: outside })
    }
  }
  return out
}

function heldOut(series: readonly Series[], defaults: NabFile[]): NabBenchReport['heldOut'] {
  const configs = candidates()
  const runs = configs.map((options) => ({ options, files: detect(series, options) }))
  const cost = NAB_PROFILES.standard
  const pick = (files: NabFile[], names: Set<string>) => files.filter((f) => names.has(f.name))
  const score = (files: NabFile[], threshold?: number) =>
    round(scoreCorpus(files, 'standard', threshold).normalized)
  const result: HeldOutResult[] = []
  for (const fold of folds(series)) {
    let best = { score: -Infinity, threshold: Infinity, index: 0 }
    runs.forEach((run, index) => {
      const { score, threshold } = optimizeThreshold(pick(run.files, fold.train), cost)
      if (score > best.score) best = { score, threshold, index }
    })
    const chosen = runs[best.index]
    if (chosen === undefined) continue
    const test = pick(chosen.files, fold.test)
    const defaultsTest = pick(defaults, fold.test)
    result.push({
      chosenOn: fold.trainName,
      scoredOn: fold.testName,
      chosenOptions: differences(chosen.options),
      chosenThreshold: finiteOrNull(best.threshold),
      scores: {
        chosenConfiguration: score(test),
        chosenConfigurationAndThreshold: score(test, best.threshold),
        defaultsTrainingThreshold: score(
          defaultsTest,
          optimizeThreshold(pick(defaults, fold.train), cost).threshold,
        ),
        defaultsInSample: score(defaultsTest),
      },
    })
  }
  return {
    method:
      'Standard profile. Folds: two halves (alternate files by name within each category), each chosen on and ' +
      'scored on the other, and each category chosen on and the other scored. On the training files alone the best ' +
      `of ${configs.length} configurations (envelope memory 30/60/90 days, smoothing 10/14/20 min, season weight ` +
      '0.2/0.3/0.5, median window 3/5; the defaults among them) and its threshold are chosen.',
    candidates: configs.length,
    folds: result,
  }
}

function detectorThroughput(series: readonly Series[]): number {
  const points = series.reduce((n, s) => n + s.values.length, 0)
  let best = Infinity
  for (let pass = 0; pass < 3; pass++) {
    const start = process.hrtime.bigint()
    for (const s of series) {
      const detector = new SeriesDetector()
      for (let i = 0; i < s.values.length; i++) detector.update(s.timestamps[i] ?? 0, s.values[i] ?? 0)
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9)
  }
  return Math.round(points / best)
}

/** Interleaved, as the poller delivers them: every series' i-th point, then the (i+1)-th. */
function scorerThroughput(series: readonly Series[]): number {
  const points = series.reduce((n, s) => n + s.values.length, 0)
  const longest = Math.max(...series.map((s) => s.values.length))
  let best = Infinity
  for (let pass = 0; pass < 3; pass++) {
    const scorer = new SeriesScorer()
    const start = process.hrtime.bigint()
    for (let i = 0; i < longest; i++) {
      for (const s of series) {
        const v = s.values[i]
        if (v !== undefined) scorer.score(s.name, s.timestamps[i] ?? 0, v)
      }
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9)
  }
  return Math.round(points / best)
}

/** Runs every labelled series under `dataDir`/nab; `{ skipped }` when there is no NAB data there. */
export function benchNab(dataDir: string): NabBenchReport | { skipped: string } {
  const nabDir = join(dataDir, 'nab')
  if (!existsSync(join(nabDir, 'labels', 'combined_windows.json')))
    return { skipped: `no NAB data under ${nabDir}` }
  const series = loadSeries(nabDir)
  const files = detect(series, {})
  const rows = new Set<string>()
  let windowEdgesOffRows = 0
  for (const s of series) {
    rows.clear()
    for (const t of s.timestamps) rows.add(String(t))
    for (const [a, b] of s.windows)
      windowEdgesOffRows += (rows.has(String(a)) ? 0 : 1) + (rows.has(String(b)) ? 0 : 1)
  }
  const profiles = {} as Record<NabProfileName, ProfileReport>
  const atDefaultThreshold = {} as Record<NabProfileName, number>
  for (const profile of PROFILES) {
    profiles[profile] = profileReport(files, profile)
    atDefaultThreshold[profile] = round(
      scoreCorpus(files, profile, SERIES_DETECTOR_DEFAULTS.threshold).normalized,
    )
  }
  const categories = [...new Set(series.map((s) => s.category))]
  return {
    dataDir,
    note:
      `This data holds only the ${categories.join(' and ')} parts of NAB (${series.length} labelled files; ` +
      'the full corpus has 58). The scoreboard is for the whole corpus, so it is context, not a like-for-like ' +
      'comparison; the defaults were chosen on these same files, hence the held-out checks.',
    files: series.length,
    points: series.reduce((n, s) => n + s.values.length, 0),
    windows: series.reduce((n, s) => n + s.windows.length, 0),
    windowEdgesOffRows,
    detector: { ...SERIES_DETECTOR_DEFAULTS },
    profiles,
    atDefaultThreshold,
    heldOut: heldOut(series, files),
    scoreboard: NAB_SCOREBOARD,
    pointsPerSecond: detectorThroughput(series),
    scorerPointsPerSecond: scorerThroughput(series),
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--data')
  const dataDir = at >= 0 ? (process.argv[at + 1] ?? '') : DEFAULT_DATA_DIR
  console.log(JSON.stringify(benchNab(dataDir), null, 2))
}
