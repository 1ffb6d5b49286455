/**
 * @module SNMP series scoring: every polled value (a rate for counters, the value for gauges)
 * feeds the detector of its series (device, table row, metric), and the poll document gets the
 * highest score among its series, flagged (naming the metrics) when a detector flags one.
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
 * it has no values (or is not a poll document). `flagged` is set when a detector flags one of its
 * series, and `top_features` names those metrics, highest score first.
 */
export function scorePollEvent(
  scorer: SeriesScorer,
  event: SentinelEvent,
  topFeatures: number,
): number | undefined {
  const snmp = event.sentinel['snmp'] as PollFields | undefined
  if (snmp === undefined || event.event?.kind !== 'metric') return undefined
  const time = Date.parse(event['@timestamp'])
  const prefix = `${event.host?.name ?? ''}|${snmp.table ?? ''}|${snmp.index ?? ''}|`
  const scored: { name: string; score: number; anomaly: boolean }[] = []
  // Counters are scored by their rate (the raw counter only ever grows); gauges by their value.
  const rates = snmp.rates ?? {}
  for (const [name, value] of Object.entries(rates))
    scored.push({ name, ...scorer.score(prefix + name, time, value) })
  for (const [name, value] of Object.entries(snmp.metrics ?? {})) {
    if (!(name in rates)) scored.push({ name, ...scorer.score(prefix + name, time, value) })
  }
  if (scored.length === 0) return undefined
  scored.sort((a, b) => b.score - a.score)
  const score = (scored[0] as { score: number }).score
  const flagged = scored.filter((s) => s.anomaly).slice(0, topFeatures)
  event.sentinel['anomaly'] = {
    score,
    model_version: SERIES_MODEL_VERSION,
    ...(flagged.length > 0 ? { flagged: true, top_features: flagged.map((s) => s.name) } : {}),
  }
  return score
}
