import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { after, test } from 'node:test'
import { Registry } from 'prom-client'
import { SnmpPoller } from './poller.js'
import { mapLimit } from './walker.js'

test('mapLimit keeps order and never exceeds the limit', async () => {
  let inFlight = 0
  let peak = 0
  const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
    inFlight += 1
    peak = Math.max(peak, inFlight)
    await new Promise((r) => setTimeout(r, n * 3))
    inFlight -= 1
    return n * 10
  })
  assert.deepEqual(out, [50, 10, 40, 20, 30, 0])
  assert.equal(peak, 2)
})

test('a silent device: timeouts counted every poll, one up->down log line, device_up 0', async () => {
  // A UDP socket that reads and never answers.
  const silent = createSocket('udp4')
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r))
  after(() => silent.close())
  const port = silent.address().port
  const registry = new Registry()
  const logs: Array<{ level: string; msg: string }> = []
  const poller = new SnmpPoller({
    devices: [{ name: 'mute', address: '127.0.0.1', port, version: '2c', profiles: ['system'] }],
    registry,
    timeoutMs: 100,
    retries: 0,
    logger: {
      info: (_o, msg) => logs.push({ level: 'info', msg }),
      warn: (_o, msg) => logs.push({ level: 'warn', msg }),
    },
  })
  for (let i = 0; i < 3; i++) await poller.pollOnce()
  assert.equal(poller.deviceStatus('mute')?.state, 'down')
  assert.deepEqual(logs, [{ level: 'warn', msg: 'SNMP device mute is not answering' }])
  const text = await registry.metrics()
  assert.match(text, /^sentinel_snmp_poll_timeouts_total\{device="mute"\} 3$/m)
  assert.match(text, /^sentinel_snmp_poll_errors_total\{device="mute",reason="timeout"\} 3$/m)
  assert.match(text, /^sentinel_snmp_device_up\{device="mute"\} 0$/m)
  assert.match(text, /^sentinel_snmp_poll_duration_seconds_count\{device="mute"\} 3$/m)
  assert.equal(poller.exposition(), '')
})

test('duplicate device names and unknown profiles are rejected', () => {
  const d = { name: 'a', address: '127.0.0.1', version: '2c' as const, profiles: ['if_mib'] }
  assert.throws(() => new SnmpPoller({ devices: [d, d] }), /duplicate SNMP device name "a"/)
  assert.throws(() => new SnmpPoller({ devices: [{ ...d, profiles: ['x'] }] }), /unknown SNMP profile/)
})

test('two pollers can share one registry', () => {
  const registry = new Registry()
  new SnmpPoller({ devices: [], registry })
  assert.doesNotThrow(() => new SnmpPoller({ devices: [], registry }))
})
