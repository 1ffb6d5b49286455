import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import { test } from 'node:test'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { runParseCommand } from './parse-command.js'

async function parseLines(
  chunks: Buffer[],
  options: Parameters<typeof runParseCommand>[2] = { format: 'auto', timezone: 'UTC' },
) {
  const output = new PassThrough()
  let text = ''
  output.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const count = await runParseCommand(Readable.from(chunks), output, options)
  output.end()
  const lines = text.split('\n')
  assert.equal(lines.pop(), '', 'output ends with a newline')
  return { count, events: lines.map((l) => JSON.parse(l) as SentinelEvent) }
}

test('one document per input line, in order, with errors as documents and CRLF handled', async () => {
  const input = [
    '<34>Oct 11 22:14:15 mymachine su: failed for lonvick on /dev/pts/8\r\n',
    '\n',
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event\n',
    'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232\n',
    '<13>1 2026-11-21T10:00:00Z h app - - [broken@1 k="v',
  ]
  // Split the input at awkward places: lines must not depend on chunk boundaries.
  const joined = Buffer.from(input.join(''))
  const { count, events } = await parseLines([
    joined.subarray(0, 7),
    joined.subarray(7, 150),
    joined.subarray(150),
  ])
  assert.equal(count, 5)
  assert.equal(events.length, 5)
  assert.equal(events[0]?.host?.name, 'mymachine')
  assert.equal(
    events[0]?.event?.original,
    '<34>Oct 11 22:14:15 mymachine su: failed for lonvick on /dev/pts/8',
  )
  assert.equal(events[1]?.event?.kind, 'pipeline_error')
  assert.equal(events[1]?.error?.code, 'SNT_PARSE_EMPTY')
  assert.equal(events[2]?.log?.syslog?.msgid, 'ID47')
  assert.equal(events[2]?.['@timestamp'], '2003-10-11T22:14:15.003Z')
  assert.equal(events[3]?.source?.ip, '10.0.0.1')
  assert.equal(events[3]?.sentinel.format, 'cef')
  assert.equal(events[4]?.event?.kind, 'pipeline_error')
  assert.equal(events[4]?.sentinel.source_id, 'stdin')
})

test('--year and --timezone apply to RFC 3164 stamps; --format pins the parser', async () => {
  const { events } = await parseLines([Buffer.from('<13>Jul  4 12:00:00 host app: hi\n')], {
    format: 'rfc3164',
    timezone: 'America/New_York',
    year: 2019,
  })
  assert.equal(events[0]?.['@timestamp'], '2019-07-04T16:00:00.000Z')
  const pinned = await parseLines([Buffer.from('<13>Jul  4 12:00:00 host app: hi\n')], {
    format: 'cef',
    timezone: 'UTC',
  })
  assert.equal(pinned.events[0]?.event?.kind, 'pipeline_error')
})

test('invalid UTF-8 is kept byte-exact and a last line without newline still counts', async () => {
  const bad = Buffer.concat([
    Buffer.from('<13>Nov 21 10:00:00 host app: caf'),
    Buffer.from([0xe9, 0xff]),
    Buffer.from('!'),
  ])
  const { events } = await parseLines([bad])
  assert.equal(events.length, 1)
  assert.equal(Buffer.from(String(events[0]?.sentinel.original_base64), 'base64').equals(bad), true)
})
