/**
 * @module Alert identity and labels: the alert id, the device and site an alert is about, and its
 * Alertmanager labels, fixed when the alert starts.
 */
import { createHash } from 'node:crypto'
import type { CompiledRule } from './compile-rule.js'
import { firstText } from './field-path.js'

const DEVICE_FIELDS = [
  ['host', 'name'],
  ['observer', 'hostname'],
  ['sentinel', 'snmp', 'device'],
] as const
const SITE_FIELDS = [
  ['sentinel', 'snmp', 'site'],
  ['labels', 'site'],
] as const

/** The device label when neither the event nor the group key names one. */
export const UNKNOWN_DEVICE = 'unknown'

/** `host.name`, else `observer.hostname`, else the SNMP inventory's device name. */
export function deviceOf(event: object): string | undefined {
  for (const path of DEVICE_FIELDS) {
    const value = firstText(event, path)
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

/** `sentinel.snmp.site` (SNMP inventory), else the ECS custom label `labels.site`. */
export function siteOf(event: object): string | undefined {
  for (const path of SITE_FIELDS) {
    const value = firstText(event, path)
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

/**
 * `<rule id>:<12 hex digits>`: stable across restarts for the same rule and group values.
 *
 * @example alertId('brute_force_login', '203.0.113.7') // 'brute_force_login:5c1b0e...'
 */
export function alertId(ruleId: string, key: string): string {
  return `${ruleId}:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`
}

/**
 * Labels in a stable order: alertname, severity, rule_id, device, team, site, the group fields,
 * then the rule's own. A device the event does not name is taken from a `host.name` group field.
 */
export function alertLabels(
  rule: CompiledRule,
  values: readonly string[],
  device: string | undefined,
  site: string | undefined,
): Record<string, string> {
  const grouped = rule.groupBy.indexOf('host.name')
  const labels: Record<string, string> = {
    alertname: rule.alertname,
    severity: rule.severity,
    rule_id: rule.id,
    device: device ?? (grouped >= 0 ? values[grouped] : undefined) ?? UNKNOWN_DEVICE,
  }
  if (rule.team !== undefined) labels.team = rule.team
  if (site !== undefined) labels.site = site
  rule.groupLabels.forEach((label, i) => {
    labels[label] = values[i] ?? ''
  })
  return { ...labels, ...rule.labels }
}
