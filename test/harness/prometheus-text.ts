/**
 * @module A small reader for the Prometheus text exposition format (0.0.4), enough to assert on
 * counters and gauges scraped from /metrics.
 */

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g

/** Every sample line of an exposition text. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const match = SAMPLE_LINE.exec(line)
    if (!match) continue
    const [, name = '', labelText = '', valueText = ''] = match
    const labels: Record<string, string> = {}
    for (const m of labelText.matchAll(LABEL)) {
      labels[m[1] ?? ''] = (m[2] ?? '').replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText)
    samples.push({ name, labels, value })
  }
  return samples
}

/**
 * Sum of the samples named `name` whose labels include every pair in `match` (0 when none).
 *
 * @example metricSum(samples, 'sentinel_component_received_events_total', { component_id: 'syslog_tcp' })
 */
export function metricSum(
  samples: readonly Sample[],
  name: string,
  match: Record<string, string> = {},
): number {
  let sum = 0
  for (const s of samples) {
    if (s.name !== name) continue
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value
  }
  return sum
}
