/**
 * @module Template mining accuracy and speed on the 12 loghub 2k samples: runs the miner (one
 * default configuration for every dataset) over each sample's `Content` column in order, scores
 * grouping accuracy against `EventId`, and sets each figure beside Drain's published one (Zhu et
 * al., ICSE-SEIP 2019) for the original and, when present, the corrected ground truth. Runnable
 * alone: `node --import tsx test/bench/templates.ts [--data /work/shared/data]`. The data lives
 * outside the repository (see the data README); loghub: cite Zhu et al., ISSRE 2023.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { groupingAccuracy } from '../../collector/src/ml/grouping-accuracy.js'
import { TemplateMiner, type TemplateMinerOptions } from '../../collector/src/ml/template-miner.js'

/** Drain's grouping accuracy on the original ground truth, as published (data README). */
export const DRAIN_ACCURACY: Readonly<Record<string, number>> = {
  Android: 0.911,
  Apache: 1.0,
  HDFS: 0.998,
  HPC: 0.887,
  Hadoop: 0.948,
  HealthApp: 0.78,
  Mac: 0.787,
  OpenStack: 0.733,
  Proxifier: 0.527,
  Spark: 0.92,
  Windows: 0.997,
  Zookeeper: 0.967,
}

export interface DatasetResult {
  dataset: string
  lines: number
  templates: number
  accuracy: number
  drain: number
  /** accuracy - drain; negative where the miner does worse. */
  delta: number
}

export interface GroundTruthReport {
  groundTruth: string
  datasets: DatasetResult[]
  meanAccuracy: number
  meanDrain: number
}

/**
 * Leave-one-dataset-out check of the similarity threshold (original ground truth): for each
 * dataset, the threshold with the best mean accuracy on the other eleven, and the accuracy that
 * threshold gets on the dataset left out, which played no part in choosing it.
 */
export interface HeldOutReport {
  thresholds: { min: number; max: number; step: number }
  datasets: { dataset: string; threshold: number; accuracy: number; drain: number }[]
  meanAccuracy: number
  meanDrain: number
}

export interface TemplatesBenchReport {
  options: TemplateMinerOptions
  reports: GroundTruthReport[]
  heldOut: HeldOutReport | undefined
  /** `add` throughput on one core over all loghub lines (masking included). */
  messagesPerSecond: number
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

function readStructured(file: string): { content: string[]; eventId: string[] } {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'))
  const contentAt = header?.indexOf('Content') ?? -1
  const eventAt = header?.indexOf('EventId') ?? -1
  if (contentAt < 0 || eventAt < 0) throw new Error(`${file}: no Content or EventId column`)
  const content: string[] = []
  const eventId: string[] = []
  for (const row of rows) {
    if (row.length === 1 && row[0] === '') continue
    content.push(row[contentAt] ?? '')
    eventId.push(row[eventAt] ?? '')
  }
  return { content, eventId }
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length
const round = (value: number): number => Math.round(value * 1000) / 1000

/** Runs every dataset under `dataDir`/loghub (and loghub_2k_corrected when present). */
/** The public evaluation data beside the checkout (../shared/data), or $SENTINEL_DATA_DIR. */
export const DEFAULT_DATA_DIR =
  process.env.SENTINEL_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url))

export function benchTemplates(
  dataDir: string,
  options: Partial<TemplateMinerOptions> = {},
): TemplatesBenchReport {
  const reports: GroundTruthReport[] = []
  const allLines: string[] = []
  let effective: TemplateMinerOptions = new TemplateMiner(options).options
  for (const groundTruth of ['loghub', 'loghub_2k_corrected']) {
    const root = join(dataDir, groundTruth)
    if (!existsSync(root)) continue
    const datasets: DatasetResult[] = []
    for (const [dataset, { content, eventId }] of readDatasets(root)) {
      if (groundTruth === 'loghub') allLines.push(...content)
      const miner = new TemplateMiner(options)
      effective = miner.options
      const predicted = content.map((line) => miner.add(line).id)
      const accuracy = groupingAccuracy(predicted, eventId)
      const drain = DRAIN_ACCURACY[dataset] ?? 0
      datasets.push({
        dataset,
        lines: content.length,
        templates: miner.stats().templates,
        accuracy: round(accuracy),
        drain,
        delta: round(accuracy - drain),
      })
    }
    if (datasets.length === 0) continue
    reports.push({
      groundTruth,
      datasets,
      meanAccuracy: round(mean(datasets.map((d) => d.accuracy))),
      meanDrain: round(mean(datasets.map((d) => d.drain))),
    })
  }
  return {
    options: { ...effective },
    reports,
    heldOut: heldOutCheck(join(dataDir, 'loghub'), options),
    messagesPerSecond: throughput(allLines, options),
  }
}

/** The loghub datasets present under `root`, by name. */
function readDatasets(root: string): Map<string, { content: string[]; eventId: string[] }> {
  const found = new Map<string, { content: string[]; eventId: string[] }>()
  if (!existsSync(root)) return found
  for (const dataset of Object.keys(DRAIN_ACCURACY)) {
    // The corrected set names its file *_structured_corrected.csv.
    const file = [`${dataset}_2k.log_structured.csv`, `${dataset}_2k.log_structured_corrected.csv`]
      .map((name) => join(root, dataset, name))
      .find((path) => existsSync(path))
    if (file !== undefined) found.set(dataset, readStructured(file))
  }
  return found
}

function heldOutCheck(root: string, options: Partial<TemplateMinerOptions>): HeldOutReport | undefined {
  const data = readDatasets(root)
  if (data.size < 2) return undefined
  const thresholds = { min: 0.5, max: 0.95, step: 0.01 }
  const grid: number[] = []
  for (let t = thresholds.min; t <= thresholds.max + 1e-9; t += thresholds.step) grid.push(round(t))
  // accuracy[dataset][i]: the dataset's accuracy at grid[i].
  const accuracy = new Map<string, number[]>()
  for (const [dataset, { content, eventId }] of data) {
    accuracy.set(
      dataset,
      grid.map((similarity) => {
        const miner = new TemplateMiner({ ...options, similarity })
        return groupingAccuracy(
          content.map((line) => miner.add(line).id),
          eventId,
        )
      }),
    )
  }
  const datasets = [...data.keys()].map((left) => {
    let best = 0
    let bestMean = -1
    grid.forEach((_, i) => {
      const others = [...accuracy].filter(([name]) => name !== left).map(([, values]) => values[i] as number)
      const m = mean(others)
      if (m > bestMean) [best, bestMean] = [i, m]
    })
    return {
      dataset: left,
      threshold: grid[best] as number,
      accuracy: round(accuracy.get(left)?.[best] ?? 0),
      drain: DRAIN_ACCURACY[left] ?? 0,
    }
  })
  return {
    thresholds,
    datasets,
    meanAccuracy: round(mean(datasets.map((d) => d.accuracy))),
    meanDrain: round(mean(datasets.map((d) => d.drain))),
  }
}

/** Best of five passes over all lines with a fresh miner each time (warm JIT, one core). */
function throughput(lines: readonly string[], options: Partial<TemplateMinerOptions>): number {
  if (lines.length === 0) return 0
  let best = Infinity
  for (let pass = 0; pass < 5; pass++) {
    const miner = new TemplateMiner(options)
    const start = process.hrtime.bigint()
    for (const line of lines) miner.add(line)
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    best = Math.min(best, seconds)
  }
  return Math.round(lines.length / best)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--data')
  const dataDir = at >= 0 ? (process.argv[at + 1] ?? '') : DEFAULT_DATA_DIR
  console.log(JSON.stringify(benchTemplates(dataDir), null, 2))
}
