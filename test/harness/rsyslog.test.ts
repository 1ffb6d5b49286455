/**
 * @module The harness's rsyslog relay against a plain node TLS/TCP receiver: proves the relay's
 * wire output (octet-counted RFC 5424, TLS with name check, mutual TLS) independently of the
 * collector.
 */
import assert from 'node:assert/strict'
import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { hostname } from 'node:os'
import { describe, test } from 'node:test'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { readFile } from 'node:fs/promises'
import { runLogger } from './syslog-senders.js'
import { startRsyslogForwarder } from './rsyslog.js'
import { tlsMaterial } from './tls.js'
import { waitFor } from './wait-for.js'
import { parsePrometheusText, metricSum } from './prometheus-text.js'

/** Receives bytes on loopback and splits octet-counted frames. */
async function receiver(
  server: Server,
  event: 'connection' | 'secureConnection' = 'connection',
): Promise<{ port: number; frames: string[]; peers: string[]; close: () => Promise<void> }> {
  const frames: string[] = []
  const peers: string[] = []
  const sockets = new Set<Socket>()
  const onConnection = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const peer = (socket as TLSSocket).getPeerCertificate?.()
    if (peer && typeof peer === 'object' && 'subject' in peer && peer.subject)
      peers.push(String(peer.subject.CN))
    let buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        const space = buffer.indexOf(0x20)
        if (space < 0) break
        const length = Number(buffer.subarray(0, space).toString('ascii'))
        if (buffer.length < space + 1 + length) break
        frames.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'))
        buffer = buffer.subarray(space + 1 + length)
      }
    })
    socket.on('error', () => socket.destroy())
  }
  server.on(event, onConnection)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    frames,
    peers,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

const shortHost = hostname().split('.')[0] ?? ''

describe('rsyslog relay (harness)', () => {
  test('forwards over TLS, octet-counted RFC 5424 without a trailing newline', async (t) => {
    const tls = await tlsMaterial()
    const server = createTlsServer({
      cert: await readFile(tls.serverCert),
      key: await readFile(tls.serverKey),
    })
    const rx = await receiver(server, 'secureConnection')
    t.after(() => rx.close())
    const relay = await startRsyslogForwarder({
      transport: 'tls',
      target: { port: rx.port },
      tls: { caFile: tls.caCert },
    })
    t.after(() => relay.stop())
    await runLogger(['-u', relay.setup.socketPath, '-t', 'harness-app', 'hello over tls'])
    const frame = await waitFor(() => rx.frames[0], { description: 'one frame at the TLS receiver' })
    assert.match(
      frame,
      /^<13>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z) (\S+) harness-app - - - hello over tls$/,
    )
    assert.equal(/^<13>1 \S+ (\S+) /.exec(frame)?.[1], shortHost)
  })

  test('presents the client certificate for mutual TLS', async (t) => {
    const tls = await tlsMaterial()
    const server = createTlsServer({
      cert: await readFile(tls.serverCert),
      key: await readFile(tls.serverKey),
      ca: await readFile(tls.caCert),
      requestCert: true,
      rejectUnauthorized: true,
    })
    const rx = await receiver(server, 'secureConnection')
    t.after(() => rx.close())
    const relay = await startRsyslogForwarder({
      transport: 'tls',
      target: { port: rx.port },
      tls: { caFile: tls.caCert, clientCert: tls.clientCert, clientKey: tls.clientKey },
    })
    t.after(() => relay.stop())
    await runLogger(['-u', relay.setup.socketPath, '-t', 'mtls', '-p', 'local0.warning', 'mutual'])
    const frame = await waitFor(() => rx.frames[0], { description: 'one frame at the mTLS receiver' })
    assert.match(frame, /^<132>1 \S+ \S+ mtls - - - mutual$/)
    assert.deepEqual(rx.peers, [tls.clientCommonName])
  })

  test('forwards plain TCP and accepts on its own TCP input', async (t) => {
    const rx = await receiver(createTcpServer())
    t.after(() => rx.close())
    const relay = await startRsyslogForwarder({ transport: 'tcp', target: { port: rx.port }, tcpInput: true })
    t.after(() => relay.stop())
    const inputPort = relay.setup.tcpInputPort
    assert.ok(inputPort)
    await runLogger(['-u', relay.setup.socketPath, '-t', 'a1', 'via socket'])
    await runLogger([
      '--rfc5424',
      '-n',
      '127.0.0.1',
      '-P',
      String(inputPort),
      '-T',
      '-t',
      'a2',
      '--msgid',
      'M7',
      'via tcp',
    ])
    await waitFor(() => rx.frames.length >= 2 || undefined, { description: 'two frames at the TCP receiver' })
    assert.match(rx.frames[0] ?? '', /^<13>1 \S+ \S+ a1 - - - via socket$/)
    assert.match(
      rx.frames[1] ?? '',
      /^<13>1 \S+ \S+ a2 - M7 \[timeQuality tzKnown="1" isSynced="\d"( syncAccuracy="\d+")?\] via tcp$/,
    )
  })
})

describe('prometheus text reader', () => {
  test('sums labelled samples and skips comments', () => {
    const text = [
      '# HELP x_total a counter',
      '# TYPE x_total counter',
      'x_total{component_id="a",transport="tcp"} 3',
      'x_total{component_id="b",transport="udp"} 4',
      'x_total{component_id="a",transport="udp"} 5 1700000000000',
      'y 1.5e3',
    ].join('\n')
    const samples = parsePrometheusText(text)
    assert.equal(samples.length, 4)
    assert.equal(metricSum(samples, 'x_total', { component_id: 'a' }), 8)
    assert.equal(metricSum(samples, 'x_total'), 12)
    assert.equal(metricSum(samples, 'y'), 1500)
    assert.equal(metricSum(samples, 'missing'), 0)
  })
})
