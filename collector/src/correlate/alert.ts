/**
 * @module Alert: what the rule engine raises, and the changes it reports. The Alertmanager
 * sender, the alert history (logs-sentinel.alert-*) and GET /api/v1/alerts all read this shape.
 */

export type AlertSeverity = 'critical' | 'warning' | 'info'

export interface AlertEvidence {
  /** Ids (`<spool id>-<seq>`, the Elasticsearch `_id`) of the newest matching events, oldest first, capped. */
  eventIds: string[]
  /** KQL that finds the matching events of this group key (for Kibana Discover). */
  query: string
  /** Arrival time (ms) of the first and last evidence events. */
  from: number
  to: number
}

export interface Alert {
  /** Stable per rule and group key while active: `<rule id>:<hash of the group key>`. */
  id: string
  ruleId: string
  ruleName: string
  severity: AlertSeverity
  status: 'firing' | 'resolved'
  /** Alertmanager labels, fixed when the alert starts (alertname, severity, rule_id, device, ...). */
  labels: Record<string, string>
  /** Alertmanager annotations (summary, description, runbook_url, evidence_query, evidence_url). */
  annotations: Record<string, string>
  /** Group-by field path -> value. */
  groupKey: Record<string, string>
  /** ms since the epoch. */
  startsAt: number
  /** Set once resolved. */
  endsAt?: number
  /** Matching events counted for this alert since it started. */
  count: number
  evidence: AlertEvidence
  /** Arrival time (ms) of the event that made the alert fire: the start of the alert latency. */
  triggeredByArrival: number
}

/** Reported by the engine when an alert starts firing, or resolves. */
export interface AlertChange {
  type: 'firing' | 'resolved'
  alert: Alert
}
