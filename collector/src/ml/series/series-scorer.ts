/**
 * @module Anomaly scores for many series at once, keyed by string (`host|metric|labels`): the
 * collector hands it every polled SNMP value. Each series gets its own SeriesDetector; memory is
 * bounded by a cap on series, the least recently updated one evicted (and counted) to make room, so
 * a churn of interface indexes or hosts cannot grow it without limit. The whole state is one
 * JSON-safe snapshot, so scores continue across restarts as if the collector had never stopped.
 */
import { SentinelError } from '../../errors/codes.js'
import {
  readDetectorOptions,
  SERIES_DETECTOR_DEFAULTS,
  SeriesDetector,
  type SeriesDetectorOptions,
  type SeriesDetectorSnapshot,
  type SeriesScore,
} from './detector.js'
import { isRecord } from '../is-record.js'

export interface SeriesScorerOptions {
  /** Series kept; at the cap the least recently updated one is evicted. */
  maxSeries: number
  /** Detector options shared by every series (defaults: SERIES_DETECTOR_DEFAULTS). */
  detector: Partial<SeriesDetectorOptions>
}

export const SERIES_SCORER_DEFAULTS: Readonly<SeriesScorerOptions> = Object.freeze({
  maxSeries: 10_000,
  detector: SERIES_DETECTOR_DEFAULTS,
})

export interface SeriesScorerStats {
  series: number
  /** Series evicted at the cap since the scorer started (restores included). */
  evicted: number
  /** Points scored since the scorer started (restores included). */
  points: number
  /** Points flagged as anomalies since the scorer started (restores included). */
  anomalies: number
}

/** The scorer's state, JSON-safe; series in least- to most-recently updated order. */
export interface SeriesScorerSnapshot {
  format: typeof SNAPSHOT_FORMAT
  version: 1
  maxSeries: number
  detectorOptions: SeriesDetectorOptions
  evicted: number
  points: number
  anomalies: number
  series: { key: string; detector: Omit<SeriesDetectorSnapshot, 'format' | 'version' | 'options'> }[]
}

const SNAPSHOT_FORMAT = 'sentinel.series-scorer'

function snapshotError(path: string, problem: string): SentinelError {
  return new SentinelError('SNT_ERR_SERIES_INPUT', ['scorer snapshot', `${path}: ${problem}`])
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

/**
 * Scores points of many series.
 *
 * @example
 * const scorer = new SeriesScorer()
 * scorer.score('sw1|ifHCInOctets|ifIndex=3', Date.now(), 1.2e6) // { score: 0, anomaly: false } while learning
 */
export class SeriesScorer {
  readonly maxSeries: number
  readonly detectorOptions: Readonly<SeriesDetectorOptions>
  /** Insertion order is recency: an update moves the series to the end, eviction takes the first. */
  readonly #series = new Map<string, SeriesDetector>()
  #evicted = 0
  #points = 0
  #anomalies = 0

  constructor(options: Partial<SeriesScorerOptions> = {}) {
    const maxSeries = options.maxSeries ?? SERIES_SCORER_DEFAULTS.maxSeries
    if (!Number.isInteger(maxSeries) || maxSeries < 1) {
      throw new RangeError('Invalid series scorer options: maxSeries must be a positive integer')
    }
    this.maxSeries = maxSeries
    // Validates the detector options once, here, rather than at the first point.
    this.detectorOptions = new SeriesDetector(options.detector).options
  }

  /**
   * Learns from and scores one point of the series `key`. Throws SentinelError SNT_ERR_SERIES_INPUT
   * (naming the key) for a non-finite timestamp or value, before touching any state.
   */
  score(key: string, timestampMs: number, value: number): SeriesScore {
    if (!Number.isFinite(timestampMs)) {
      throw new SentinelError('SNT_ERR_SERIES_INPUT', [
        key,
        `timestamp ${timestampMs} is not a finite number`,
      ])
    }
    if (!Number.isFinite(value)) {
      throw new SentinelError('SNT_ERR_SERIES_INPUT', [key, `value ${value} is not a finite number`])
    }
    let detector = this.#series.get(key)
    if (detector === undefined) {
      if (this.#series.size >= this.maxSeries) this.#evictOldest()
      detector = new SeriesDetector(this.detectorOptions)
    } else this.#series.delete(key)
    this.#series.set(key, detector)
    const result = detector.update(timestampMs, value)
    this.#points++
    if (result.anomaly) this.#anomalies++
    return result
  }

  has(key: string): boolean {
    return this.#series.has(key)
  }

  /** Forgets a series (a device or interface removed from the inventory); true if it was kept. */
  delete(key: string): boolean {
    return this.#series.delete(key)
  }

  stats(): SeriesScorerStats {
    return {
      series: this.#series.size,
      evicted: this.#evicted,
      points: this.#points,
      anomalies: this.#anomalies,
    }
  }

  snapshot(): SeriesScorerSnapshot {
    const series: SeriesScorerSnapshot['series'] = []
    for (const [key, detector] of this.#series) {
      const { state, recent, season } = detector.snapshot()
      series.push({ key, detector: { state, recent, season } })
    }
    return {
      format: SNAPSHOT_FORMAT,
      version: 1,
      maxSeries: this.maxSeries,
      detectorOptions: { ...this.detectorOptions },
      evicted: this.#evicted,
      points: this.#points,
      anomalies: this.#anomalies,
      series,
    }
  }

  /**
   * Rebuilds a scorer from `snapshot()` output (parsed JSON). Anything malformed throws SentinelError
   * SNT_ERR_SERIES_INPUT naming the bad field; nothing is partially restored.
   */
  static restore(snapshot: unknown): SeriesScorer {
    if (!isRecord(snapshot)) throw snapshotError('/', 'not an object')
    if (snapshot['format'] !== SNAPSHOT_FORMAT) throw snapshotError('/format', `expected ${SNAPSHOT_FORMAT}`)
    if (snapshot['version'] !== 1) throw snapshotError('/version', 'unsupported version')
    const { maxSeries, detectorOptions, evicted, points, anomalies, series } = snapshot
    if (!isCount(maxSeries) || maxSeries < 1) throw snapshotError('/maxSeries', 'not a positive integer')
    for (const [name, v] of [
      ['evicted', evicted],
      ['points', points],
      ['anomalies', anomalies],
    ] as const) {
      if (!isCount(v)) throw snapshotError(`/${name}`, 'not a non-negative integer')
    }
    if (!Array.isArray(series)) throw snapshotError('/series', 'not an array')
    if (series.length > maxSeries) throw snapshotError('/series', `${series.length} series exceed maxSeries`)
    const detector = readDetectorOptions(detectorOptions, '/detectorOptions', 'scorer snapshot')
    const scorer = new SeriesScorer({ maxSeries, detector })
    const envelope = { format: 'sentinel.series-detector', version: 1, options: detector }
    series.forEach((entry: unknown, i) => {
      const at = `/series/${i}`
      if (!isRecord(entry)) throw snapshotError(at, 'not an object')
      const { key, detector: saved } = entry
      if (typeof key !== 'string') throw snapshotError(`${at}/key`, 'not a string')
      if (scorer.#series.has(key)) throw snapshotError(`${at}/key`, `${JSON.stringify(key)} appears twice`)
      if (!isRecord(saved)) throw snapshotError(`${at}/detector`, 'not an object')
      scorer.#series.set(
        key,
        SeriesDetector.restore({ ...saved, ...envelope }, `${at}/detector`, 'scorer snapshot'),
      )
    })
    scorer.#evicted = evicted as number
    scorer.#points = points as number
    scorer.#anomalies = anomalies as number
    return scorer
  }

  #evictOldest(): void {
    const oldest = this.#series.keys().next()
    if (oldest.done === true) return
    this.#series.delete(oldest.value)
    this.#evicted++
  }
}
