import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { categoriseNetfilter } from './netfilter.js'
import { assertSample } from './test-support/assert-sample.js'
import { NETFILTER_SAMPLES } from './test-support/samples.js'

for (const sample of NETFILTER_SAMPLES)
  test(sample.name, () => {
    assertSample(sample)
  })

const fresh = (): SentinelEvent => ({ '@timestamp': '', ecs: { version: '' }, event: {}, sentinel: {} })

test('netfilter: a log prefix without a trailing space (iptables glues it to IN=) is read', () => {
  const event = fresh()
  const line = 'INPUT-REJECTIN=ens3 OUT= SRC=203.0.113.9 DST=192.0.2.1 LEN=60 PROTO=TCP SPT=40000 DPT=23'
  assert.equal(categoriseNetfilter(event, line), true)
  assert.equal(event.event?.action, 'connection-denied')
  assert.deepEqual(event.destination, { ip: '192.0.2.1', port: 23 })
})

test('netfilter: an ICMP error quoting the packet it answers keeps the outer addresses', () => {
  const event = fresh()
  const line =
    '[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.1 DST=10.0.0.5 LEN=56 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.0.0.5 DST=198.51.100.1 LEN=28 PROTO=UDP SPT=53 DPT=33434 LEN=8 ]'
  assert.equal(categoriseNetfilter(event, line), true)
  assert.deepEqual(event.source, { ip: '198.51.100.1' })
  assert.equal(event.network?.transport, 'icmp')
})

test('netfilter: look-alikes change nothing', () => {
  for (const line of [
    'IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.5 PROTO=TCP SPT=1 DPT=22', // no prefix, no verdict
    '[UFW BLOCK] IN=eth0 SRC=198.51.100.7 DST=10.0.0.5 PROTO=TCP', // OUT= must follow IN=
    '[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.7 PROTO=TCP', // no DST
    'audit: type=1400 apparmor="DENIED" operation="open" profile="snap" name="/etc/x" IN=',
    `${'x'.repeat(200)} DROP IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.5`, // IN= too far in
  ]) {
    const event = fresh()
    assert.equal(categoriseNetfilter(event, line), false, line)
    assert.deepEqual(event, fresh(), line)
  }
})
