import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecord } from './index.js'
import { SNMP_POLL_CONTEXT } from '../sources/snmp_poll/records.js'

const rec = (data: object) => ({
  data: Buffer.from(JSON.stringify(data)),
  receivedAt: 0,
  context: SNMP_POLL_CONTEXT,
})

test('snmp-poll: an interface row becomes a metric document named after the inventory device', () => {
  const e = parseRecord(
    rec({
      kind: 'metric',
      device: 'r1',
      address: '192.0.2.1',
      time_ms: Date.UTC(2026, 0, 1),
      duration_ms: 5,
      table: 'ifIndex',
      index: '2',
      labels: { ifIndex: '2', ifName: 'eth0', ifDescr: 'Ethernet 0' },
      metrics: { ifHCInOctets: 100 },
      rates: { ifHCInOctets: 12.5 },
    }),
  )
  assert.equal(e['@timestamp'], '2026-01-01T00:00:00.000Z')
  assert.deepEqual(e.event?.kind, 'metric')
  assert.equal(e.event?.dataset, 'sentinel.snmp')
  assert.deepEqual(e.host, { name: 'r1', ip: ['192.0.2.1'] })
  assert.deepEqual((e.observer as { ingress?: unknown }).ingress, { interface: { id: '2', name: 'eth0' } })
  const snmp = e.sentinel.snmp as Record<string, unknown>
  assert.deepEqual(snmp.metrics, { ifHCInOctets: 100 })
  assert.deepEqual(snmp.rates, { ifHCInOctets: 12.5 })
  assert.equal(e.event?.original, undefined)
})

test('snmp-poll: a device going down is one warning event; recovery an informational one', () => {
  const down = parseRecord(
    rec({
      kind: 'state',
      device: 'r1',
      address: 'r1.example',
      time_ms: 0,
      state: 'down',
      previous: 'up',
      error: 'timeout',
    }),
  )
  assert.equal(down.event?.kind, 'event')
  assert.equal(down.event?.action, 'snmp-device-unreachable')
  assert.equal(down.log?.level, 'warning')
  assert.deepEqual(down.host, { name: 'r1' })
  const up = parseRecord(
    rec({ kind: 'state', device: 'r1', address: 'r1', time_ms: 0, state: 'up', previous: 'down' }),
  )
  assert.equal(up.event?.action, 'snmp-device-recovered')
})

test('snmp-poll: a malformed record is a parse error event, never a throw', () => {
  const e = parseRecord({ ...rec({}), data: Buffer.from('{nope') })
  assert.equal(e.error?.code, 'SNT_PARSE_JSON')
})
