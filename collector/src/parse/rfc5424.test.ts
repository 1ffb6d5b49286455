import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecord } from './index.js'
import { RECEIVED_AT, testRecord } from './test-record.js'

test('logger --rfc5424 line: header, timeQuality SD and message', () => {
  const line =
    '<132>1 2026-11-21T10:17:01.123456+00:00 host harness - M1 [timeQuality tzKnown="1" isSynced="0"] m'
  const event = parseRecord(testRecord(line))
  assert.equal(event['@timestamp'], '2026-11-21T10:17:01.123Z')
  assert.equal(event.event?.kind, 'event')
  assert.equal(event.event?.original, line)
  assert.equal(event.event?.created, '2026-11-21T12:00:00.000Z')
  assert.equal(event.sentinel.format, 'rfc5424')
  assert.deepEqual(event.sentinel.peer, { ip: '192.0.2.10', port: 40514 })
  assert.deepEqual(event.log, {
    level: 'warning',
    syslog: {
      priority: 132,
      facility: { code: 16, name: 'local0' },
      severity: { code: 4, name: 'warning' },
      version: '1',
      hostname: 'host',
      appname: 'harness',
      msgid: 'M1',
      structured_data: { timeQuality: { tzKnown: '1', isSynced: '0' } },
    },
  })
  assert.equal(event.host?.name, 'host')
  assert.deepEqual(event.process, { name: 'harness' })
  assert.equal(event.message, 'm')
})

test('RFC 5424 6.5 example 3: offset stamp, numeric PROCID, two SD-ELEMENTs, BOM stripped', () => {
  const line =
    '<165>1 2003-10-11T22:14:15.003-07:00 mymachine.example.com evntslog 8710 ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event log entry...'
  const event = parseRecord(testRecord(line))
  assert.equal(event['@timestamp'], '2003-10-12T05:14:15.003Z')
  assert.deepEqual(event.process, { name: 'evntslog', pid: 8710 })
  assert.equal(event.log?.syslog?.procid, '8710')
  assert.deepEqual(event.log?.syslog?.structured_data, {
    'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    'examplePriority@32473': { class: 'high' },
  })
  assert.equal(event.message, 'An application event log entry...')
})

test('NILVALUEs everywhere: receipt time, no host, no process', () => {
  const event = parseRecord(testRecord('<34>1 - - - - - -'))
  assert.equal(event['@timestamp'], new Date(RECEIVED_AT).toISOString())
  assert.equal(event.host, undefined)
  assert.equal(event.process, undefined)
  assert.equal(event.message, undefined)
  assert.equal(event.log?.syslog?.severity?.name, 'critical')
  assert.equal(event.event?.kind, 'event')
})

test('SD escapes \\" \\\\ \\] resolve, other backslashes stay, repeated PARAM-NAMEs become arrays', () => {
  const line =
    '<14>1 2026-11-21T10:17:01Z h a 1 - [x@1 q="say \\"hi\\"" p="C:\\\\dir" b="[a\\]" o="\\n" ip="10.0.0.1" ip="10.0.0.2"] m'
  const sd = parseRecord(testRecord(line)).log?.syslog?.structured_data
  assert.deepEqual(sd?.['x@1'], {
    q: 'say "hi"',
    p: 'C:\\dir',
    b: '[a]',
    o: '\\n',
    ip: ['10.0.0.1', '10.0.0.2'],
  })
})

test('Junos structured syslog keeps its SD params', () => {
  const line =
    '<14>1 2026-11-21T10:17:02.512Z srx-edge-01 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.26 source-address="10.1.2.3" source-port="51544" protocol-id="6"] session created'
  const event = parseRecord(testRecord(line))
  assert.equal(event.log?.syslog?.structured_data?.['junos@2636.1.1.1.2.26']?.['source-address'], '10.1.2.3')
  assert.equal(event.log?.syslog?.msgid, 'RT_FLOW_SESSION_CREATE')
  assert.equal(event.message, 'session created')
})

test('unterminated SD is an error event that keeps the header and the complete elements', () => {
  const line = '<14>1 2026-11-21T10:17:01Z web-01 nginx 77 ACCESS [a@1 x="1"][b@1 y="2'
  const event = parseRecord(testRecord(line))
  assert.equal(event.event?.kind, 'pipeline_error')
  assert.equal(event.error?.code, 'SNT_PARSE_RFC5424_SD')
  assert.equal(
    event.error?.message,
    `PARAM-VALUE of 'y' opened at byte ${line.indexOf('y="') + 2} is not terminated by '"'`,
  )
  assert.equal(event.log?.syslog?.hostname, 'web-01')
  assert.equal(event.process?.pid, 77)
  assert.deepEqual(event.log?.syslog?.structured_data?.['a@1'], { x: '1' })
  assert.equal(event['@timestamp'], '2026-11-21T10:17:01.000Z')
  assert.equal(event.event?.original, line)
})

test('header cut at every byte offset: always an error event with the fields read so far', () => {
  const line = '<165>1 2026-11-21T10:17:01Z host app 42 ID [s@1 k="v"] msg'
  const sdStart = line.indexOf('[')
  for (let cut = 1; cut < sdStart; cut++) {
    const event = parseRecord(testRecord(line.slice(0, cut), 'rfc5424'))
    assert.equal(event.event?.kind, 'pipeline_error', `cut at ${cut}`)
    assert.equal(event.event?.original, line.slice(0, cut))
    if (cut > line.indexOf('host') + 4) assert.equal(event.log?.syslog?.hostname, 'host', `cut at ${cut}`)
  }
  for (let cut = sdStart + 1; cut < line.indexOf(']'); cut++) {
    assert.equal(
      parseRecord(testRecord(line.slice(0, cut), 'rfc5424')).error?.code,
      'SNT_PARSE_RFC5424_SD',
      `cut at ${cut}`,
    )
  }
})

test('bad timestamp is flagged but the rest of the message is read', () => {
  const event = parseRecord(testRecord('<14>1 2026-02-30T10:17:01Z host app - - - text'))
  assert.equal(event.error?.code, 'SNT_PARSE_TIMESTAMP')
  assert.equal(event.log?.syslog?.hostname, 'host')
  assert.equal(event.message, 'text')
  assert.equal(event['@timestamp'], new Date(RECEIVED_AT).toISOString())
})

test('unsupported VERSION and PRI 999 are specific errors', () => {
  const v2 = parseRecord(testRecord('<14>2 2026-11-21T10:17:01Z h a - - - m', 'rfc5424'))
  assert.equal(v2.error?.code, 'SNT_PARSE_RFC5424_HEADER')
  assert.match(v2.error?.message ?? '', /VERSION '2'/)
  const pri = parseRecord(testRecord('<999>1 - - - - - -', 'rfc5424'))
  assert.equal(pri.error?.code, 'SNT_PARSE_PRI')
  assert.match(pri.error?.message ?? '', /999 is out of range/)
})

test('an RFC 5424 listener refuses an RFC 3164 frame as a format mismatch', () => {
  const event = parseRecord(testRecord('<13>Nov 21 10:17:01 host app: m', 'rfc5424'))
  assert.equal(event.error?.code, 'SNT_PARSE_FORMAT')
  assert.equal(event.log?.syslog?.priority, 13)
})

test('hostile SD: 100k "[" and a __proto__ SD-ID parse without pollution', () => {
  const event = parseRecord(testRecord('<14>1 - h a - - ' + '['.repeat(100_000)))
  assert.equal(event.error?.code, 'SNT_PARSE_RFC5424_SD')
  const proto = parseRecord(testRecord('<14>1 - h a - - [__proto__ polluted="yes"] m'))
  const sd = proto.log?.syslog?.structured_data ?? {}
  assert.deepEqual(Object.keys(sd), ['__proto__'])
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
  assert.equal(JSON.parse(JSON.stringify(sd)).__proto__.polluted, 'yes')
})
