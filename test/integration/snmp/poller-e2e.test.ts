/**
 * @module The collector polling a real snmpd end to end: snmp_exporter-style series at
 * /metrics/snmp, poll documents through the pipeline (visible at /api/v1/events), and a device
 * that stops answering produces exactly one unreachable event however many polls fail.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deferInReverse, startCollector, startSnmpd, waitFor } from '../../harness/index.js'

test('the collector polls snmpd: Prometheus series, ECS poll documents, one event when the device goes away', async (t) => {
  const defer = deferInReverse(t)
  const agent = await startSnmpd()
  defer(() => agent.stop())
  const collector = await startCollector({
    sources: { syslog_udp: { type: 'syslog', protocol: 'udp' } },
    extra: {
      snmp: {
        interval_secs: 1,
        timeout_ms: 300,
        retries: 0,
        credentials: { lab: { version: '2c', community: agent.community } },
        devices: [
          {
            name: 'lab-router',
            address: '127.0.0.1',
            port: agent.port,
            credentials: 'lab',
            profiles: ['if_mib', 'system'],
          },
        ],
      },
    },
  })
  defer(() => collector.stop())

  // snmp_exporter's names and labels, with the device label.
  const series = await waitFor(
    async () => {
      const response = await fetch(`${collector.apiUrl}/metrics/snmp`)
      const text = await response.text()
      return (
        /^ifHCInOctets\{device="lab-router",ifIndex="\d+",ifName="[^"]+",ifDescr="[^"]+"\} \d+$/m.test(
          text,
        ) && text
      )
    },
    { timeoutMs: 20_000, description: 'ifHCInOctets for lab-router at /metrics/snmp' },
  )
  assert.match(series, /^ifOperStatus\{device="lab-router",ifIndex="1",ifName="lo",ifDescr="lo"\} 1$/m)

  // Poll results went through the pipeline into ECS documents.
  const documents = await waitFor(
    async () => {
      const found = await collector.events({ 'host.name': 'lab-router', 'event.kind': 'metric', limit: 100 })
      return found.some((e) => (e.event as { observer?: { ingress?: unknown } }).observer?.ingress) && found
    },
    { timeoutMs: 20_000, description: 'poll documents for lab-router' },
  )
  const row = documents.find((e) => (e.event as { observer?: { ingress?: unknown } }).observer?.ingress)
    ?.event as {
    event?: { dataset?: string }
    observer?: { ingress?: { interface?: { name?: string } } }
    sentinel?: { snmp?: { metrics?: Record<string, number> } }
  }
  assert.equal(row.event?.dataset, 'sentinel.snmp')
  assert.equal(typeof row.sentinel?.snmp?.metrics?.ifHCInOctets, 'number')
  assert.ok(row.observer?.ingress?.interface?.name)
  assert.equal(await collector.metric('sentinel_snmp_device_up', { device: 'lab-router' }), 1)

  // The agent goes away: one event and a metric, not one event per failed poll.
  await agent.stop()
  const failuresAtDown = await waitFor(
    async () =>
      (await collector.metric('sentinel_snmp_device_up', { device: 'lab-router' })) === 0 &&
      (await collector.metric('sentinel_snmp_poll_errors_total', { device: 'lab-router' })),
    { timeoutMs: 20_000, description: 'lab-router marked down' },
  )
  await waitFor(
    async () =>
      (await collector.metric('sentinel_snmp_poll_errors_total', { device: 'lab-router' })) >=
      failuresAtDown + 3,
    { timeoutMs: 20_000, description: 'three more failed polls' },
  )
  const stateEvents = await collector.events({ 'host.name': 'lab-router', 'event.kind': 'event', limit: 100 })
  const actions = stateEvents.map((e) => (e.event as { event?: { action?: string } }).event?.action)
  assert.deepEqual(actions, ['snmp-device-unreachable'])
})
