/**
 * @module Evidence links: the KQL that finds an alert's events (the rule's query and the alert's
 * group values) and a Kibana Discover URL that opens it, in Sentinel's all-logs data view.
 */
import type { CompiledRule } from './compile-rule.js'
import { kqlAnd, kqlTerm, quoteKql, renderKql } from './kql.js'

/** Id of the data view over logs-sentinel.* (`sentinel setup kibana` installs it). */
const ALL_LOGS_DATA_VIEW = 'sentinel-logs'

/** Around the evidence: Discover filters on `@timestamp`, the device clock, which may be skewed. */
const TIME_MARGIN_MS = 5 * 60_000

/** @example evidenceQuery(rule, ['203.0.113.7']) // 'event.outcome:"failure" and source.ip:"203.0.113.7"' */
export function evidenceQuery(rule: CompiledRule, values: readonly string[]): string {
  const group = rule.groupBy.map((field, i) => kqlTerm(`${field}:${quoteKql(values[i] ?? '')}`))
  return renderKql(kqlAnd([rule.query, ...group]))
}

/**
 * A Discover URL showing `query` between `from` and `to` (ms), widened by a margin. The state is
 * rison in the URL fragment: strings in single quotes with `'` and `!` escaped by `!`, then
 * percent-encoded.
 *
 * @example discoverUrl('https://kibana:5601', 'host.name:"fw1"', 1714521600000, 1714521660000)
 */
export function discoverUrl(kibanaUrl: string, query: string, from: number, to: number): string {
  const base = kibanaUrl.replace(/\/+$/, '')
  const start = new Date(from - TIME_MARGIN_MS).toISOString()
  const end = new Date(to + TIME_MARGIN_MS).toISOString()
  const g = `(time:(from:${risonString(start)},to:${risonString(end)}))`
  // `index` rather than 8.11's `dataSource`: newer Discover converts it, older ones know only it.
  const a = `(index:${risonString(ALL_LOGS_DATA_VIEW)},query:(language:kuery,query:${risonString(query)}))`
  return `${base}/app/discover#/?_g=${g}&_a=${a}`
}

function risonString(value: string): string {
  return `'${encodeURIComponent(value.replace(/[!']/g, '!$&'))}'`
}
