import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecord } from './index.js'
import { testRecord } from './test-record.js'

test('Palo Alto style CEF over RFC 3164: header kept, ECS mapping, labelled custom strings', () => {
  const line =
    '<14>Nov 21 10:17:01 pa-fw01 CEF:0|Palo Alto Networks|PAN-OS|10.2.4|TRAFFIC|end|3|rt=Nov 21 2026 10:16:59 src=10.1.2.3 dst=198.51.100.20 spt=51544 dpt=443 proto=TCP act=allow in=5123 out=48211 smac=00:1b:17:aa:bb:cc suser=acme\\\\bob cs1=allow-web cs1Label=Rule cs2=trust cs2Label=SrcZone cs3=raw-cs3 outcome=Success msg=session ended normally'
  const event = parseRecord(testRecord(line))
  assert.equal(event.sentinel.format, 'cef')
  assert.equal(event.sentinel.format_version, '0')
  assert.equal(event.host?.name, 'pa-fw01')
  assert.equal(event.log?.syslog?.priority, 14)
  assert.deepEqual(event.observer, { vendor: 'Palo Alto Networks', product: 'PAN-OS', version: '10.2.4' })
  assert.equal(event.event?.code, 'TRAFFIC')
  assert.equal(event.event?.severity, 3)
  assert.equal(event.event?.action, 'allow')
  assert.equal(event.event?.outcome, 'success')
  assert.equal(event.event?.reason, 'end')
  assert.equal(event['@timestamp'], '2026-11-21T10:16:59.000Z')
  assert.deepEqual(event.source, {
    ip: '10.1.2.3',
    port: 51544,
    bytes: 5123,
    mac: '00-1B-17-AA-BB-CC',
    user: { name: 'acme\\bob' },
  })
  assert.deepEqual(event.destination, { ip: '198.51.100.20', port: 443, bytes: 48211 })
  assert.equal(event.network?.transport, 'tcp')
  assert.deepEqual(event.related?.ip, ['10.1.2.3', '198.51.100.20'])
  assert.equal(event.message, 'session ended normally')
  assert.deepEqual(event.sentinel.extensions, { Rule: 'allow-web', SrcZone: 'trust', cs3: 'raw-cs3' })
})

test('ArcSight escapes: \\| in header; \\= \\\\ \\n in extension; values with spaces; repeated keys', () => {
  const line =
    'CEF:0|Arc\\|Sight|Logger|7.0|4:1|Name with \\\\ slash|High|request=http://x/?a=b&c=d cs1=a\\=b\\nline2 cs1Label=Query Text act=blocked by policy X dvc=10.0.0.1 dvc=10.0.0.2'
  const event = parseRecord(testRecord(line, 'cef'))
  assert.equal(event.observer?.vendor, 'Arc|Sight')
  assert.equal(event.message, 'Name with \\ slash')
  assert.equal(event.event?.severity, 8)
  assert.equal(event.url?.original, 'http://x/?a=b&c=d')
  assert.equal(event.event?.action, 'blocked by policy X')
  assert.deepEqual(event.sentinel.extensions, { 'Query Text': 'a=b\nline2', dvc: ['10.0.0.1', '10.0.0.2'] })
})

test('Fortinet-style CEF after an RFC 5424 header; non-IP src stays an extension', () => {
  const line =
    '<189>1 2026-11-21T10:17:01Z fgt-01 - - - - CEF:0|Fortinet|Fortigate|v7.2|13|traffic:forward accept|5|src=not-an-ip dst=2001:db8::1 dpt=53 proto=17 outcome=maybe'
  const event = parseRecord(testRecord(line, 'cef'))
  assert.equal(event.error, undefined)
  assert.equal(event.log?.syslog?.hostname, 'fgt-01')
  assert.equal(event.source, undefined)
  assert.equal(event.destination?.ip, '2001:db8::1')
  assert.deepEqual(event.network, { iana_number: '17', transport: 'udp' })
  assert.deepEqual(event.sentinel.extensions, { src: 'not-an-ip', outcome: 'maybe' })
  assert.equal(event.message, 'traffic:forward accept')
})

test('rt as epoch milliseconds sets @timestamp', () => {
  const event = parseRecord(testRecord('CEF:0|V|P|1|100|n|1|rt=1763720221123 src=10.0.0.1'))
  assert.equal(event['@timestamp'], new Date(1763720221123).toISOString())
})

test('missing pipes: SNT_PARSE_CEF naming the field, with the header fields read kept', () => {
  const event = parseRecord(testRecord('CEF:0|Vendor|Product|1.0|100'))
  assert.equal(event.error?.code, 'SNT_PARSE_CEF')
  assert.match(event.error?.message ?? '', /field 5 \(Signature ID\)/)
  assert.deepEqual(event.observer, { vendor: 'Vendor', product: 'Product', version: '1.0' })
  assert.equal(event.event?.kind, 'pipeline_error')
})

test('a CEF listener refuses plain syslog and bare JSON', () => {
  assert.equal(
    parseRecord(testRecord('<13>Nov 21 10:17:01 h app: plain', 'cef')).error?.code,
    'SNT_PARSE_FORMAT',
  )
  assert.equal(parseRecord(testRecord('{"a":1}', 'cef')).error?.code, 'SNT_PARSE_FORMAT')
})

test('100k "=" and 100k " a=" pairs parse in linear time with every value kept', () => {
  const equals = parseRecord(testRecord('CEF:0|V|P|1|1|n|1|k=' + '='.repeat(100_000)))
  assert.equal((equals.sentinel.extensions?.k as string).length, 100_000)
  const many = parseRecord(testRecord('CEF:0|V|P|1|1|n|1|' + 'a=1 '.repeat(100_000)))
  assert.equal((many.sentinel.extensions?.a as string[]).length, 100_000)
})

test('a firewall deny in act= is ECS network/connection+denied, the firewall succeeding (ECS guide)', () => {
  const event = parseRecord(
    testRecord(
      '<14>Nov 21 10:17:01 pa-fw01 CEF:0|Palo Alto Networks|PAN-OS|10.2.4|TRAFFIC|drop|3|src=203.0.113.7 dst=10.1.2.3 spt=51544 dpt=22 proto=TCP act=deny',
    ),
  )
  assert.deepEqual(event.event?.category, ['network'])
  assert.deepEqual(event.event?.type, ['connection', 'denied'])
  assert.equal(event.event?.outcome, 'success')
  assert.equal(event.event?.action, 'deny') // the vendor's own word stays the action
  // Check Point writes Drop/Reject/Block, Fortinet deny, Cisco FTD Block: matched whole, any case.
  for (const act of ['Drop', 'REJECT', 'Block', 'reset-both', 'blocked'])
    assert.deepEqual(
      parseRecord(testRecord(`CEF:0|V|P|1|1|n|5|src=10.0.0.1 dst=10.0.0.2 act=${act}`)).event?.type,
      ['connection', 'denied'],
      act,
    )
})

test('act= keeps a stated outcome; allow is connection+allowed; free text and no connection stay uncategorised', () => {
  const stated = parseRecord(testRecord('CEF:0|V|P|1|1|n|5|src=10.0.0.1 act=drop outcome=failure'))
  assert.deepEqual(stated.event?.type, ['connection', 'denied'])
  assert.equal(stated.event?.outcome, 'failure')
  const allowed = parseRecord(testRecord('CEF:0|V|P|1|1|n|5|dst=10.0.0.2 dpt=443 act=accept'))
  assert.deepEqual(allowed.event?.type, ['connection', 'allowed'])
  const phrase = parseRecord(testRecord('CEF:0|V|P|1|1|n|5|src=10.0.0.1 act=blocked by policy X'))
  assert.equal(phrase.event?.category, undefined)
  const noConnection = parseRecord(testRecord('CEF:0|Trend|AV|1|1|Virus|8|act=blocked fname=eicar.com'))
  assert.equal(noConnection.event?.category, undefined)
})
