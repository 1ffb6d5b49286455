/**
 * @module The capture server, which stands in for Slack and PagerDuty: its answers follow their
 * documented contracts, and a real Alertmanager's Slack and PagerDuty integrations deliver to it
 * without a single failed notification.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startAlertmanager, type AlertmanagerHandle } from './alertmanager.js'
import { startCaptureServer, type CaptureServerHandle } from './capture-server.js'
import { metricSum, parsePrometheusText } from './prometheus-text.js'
import { waitFor } from './wait-for.js'

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF'

let capture: CaptureServerHandle

before(async () => {
  capture = await startCaptureServer()
})

after(async () => {
  await capture?.close()
})

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return { status: response.status, text: await response.text() }
}

test('answers like the PagerDuty Events API v2: 202 with a dedup_key, 400 for an invalid event', async () => {
  const ok = await post(
    capture.pagerDutyUrl,
    JSON.stringify({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'abc',
      payload: { summary: 'Link down', source: 'edge-1', severity: 'critical' },
    }),
  )
  assert.equal(ok.status, 202)
  assert.deepEqual(JSON.parse(ok.text), { status: 'success', message: 'Event processed', dedup_key: 'abc' })

  const bad = await post(
    capture.pagerDutyUrl,
    JSON.stringify({ routing_key: ROUTING_KEY, event_action: 'trigger' }),
  )
  assert.equal(bad.status, 400)
  assert.equal((JSON.parse(bad.text) as { status: string }).status, 'invalid event')
})

test('answers like a Slack incoming webhook: 200 ok, 400 invalid_payload / no_text', async () => {
  assert.deepEqual(await post(capture.slackWebhookUrl, JSON.stringify({ text: 'hi' })), {
    status: 200,
    text: 'ok',
  })
  assert.deepEqual(await post(capture.slackWebhookUrl, 'not json'), { status: 400, text: 'invalid_payload' })
  assert.deepEqual(await post(capture.slackWebhookUrl, '{}'), { status: 400, text: 'no_text' })
})

test('waitFor rejects with the list of requests that did arrive', async () => {
  capture.clear()
  await post(`${capture.url}/elsewhere`, '{"a":1}')
  await assert.rejects(
    capture.waitFor((r) => r.path === '/never', 200),
    /no matching request within 200 ms; arrived \(1\):\n.*POST \/elsewhere \{"a":1\}/,
  )
})

test('a real Alertmanager delivers to the Slack and PagerDuty stand-ins without a failed notification', async (t) => {
  capture.clear()
  const am: AlertmanagerHandle = await startAlertmanager({
    config: {
      route: {
        receiver: 'slack',
        group_by: ['alertname'],
        group_wait: '0s',
        routes: [
          { receiver: 'slack', continue: true },
          { receiver: 'pagerduty', continue: true },
        ],
      },
      receivers: [
        { name: 'slack', slack_configs: [{ api_url: capture.slackWebhookUrl, channel: '#ops' }] },
        { name: 'pagerduty', pagerduty_configs: [{ routing_key: ROUTING_KEY, url: capture.pagerDutyUrl }] },
      ],
    },
  })
  t.after(() => am.stop())
  await am.postAlerts([{ labels: { alertname: 'StandInProbe', severity: 'critical' } }])

  const slack = await capture.waitFor((r) => r.path.startsWith('/services/'), 10_000)
  assert.equal((slack.body as { channel: string }).channel, '#ops')
  const pd = await capture.waitFor((r) => r.path === '/v2/enqueue', 10_000)
  assert.equal((pd.body as { event_action: string }).event_action, 'trigger')

  // The latency histogram is observed once an attempt has its answer, failed or not.
  const latency = 'alertmanager_notification_latency_seconds_count'
  const metrics = await waitFor(
    async () => {
      const samples = parsePrometheusText(await (await fetch(`${am.url}/metrics`)).text())
      const done = ['slack', 'pagerduty'].every(
        (integration) => metricSum(samples, latency, { integration }) >= 1,
      )
      return done ? samples : undefined
    },
    { description: 'both notification attempts answered' },
  )
  assert.equal(metricSum(metrics, 'alertmanager_notifications_total', { integration: 'slack' }), 1)
  assert.equal(metricSum(metrics, 'alertmanager_notifications_total', { integration: 'pagerduty' }), 1)
  assert.equal(metricSum(metrics, 'alertmanager_notifications_failed_total'), 0)
})
