/**
 * @module SNMP series scoring: every polled value (a rate for counters, the value for gauges)
 * feeds the detector of its series (device, table row, metric), and the poll document gets the
 * highest score among its series, naming the metrics that scored at least `explain.min_score`.
 */
import type { SentinelEvent } from '../../event/sentinel-event.js'
import type { SeriesScorer } from '../series/series-scorer.js'

/** `sentinel.anomaly.model_version` of SNMP documents. */
export const SERIES_MODEL_VERSION = 'series/v1'

interface PollFields {
  table?: string
  index?: string
  metrics?: Record<string, number>
  rates?: Record<string, number>
}

/**
 * Scores a metric document from the SNMP poller in place; returns its score, or undefined when
 * it has no values (or is not a poll document).
 */
export function scorePollEvent(
  scorer: SeriesScorer,
  event: SentinelEvent,
  explain: { min_score: number; top_features: number },
): number | undefined {
  const snmp = event.sentinel['snmp'] as PollFields | undefined
  if (snmp === undefined || event.event?.kind !== 'metric') return undefined
  const time = Date.parse(event['@timestamp'])
  const prefix = `${event.host?.name ?? ''}|${snmp.table ?? ''}|${snmp.index ?? ''}|`
  const scored: [string, number][] = []
  // Counters are scored by their rate (the raw counter only ever grows); gauges by their value.
  const rates = snmp.rates ?? {}
  for (const [name, value] of Object.entries(rates))
    scored.push([name, scorer.score(prefix + name, time, value).score])
  for (const [name, value] of Object.entries(snmp.metrics ?? {})) {
    if (!(name in rates)) scored.push([name, scorer.score(prefix + name, time, value).score])
  }
  if (scored.length === 0) return undefined
  scored.sort((a, b) => b[1] - a[1])
  const score = (scored[0] as [string, number])[1]
  const top = scored.slice(0, explain.top_features).filter(([, s]) => s >= explain.min_score)
  event.sentinel['anomaly'] = {
    score,
    model_version: SERIES_MODEL_VERSION,
    ...(top.length > 0 ? { top_features: top.map(([name]) => name) } : {}),
  }
  return score
}
