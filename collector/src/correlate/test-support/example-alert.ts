/**
 * @module A brute-force alert as the engine raises it, for the tests of what consumes alerts
 * (Alertmanager encoding, the alert history document, the alerts API, the field coverage).
 */
import type { Alert } from '../alert.js'

/** Firing since a minute before `at`; `overrides` replace whole fields. */
export function exampleAlert(at: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'brute_force_login:9f1c',
    ruleId: 'brute_force_login',
    ruleName: 'Brute-force login',
    severity: 'critical',
    status: 'firing',
    labels: {
      alertname: 'BruteForceLogin',
      severity: 'critical',
      rule_id: 'brute_force_login',
      device: 'fw1',
    },
    annotations: {
      summary: '5 failed logins from 203.0.113.7 within 10m',
      description: 'Five or more failed logins from one address.',
      evidence_query: 'source.ip:"203.0.113.7"',
      evidence_url: 'https://kibana.example.net/app/discover#/',
    },
    groupKey: { 'source.ip': '203.0.113.7' },
    startsAt: at - 60_000,
    count: 5,
    evidence: {
      eventIds: ['sp-1', 'sp-2'],
      query: 'source.ip:"203.0.113.7"',
      from: at - 70_000,
      to: at - 60_000,
    },
    triggeredByArrival: at - 60_010,
    ...overrides,
  }
}
