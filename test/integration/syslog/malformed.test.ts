/**
 * @module Malformed input over TCP (garbage bytes, invalid UTF-8, broken PRI parts) reaches the
 * collector's spool as `pipeline_error` events that keep `event.original`; the metrics show that
 * nothing was dropped.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import {
  octetFrame,
  startCollector,
  waitFor,
  type ApiEvent,
  type CollectorHandle,
} from '../../harness/index.js'

let collector: CollectorHandle

before(async () => {
  collector = await startCollector({
    sources: {
      syslog_tcp: { type: 'syslog', protocol: 'tcp', timezone: 'UTC' },
      syslog_tcp_octets: { type: 'syslog', protocol: 'tcp', framing: 'octet_counting' },
    },
  })
})

after(async () => {
  const status = await collector?.stop()
  assert.equal(status?.code, 0, `collector exit status ${JSON.stringify(status)}`)
})

/** Write `data` on one TCP connection and close it cleanly. */
function sendTcp(port: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(data))
    socket.once('error', reject)
    socket.once('close', () => resolve())
  })
}

async function eventsFrom(sourceId: string, count: number): Promise<ApiEvent[]> {
  return waitFor(
    async () => {
      const found = await collector.events({ source_id: sourceId, limit: 1000 })
      return found.length >= count ? found : undefined
    },
    { description: `${count} events from ${sourceId}` },
  )
}

/** Everything received (all sources) reached the spool, and nothing was discarded. */
async function assertNothingDropped(): Promise<void> {
  const counts = async () => {
    const samples = await collector.samples()
    const sum = (name: string) => samples.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0)
    return {
      received: sum('sentinel_component_received_events_total'),
      appended: sum('sentinel_spool_appended_events_total'),
      discarded: sum('sentinel_component_discarded_events_total'),
    }
  }
  // Counters are emitted per batch: give the last batch's update a bounded moment to land.
  const settled = await waitFor(
    async () => {
      const c = await counts()
      return c.received > 0 && c.appended === c.received ? c : undefined
    },
    { description: 'spool appended = received', timeoutMs: 5_000 },
  ).catch(async () => counts())
  assert.equal(settled.appended, settled.received, JSON.stringify(settled))
  assert.equal(settled.discarded, 0, JSON.stringify(settled))
}

const mark = randomUUID()

/**
 * Malformed frames, each carrying the marker where the format allows any text. `kind` is what the
 * parser makes of it: a broken PRI or header is a `pipeline_error` with a coded reason; a frame
 * with no PRI at all is, per RFC 3164 §4.3.3, a user.notice message whose whole text is MSG.
 * Either way the event keeps `event.original` and, for invalid UTF-8, the exact bytes.
 * (No NUL bytes here: in newline framing NUL ends a frame, RFC 6587 §3.4.2.)
 */
const MALFORMED: { name: string; bytes: Buffer; kind: 'pipeline_error' | 'event'; code?: RegExp }[] = [
  {
    name: 'garbage bytes, invalid UTF-8, no PRI',
    bytes: Buffer.concat([
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from(` garbage ${mark}-1 `),
      Buffer.from([0xc3, 0x28, 0x80]),
    ]),
    kind: 'event',
  },
  {
    name: 'PRI out of range',
    bytes: Buffer.from(`<999>1 2026-01-01T00:00:00Z host app - - - ${mark}-2`),
    kind: 'pipeline_error',
    code: /^SNT_PARSE_PRI$/,
  },
  {
    name: 'PRI never closed',
    bytes: Buffer.from(`<13 ${mark}-3 unterminated`),
    kind: 'pipeline_error',
    code: /^SNT_PARSE_PRI$/,
  },
  {
    name: 'PRI without digits',
    bytes: Buffer.from(`<abc> ${mark}-4`),
    kind: 'pipeline_error',
    code: /^SNT_PARSE_PRI$/,
  },
  {
    name: 'control bytes and invalid UTF-8 in an RFC 5424 header',
    bytes: Buffer.concat([
      Buffer.from('<13>1 \x01\x02'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from(` host app - - - ${mark}-5`),
    ]),
    kind: 'pipeline_error',
    code: /^SNT_PARSE_(RFC5424_HEADER|TIMESTAMP)$/,
  },
]

function isValidUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)
}

describe('malformed syslog over TCP', () => {
  test('newline-framed garbage: broken PRI/header become pipeline_error events, all keep event.original; none dropped', async () => {
    const valid = Buffer.from(`<134>1 2026-01-01T00:00:00Z host app - - - control ${mark}`)
    const stream = Buffer.concat(
      [valid, ...MALFORMED.map((m) => m.bytes)].flatMap((b) => [b, Buffer.from('\n')]),
    )
    await sendTcp(collector.port('syslog_tcp'), stream)

    const total = MALFORMED.length + 1
    const events = await eventsFrom('syslog_tcp', total)
    const summary = events.map((e) => [e.event.event?.kind, e.event.error?.code, e.event.event?.original])
    assert.equal(events.length, total, JSON.stringify(summary))
    const oldestFirst = [...events].reverse()
    assert.equal(oldestFirst[0]?.event.event?.kind, 'event')
    assert.equal(oldestFirst[0]?.event.message, `control ${mark}`)

    for (const [i, m] of MALFORMED.entries()) {
      const event = oldestFirst[i + 1]?.event
      assert.ok(event, m.name)
      assert.equal(event.event?.kind, m.kind, `${m.name}: ${JSON.stringify(event)}`)
      if (m.code) {
        assert.match(event.error?.code ?? '', m.code, m.name)
        assert.ok(event.error?.message, `${m.name}: error.message set`)
      } else {
        assert.equal(event.error, undefined, m.name)
        assert.equal(event.log?.syslog?.priority, 13, `${m.name}: RFC 3164 4.3.3 default PRI`)
      }
      // event.original keeps the text (invalid bytes decode to U+FFFD); the exact bytes are kept too.
      assert.equal(event.event?.original, m.bytes.toString('utf8'), m.name)
      const base64 = (event.sentinel as { original_base64?: string } | undefined)?.original_base64
      if (isValidUtf8(m.bytes)) assert.equal(base64, undefined, m.name)
      else assert.deepEqual(Buffer.from(base64 ?? '', 'base64'), m.bytes, `${m.name}: exact bytes kept`)
      assert.equal(event.sentinel?.transport, 'tcp')
    }

    const received = await collector.metric('sentinel_component_received_events_total', {
      component_id: 'syslog_tcp',
    })
    assert.equal(received, total)
    await assertNothingDropped()
  })

  test('octet-counted frames with newlines and NULs inside stay whole, one event each', async () => {
    const frames = [
      Buffer.from(`<13>1 - - - - - - first line\nsecond line ${mark}-o1`),
      Buffer.concat([Buffer.from('<14>'), Buffer.from([0x00, 0x00, 0xff, 0x0a]), Buffer.from(` ${mark}-o2`)]),
      Buffer.from(`<500>1 - - - - - - bad pri\n${mark}-o3`),
      Buffer.from(`<13>1 - - - - - - fine ${mark}-o4`),
    ]
    await sendTcp(collector.port('syslog_tcp_octets'), Buffer.concat(frames.map((f) => octetFrame(f))))
    const events = await eventsFrom('syslog_tcp_octets', frames.length)
    const summary = events.map((e) => [e.event.event?.kind, e.event.error?.code, e.event.event?.original])
    assert.equal(events.length, frames.length, JSON.stringify(summary))
    const [first, second, third, fourth] = [...events].reverse().map((e) => e.event)
    assert.equal(first?.event?.kind, 'event', JSON.stringify(summary))
    assert.equal(first?.message, `first line\nsecond line ${mark}-o1`)
    // A PRI followed by NULs and invalid UTF-8: one event, the exact bytes kept.
    assert.equal(second?.event?.original, frames[1]?.toString('utf8'))
    assert.deepEqual(
      Buffer.from(
        (second?.sentinel as { original_base64?: string } | undefined)?.original_base64 ?? '',
        'base64',
      ),
      frames[1],
    )
    assert.equal(third?.event?.kind, 'pipeline_error')
    assert.equal(third?.error?.code, 'SNT_PARSE_PRI')
    assert.equal(third?.event?.original, frames[2]?.toString('utf8'))
    // A well-formed frame after the bad ones still parses.
    assert.equal(fourth?.event?.kind, 'event')
    assert.equal(fourth?.message, `fine ${mark}-o4`)

    const received = await collector.metric('sentinel_component_received_events_total', {
      component_id: 'syslog_tcp_octets',
    })
    assert.equal(received, frames.length)
    await assertNothingDropped()
  })
})
