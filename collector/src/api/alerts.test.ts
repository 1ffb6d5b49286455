import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Alert } from '../correlate/alert.js'
import { exampleAlert } from '../correlate/test-support/example-alert.js'
import { RecentEvents } from '../pipeline/recent-events.js'
import { createMetrics } from '../telemetry/metrics.js'
import { buildApi } from './server.js'

function alert(id: string, severity: Alert['severity'], startsAt: number): Alert {
  return exampleAlert(startsAt + 60_000, { id, ruleId: id.split(':')[0] as string, severity })
}

test('alerts API lists firing alerts newest first, filters by severity, and serves one by id (404 once gone)', async (t) => {
  let alerts = [
    alert('brute_force_login:a', 'critical', 1_000_000),
    alert('port_scan:b', 'warning', 2_000_000),
  ]
  const app = await buildApi({
    version: 't',
    registry: createMetrics({ defaultMetrics: false }).registry,
    recent: new RecentEvents(1),
    spoolId: () => 's',
    beforeScrape: () => undefined,
    readiness: () => ({ ready: true }),
    alerts: () => alerts,
  })
  t.after(() => app.close())
  const all = (await app.inject('/api/v1/alerts')).json() as { alerts: { id: string }[] }
  assert.deepEqual(
    all.alerts.map((a) => a.id),
    ['port_scan:b', 'brute_force_login:a'],
  )
  const critical = (await app.inject('/api/v1/alerts?severity=critical')).json() as {
    alerts: { id: string }[]
  }
  assert.deepEqual(
    critical.alerts.map((a) => a.id),
    ['brute_force_login:a'],
  )
  const one = await app.inject('/api/v1/alerts/brute_force_login:a')
  assert.equal(one.statusCode, 200)
  const body = one.json() as { evidence: { eventIds: string[]; from: string }; startsAt: string }
  assert.deepEqual(body.evidence.eventIds, ['sp-1', 'sp-2'])
  assert.equal(body.startsAt, new Date(1_000_000).toISOString())
  assert.equal((await app.inject('/api/v1/alerts?severity=bogus')).statusCode, 400)

  alerts = []
  const gone = await app.inject('/api/v1/alerts/brute_force_login:a')
  assert.equal(gone.statusCode, 404)
  assert.equal((gone.json() as { code: string }).code, 'SNT_ERR_API_NOT_FOUND')
})
