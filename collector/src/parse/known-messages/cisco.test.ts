import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { parseRecord } from '../index.js'
import { testRecord } from '../test-record.js'
import { categoriseCisco } from './cisco.js'
import { assertSample } from './test-support/assert-sample.js'
import { CISCO_SAMPLES } from './test-support/samples.js'

for (const sample of CISCO_SAMPLES)
  test(sample.name, () => {
    assertSample(sample)
  })

const fresh = (): SentinelEvent => ({ '@timestamp': '', ecs: { version: '' }, event: {}, sentinel: {} })

test('Cisco: the syslog parser keeps the sequence number, host and message of a categorised line', () => {
  const event = parseRecord(
    testRecord(
      '<189>Nov 21 10:00:00 core-sw-02 %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.1.1)',
    ),
  )
  assert.equal(event.host?.name, 'core-sw-02')
  assert.equal(event.message, '%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.1.1)')
  assert.equal(event.event?.action, 'config-change')
})

test('ASA: a message re-levelled with `logging message 106023 level 3` is still recognised', () => {
  const event = fresh()
  const line =
    '%ASA-3-106023: Deny udp src dmz:2001:db8::5/5353 dst outside:2001:db8:1::53/53 by access-group "dmz_in" [0x5f1a2b3c, 0x0]'
  assert.equal(categoriseCisco(event, line, 0), true)
  assert.equal(event.event?.code, '106023')
  assert.deepEqual(event.source, { ip: '2001:db8::5', port: 5353 })
  assert.deepEqual(event.destination, { ip: '2001:db8:1::53', port: 53 })
  assert.equal(event.network?.transport, 'udp')
})

test('Firepower Threat Defense writes the ASA messages under %FTD', () => {
  const event = fresh()
  const line =
    '%FTD-4-106023: Deny tcp src outside:198.51.100.7/1 dst inside:10.0.0.5/443 by access-group "CSM_FW_ACL_" [0x97aa021a, 0x0]'
  assert.equal(categoriseCisco(event, line, 0), true)
  assert.equal(event.event?.action, 'connection-denied')
  assert.equal(event.rule?.name, 'CSM_FW_ACL_')
})

test('Cisco: LINK and LINEPROTO changes share the action and differ in event.code', () => {
  const link = fresh()
  const lineproto = fresh()
  categoriseCisco(link, '%LINK-3-UPDOWN: Interface Te1/0/1, changed state to down', 0)
  categoriseCisco(
    lineproto,
    '%LINEPROTO-5-UPDOWN: Line protocol on Interface Te1/0/1, changed state to down',
    0,
  )
  assert.equal(link.event?.action, 'link-down')
  assert.equal(lineproto.event?.action, 'link-down')
  assert.notEqual(link.event?.code, lineproto.event?.code)
})

test('Cisco: look-alikes change nothing', () => {
  for (const line of [
    '%SEC_LOGIN-4-LOGIN_FAILED: Login Success [user: admin] [Source: 10.1.1.1] [localport: 22]', // text contradicts mnemonic
    '%SEC_LOGIN-4-LOGIN_FAILED: something else entirely',
    '%SYS-5-CONFIG_I: Configured from console by admin on vty0 (999.1.1.1)',
    '%SYS-5-RESTART: System restarted --',
    '%LINK-5-CHANGED: Interface Gi0/1, changed state to administratively down',
    '%LINK-3-UPDOWN: Interface Gi0/1 changed state to down',
    '%ETHPORT-5-SPEED: Interface Ethernet1/1, operational speed changed to 10 Gbps',
    '%ASA-4-106023: Deny tcp src outside:198.51.100.7/1 dst inside:10.0.0.5/22',
    '%ASA-2-106001: Inbound TCP connection denied from 198.51.100.7/1 to 999.0.0.5/22 flags SYN  on interface outside',
    '%ASA-6-605004: Login denied from 198.51.100.7/1 to outside:not-an-ip/ssh for user "admin"',
    '%ASA-6-605005: Login permitted from 198.51.100.7/1 to outside:10.0.0.1/ssh for user "admin"',
    '%sys-5-config_i: Configured from console by admin',
    '%SYS-5-CONFIG_I Configured from console by admin',
    '%',
  ]) {
    const event = fresh()
    assert.equal(categoriseCisco(event, line, 0), false, line)
    assert.deepEqual(event, fresh(), line)
  }
})
