import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { PARSE_FORMATS } from '../event/raw-record.js'
import { PARSE_ERRORS } from '../errors/codes.js'
import { parseRecord } from './index.js'
import { RECEIVED_AT, testRecord } from './test-record.js'

const VALID_MESSAGES = [
  '<132>1 2026-11-21T10:17:01.123456+00:00 host harness - M1 [timeQuality tzKnown="1" isSynced="0"] m',
  '<13>Nov 21 10:17:01 host harness: m',
  '<189>123: *Mar  1 00:00:12.345 UTC: %SYS-5-CONFIG_I: Configured from console by vty0',
  'CEF:0|Palo Alto Networks|PAN-OS|10.2|TRAFFIC|end|3|src=10.1.2.3 dst=198.51.100.20 spt=51544 dpt=443 cs1=r cs1Label=Rule',
  'LEEF:2.0|IBM|QRadar|7.5|Login|^|src=10.0.0.1^usrName=bob^devTime=Nov 21 2026 10:17:01',
  '{"@timestamp":"2026-11-21T10:17:01Z","level":"info","message":"hi","n":{"a":[1,2]}}',
  '<14>1 2026-11-21T10:17:01Z fgt - - - - CEF:0|Fortinet|FGT|7|13|acc|5|src=10.0.0.1',
]

/** The invariants every parse result must hold, whatever the input. */
function assertWellFormed(data: Buffer, format: (typeof PARSE_FORMATS)[number]): void {
  const event = parseRecord(testRecord(data, format))
  assert.equal(typeof event.event?.original, 'string')
  assert.equal(event.event?.original, data.toString('utf8'))
  assert.equal(new Date(event['@timestamp']).toISOString(), event['@timestamp'])
  assert.ok(event.event?.kind === 'event' || event.event?.kind === 'pipeline_error')
  if (event.event?.kind === 'pipeline_error') {
    assert.ok(Object.hasOwn(PARSE_ERRORS, event.error?.code ?? ''), `unknown code ${event.error?.code}`)
    assert.ok((event.error?.message ?? '').length > 0)
  }
  const json = JSON.stringify(event)
  assert.equal(typeof json, 'string')
}

test('auto detection picks the parser by the first bytes', () => {
  const formats = VALID_MESSAGES.map((line) => parseRecord(testRecord(line)).sentinel.format)
  assert.deepEqual(formats, ['rfc5424', 'rfc3164', 'rfc3164', 'cef', 'leef', 'json', 'cef'])
  assert.equal(parseRecord(testRecord('just some text from a printer')).sentinel.format, 'rfc3164')
  assert.equal(
    parseRecord(testRecord('just some text from a printer')).message,
    'just some text from a printer',
  )
})

test('every event carries the common fields; truncated and peer are reported', () => {
  const event = parseRecord(testRecord('<13>Nov 21 10:17:01 h a: m', 'auto', { truncated: true }))
  assert.equal(event.ecs.version, '9.4.0')
  assert.equal(event.event?.dataset, 'sentinel.syslog')
  assert.equal(event.event?.created, new Date(RECEIVED_AT).toISOString())
  assert.deepEqual(event.sentinel, {
    source_id: 'syslog_udp',
    transport: 'udp',
    format: 'rfc3164',
    truncated: true,
    peer: { ip: '192.0.2.10', port: 40514 },
  })
})

test('empty and line-break-only frames are SNT_PARSE_EMPTY', () => {
  for (const format of PARSE_FORMATS) {
    const event = parseRecord(testRecord('', format))
    assert.equal(event.error?.code, 'SNT_PARSE_EMPTY')
    assert.equal(event.event?.original, '')
  }
  assert.equal(parseRecord(testRecord('\r\n')).error?.code, 'SNT_PARSE_EMPTY')
})

test('invalid UTF-8: replacement characters in strings, the exact bytes in sentinel.original_base64', () => {
  const bytes = Buffer.concat([
    Buffer.from('<13>Nov 21 10:17:01 host app: bad '),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from(' end'),
  ])
  const event = parseRecord(testRecord(bytes))
  assert.equal(event.message, 'bad \uFFFD(\uFFFD end')
  assert.deepEqual(Buffer.from(String(event.sentinel.original_base64), 'base64'), bytes)
  assert.equal(
    parseRecord(testRecord('<13>Nov 21 10:17:01 host app: ok é')).sentinel.original_base64,
    undefined,
  )
})

test('NUL bytes are kept in the message, not treated as terminators', () => {
  const event = parseRecord(testRecord('<13>Nov 21 10:17:01 host app: a\u0000b'))
  assert.equal(event.message, 'a\u0000b')
})

test('a 10 MB line parses in every format without throwing', () => {
  const big = 'x'.repeat(10 * 1024 * 1024)
  for (const prefix of [
    '<13>Nov 21 10:17:01 host app: ',
    '<14>1 - h a - - - ',
    'CEF:0|V|P|1|1|n|1|msg=',
    'LEEF:1.0|V|P|1|E|k=',
  ]) {
    const event = parseRecord(testRecord(prefix + big))
    assert.equal(event.event?.original?.length, prefix.length + big.length)
    assert.equal(event.error, undefined)
  }
})

test('property: arbitrary bytes never throw and always give a well-formed event, in every format', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...PARSE_FORMATS), (bytes, format) => {
      assertWellFormed(Buffer.from(bytes), format)
    }),
    { numRuns: 3000 },
  )
})

test('property: mutations of valid messages never throw, in every format', () => {
  const mutation = fc.record({
    base: fc.constantFrom(...VALID_MESSAGES),
    at: fc.nat(),
    cut: fc.nat(),
    insert: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        '[',
        ']',
        '"',
        '\\',
        '|',
        '=',
        '<',
        '>',
        ' ',
        '{',
        '\t',
        '^',
        ':',
        '\u0000',
        '\uFEFF',
        '-',
      ),
    ),
    bytes: fc.uint8Array({ maxLength: 4 }),
  })
  fc.assert(
    fc.property(mutation, fc.constantFrom(...PARSE_FORMATS), ({ base, at, cut, insert, bytes }, format) => {
      const position = at % (base.length + 1)
      const text = base.slice(0, position) + insert + base.slice(position + (cut % 4))
      const data = Buffer.concat([
        Buffer.from(text.slice(0, position + insert.length)),
        Buffer.from(bytes),
        Buffer.from(text.slice(position + insert.length)),
      ])
      assertWellFormed(data, format)
      assertWellFormed(Buffer.from(text), format)
    }),
    { numRuns: 5000 },
  )
})

test('property: truncating a valid message at any byte never throws', () => {
  for (const line of VALID_MESSAGES) {
    const bytes = Buffer.from(line)
    for (let cut = 0; cut <= bytes.length; cut++)
      for (const format of PARSE_FORMATS) assertWellFormed(bytes.subarray(0, cut), format)
  }
})
