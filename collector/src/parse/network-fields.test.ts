import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isHostName, setTransport } from './network-fields.js'
import type { SentinelEvent } from '../event/sentinel-event.js'

test('isHostName: DNS names yes; dotted numbers, empty labels and other characters no', () => {
  for (const name of ['scanner.example.net', 'host1', 'a-b.c', 'xn--bcher-kva.example', '1.2.3.example'])
    assert.equal(isHostName(name), true, name)
  for (const name of [
    '999.1.1.1',
    '10.1.1',
    '',
    'a..b',
    '-a.b',
    'a-.b',
    'a b',
    'host_1',
    'a.b.',
    'x'.repeat(64),
  ])
    assert.equal(isHostName(name), false, name)
})

test('setTransport: names lower-cased, ICMPv6 spelt as ECS does, unknown numbers leave no network object', () => {
  const event = (): SentinelEvent => ({ '@timestamp': '', ecs: { version: '' }, sentinel: {} })
  const icmp6 = event()
  setTransport(icmp6, 'ICMPv6')
  assert.deepEqual(icmp6.network, { transport: 'ipv6-icmp' })
  const unknown = event()
  assert.equal(setTransport(unknown, '0'), false)
  assert.equal(unknown.network, undefined)
})
