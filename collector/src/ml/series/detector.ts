/**
 * @module Streaming anomaly detector for one numeric series (an SNMP gauge such as CPU %, a counter
 * rate such as bytes/s). It asks, of every point, whether some view of the series has just gone
 * beyond everything it did before: the raw value (a spike or dip past the usual extremes), the
 * running median (a level shift, which single-point spikes cannot fake), and the smoothed distance
 * from what this time of day brought on earlier days (a daily pattern broken: traffic missing at its
 * busy hour, a burst at a quiet one). Each view keeps an envelope, its furthest excursion so far,
 * fading over weeks; the score is the largest ratio of a view to its envelope, squashed into [0, 1]
 * so that 0.5 means "as far out as ever". Novelty rather than a Gaussian tail, because polled
 * series are spiky and skewed, and what an operator calls an anomaly is what the series has not
 * done before.
 *
 * Time constants are in time, not points, so irregular polling and gaps need no resampling; a
 * timestamp that stands still or goes back counts as one usual step (inferred from the timestamps).
 * The first day is learning (score 0), and the daily view scores from the fourth. State is a fixed
 * set of numbers, a ring of `medianWindow` values and one Float32Array of daily buckets, whatever
 * the series length, and round-trips through `snapshot()`/`restore()` exactly. One configuration
 * serves every series (chosen on NAB: see test/bench/nab.ts).
 */
import { SentinelError } from '../../errors/codes.js'
import { isRecord } from '../is-record.js'

export interface SeriesDetectorOptions {
  /** A point is an anomaly when its score is >= this. */
  threshold: number
  /** Time constant of the fading of envelopes (how long an extreme keeps counting as normal). */
  envelopeMemoryMs: number
  /** Time constant of the series' centre, the reference for level excursions. */
  centreMemoryMs: number
  /** Time constant of the smoothing of the distance from the daily pattern. */
  smoothingMs: number
  /** Buckets per day for the daily pattern. */
  seasonBuckets: number
  /** Neighbouring buckets either side that may explain a point (daily patterns drift a little). */
  seasonTolerance: number
  /** Weight of each day's visit in a bucket's mean (0 < w <= 1). */
  seasonWeight: number
  /** Points in the running median that hides single-point spikes from the level-shift view (odd). */
  medianWindow: number
  /** Smallest level shift that counts, as a share of the range the series has spanned. */
  minimumShift: number
  /** No anomaly before this many points... */
  warmupPoints: number
  /** ...and this much time since the first point. */
  warmupMs: number
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** One configuration for every series, chosen on the NAB corpus (see test/bench/nab.ts). */
export const SERIES_DETECTOR_DEFAULTS: Readonly<SeriesDetectorOptions> = Object.freeze({
  threshold: 0.53,
  envelopeMemoryMs: 60 * DAY,
  centreMemoryMs: 8 * HOUR,
  smoothingMs: 14 * MINUTE,
  seasonBuckets: 288,
  seasonTolerance: 1,
  seasonWeight: 0.3,
  medianWindow: 3,
  minimumShift: 0.05,
  warmupPoints: 30,
  warmupMs: DAY,
})

export interface SeriesScore {
  /** 0..1: 0.5 is as far out as the series has ever been, higher is further. */
  score: number
  anomaly: boolean
}

/** The detector's state, JSON-safe. */
export interface SeriesDetectorSnapshot {
  format: typeof SNAPSHOT_FORMAT
  version: 1
  options: SeriesDetectorOptions
  /** Scalars: the clock, the centres and envelopes of the views, the smoothed daily residual. */
  state: Record<SeriesDetectorStateField, number>
  /** The last points, oldest first (at most medianWindow). */
  recent: number[]
  /** Daily bucket means as little-endian float32, base64; NaN marks a bucket never visited. */
  season: string
}

const SNAPSHOT_FORMAT = 'sentinel.series-detector'

const STATE_FIELDS = [
  'points',
  'firstTime',
  'lastTime',
  'step',
  'centre',
  'high',
  'low',
  'medianCentre',
  'medianHigh',
  'medianLow',
  'residual',
  'residualEnvelope',
] as const
export type SeriesDetectorStateField = (typeof STATE_FIELDS)[number]

/**
 * The daily view compares with earlier days from the second day on (before that its nearest buckets
 * hold minutes-old values), learns over two days how far a normal day strays, then scores.
 */
const SEASON_COMPARES_AFTER = DAY
const SEASON_SCORES_AFTER = 3 * DAY

/** Ratios are capped so that an excursion from a perfectly flat series still scores a finite 1. */
const MAX_RATIO = 1e9
/** Values are clamped to ±this (far beyond any Counter64 rate) so that nothing overflows float32. */
const MAX_VALUE = 1e37

function checkOptions(o: SeriesDetectorOptions): string | undefined {
  const positive = (v: number) => typeof v === 'number' && Number.isFinite(v) && v > 0
  if (typeof o.threshold !== 'number' || !(o.threshold >= 0 && o.threshold <= 1))
    return 'threshold must be in [0, 1]'
  for (const key of ['envelopeMemoryMs', 'centreMemoryMs', 'smoothingMs'] as const) {
    if (!positive(o[key])) return `${key} must be a positive number`
  }
  if (!Number.isInteger(o.seasonBuckets) || o.seasonBuckets < 1 || o.seasonBuckets > 1440) {
    return 'seasonBuckets must be an integer from 1 to 1440'
  }
  if (
    !Number.isInteger(o.seasonTolerance) ||
    o.seasonTolerance < 0 ||
    2 * o.seasonTolerance >= o.seasonBuckets
  ) {
    return 'seasonTolerance must be a non-negative integer below seasonBuckets / 2'
  }
  if (!positive(o.seasonWeight) || o.seasonWeight > 1) return 'seasonWeight must be in (0, 1]'
  if (
    !Number.isInteger(o.medianWindow) ||
    o.medianWindow < 1 ||
    o.medianWindow > 15 ||
    o.medianWindow % 2 === 0
  ) {
    return 'medianWindow must be an odd integer from 1 to 15'
  }
  if (typeof o.minimumShift !== 'number' || !(o.minimumShift >= 0 && o.minimumShift <= 1)) {
    return 'minimumShift must be in [0, 1]'
  }
  if (!Number.isInteger(o.warmupPoints) || o.warmupPoints < 0)
    return 'warmupPoints must be a non-negative integer'
  if (typeof o.warmupMs !== 'number' || !(o.warmupMs >= 0) || !Number.isFinite(o.warmupMs)) {
    return 'warmupMs must be a non-negative number'
  }
  return undefined
}

function snapshotErrorAt(path: string, problem: string, where: string): SentinelError {
  return new SentinelError('SNT_ERR_SERIES_INPUT', [where, `${path}: ${problem}`])
}

/**
 * Detector options saved in a snapshot (every field present and valid), or SentinelError
 * SNT_ERR_SERIES_INPUT naming `path` within `where`.
 */
export function readDetectorOptions(value: unknown, path: string, where: string): SeriesDetectorOptions {
  if (!isRecord(value)) throw snapshotErrorAt(path, 'not an object', where)
  const parsed = { ...SERIES_DETECTOR_DEFAULTS }
  for (const key of Object.keys(SERIES_DETECTOR_DEFAULTS) as (keyof SeriesDetectorOptions)[]) {
    const v = value[key]
    if (typeof v !== 'number') throw snapshotErrorAt(`${path}/${key}`, 'not a number', where)
    parsed[key] = v
  }
  const problem = checkOptions(parsed)
  if (problem !== undefined) throw snapshotErrorAt(path, problem, where)
  return parsed
}

/** Share of a quantity to let go after `dt` ms with time constant `tau`. */
const fade = (dt: number, tau: number): number => 1 - Math.exp(-dt / tau)

/** `value` over `envelope`, both >= 0: 0 when both are 0, capped when only the envelope is. */
function ratio(value: number, envelope: number): number {
  if (value <= 0) return 0
  return envelope > 0 ? Math.min(value / envelope, MAX_RATIO) : MAX_RATIO
}

/**
 * Scores one series, point by point.
 *
 * @example
 * const detector = new SeriesDetector()
 * for (const [t, v] of points) {
 *   const { score, anomaly } = detector.update(t, v)
 * }
 */
export class SeriesDetector {
  readonly options: Readonly<SeriesDetectorOptions>
  #s: Record<SeriesDetectorStateField, number> = {
    points: 0,
    firstTime: 0,
    lastTime: 0,
    step: 0,
    centre: 0,
    high: 0,
    low: 0,
    medianCentre: 0,
    medianHigh: 0,
    medianLow: 0,
    residual: 0,
    residualEnvelope: 0,
  }
  /** Ring of the last medianWindow values; `#recentCount` of them are filled. */
  readonly #recent: Float64Array
  #recentCount = 0
  #recentNext = 0
  readonly #scratch: Float64Array
  /** Mean per daily bucket; NaN until visited. */
  readonly #season: Float32Array
  readonly #bucketMs: number

  constructor(options: Partial<SeriesDetectorOptions> = {}) {
    const merged = { ...SERIES_DETECTOR_DEFAULTS, ...options }
    const problem = checkOptions(merged)
    if (problem !== undefined) throw new RangeError(`Invalid series detector options: ${problem}`)
    this.options = Object.freeze(merged)
    this.#recent = new Float64Array(merged.medianWindow)
    this.#scratch = new Float64Array(merged.medianWindow)
    this.#season = new Float32Array(merged.seasonBuckets).fill(NaN)
    this.#bucketMs = DAY / merged.seasonBuckets
  }

  /** Points seen so far (restores included). */
  get points(): number {
    return this.#s.points
  }

  /**
   * Learns from one point and scores it. Timestamps should ascend; one that does not is scored as
   * if it came one usual step after the last. Values beyond ±1e37 are clamped. Throws SentinelError
   * SNT_ERR_SERIES_INPUT for a non-finite timestamp or value, before learning anything.
   */
  update(timestampMs: number, input: number): SeriesScore {
    if (!Number.isFinite(timestampMs))
      throw new SentinelError('SNT_ERR_SERIES_INPUT', ['timestamp', String(timestampMs)])
    if (!Number.isFinite(input)) throw new SentinelError('SNT_ERR_SERIES_INPUT', ['value', String(input)])
    const value = Math.min(Math.max(input, -MAX_VALUE), MAX_VALUE)
    const s = this.#s
    const o = this.options
    if (s.points === 0) {
      s.firstTime = timestampMs
      s.lastTime = timestampMs
      s.centre = s.high = s.low = value
    }
    const dt = this.#advanceClock(timestampMs)
    const level = this.#levelRatio(value, dt)
    const shift = this.#shiftRatio(value, dt)
    const seasonal = this.#seasonalRatio(timestampMs, value, dt)
    s.points++
    const warm = s.points > o.warmupPoints && s.lastTime - s.firstTime >= o.warmupMs
    if (!warm) return { score: 0, anomaly: false }
    const worst = Math.max(level, shift, seasonal)
    const score = worst / (1 + worst)
    return { score, anomaly: score >= o.threshold }
  }

  /** Elapsed time to weigh this point by: the usual step when the clock stood still or went back. */
  #advanceClock(t: number): number {
    const s = this.#s
    if (s.points === 0) return 0
    const raw = t - s.lastTime
    if (raw > 0) {
      // The usual step, robust to gaps and bursts: each point moves it by a bounded amount.
      s.step = s.step === 0 ? raw : s.step + 0.1 * (Math.min(Math.max(raw, s.step / 4), s.step * 4) - s.step)
      s.lastTime = t
      return raw
    }
    return s.step
  }

  /** How far the value is from the centre, over the furthest it has been on that side. */
  #levelRatio(x: number, dt: number): number {
    const s = this.#s
    const c = s.centre
    const r = x >= c ? ratio(x - c, s.high - c) : ratio(c - x, c - s.low)
    if (x > s.high) s.high = x
    if (x < s.low) s.low = x
    const letGo = fade(dt, this.options.envelopeMemoryMs)
    s.high -= letGo * (s.high - c)
    s.low += letGo * (c - s.low)
    s.centre += fade(dt, this.options.centreMemoryMs) * (x - c)
    return r
  }

  /** As #levelRatio, on the running median, so that only excursions lasting a while count. */
  #shiftRatio(x: number, dt: number): number {
    const s = this.#s
    const window = this.options.medianWindow
    this.#recent[this.#recentNext] = x
    this.#recentNext = (this.#recentNext + 1) % window
    if (this.#recentCount < window) this.#recentCount++
    if (this.#recentCount < window) return 0
    const m = this.#median()
    if (this.#recentCount === window && s.points === window - 1) {
      s.medianCentre = s.medianHigh = s.medianLow = m
    }
    const c = s.medianCentre
    // A shift must be a sizeable share of the series' range, or quiet series flag a hair's change.
    const floor = this.options.minimumShift * (s.high - s.low)
    const r =
      m >= c
        ? ratio(m - c, Math.max(s.medianHigh - c, floor))
        : ratio(c - m, Math.max(c - s.medianLow, floor))
    if (m > s.medianHigh) s.medianHigh = m
    if (m < s.medianLow) s.medianLow = m
    const letGo = fade(dt, this.options.envelopeMemoryMs)
    s.medianHigh -= letGo * (s.medianHigh - c)
    s.medianLow += letGo * (c - s.medianLow)
    s.medianCentre += fade(dt, this.options.centreMemoryMs) * (m - c)
    return r
  }

  #median(): number {
    const a = this.#scratch
    a.set(this.#recent)
    a.sort()
    return a[a.length >> 1] ?? 0
  }

  /**
   * Smoothed distance from the nearest daily bucket mean (this time of day and its neighbours),
   * over the largest such distance so far.
   */
  #seasonalRatio(t: number, x: number, dt: number): number {
    const s = this.#s
    const o = this.options
    const buckets = o.seasonBuckets
    const bucket = Math.floor((((t % DAY) + DAY) % DAY) / this.#bucketMs) % buckets
    // Compared as float32, the precision the bucket means are kept in, so a flat series is flat here too.
    const x32 = Math.fround(x)
    let nearest = Infinity
    let residual = 0
    for (let j = -o.seasonTolerance; j <= o.seasonTolerance; j++) {
      const mean = this.#season[(bucket + j + buckets) % buckets] ?? NaN
      if (Number.isNaN(mean)) continue
      const e = x32 - mean
      if (Math.abs(e) < nearest) {
        nearest = Math.abs(e)
        residual = e
      }
    }
    let r = 0
    const age = t - s.firstTime
    if (nearest !== Infinity && age >= SEASON_COMPARES_AFTER) {
      s.residual += fade(dt, o.smoothingMs) * (residual - s.residual)
      const size = Math.abs(s.residual)
      if (age >= SEASON_SCORES_AFTER) r = ratio(size, s.residualEnvelope)
      s.residualEnvelope = Math.max(size, s.residualEnvelope * (1 - fade(dt, o.envelopeMemoryMs)))
    }
    // A day's visit to a bucket weighs seasonWeight however many points it holds.
    const mean = this.#season[bucket] ?? NaN
    if (Number.isNaN(mean)) this.#season[bucket] = x
    else {
      const share = Math.min(dt, this.#bucketMs) / this.#bucketMs
      this.#season[bucket] = mean + (1 - (1 - o.seasonWeight) ** share) * (x - mean)
    }
    return r
  }

  snapshot(): SeriesDetectorSnapshot {
    const recent: number[] = []
    const window = this.options.medianWindow
    for (let i = 0; i < this.#recentCount; i++) {
      recent.push(this.#recent[(this.#recentNext - this.#recentCount + i + window) % window] ?? 0)
    }
    const bytes = new Uint8Array(this.#season.buffer, this.#season.byteOffset, this.#season.byteLength)
    return {
      format: SNAPSHOT_FORMAT,
      version: 1,
      options: { ...this.options },
      state: { ...this.#s },
      recent,
      season: Buffer.from(littleEndian(bytes)).toString('base64'),
    }
  }

  /**
   * Rebuilds a detector from `snapshot()` output (parsed JSON); it then scores exactly as the
   * original would have. Anything malformed throws SentinelError SNT_ERR_SERIES_INPUT naming the
   * bad field; `at` prefixes its path when the snapshot is part of a larger one.
   */
  static restore(snapshot: unknown, at = '', where = 'detector snapshot'): SeriesDetector {
    const snapshotError = (path: string, problem: string) =>
      snapshotErrorAt(`${at}${path}` || '/', problem, where)
    if (!isRecord(snapshot)) throw snapshotError('', 'not an object')
    if (snapshot['format'] !== SNAPSHOT_FORMAT) throw snapshotError('/format', `expected ${SNAPSHOT_FORMAT}`)
    if (snapshot['version'] !== 1) throw snapshotError('/version', 'unsupported version')
    const parsed = readDetectorOptions(snapshot['options'], `${at}/options`, where)
    const detector = new SeriesDetector(parsed)

    const state = snapshot['state']
    if (!isRecord(state)) throw snapshotError('/state', 'not an object')
    for (const field of STATE_FIELDS) {
      const v = state[field]
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw snapshotError(`/state/${field}`, 'not a finite number')
      detector.#s[field] = v
    }
    const { points, step, residualEnvelope } = detector.#s
    if (!Number.isInteger(points) || points < 0)
      throw snapshotError('/state/points', 'not a non-negative integer')
    if (step < 0) throw snapshotError('/state/step', 'negative')
    if (residualEnvelope < 0) throw snapshotError('/state/residualEnvelope', 'negative')

    const recent = snapshot['recent']
    const expected = Math.min(points, parsed.medianWindow)
    if (!Array.isArray(recent) || recent.length !== expected) {
      throw snapshotError('/recent', `not an array of ${expected} numbers`)
    }
    recent.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw snapshotError(`/recent/${i}`, 'not a finite number')
      detector.#recent[i] = v
    })
    detector.#recentCount = recent.length
    detector.#recentNext = recent.length % parsed.medianWindow

    const season = snapshot['season']
    const bytes = typeof season === 'string' ? Buffer.from(season, 'base64') : undefined
    if (
      bytes === undefined ||
      bytes.length !== parsed.seasonBuckets * 4 ||
      bytes.toString('base64') !== season
    ) {
      throw snapshotError('/season', `not base64 of ${parsed.seasonBuckets} float32 values`)
    }
    for (let i = 0; i < parsed.seasonBuckets; i++) {
      const v = bytes.readFloatLE(i * 4)
      if (!Number.isNaN(v) && !Number.isFinite(v)) throw snapshotError('/season', `bucket ${i} is not finite`)
      detector.#season[i] = v
    }
    return detector
  }
}

/** The bytes of a little-endian machine as they are; others byte-swapped, so snapshots travel. */
function littleEndian(bytes: Uint8Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return bytes
  const out = new Uint8Array(bytes)
  for (let i = 0; i < out.length; i += 4) out.subarray(i, i + 4).reverse()
  return out
}
