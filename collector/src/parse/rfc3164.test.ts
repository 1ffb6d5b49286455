import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecord } from './index.js'
import { RECEIVED_AT, testRecord } from './test-record.js'

test('logger --rfc3164 line: host, tag, message', () => {
  const event = parseRecord(testRecord('<13>Nov 21 10:17:01 host harness: m'))
  assert.equal(event['@timestamp'], '2026-11-21T10:17:01.000Z')
  assert.equal(event.sentinel.format, 'rfc3164')
  assert.equal(event.log?.syslog?.hostname, 'host')
  assert.equal(event.host?.name, 'host')
  assert.equal(event.log?.syslog?.appname, 'harness')
  assert.equal(event.log?.level, 'notice')
  assert.equal(event.message, 'm')
})

test('sshd without HOSTNAME: the TAG is not mistaken for a host', () => {
  const event = parseRecord(
    testRecord('<13>Nov 21 10:17:01 sshd[42]: Failed password for root from 203.0.113.45 port 51234 ssh2'),
  )
  assert.equal(event.host, undefined)
  assert.deepEqual(event.process, { name: 'sshd', pid: 42 })
  assert.equal(event.log?.syslog?.procid, '42')
  assert.equal(event.message, 'Failed password for root from 203.0.113.45 port 51234 ssh2')
})

test('sudo line with space-padded single-digit day and a slash in the TAG', () => {
  const event = parseRecord(
    testRecord(
      '<85>Nov  1 09:05:07 bastion sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls',
    ),
  )
  assert.equal(event['@timestamp'], '2026-11-01T09:05:07.000Z')
  assert.equal(event.log?.syslog?.facility?.name, 'authpriv')
  assert.equal(event.process?.name, 'sudo')
  assert.equal(event.message, 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls')
  const postfix = parseRecord(
    testRecord('<22>Nov 21 10:17:01 mx1 postfix/smtpd[1234]: connect from unknown[198.51.100.7]'),
  )
  assert.deepEqual(postfix.process, { name: 'postfix/smtpd', pid: 1234 })
})

test('no PRI: RFC 3164 4.3.3 user.notice, flagged as inferred', () => {
  const event = parseRecord(testRecord('Nov 21 10:17:01 host cron[7]: job done'))
  assert.equal(event.log?.syslog?.priority, 13)
  assert.equal(event.sentinel.pri_inferred, true)
  assert.equal(event.host?.name, 'host')
  assert.equal(event.message, 'job done')
})

test('rsyslog high-precision RFC 3339 stamp inside a 3164 frame', () => {
  const event = parseRecord(
    testRecord('<30>2026-11-21T11:17:01.654321+01:00 web-01 systemd[1]: Started nginx.service.'),
  )
  assert.equal(event['@timestamp'], '2026-11-21T10:17:01.654Z')
  assert.equal(event.host?.name, 'web-01')
  assert.equal(event.message, 'Started nginx.service.')
})

test('Cisco IOS: sequence number, unsynced clock mark, milliseconds, UTC zone, mnemonic kept in message', () => {
  const event = parseRecord(
    testRecord(
      '<189>123: *Mar  1 00:00:12.345 UTC: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1)',
    ),
  )
  assert.equal(event.event?.sequence, 123)
  assert.equal(event['@timestamp'], '2026-03-01T00:00:12.345Z')
  assert.equal(event.log?.syslog?.facility?.name, 'local7')
  assert.equal(event.message, '%SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1)')
  assert.equal(event.host, undefined)
  const origin = parseRecord(
    testRecord(
      '<189>45: core-sw1: Nov 21 2026 10:17:01.100 UTC: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up',
    ),
  )
  assert.equal(origin.host?.name, 'core-sw1')
  assert.equal(origin['@timestamp'], '2026-11-21T10:17:01.100Z')
})

test('Cisco ASA with year in the stamp and "HOSTNAME :" separator', () => {
  const event = parseRecord(
    testRecord(
      '<166>Jan 05 2025 10:17:01 asa-fw01 : %ASA-6-302013: Built outbound TCP connection 1402 for outside:198.51.100.20/443',
    ),
  )
  assert.equal(event['@timestamp'], '2025-01-05T10:17:01.000Z')
  assert.equal(event.host?.name, 'asa-fw01')
  assert.equal(
    event.message,
    '%ASA-6-302013: Built outbound TCP connection 1402 for outside:198.51.100.20/443',
  )
  const noStamp = parseRecord(testRecord('<166>%ASA-6-302013: Built outbound TCP connection'))
  assert.equal(noStamp['@timestamp'], new Date(RECEIVED_AT).toISOString())
  assert.equal(noStamp.message, '%ASA-6-302013: Built outbound TCP connection')
})

test('Juniper 3164 line: host, tag, content', () => {
  const event = parseRecord(
    testRecord(
      '<28>Nov 21 10:17:01 srx1 RT_FLOW: RT_FLOW_SESSION_DENY: session denied 10.1.2.3/51544->8.8.8.8/53',
    ),
  )
  assert.equal(event.host?.name, 'srx1')
  assert.equal(event.process?.name, 'RT_FLOW')
  assert.equal(event.message, 'RT_FLOW_SESSION_DENY: session denied 10.1.2.3/51544->8.8.8.8/53')
})

test('year inference: Dec 31 received on Jan 1 is last year; a clock 10 minutes fast keeps this year', () => {
  const newYear = Date.UTC(2027, 0, 1, 0, 0, 5)
  const late = parseRecord(testRecord('<13>Dec 31 23:59:59 h a: m', 'auto', { receivedAt: newYear }))
  assert.equal(late['@timestamp'], '2026-12-31T23:59:59.000Z')
  const fast = parseRecord(testRecord('<13>Jan  1 00:10:00 h a: m', 'auto', { receivedAt: newYear }))
  assert.equal(fast['@timestamp'], '2027-01-01T00:10:00.000Z')
  const tooFast = parseRecord(testRecord('<13>Jan  1 00:20:06 h a: m', 'auto', { receivedAt: newYear }))
  assert.equal(tooFast['@timestamp'], '2026-01-01T00:20:06.000Z')
  const fromAhead = parseRecord(
    testRecord('<13>Jan  1 00:05:00 h a: m', 'auto', { receivedAt: Date.UTC(2026, 11, 31, 23, 55) }),
  )
  assert.equal(fromAhead['@timestamp'], '2027-01-01T00:05:00.000Z')
})

test('year inference: Feb 29 goes back to the last leap year; options.year overrides', () => {
  const event = parseRecord(testRecord('<13>Feb 29 12:00:00 h a: m'))
  assert.equal(event['@timestamp'], '2024-02-29T12:00:00.000Z')
  const forced = parseRecord(testRecord('<13>Nov 21 10:17:01 h a: m'), { year: 2019 })
  assert.equal(forced['@timestamp'], '2019-11-21T10:17:01.000Z')
  const now = parseRecord(testRecord('<13>Mar  1 00:00:00 h a: m'), { now: Date.UTC(2030, 5, 1) })
  assert.equal(now['@timestamp'], '2030-03-01T00:00:00.000Z')
})

test('America/New_York: local stamps across DST, including the skipped and repeated hours', () => {
  const ny = (stamp: string, receivedAt: number): string =>
    parseRecord(testRecord(`<13>${stamp} h a: m`, 'auto', { timezone: 'America/New_York', receivedAt }))[
      '@timestamp'
    ]
  const summer = Date.UTC(2026, 6, 15)
  assert.equal(ny('Jul  4 12:00:00', summer), '2026-07-04T16:00:00.000Z') // EDT, UTC-4
  assert.equal(ny('Jan 15 12:00:00', summer), '2026-01-15T17:00:00.000Z') // EST, UTC-5
  assert.equal(ny('Mar  8 02:30:00', summer), '2026-03-08T07:30:00.000Z') // gap: read as 03:30 EDT
  assert.equal(ny('Nov  1 01:30:00', Date.UTC(2026, 10, 2)), '2026-11-01T05:30:00.000Z') // repeated: first (EDT)
  // New Year in New York is 05:00 UTC: Dec 31 23:59 local received at 05:00:30Z Jan 1 is last year.
  assert.equal(ny('Dec 31 23:59:59', Date.UTC(2027, 0, 1, 5, 0, 30)), '2027-01-01T04:59:59.000Z')
})

test('malformed: only "<", PRI 999, "<13>" alone, impossible date', () => {
  assert.equal(parseRecord(testRecord('<')).error?.code, 'SNT_PARSE_PRI')
  assert.equal(parseRecord(testRecord('<999>Nov 21 10:17:01 h a: m')).error?.code, 'SNT_PARSE_PRI')
  const bare = parseRecord(testRecord('<13>'))
  assert.equal(bare.error?.code, 'SNT_PARSE_RFC3164_HEADER')
  assert.equal(bare.log?.syslog?.priority, 13)
  const bad = parseRecord(testRecord('<13>Nov 31 10:17:01 host app: still here'))
  assert.equal(bad.error?.code, 'SNT_PARSE_TIMESTAMP')
  assert.equal(bad.message, 'still here')
})

test('an RFC 3164 listener refuses RFC 5424 frames and bare CEF', () => {
  assert.equal(parseRecord(testRecord('<14>1 - h a - - - m', 'rfc3164')).error?.code, 'SNT_PARSE_FORMAT')
  assert.equal(parseRecord(testRecord('CEF:0|a|b|c|d|e|1|', 'rfc3164')).error?.code, 'SNT_PARSE_FORMAT')
  assert.equal(parseRecord(testRecord('<13>Nov 21 10:17:01 h a: m', 'rfc3164')).message, 'm')
})
