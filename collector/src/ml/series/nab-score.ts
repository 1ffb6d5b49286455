/**
 * @module The Numenta Anomaly Benchmark's scoring rules (Lavin and Ahmad, 2015; numenta/NAB v1.1
 * `sweeper.py`, `optimizer.py`, `runner.py`), so Sentinel's series detector can be measured the way
 * the published scoreboard was. Per file: the first 15% of rows (at most 750) are a probationary
 * period that is not scored; a labelled window is rewarded once, by its earliest detection, with a
 * scaled sigmoid of where in the window it fell (1 at the window's first row, falling towards 0 at
 * its end); a window with no detection costs the profile's false-negative weight; a detection
 * outside every window costs the false-positive weight, in full before the first window and scaled
 * by its distance after the preceding one (nearly nothing just past a window's end). The threshold
 * is chosen over the whole corpus per profile by trying every distinct score, as NAB's optimizer
 * does, and totals are normalised so that flagging nothing scores 0 and flagging each window's
 * first row scores 100.
 */

/** Weights of one NAB application profile; the false-positive and -negative weights are costs. */
export interface NabCostMatrix {
  tpWeight: number
  fpWeight: number
  fnWeight: number
}

export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate'

/** NAB's `config/profiles.json`. */
export const NAB_PROFILES: Readonly<Record<NabProfileName, Readonly<NabCostMatrix>>> = Object.freeze({
  standard: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }),
  reward_low_FP_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.22, fnWeight: 1 }),
  reward_low_FN_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }),
})

const PROBATION_PERCENT = 0.15

/** One labelled series and a detector's score for each of its rows. */
export interface NabFile {
  /** `<category>/<file>.csv`, as in NAB's label files. */
  name: string
  /** Row timestamps (ms), ascending. */
  timestamps: readonly number[]
  /** The detector's anomaly score per row; a row is a detection when its score >= the threshold. */
  scores: readonly number[]
  /** Labelled windows as [first, last] timestamps (ms), inclusive, in time order. */
  windows: readonly (readonly [number, number])[]
}

export interface NabFileScore {
  name: string
  /** Weighted score of the file at the threshold (unnormalised). */
  score: number
  /** Windows detected (their earliest detection counted). */
  tp: number
  /** Detections outside every window, after the probationary period. */
  fp: number
  /** Windows with no detection. */
  fn: number
  windows: number
}

export interface NabCorpusScore {
  profile: NabProfileName | 'custom'
  /** Rows with a score >= threshold are detections; Infinity when flagging nothing scored best. */
  threshold: number
  /** Sum of the files' weighted scores. */
  raw: number
  /** What flagging nothing scores (every window missed). */
  nullScore: number
  /** What flagging each window's first row scores. */
  perfectScore: number
  /** 100 * (raw - null) / (perfect - null). */
  normalized: number
  files: NabFileScore[]
}

/** Rows of a file NAB leaves unscored: 15% of them, at most 750 (15% of 5000). */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000)
}

/**
 * NAB's reward curve: 2 * sigmoid(-5 * position) - 1, where -1 is a window's first row, 0 its end
 * and positive positions lie after it (-1 from 3 on).
 */
export function scaledSigmoid(position: number): number {
  if (position >= 3) return -1
  return 2 / (1 + Math.exp(5 * position)) - 1
}

const MAX_TP = scaledSigmoid(-1)

/** A file's rows with what a detection on each would be worth, windows as row ranges. */
interface SweptFile {
  name: string
  scores: readonly number[]
  /** Row of the first scored row. */
  firstScored: number
  /** Per row: index into `windows` when inside one, -1 otherwise. */
  windowOf: Int32Array
  /** Per row: the reward (inside a window) or the negative cost (outside) of a detection there. */
  worth: Float64Array
  windows: { first: number; last: number }[]
}

function sweep(file: NabFile, cost: NabCostMatrix): SweptFile {
  const { timestamps, scores } = file
  if (timestamps.length !== scores.length) {
    throw new RangeError(`${file.name}: ${timestamps.length} timestamps but ${scores.length} scores`)
  }
  const n = timestamps.length
  const windowOf = new Int32Array(n).fill(-1)
  const worth = new Float64Array(n)
  const windows: { first: number; last: number }[] = []
  let row = 0
  for (const [start, end] of file.windows) {
    while (row < n && (timestamps[row] ?? 0) < start) row++
    const first = row
    while (row < n && (timestamps[row] ?? 0) <= end) row++
    // A window holding no row cannot be detected; it stays in the count as a miss.
    windows.push({ first, last: row - 1 })
  }
  windows.forEach((w, id) => {
    const width = w.last - w.first + 1
    for (let i = w.first; i <= w.last; i++) {
      windowOf[i] = id
      worth[i] = (scaledSigmoid(-(w.last - i + 1) / width) * cost.tpWeight) / MAX_TP
    }
  })
  // A detection outside windows is weighed by its distance after the last window that ended.
  let previous: { first: number; last: number } | undefined
  let next = 0
  for (let i = 0; i < n; i++) {
    for (let w = windows[next]; w !== undefined && w.last < i; w = windows[++next]) {
      if (w.last >= w.first) previous = w
    }
    if ((windowOf[i] ?? -1) >= 0) continue
    const position =
      previous === undefined ? 3 : (i - previous.last) / Math.max(1, previous.last - previous.first)
    worth[i] = scaledSigmoid(position) * cost.fpWeight
  }
  return { name: file.name, scores, firstScored: probationLength(n), windowOf, worth, windows }
}

/** Scores one swept file with detections at score >= threshold. */
function scoreSwept(file: SweptFile, cost: NabCostMatrix, threshold: number): NabFileScore {
  const earliest = new Array<number>(file.windows.length).fill(-1)
  let score = 0
  let fp = 0
  for (let i = file.firstScored; i < file.scores.length; i++) {
    if (!((file.scores[i] ?? -Infinity) >= threshold)) continue
    const w = file.windowOf[i] ?? -1
    if (w < 0) {
      fp++
      score += file.worth[i] ?? 0
    } else if ((earliest[w] ?? -1) < 0) earliest[w] = i
  }
  let tp = 0
  file.windows.forEach((w, id) => {
    const at = earliest[id] ?? -1
    if (at >= 0) {
      tp++
      score += file.worth[at] ?? 0
    } else if (w.last >= file.firstScored) score -= cost.fnWeight
  })
  return { name: file.name, score, tp, fp, fn: file.windows.length - tp, windows: file.windows.length }
}

/** Scores one file at a threshold (detections: score >= threshold). */
export function scoreFile(file: NabFile, cost: NabCostMatrix, threshold: number): NabFileScore {
  return scoreSwept(sweep(file, cost), cost, threshold)
}

/**
 * The threshold with the best corpus score: every distinct score is tried (detections at >= it),
 * as is flagging nothing (Infinity); ties go to the highest threshold, as in NAB.
 */
export function optimizeThreshold(
  files: readonly NabFile[],
  cost: NabCostMatrix,
): { threshold: number; score: number } {
  return optimizeSwept(
    files.map((f) => sweep(f, cost)),
    cost,
  )
}

function optimizeSwept(
  swept: readonly SweptFile[],
  cost: NabCostMatrix,
): { threshold: number; score: number } {
  // Every scored row of the corpus, highest score first; a window's reward is its best (earliest) row.
  const rows: { score: number; file: number; row: number }[] = []
  let score = 0
  const bestInWindow: Float64Array[] = []
  swept.forEach((file, f) => {
    for (let i = file.firstScored; i < file.scores.length; i++) {
      rows.push({ score: file.scores[i] ?? -Infinity, file: f, row: i })
    }
    const best = new Float64Array(file.windows.length)
    file.windows.forEach((w, id) => {
      // Windows wholly inside the probationary period are neither rewarded nor missed.
      best[id] = w.last >= file.firstScored ? -cost.fnWeight : 0
      score += best[id] ?? 0
    })
    bestInWindow.push(best)
  })
  rows.sort((a, b) => b.score - a.score)
  let bestThreshold = Infinity
  let bestScore = score
  for (let k = 0; k < rows.length;) {
    const threshold = rows[k]?.score ?? -Infinity
    for (; k < rows.length && rows[k]?.score === threshold; k++) {
      const at = rows[k]
      if (at === undefined) break
      const file = swept[at.file]
      const best = bestInWindow[at.file]
      if (file === undefined || best === undefined) continue
      const w = file.windowOf[at.row] ?? -1
      const worth = file.worth[at.row] ?? 0
      if (w < 0) score += worth
      else if (worth > (best[w] ?? 0)) {
        score += worth - (best[w] ?? 0)
        best[w] = worth
      }
    }
    if (score > bestScore) {
      bestScore = score
      bestThreshold = threshold
    }
  }
  return { threshold: bestThreshold, score: bestScore }
}

/**
 * Scores a corpus for one profile: optimises the threshold over all files (unless one is given),
 * scores each file at it and normalises the total.
 */
export function scoreCorpus(
  files: readonly NabFile[],
  profile: NabProfileName | NabCostMatrix,
  threshold?: number,
): NabCorpusScore {
  const cost = typeof profile === 'string' ? NAB_PROFILES[profile] : profile
  const swept = files.map((f) => sweep(f, cost))
  const chosen = threshold ?? optimizeSwept(swept, cost).threshold
  const scored = swept.map((f) => scoreSwept(f, cost, chosen))
  const raw = scored.reduce((sum, f) => sum + f.score, 0)
  const nullScore = swept.reduce((sum, f) => sum + scoreSwept(f, cost, Infinity).score, 0)
  const perfectScore = swept.reduce((sum, f) => sum + f.windows.length, 0) * cost.tpWeight
  return {
    profile: typeof profile === 'string' ? profile : 'custom',
    threshold: chosen,
    raw,
    nullScore,
    perfectScore,
    normalized: normalizeScore(raw, nullScore, perfectScore),
    files: scored,
  }
}

/** NAB's normalisation: 100 * (raw - null) / (perfect - null); 0 when there is nothing to find. */
export function normalizeScore(raw: number, nullScore: number, perfectScore: number): number {
  return perfectScore === nullScore ? 0 : (100 * (raw - nullScore)) / (perfectScore - nullScore)
}
