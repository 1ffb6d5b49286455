import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  bulkBody,
  dataStreamName,
  encodeDeadletter,
  encodeEvent,
  normaliseDataset,
  type EncodedEvent,
} from './encoder.js'

const SYSLOG_EVENT =
  '{"@timestamp":"2026-01-01T00:00:00.000Z","ecs":{"version":"9.4.0"},"event":{"kind":"event","dataset":"sentinel.syslog","original":"<14>1 2026-01-01T00:00:00Z host app - - - hi"},"message":"hi","host":{"name":"host"},"sentinel":{"format":"rfc5424"}}'

function encoded(payload: string, seq = 7): EncodedEvent {
  const result = encodeEvent({ seq, payload: Buffer.from(payload) }, 'spool1', 'default')
  assert.ok('bytes' in result, 'encodable')
  return result
}

test('encoder: a create action with _id <spool id>-<seq> into logs-<dataset>-<namespace>', () => {
  const event = encoded(SYSLOG_EVENT)
  const lines = event.bytes.toString().split('\n')
  assert.equal(lines.length, 3, 'action line, document line, trailing newline')
  assert.equal(lines[2], '')
  assert.deepEqual(JSON.parse(lines[0] ?? ''), {
    create: { _index: 'logs-sentinel.syslog-default', _id: 'spool1-7' },
  })
  assert.equal(event.index, 'logs-sentinel.syslog-default')
  assert.equal(event.id, 'spool1-7')
})

test('encoder: the spool payload bytes are sent verbatim after the data_stream fields', () => {
  const event = encoded(SYSLOG_EVENT)
  const documentLine = event.bytes.toString().split('\n')[1] ?? ''
  const prefix = '{"data_stream":{"type":"logs","dataset":"sentinel.syslog","namespace":"default"},'
  assert.ok(documentLine.startsWith(prefix))
  assert.equal(documentLine.slice(prefix.length), SYSLOG_EVENT.slice(1), 'the rest is the payload as stored')
  const document = JSON.parse(documentLine) as Record<string, unknown>
  assert.deepEqual(document, {
    data_stream: { type: 'logs', dataset: 'sentinel.syslog', namespace: 'default' },
    ...(JSON.parse(SYSLOG_EVENT) as Record<string, unknown>),
  })
  assert.equal(event.payload.toString(), SYSLOG_EVENT)
})

test('encoder: a payload that already has data_stream is rewritten, not given a duplicate key', () => {
  const event = encoded(
    '{"@timestamp":"2026-01-01T00:00:00Z","data_stream":{"dataset":"evil"},"event":{"dataset":"sentinel.syslog"}}',
  )
  const documentLine = event.bytes.toString().split('\n')[1] ?? ''
  assert.equal(documentLine.match(/"data_stream"/g)?.length, 1)
  assert.deepEqual((JSON.parse(documentLine) as { data_stream: unknown }).data_stream, {
    type: 'logs',
    dataset: 'sentinel.syslog',
    namespace: 'default',
  })
})

test('encoder: pretty-printed JSON (with newlines) is re-serialised onto one line', () => {
  const event = encoded('{\n  "event": {"dataset": "sentinel.syslog"},\n  "message": "a"\n}')
  assert.equal(event.bytes.toString().split('\n').length, 3)
})

test('encoder: missing or odd datasets fall back or are made index-safe', () => {
  assert.equal(encoded('{"message":"no event"}').index, 'logs-sentinel.generic-default')
  assert.equal(normaliseDataset('Sentinel.SNMP-Trap'), 'sentinel.snmp_trap')
  assert.equal(normaliseDataset('_x'), 'x')
  assert.equal(normaliseDataset(''), 'sentinel.generic')
  assert.equal(normaliseDataset(42), 'sentinel.generic')
  assert.equal(dataStreamName('sentinel.syslog', 'prod'), 'logs-sentinel.syslog-prod')
})

test('encoder: a record that is not a JSON object cannot be encoded (it is dead-lettered)', () => {
  const result = encodeEvent({ seq: 3, payload: Buffer.from('not json') }, 'spool1', 'default')
  assert.ok(!('bytes' in result))
  assert.equal(result.id, 'spool1-3')
  assert.match(result.message, /not JSON/)
  const array = encodeEvent({ seq: 4, payload: Buffer.from('[1]') }, 'spool1', 'default')
  assert.ok(!('bytes' in array))
})

test('encoder: the dead-letter document keeps the original JSON as a string and the reason', () => {
  const doc = encodeDeadletter(
    7,
    Buffer.from(SYSLOG_EVENT),
    {
      reason: 'mapping',
      status: 400,
      index: 'logs-sentinel.syslog-default',
      eventId: 'spool1-7',
      errorType: 'document_parsing_exception',
      errorMessage: 'failed to parse field [source.port] of type [long]',
    },
    'default',
    new Date('2026-02-03T04:05:06.000Z'),
  )
  const [action, line] = doc.bytes.toString().split('\n')
  assert.deepEqual(JSON.parse(action ?? ''), {
    create: { _index: 'logs-sentinel.deadletter-default', _id: 'spool1-7' },
  })
  const document = JSON.parse(line ?? '') as Record<string, Record<string, unknown>>
  assert.equal(document['@timestamp'], '2026-02-03T04:05:06.000Z')
  assert.equal(document.event?.original, SYSLOG_EVENT)
  assert.deepEqual(document.error, {
    type: 'document_parsing_exception',
    message: 'failed to parse field [source.port] of type [long]',
  })
  assert.deepEqual(document.sentinel?.deadletter, {
    reason: 'mapping',
    status: 400,
    index: 'logs-sentinel.syslog-default',
    event_id: 'spool1-7',
  })
  assert.deepEqual(document.data_stream, {
    type: 'logs',
    dataset: 'sentinel.deadletter',
    namespace: 'default',
  })
})

test('encoder: a bulk body is the events back to back, NDJSON ending in a newline', () => {
  const body = bulkBody([encoded(SYSLOG_EVENT, 1), encoded(SYSLOG_EVENT, 2)]).toString()
  const lines = body.split('\n')
  assert.equal(lines.length, 5)
  assert.ok(body.endsWith('\n'))
  assert.deepEqual(
    lines
      .filter((_, i) => i % 2 === 0 && i < 4)
      .map((l) => (JSON.parse(l) as { create: { _id: string } }).create._id),
    ['spool1-1', 'spool1-2'],
  )
})
