import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  bulkBody,
  dataStreamName,
  encodeDeadletter,
  encodeEvent,
  normaliseDataset,
  scanEventJson,
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

describe('scanEventJson: event.dataset and top-level keys without parsing', () => {
  test('agrees with JSON.parse on arbitrary objects whenever it claims the payload is simple', () => {
    const withEvent = fc.record(
      {
        event: fc.record({ dataset: fc.string(), kind: fc.string() }, { requiredKeys: [] }),
        data_stream: fc.object(),
        message: fc.string(),
        sentinel: fc.object(),
      },
      { requiredKeys: [] },
    )
    let checked = 0
    fc.assert(
      fc.property(fc.oneof(withEvent, fc.object()), (value) => {
        const json = JSON.stringify(value)
        // Compare with what the JSON says (JSON.stringify drops undefined members).
        const object = JSON.parse(json) as Record<string, unknown>
        const scan = scanEventJson(Buffer.from(json))
        if (!scan.simple) return
        checked++
        const event = object.event as { dataset?: unknown } | undefined
        assert.equal(scan.keys, Object.keys(object).length)
        assert.equal(scan.hasDataStream, 'data_stream' in object)
        assert.equal(scan.dataset, typeof event?.dataset === 'string' ? event.dataset : undefined)
      }),
      { numRuns: 2000 },
    )
    assert.ok(checked > 1000, `only ${checked} of 2000 payloads took the fast path`)
  })

  test('ignores dataset keys outside event and look-alikes inside strings', () => {
    const payload = {
      '@timestamp': '2026-01-01T00:00:00.000Z',
      event: { kind: 'event', original: '{"dataset":"evil"}', dataset: 'sentinel.syslog' },
      sentinel: { extensions: { dataset: 'other', event: { dataset: 'nested' } } },
    }
    const scan = scanEventJson(Buffer.from(JSON.stringify(payload)))
    assert.deepEqual(scan, { simple: true, keys: 3, hasDataStream: false, dataset: 'sentinel.syslog' })
  })

  test('escaped datasets, raw newlines and truncated JSON are left to the slow path', () => {
    assert.equal(scanEventJson(Buffer.from(JSON.stringify({ event: { dataset: 'a"b' } }))).simple, false)
    assert.equal(scanEventJson(Buffer.from('{"event":{"dataset":"x"},\n"a":1}')).simple, false)
    assert.equal(scanEventJson(Buffer.from('{"event":{"dataset":"x"}')).simple, false)
    assert.equal(scanEventJson(Buffer.from('[1,2]')).simple, false)
  })

  test('the fast path produces the same document as parsing and re-serialising', () => {
    const event = {
      '@timestamp': '2026-01-01T00:00:00.000Z',
      event: { kind: 'event', dataset: 'sentinel.syslog', original: '<13>1 - h a - - [x@1 k="v\\"w"] m' },
      message: 'm',
    }
    const record = { seq: 3, payload: Buffer.from(JSON.stringify(event)) }
    const encoded = encodeEvent(record, 'spool1', 'default')
    assert.ok('bytes' in encoded)
    const [action, document] = encoded.bytes.toString().trimEnd().split('\n')
    assert.deepEqual(JSON.parse(action ?? ''), {
      create: { _index: 'logs-sentinel.syslog-default', _id: 'spool1-3' },
    })
    assert.deepEqual(JSON.parse(document ?? ''), {
      ...event,
      data_stream: { type: 'logs', dataset: 'sentinel.syslog', namespace: 'default' },
    })
  })
})

test('encoder: polled SNMP metric documents go to metrics-sentinel.snmp-<namespace> (fast and slow path)', () => {
  const doc =
    '{"@timestamp":"2026-01-01T00:00:00.000Z","event":{"kind":"metric","dataset":"sentinel.snmp"},"host":{"name":"r1"},"sentinel":{"snmp":{"metrics":{"ifHCInOctets":5}}}}'
  assert.equal(scanEventJson(Buffer.from(doc)).simple, true, 'the fast path applies')
  const fast = encoded(doc)
  assert.equal(fast.index, 'metrics-sentinel.snmp-default')
  const [action, document] = fast.bytes.toString().split('\n')
  assert.deepEqual(JSON.parse(action ?? ''), {
    create: { _index: 'metrics-sentinel.snmp-default', _id: 'spool1-7' },
  })
  assert.deepEqual(JSON.parse(document ?? '').data_stream, {
    type: 'metrics',
    dataset: 'sentinel.snmp',
    namespace: 'default',
  })
  // A payload the scanner leaves to JSON.parse (pretty-printed) takes the slow path, same target.
  const slow = encoded(JSON.stringify(JSON.parse(doc), null, 2))
  assert.equal(slow.index, 'metrics-sentinel.snmp-default')
  assert.equal(JSON.parse(slow.bytes.toString().split('\n')[1] ?? '').data_stream.type, 'metrics')
  // Traps stay logs.
  assert.equal(dataStreamName('sentinel.snmp_trap', 'default'), 'logs-sentinel.snmp_trap-default')
})
