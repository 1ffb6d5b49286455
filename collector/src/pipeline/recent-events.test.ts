import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RecentEvents } from './recent-events.js'

function payload(n: number, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      '@timestamp': new Date(Date.UTC(2026, 10, 21, 10, 0, n)).toISOString(),
      message: `message ${n}`,
      host: { name: n % 2 === 0 ? 'even-host' : 'odd-host' },
      event: { kind: n % 5 === 0 ? 'pipeline_error' : 'event' },
      sentinel: { source_id: n < 5 ? 'udp' : 'tcp' },
      ...extra,
    }),
  )
}

test('keeps only the newest `capacity` events and answers newest first with their seqs', () => {
  const recent = new RecentEvents(4)
  recent.add(
    100,
    [0, 1, 2].map((n) => payload(n)),
  )
  recent.add(
    103,
    [3, 4, 5].map((n) => payload(n)),
  )
  assert.equal(recent.size, 4)
  assert.deepEqual(
    recent.query({}, 10).map((e) => [e.seq, e.event.message]),
    [
      [105, 'message 5'],
      [104, 'message 4'],
      [103, 'message 3'],
      [102, 'message 2'],
    ],
  )
})

test('a batch larger than the window keeps its newest events', () => {
  const recent = new RecentEvents(3)
  recent.add(
    0,
    [0, 1, 2, 3, 4, 5, 6].map((n) => payload(n)),
  )
  assert.deepEqual(
    recent.query({}, 10).map((e) => e.seq),
    [6, 5, 4],
  )
})

test('filters combine, q is a case-insensitive substring, limit caps the answer', () => {
  const recent = new RecentEvents(100)
  recent.add(
    0,
    Array.from({ length: 20 }, (_, n) => payload(n)),
  )
  assert.deepEqual(
    recent.query({ 'host.name': 'even-host', source_id: 'tcp' }, 100).map((e) => e.seq),
    [18, 16, 14, 12, 10, 8, 6],
  )
  assert.deepEqual(
    recent.query({ 'event.kind': 'pipeline_error' }, 2).map((e) => e.seq),
    [15, 10],
  )
  assert.deepEqual(
    recent.query({ q: 'MESSAGE 1' }, 100).map((e) => e.seq),
    [19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1],
  )
  assert.deepEqual(
    recent.query({ sinceMs: Date.UTC(2026, 10, 21, 10, 0, 17) }, 100).map((e) => e.seq),
    [19, 18, 17],
  )
})

test('a zero-capacity window holds nothing', () => {
  const recent = new RecentEvents(0)
  recent.add(0, [payload(1)])
  assert.equal(recent.size, 0)
  assert.deepEqual(recent.query({}, 10), [])
})
