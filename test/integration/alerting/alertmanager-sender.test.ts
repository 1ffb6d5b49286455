/**
 * @module Alertmanager sender, real Alertmanager 0.25 (an HA pair of two, gossip off): a firing
 * alert shows up in both with its labels, annotations and generatorURL; resolving it takes it out
 * of the active alerts; an Alertmanager stopped mid-way gets the alerts once it is back, retried
 * for the new one and re-sent for the one it lost with its memory.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Alert } from '../../../collector/src/correlate/alert.js'
import { AlertmanagerSinkConfig } from '../../../collector/src/sinks/alertmanager/config.js'
import { AlertmanagerSender } from '../../../collector/src/sinks/alertmanager/sender.js'
import { createLogger } from '../../../collector/src/telemetry/logger.js'
import { createMetrics, type CollectorMetrics } from '../../../collector/src/telemetry/metrics.js'
import { Value } from '@sinclair/typebox/value'
import {
  startAlertmanager,
  waitFor,
  type AlertmanagerAlert,
  type AlertmanagerHandle,
} from '../../harness/index.js'

const PUBLIC_URL = 'http://sentinel.example:9464'

let primary: AlertmanagerHandle
let secondary: AlertmanagerHandle
let sender: AlertmanagerSender
let metrics: CollectorMetrics
const accepted: { id: string; at: number }[] = []

function makeAlert(id: string, device: string): Alert {
  const now = Date.now()
  return {
    id,
    ruleId: 'if_down',
    ruleName: 'Interface down',
    severity: 'warning',
    status: 'firing',
    labels: { alertname: 'InterfaceDown', severity: 'warning', rule_id: 'if_down', device },
    annotations: {
      summary: `Interface Gi0/1 down on ${device}`,
      description: '3 linkDown traps in 60 s',
      evidence_query: `host.name:"${device}"`,
    },
    groupKey: { 'host.name': device },
    startsAt: now - 2_000,
    count: 3,
    evidence: {
      eventIds: ['s-1', 's-2', 's-3'],
      query: `host.name:"${device}"`,
      from: now - 3_000,
      to: now - 2_000,
    },
    triggeredByArrival: now - 2_000,
  }
}

async function metric(
  m: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await m.get()
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0)
}

/** The alerts of `device` the Alertmanager lists, waiting until `accept` takes them. */
function alertsOf(
  am: AlertmanagerHandle,
  device: string,
  accept: (alerts: AlertmanagerAlert[]) => boolean,
  active?: boolean,
): Promise<AlertmanagerAlert[]> {
  return waitFor(
    async () => {
      const alerts = await am.alerts({ filter: [`device="${device}"`], ...(active ? { active } : {}) })
      return accept(alerts) ? alerts : undefined
    },
    { description: `Alertmanager ${am.url} listing the alerts of ${device} as expected`, timeoutMs: 20_000 },
  )
}

before(async () => {
  ;[primary, secondary] = await Promise.all([startAlertmanager(), startAlertmanager()])
  metrics = createMetrics({ defaultMetrics: false })
  const config = Value.Default(AlertmanagerSinkConfig, {
    urls: [primary.url, secondary.url],
    // Short, so that the alert the restarted Alertmanager lost comes back within the test.
    resend_interval_secs: 1,
    timeout_ms: 2_000,
    retry: { max_retries: 1_000, initial_backoff_ms: 50, max_backoff_ms: 250 },
  }) as AlertmanagerSinkConfig
  sender = new AlertmanagerSender(config, {
    metrics,
    logger: createLogger('silent'),
    generatorUrl: (a) => `${PUBLIC_URL}/api/v1/alerts/${encodeURIComponent(a.id)}`,
    onAccepted: (a, at) => accepted.push({ id: a.id, at }),
  })
  sender.start()
})

after(async () => {
  await sender?.stop()
  await primary?.stop()
  await secondary?.stop()
})

test('a firing alert reaches both Alertmanagers with its labels, annotations and generatorURL; resolving it ends it', async () => {
  const alert = makeAlert('if_down:edge-1', 'edge-1')
  sender.send({ type: 'firing', alert })
  for (const am of [primary, secondary]) {
    const [listed] = await alertsOf(am, 'edge-1', (a) => a.length === 1)
    assert.deepEqual(listed?.labels, alert.labels)
    assert.deepEqual(listed?.annotations, alert.annotations)
    assert.equal(listed?.generatorURL, `${PUBLIC_URL}/api/v1/alerts/if_down%3Aedge-1`)
    assert.equal(listed?.startsAt, new Date(alert.startsAt).toISOString())
    assert.equal(listed?.status.state, 'active')
    // Alive for 4 re-send intervals unless renewed, so a dead collector's alerts expire.
    assert.ok(Date.parse(listed?.endsAt ?? '') > Date.now(), listed?.endsAt)
  }
  assert.deepEqual(
    accepted.map((a) => a.id),
    ['if_down:edge-1'],
    'latency observed once, at the first acceptance',
  )
  const { values } = await metrics.alertLatency.get()
  assert.equal(values.find((v) => v.metricName === 'sentinel_alert_latency_seconds_count')?.value, 1)

  sender.send({ type: 'resolved', alert: { ...alert, status: 'resolved', endsAt: Date.now() } })
  for (const am of [primary, secondary]) await alertsOf(am, 'edge-1', (a) => a.length === 0, true)
  assert.deepEqual(await primary.alerts({ filter: ['device="edge-1"'] }), [])
  for (const alertmanager of sender.alertmanagers)
    assert.equal(await metric(metrics.alertmanagerSentAlerts, { alertmanager, status: 'resolved' }), 1)
})

test('an Alertmanager stopped mid-way gets the new alert by retry and the lost one by re-send once it is back', async () => {
  const before = makeAlert('if_down:edge-2', 'edge-2')
  sender.send({ type: 'firing', alert: before })
  await alertsOf(primary, 'edge-2', (a) => a.length === 1)
  const label = sender.alertmanagers[0] ?? ''

  await primary.stop()
  const during = makeAlert('if_down:edge-3', 'edge-3')
  sender.send({ type: 'firing', alert: during })
  await waitFor(
    async () => (await metric(metrics.alertmanagerErrors, { alertmanager: label, reason: 'network' })) > 0,
    {
      description: 'failed deliveries to the stopped Alertmanager',
    },
  )
  assert.equal(await metric(metrics.alertmanagerUp, { alertmanager: label }), 0)
  // The other member of the pair was never held up.
  await alertsOf(secondary, 'edge-3', (a) => a.length === 1)

  await primary.restart()
  await alertsOf(primary, 'edge-3', (a) => a.length === 1)
  await alertsOf(primary, 'edge-2', (a) => a.length === 1)
  assert.equal(await metric(metrics.alertmanagerUp, { alertmanager: label }), 1)
  assert.equal(await metric(metrics.alertmanagerDroppedAlerts, {}), 0)
})
