/**
 * @module Prometheus text exposition of the latest SNMP samples, with snmp_exporter's metric names
 * and labels plus a `device` label first:
 * `ifHCInOctets{device="r1",ifIndex="2",ifName="eth0",ifDescr="eth0"} 12345`.
 */
import type { DevicePoll } from './walker.js'

/** Escape a label value (backslash, double quote, newline). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function formatValue(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString()
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

/**
 * Render the latest poll of every device. Metrics are grouped by name (one HELP/TYPE block each,
 * in profile order), series sorted by device then index order as walked.
 */
export function renderExposition(polls: readonly DevicePoll[]): string {
  const groups = new Map<string, { help: string; type: string; lines: string[] }>()
  const sorted = [...polls].sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0))
  for (const poll of sorted) {
    for (const sample of poll.samples) {
      const { metric } = sample
      let group = groups.get(metric.name)
      if (!group) {
        group = { help: metric.help, type: metric.type, lines: [] }
        groups.set(metric.name, group)
      }
      const labels = [`device="${escapeLabelValue(poll.device)}"`]
      for (const [name, value] of Object.entries(sample.labels)) {
        labels.push(`${name}="${escapeLabelValue(value)}"`)
      }
      group.lines.push(`${metric.name}{${labels.join(',')}} ${formatValue(sample.value)}`)
    }
  }
  const out: string[] = []
  for (const [name, group] of groups) {
    out.push(`# HELP ${name} ${escapeHelp(group.help)}`, `# TYPE ${name} ${group.type}`, ...group.lines)
  }
  return out.length > 0 ? `${out.join('\n')}\n` : ''
}
