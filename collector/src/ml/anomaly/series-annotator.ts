/**
 * @module SNMP series scoring: every polled value (a rate for counters, the value for gauges)
 * feeds the detector of its series (device, table row, metric), and the poll document gets the
 * highest score among its series, flagged (naming the metrics) when a detector flags one.
 */
import type { SentinelEvent } from '../../event/sentinel-event.js'
import type { SeriesScorer } from '../series/series-scorer.js'

/** `sentinel.anomaly.model_version` of SNMP documents. */
export const SERIES_MODEL_VERSION = 'series/v1'

/** What the detectors read of a poll document (`sentinel.snmp` of an SNMP metric event). */
export interface PollFacts {
  device: string
  /** ms since the epoch (`@timestamp`). */
  time: number
  table: string
  index: string
  metrics: Record<string, number>
  rates: Record<string, number>
}

/** A poll document's `sentinel.anomaly`. */
export interface PollAnomaly {
  score: number
  model_version: string
  flagged?: true
  top_features?: string[]
}

interface PollFields {
  table?: string
  index?: string
  metrics?: Record<string, number>
  rates?: Record<string, number>
}

/** The poll facts of an SNMP metric document; undefined for any other event. */
export function pollFacts(event: SentinelEvent): PollFacts | undefined {
  const snmp = event.sentinel['snmp'] as PollFields | undefined
  if (snmp === undefined || event.event?.kind !== 'metric') return undefined
  return {
    device: event.host?.name ?? '',
    time: Date.parse(event['@timestamp']),
    table: snmp.table ?? '',
    index: snmp.index ?? '',
    metrics: snmp.metrics ?? {},
    rates: snmp.rates ?? {},
  }
}

/**
 * Scores one poll's values; undefined when it has none. `flagged` is set when a detector flags one
 * of its series, and `top_features` names those metrics, highest score first.
 */
export function scorePoll(
  scorer: SeriesScorer,
  poll: PollFacts,
  topFeatures: number,
): PollAnomaly | undefined {
  const prefix = `${poll.device}|${poll.table}|${poll.index}|`
  const scored: { name: string; score: number; anomaly: boolean }[] = []
  // Counters are scored by their rate (the raw counter only ever grows); gauges by their value.
  const { rates } = poll
  for (const [name, value] of Object.entries(rates))
    scored.push({ name, ...scorer.score(prefix + name, poll.time, value) })
  for (const [name, value] of Object.entries(poll.metrics)) {
    if (!(name in rates)) scored.push({ name, ...scorer.score(prefix + name, poll.time, value) })
  }
  if (scored.length === 0) return undefined
  scored.sort((a, b) => b.score - a.score)
  const score = (scored[0] as { score: number }).score
  const flagged = scored.filter((s) => s.anomaly).slice(0, topFeatures)
  return {
    score,
    model_version: SERIES_MODEL_VERSION,
    ...(flagged.length > 0 ? { flagged: true, top_features: flagged.map((s) => s.name) } : {}),
  }
}
