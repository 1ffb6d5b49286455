/**
 * @module util-linux `logger` → the collector's UDP and TCP syslog listeners (real sender, real
 * collector process): RFC 3164 and RFC 5424, newline and octet-counted framing, and the ECS fields
 * each arrives with. What logger sends is in shared/SERVICES.md §3.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { after, before, describe, test } from 'node:test'
import {
  runLogger,
  startCollector,
  waitFor,
  type ApiEvent,
  type CollectorHandle,
} from '../../harness/index.js'

const FULL_HOST = hostname()
/** logger writes the short name in RFC 3164 headers and the full one in RFC 5424. */
const SHORT_HOST = FULL_HOST.split('.')[0] ?? FULL_HOST

let collector: CollectorHandle

before(async () => {
  collector = await startCollector({
    sources: {
      syslog_udp: { type: 'syslog', protocol: 'udp', format: 'auto', timezone: 'UTC' },
      syslog_tcp: { type: 'syslog', protocol: 'tcp', timezone: 'UTC' },
    },
  })
})

after(async () => {
  const status = await collector?.stop()
  assert.equal(status?.code, 0, `collector exit status ${JSON.stringify(status)}`)
})

/** Wait for the one event whose message contains `marker`. */
async function eventWith(marker: string): Promise<ApiEvent> {
  return waitFor(
    async () => {
      const events = await collector.events({ q: marker, limit: 10 })
      return events.length > 0 ? events : undefined
    },
    { description: `an event containing ${marker}`, timeoutMs: 15_000 },
  ).then((events) => {
    assert.equal(events.length, 1, `exactly one event for ${marker}: ${JSON.stringify(events)}`)
    const [first] = events
    assert.ok(first)
    return first
  })
}

/** Within ten minutes of now: the stamp is the sender's, in the right zone. */
function assertRecent(timestamp: string | undefined): void {
  assert.ok(timestamp, '@timestamp set')
  const skew = Math.abs(Date.parse(timestamp) - Date.now())
  assert.ok(skew < 10 * 60_000, `@timestamp ${timestamp} is ${skew} ms from now`)
}

interface Case {
  name: string
  format: 'rfc5424' | 'rfc3164'
  transport: 'udp' | 'tcp'
  /** logger options selecting transport and framing. */
  framing: string[]
}

const CASES: Case[] = [
  { name: 'RFC 5424 over UDP', format: 'rfc5424', transport: 'udp', framing: ['-d'] },
  { name: 'RFC 3164 over UDP', format: 'rfc3164', transport: 'udp', framing: ['-d'] },
  { name: 'RFC 5424 over TCP, newline-framed', format: 'rfc5424', transport: 'tcp', framing: ['-T'] },
  { name: 'RFC 3164 over TCP, newline-framed', format: 'rfc3164', transport: 'tcp', framing: ['-T'] },
  {
    name: 'RFC 5424 over TCP, octet-counted',
    format: 'rfc5424',
    transport: 'tcp',
    framing: ['-T', '--octet-count'],
  },
  {
    name: 'RFC 3164 over TCP, octet-counted',
    format: 'rfc3164',
    transport: 'tcp',
    framing: ['-T', '--octet-count'],
  },
]

describe('logger → collector', () => {
  for (const c of CASES) {
    test(`${c.name}: appname, procid, facility/severity, hostname and text arrive`, async () => {
      const marker = `m-${randomUUID()}`
      const text = `link ${marker} changed state to down`
      const sourceId = c.transport === 'udp' ? 'syslog_udp' : 'syslog_tcp'
      const args = [`--${c.format}`, '-n', '127.0.0.1', '-P', String(collector.port(sourceId)), ...c.framing]
      args.push('-t', 'sentinel-it', '-p', 'local0.warning', '--id=4242')
      if (c.format === 'rfc5424') args.push('--msgid', 'IFDOWN')
      await runLogger([...args, text], { env: { TZ: 'UTC' } })

      const { event, id, seq } = await eventWith(marker)
      assert.match(id, /^.+-\d+$/)
      assert.equal(typeof seq, 'number')
      assert.equal(event.message, text)
      assert.equal(event.event?.kind, 'event')
      assert.equal(event.sentinel?.source_id, sourceId)
      assert.equal(event.sentinel?.transport, c.transport)
      assert.equal(event.sentinel?.format, c.format)
      const syslog = event.log?.syslog
      assert.equal(syslog?.appname, 'sentinel-it')
      assert.equal(syslog?.procid, '4242')
      assert.equal(syslog?.priority, 132)
      assert.deepEqual(syslog?.facility, { code: 16, name: 'local0' })
      assert.deepEqual(syslog?.severity, { code: 4, name: 'warning' })
      assert.equal(event.log?.level, 'warning')
      const expectedHost = c.format === 'rfc5424' ? FULL_HOST : SHORT_HOST
      assert.equal(syslog?.hostname, expectedHost)
      assert.equal(event.host?.name, expectedHost)
      assertRecent(event['@timestamp'])
      // event.original is the frame without transport framing: no octet count, no newline.
      const original = event.event?.original ?? ''
      assert.ok(original.startsWith(c.format === 'rfc5424' ? '<132>1 ' : '<132>'), original)
      assert.ok(original.endsWith(text), original)
      if (c.format === 'rfc5424') {
        assert.equal(syslog?.msgid, 'IFDOWN')
        const timeQuality = syslog?.structured_data?.timeQuality
        assert.equal(timeQuality?.tzKnown, '1')
        assert.match(timeQuality?.isSynced ?? '', /^[01]$/)
      } else {
        assert.match(
          original,
          new RegExp(
            `^<132>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ${SHORT_HOST} sentinel-it\\[4242\\]: `,
          ),
        )
      }
    })
  }

  test('no -p gives PRI 13: facility user, severity notice', async () => {
    const marker = `m-${randomUUID()}`
    await runLogger([
      '--rfc5424',
      '-n',
      '127.0.0.1',
      '-P',
      String(collector.port('syslog_udp')),
      '-d',
      '-t',
      'plain',
      marker,
    ])
    const { event } = await eventWith(marker)
    assert.equal(event.log?.syslog?.priority, 13)
    assert.deepEqual(event.log?.syslog?.facility, { code: 1, name: 'user' })
    assert.deepEqual(event.log?.syslog?.severity, { code: 5, name: 'notice' })
    assert.equal(event.log?.syslog?.procid, undefined)
    assert.equal(event.log?.syslog?.msgid, undefined)
  })

  test('several lines over one TCP connection arrive as separate events, in order', async () => {
    const marker = `m-${randomUUID()}`
    const lines = Array.from({ length: 20 }, (_, i) => `${marker} line ${i}`)
    await runLogger(
      [
        '--rfc5424',
        '-n',
        '127.0.0.1',
        '-P',
        String(collector.port('syslog_tcp')),
        '-T',
        '--octet-count',
        '-t',
        'batch',
      ],
      {
        input: `${lines.join('\n')}\n`,
      },
    )
    const events = await waitFor(
      async () => {
        const found = await collector.events({ q: marker, limit: 100 })
        return found.length >= lines.length ? found : undefined
      },
      { description: `${lines.length} events containing ${marker}` },
    )
    assert.equal(events.length, lines.length)
    // Newest first: reverse to sending order; spool sequence numbers increase with it.
    const oldestFirst = [...events].reverse()
    assert.deepEqual(
      oldestFirst.map((e) => e.event.message),
      lines,
    )
    for (let i = 1; i < oldestFirst.length; i++)
      assert.ok((oldestFirst[i]?.seq ?? 0) > (oldestFirst[i - 1]?.seq ?? 0))
  })
})
