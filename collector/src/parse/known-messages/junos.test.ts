import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecord } from '../index.js'
import { testRecord } from '../test-record.js'
import { assertSample } from './test-support/assert-sample.js'
import { JUNOS_SAMPLES } from './test-support/samples.js'

for (const sample of JUNOS_SAMPLES)
  test(sample.name, () => {
    assertSample(sample)
  })

test('Junos structured: the SD params win over the text', () => {
  const event = parseRecord(
    testRecord(
      '<189>1 2026-11-21T10:21:00.123Z mx1 mgd 4410 UI_COMMIT [junos@2636.1.1.1.2.18 username="netops" command="commit"] User \'someone-else\' requested \'commit\' operation (comment: none)',
    ),
  )
  assert.equal(event.user?.name, 'netops')
})

test('Junos structured: without the params, the text is read', () => {
  const event = parseRecord(
    testRecord(
      "<189>1 2026-11-21T10:21:00.123Z mx1 mgd 4410 UI_COMMIT - User 'admin' requested 'commit confirmed' operation (comment: maintenance 42)",
    ),
  )
  assert.equal(event.event?.action, 'config-change')
  assert.equal(event.user?.name, 'admin')
})

test('Junos: the tags are only recognised from their own daemons', () => {
  const event = parseRecord(
    testRecord(
      "<189>Nov 21 10:21:00 mx1 cli[4410]: UI_COMMIT: User 'admin' requested 'commit' operation (comment: none)",
    ),
  )
  assert.equal(event.event?.category, undefined)
})

test('Junos: look-alikes change nothing', () => {
  for (const line of [
    "<37>Nov 21 10:00:00 mx1 sshd[4139]: SSHD_LOGIN_FAILED: Login failed for user 'admin' from host '999.1.1.1'",
    "<37>Nov 21 10:00:00 mx1 sshd[4139]: SSHD_LOGIN_ATTEMPTS_THRESHOLD: Threshold for unsuccessful authentication attempts (3) reached by user 'admin'",
    '<28>Nov 21 10:00:00 mx1 mib2d[1850]: SNMP_TRAP_LINK_DOWN: something else',
    '<28>1 2026-11-21T10:00:00Z mx1 mib2d 1850 SNMP_TRAP_LINK_DOWN [junos@2636.1.1.1.2.25 snmp-interface-index="1"]',
    '<14>Nov 21 10:00:01 srx1 RT_FLOW: RT_FLOW_SESSION_DENY: session denied 10.0.0.1/1->999.1.1.1/53 junos-dns-udp 17(0) p trust dmz',
    '<14>1 2026-11-21T10:00:01Z srx1 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.35 source-address="10.0.0.1" destination-address="nowhere"]',
    '<14>1 2026-11-21T10:00:01Z srx1 RT_FLOW - RT_FLOW_SESSION_DENY [other@32473 source-address="10.0.0.1" destination-address="10.0.0.2"]',
  ]) {
    const event = parseRecord(testRecord(line))
    assert.equal(event.event?.category, undefined, line)
    assert.equal(event.source, undefined, line)
    assert.equal(event.user, undefined, line)
  }
})
