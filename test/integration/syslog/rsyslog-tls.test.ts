/**
 * @module rsyslog (real relay, gtls driver) → the collector's TLS listener, octet-counted
 * RFC 5424 (RFC 5425 + RFC 6587), server-authenticated and mutual TLS. Messages enter rsyslog
 * through its unix socket with util-linux `logger -u`.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { describe, test } from 'node:test'
import {
  runLogger,
  startCollector,
  startRsyslogForwarder,
  tlsMaterial,
  waitFor,
  deferInReverse,
  type CollectorHandle,
  type TlsMaterial,
} from '../../harness/index.js'

/** rsyslog stamps locally received messages with the short host name. */
const SHORT_HOST = hostname().split('.')[0] ?? hostname()

async function tlsCollector(tls: TlsMaterial, verifyClient: boolean): Promise<CollectorHandle> {
  return startCollector({
    sources: {
      syslog_tls: {
        type: 'syslog',
        protocol: 'tls',
        tls: {
          cert_file: tls.serverCert,
          key_file: tls.serverKey,
          ca_file: tls.caCert,
          verify_client: verifyClient,
        },
      },
    },
  })
}

async function eventsWith(collector: CollectorHandle, marker: string, count: number) {
  return waitFor(
    async () => {
      const found = await collector.events({ q: marker, limit: 1000 })
      return found.length >= count ? found : undefined
    },
    { description: `${count} event(s) containing ${marker}`, timeoutMs: 20_000 },
  )
}

describe('rsyslog → collector over TLS', () => {
  test('a relayed message arrives with its syslog fields and transport tls', async (t) => {
    const tls = await tlsMaterial()
    const collector = await tlsCollector(tls, false)
    const defer = deferInReverse(t)
    defer(async () => assert.equal((await collector.stop()).code, 0, 'collector stops gracefully'))
    const relay = await startRsyslogForwarder({
      transport: 'tls',
      target: { port: collector.port('syslog_tls') },
      tls: { caFile: tls.caCert, permittedPeer: 'localhost' },
    })
    defer(() => relay.stop())

    const marker = `m-${randomUUID()}`
    const text = `%LINEPROTO-5-UPDOWN: ${marker} Interface Gi0/1 changed state to down`
    await runLogger(['-u', relay.setup.socketPath, '-t', 'switch-7', '-p', 'local0.warning', text])

    const [only, ...rest] = await eventsWith(collector, marker, 1)
    assert.equal(rest.length, 0)
    assert.ok(only)
    const { event } = only
    assert.equal(event.message, text)
    assert.equal(event.sentinel?.transport, 'tls')
    assert.equal(event.sentinel?.source_id, 'syslog_tls')
    assert.equal(event.sentinel?.format, 'rfc5424')
    assert.equal(event.event?.kind, 'event')
    assert.equal(event.log?.syslog?.appname, 'switch-7')
    assert.equal(event.log?.syslog?.priority, 132)
    assert.deepEqual(event.log?.syslog?.facility, { code: 16, name: 'local0' })
    assert.deepEqual(event.log?.syslog?.severity, { code: 4, name: 'warning' })
    assert.equal(event.log?.syslog?.hostname, SHORT_HOST)
    assert.equal(event.host?.name, SHORT_HOST)
    // Octet counting delimits the frame: nothing of the framing leaks into the original.
    assert.match(event.event?.original ?? '', /^<132>1 \S+ \S+ switch-7 - - - %LINEPROTO/)
    assert.ok(event.event?.original?.endsWith(text))
  })

  test('a burst through one TLS connection arrives complete and in order', async (t) => {
    const tls = await tlsMaterial()
    const collector = await tlsCollector(tls, false)
    const defer = deferInReverse(t)
    defer(async () => assert.equal((await collector.stop()).code, 0, 'collector stops gracefully'))
    const relay = await startRsyslogForwarder({
      transport: 'tls',
      target: { port: collector.port('syslog_tls') },
      tls: { caFile: tls.caCert },
    })
    defer(() => relay.stop())

    const marker = `m-${randomUUID()}`
    // Embedded newlines would split a newline-framed stream; octet counting keeps each message whole.
    const lines = Array.from({ length: 200 }, (_, i) => `${marker} seq=${String(i).padStart(4, '0')}`)
    await runLogger(['-u', relay.setup.socketPath, '-t', 'burst'], { input: `${lines.join('\n')}\n` })

    const events = await eventsWith(collector, marker, lines.length)
    assert.deepEqual(
      [...events].reverse().map((e) => e.event.message),
      lines,
    )
    assert.ok(events.every((e) => e.event.sentinel?.transport === 'tls'))
    const received = await collector.metric('sentinel_component_received_events_total', {
      component_id: 'syslog_tls',
    })
    assert.equal(received, lines.length)
  })

  test('mutual TLS: a relay presenting a client certificate from the CA is accepted', async (t) => {
    const tls = await tlsMaterial()
    const collector = await tlsCollector(tls, true)
    const defer = deferInReverse(t)
    defer(async () => assert.equal((await collector.stop()).code, 0, 'collector stops gracefully'))
    const relay = await startRsyslogForwarder({
      transport: 'tls',
      target: { port: collector.port('syslog_tls') },
      tls: { caFile: tls.caCert, clientCert: tls.clientCert, clientKey: tls.clientKey },
    })
    defer(() => relay.stop())

    const marker = `m-${randomUUID()}`
    await runLogger([
      '-u',
      relay.setup.socketPath,
      '-t',
      'mtls-app',
      '-p',
      'auth.err',
      `login failure ${marker}`,
    ])
    const [only] = await eventsWith(collector, marker, 1)
    assert.equal(only?.event.message, `login failure ${marker}`)
    assert.equal(only?.event.sentinel?.transport, 'tls')
    assert.deepEqual(only?.event.log?.syslog?.facility, { code: 4, name: 'auth' })
    assert.deepEqual(only?.event.log?.syslog?.severity, { code: 3, name: 'error' })
  })
})
