import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { parseRecord } from '../index.js'
import { testRecord } from '../test-record.js'
import { categoriseOpenSsh, categorisePam, categoriseSudo } from './linux-auth.js'
import { assertSample } from './test-support/assert-sample.js'
import { LINUX_AUTH_SAMPLES } from './test-support/samples.js'

for (const sample of LINUX_AUTH_SAMPLES)
  test(sample.name, () => {
    assertSample(sample)
  })

const fresh = (): SentinelEvent => ({ '@timestamp': '', ecs: { version: '' }, event: {}, sentinel: {} })

test('the syslog fields of a categorised sshd line are kept as parsed', () => {
  const event = parseRecord(
    testRecord(
      '<38>Nov 21 10:00:00 fw1 sshd[123]: Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2',
    ),
  )
  assert.equal(event.host?.name, 'fw1')
  assert.deepEqual(event.process, { name: 'sshd', pid: 123 })
  assert.equal(event.message, 'Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2')
  assert.equal(event.event?.kind, 'event')
})

test('OpenSSH: an empty login name is categorised without user.name', () => {
  const event = fresh()
  assert.equal(categoriseOpenSsh(event, 'Invalid user  from 203.0.113.7 port 4242'), true)
  assert.equal(event.user, undefined)
  assert.deepEqual(event.source, { ip: '203.0.113.7', port: 4242 })
})

test('OpenSSH: a user name that itself holds spaces is read up to the last " from HOST port"', () => {
  const event = fresh()
  assert.equal(categoriseOpenSsh(event, 'Invalid user john smith from 203.0.113.7 port 4242'), true)
  assert.equal(event.user?.name, 'john smith')
})

test('OpenSSH: look-alike lines change nothing', () => {
  for (const line of [
    'Failed password for root from 999.1.1.1 port 22 ssh2',
    'Failed password for root from 203.0.113.7 port 70000 ssh2',
    'Failed password for root from 203.0.113.7 port 22',
    'Failed magic for root from 203.0.113.7 port 22 ssh2',
    'Postponed keyboard-interactive for root from 203.0.113.7 port 22 ssh2 [preauth]',
    'Accepted password for alice from 203.0.113.7 port 22 ssh2x',
    'Connection closed by 203.0.113.7 port 22 [preauth]',
    'Disconnected from user alice 203.0.113.7 port 22',
    'error: kex_exchange_identification: Connection closed by remote host',
    'maximum authentication attempts exceeded for root from 10.0.0.1.5 port 1 ssh2 [preauth]',
    'Invalid user admin from 203.0.113.7 port 4242 trailing',
    '',
  ]) {
    const event = fresh()
    assert.equal(categoriseOpenSsh(event, line), false, line)
    assert.deepEqual(event, fresh(), line)
  }
})

test('PAM: other modules and messages change nothing', () => {
  for (const line of [
    'pam_unix(sshd:session): session closed for user alice',
    'pam_unix(sshd:auth): check pass; user unknown',
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=bad_host!  user=root',
    'pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked',
  ]) {
    const event = fresh()
    assert.equal(categorisePam(event, line), false, line)
    assert.deepEqual(event, fresh(), line)
  }
})

test('PAM: a failure from su (any service) is categorised too', () => {
  const event = parseRecord(
    testRecord(
      '<85>Nov 21 10:00:00 web-03 su[4711]: pam_unix(su:auth): authentication failure; logname=bob uid=1000 euid=0 tty=pts/2 ruser=bob rhost=  user=root',
    ),
  )
  assert.equal(event.event?.action, 'pam-auth-failure')
  assert.equal(event.event?.outcome, 'failure')
  assert.equal(event.user?.name, 'root')
  assert.equal(event.source, undefined)
})

test('sudo: other sudo records change nothing', () => {
  for (const line of [
    'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls',
    'alice : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls',
    'alice : three incorrect password attempts ; TTY=pts/0',
  ]) {
    const event = fresh()
    assert.equal(categoriseSudo(event, line), false, line)
    assert.deepEqual(event, fresh(), line)
  }
})
