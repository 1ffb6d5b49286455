import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecord } from './index.js'
import { testRecord } from './test-record.js'

test('QRadar-style LEEF 1.0 with tabs after an RFC 3164 header', () => {
  const line =
    '<13>Nov 21 10:17:01 exch01 LEEF:1.0|Microsoft|MSExchange|2016|15345|src=192.0.2.10\tdst=172.16.1.5\tsrcPort=51000\tdstPort=25\tusrName=alice\tproto=TCP\tsev=4\tcat=Mail Rejected\tsubject=a=b test'
  const event = parseRecord(testRecord(line))
  assert.equal(event.sentinel.format, 'leef')
  assert.equal(event.sentinel.format_version, '1.0')
  assert.equal(event.host?.name, 'exch01')
  assert.deepEqual(event.observer, { vendor: 'Microsoft', product: 'MSExchange', version: '2016' })
  assert.equal(event.event?.code, '15345')
  assert.deepEqual(event.source, { ip: '192.0.2.10', port: 51000 })
  assert.deepEqual(event.destination, { ip: '172.16.1.5', port: 25 })
  assert.equal(event.user?.name, 'alice')
  assert.equal(event.network?.transport, 'tcp')
  assert.equal(event.event?.severity, 4)
  assert.equal(event.event?.action, 'Mail Rejected')
  assert.deepEqual(event.sentinel.extensions, { subject: 'a=b test' })
})

test('LEEF 2.0 with caret delimiter and devTime in the default format', () => {
  const line =
    'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|devTime=Nov 21 2026 10:17:01^src=10.0.1.8^dst=10.0.0.5^srcMAC=00:50:56:aa:bb:cc^flowCount=3'
  const event = parseRecord(testRecord(line, 'leef'))
  assert.equal(event['@timestamp'], '2026-11-21T10:17:01.000Z')
  assert.equal(event.source?.mac, '00-50-56-AA-BB-CC')
  assert.deepEqual(event.related?.ip, ['10.0.1.8', '10.0.0.5'])
  assert.deepEqual(event.sentinel.extensions, { flowCount: '3' })
})

test('LEEF 2.0 hex delimiters x09 and 0x5E, and devTimeFormat', () => {
  const tab = parseRecord(
    testRecord(
      'LEEF:2.0|V|P|1|E|x09|src=10.0.0.1\tdevTimeFormat=yyyy-MM-dd HH:mm:ss.SSS Z\tdevTime=2026-11-21 11:17:01.250 +0100',
    ),
  )
  assert.equal(tab.source?.ip, '10.0.0.1')
  assert.equal(tab['@timestamp'], '2026-11-21T10:17:01.250Z')
  assert.deepEqual(tab.sentinel.extensions, { devTimeFormat: 'yyyy-MM-dd HH:mm:ss.SSS Z' })
  const caret = parseRecord(testRecord('LEEF:2.0|V|P|1|E|0x5E|src=10.0.0.1^usrName=bob'))
  assert.equal(caret.user?.name, 'bob')
})

test('bad LEEF: missing header pipes and an invalid delimiter are SNT_PARSE_LEEF', () => {
  const short = parseRecord(testRecord('LEEF:1.0|Vendor|Product'))
  assert.equal(short.error?.code, 'SNT_PARSE_LEEF')
  assert.equal(short.observer?.vendor, 'Vendor')
  const delim = parseRecord(testRecord('LEEF:2.0|V|P|1|E|zz9|src=1.2.3.4'))
  assert.equal(delim.error?.code, 'SNT_PARSE_LEEF')
  assert.match(delim.error?.message ?? '', /delimiter 'zz9'/)
})

test('a firewall deny in action= is ECS network/connection+denied; the vendor value stays in extensions', () => {
  const event = parseRecord(
    testRecord(
      '<13>Nov 21 10:17:01 fgt-01 LEEF:1.0|Fortinet|FortiGate|7.2|traffic:forward|src=203.0.113.7\tdst=10.1.2.3\tsrcPort=51544\tdstPort=22\tproto=TCP\taction=deny\tcat=traffic:forward',
    ),
  )
  assert.deepEqual(event.event?.category, ['network'])
  assert.deepEqual(event.event?.type, ['connection', 'denied'])
  assert.equal(event.event?.outcome, 'success')
  assert.equal(event.event?.action, 'traffic:forward')
  assert.equal(event.network?.transport, 'tcp')
  assert.equal(event.sentinel.extensions?.action, 'deny')
  const allowed = parseRecord(testRecord('LEEF:1.0|V|P|1|E|src=10.0.0.1\taction=ACCEPT'))
  assert.deepEqual(allowed.event?.type, ['connection', 'allowed'])
  const noConnection = parseRecord(testRecord('LEEF:1.0|V|P|1|E|usrName=bob\taction=deny'))
  assert.equal(noConnection.event?.category, undefined)
})
