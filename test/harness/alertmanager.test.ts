/**
 * @module The Alertmanager harness: a real Alertmanager, gossip off, routes an alert posted to its
 * v2 API to a webhook receiver on the capture server (which stands in for Slack and PagerDuty), and
 * reloads a new config.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startAlertmanager, type AlertmanagerHandle } from './alertmanager.js'
import { startCaptureServer, type CaptureServerHandle } from './capture-server.js'

let capture: CaptureServerHandle
let am: AlertmanagerHandle

/** One receiver `hook` that posts every notification to the capture server at once. */
function hookConfig(url: string, receiverName = 'hook') {
  return {
    route: { receiver: receiverName, group_by: ['alertname'], group_wait: '0s', group_interval: '1s' },
    receivers: [{ name: receiverName, webhook_configs: [{ url, send_resolved: true }] }],
  }
}

before(async () => {
  capture = await startCaptureServer()
  am = await startAlertmanager({ config: hookConfig(capture.webhookUrl) })
})

after(async () => {
  await am?.stop()
  await capture?.close()
})

test('Alertmanager is ready with gossip off and its own config', async () => {
  const status = await am.status()
  assert.equal(status.cluster.status, 'disabled')
  assert.equal(status.versionInfo.version, '0.25.0')
  assert.match(status.config.original, new RegExp(capture.webhookUrl.replace(/[.]/g, '\\.')))
})

test('an alert posted to the v2 API is listed and routed to the webhook receiver', async () => {
  const startsAt = new Date().toISOString()
  await am.postAlerts([
    {
      labels: { alertname: 'HarnessProbe', severity: 'info', device: 'edge-1' },
      annotations: { summary: 'Harness round trip' },
      startsAt,
      generatorURL: 'http://sentinel.invalid/alerts/1',
    },
  ])
  const listed = await am.alerts({ active: true, filter: ['alertname="HarnessProbe"'] })
  assert.equal(listed.length, 1)
  assert.equal(listed[0]?.generatorURL, 'http://sentinel.invalid/alerts/1')

  const hit = await capture.waitFor((r) => r.path === '/hook', 10_000)
  const body = hit.body as { receiver: string; status: string; alerts: { labels: Record<string, string> }[] }
  assert.equal(body.receiver, 'hook')
  assert.equal(body.status, 'firing')
  assert.deepEqual(body.alerts[0]?.labels, { alertname: 'HarnessProbe', severity: 'info', device: 'edge-1' })
})

test('reload() loads a new config and refuses a broken one with the reason', async () => {
  await am.reload(hookConfig(capture.webhookUrl, 'renamed'))
  assert.match((await am.status()).config.original, /name: renamed/)
  await assert.rejects(am.reload('route: {receiver: nope}\n'), /undefined receiver "nope"/)
})
