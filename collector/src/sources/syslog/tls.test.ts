import assert from 'node:assert/strict'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type TLSSocket } from 'node:tls'
import { after, before, describe, test } from 'node:test'
import type { Source } from '../source.js'
import type { TlsServerConfig } from './config.js'
import {
  metricValue,
  RecordingLogger,
  RecordingPort,
  syslogConfig,
  testMetrics,
} from './test-support/recording-port.js'
import { tlsMaterial } from '../../../../test/harness/tls.js'
import { createSyslogSource } from './source.js'

let dir = ''
let clientCommonName = ''
const open: Source[] = []
const clients: TLSSocket[] = []

/** The run's throw-away CA, server certificate (localhost, 127.0.0.1) and client certificate. */
before(async () => {
  const material = await tlsMaterial()
  dir = material.dir
  clientCommonName = material.clientCommonName
})

after(async () => {
  for (const client of clients) client.destroy()
  await Promise.all(open.map((source) => source.stop()))
})

const file = (name: string) => join(dir, name)
const octet = (msg: string) => `${Buffer.byteLength(msg)} ${msg}`

async function startTls(tls: Partial<TlsServerConfig> = {}) {
  const port = new RecordingPort()
  const metrics = testMetrics()
  const logger = new RecordingLogger()
  const config = syslogConfig({
    listen: 'tls:127.0.0.1:0',
    tls: { cert_file: file('server.pem'), key_file: file('server.key'), verify_client: false, ...tls },
  })
  const source = createSyslogSource('syslog_tls', config, { port, metrics, logger })
  await source.start()
  open.push(source)
  const address = source.address()
  assert.ok(address)
  return { source, port, metrics, logger, address }
}

async function tlsClient(port: number, withCert: boolean): Promise<TLSSocket> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    ca: readFileSync(file('ca.pem')),
    ...(withCert ? { cert: readFileSync(file('client.pem')), key: readFileSync(file('client.key')) } : {}),
  })
  clients.push(socket)
  await once(socket, 'secureConnect')
  return socket
}

describe('TLS syslog listener (RFC 5425)', { timeout: 30_000 }, () => {
  test('octet-counted frames over TLS arrive as records', async () => {
    const { port, metrics, address } = await startTls()
    const sent = [
      '<165>1 2024-05-01T10:00:00Z fw01 app - ID47 - first',
      '<165>1 2024-05-01T10:00:01Z fw01 app - ID48 - second',
    ]
    const socket = await tlsClient(address.port, false)
    socket.write(sent.map(octet).join(''))
    await port.waitForRecords(2)
    assert.deepEqual(port.texts(), sent)
    assert.equal(port.records[0]?.context.transport, 'tls')
    assert.equal(port.records[0]?.tlsPeer, undefined)
    assert.equal(port.records[0]?.peerAddress, '127.0.0.1')
    assert.equal(
      await metricValue(metrics.receivedEvents, { component_id: 'syslog_tls', transport: 'tls' }),
      2,
    )
  })

  test('mutual TLS: a CA-signed client is accepted and its CN becomes tlsPeer', async () => {
    const { port, address } = await startTls({ ca_file: file('ca.pem'), verify_client: true })
    const socket = await tlsClient(address.port, true)
    socket.write(octet('<13>from a verified device'))
    await port.waitForRecords(1)
    assert.equal(port.records[0]?.tlsPeer, clientCommonName)
  })

  test('mutual TLS: a client without a certificate is rejected and counted', async () => {
    const { port, metrics, logger, address } = await startTls({
      ca_file: file('ca.pem'),
      verify_client: true,
    })
    const socket = connect({ host: '127.0.0.1', port: address.port, ca: readFileSync(file('ca.pem')) })
    clients.push(socket)
    socket.on('error', () => {})
    socket.write(octet('<13>should not arrive'))
    await logger.waitFor('TLS handshake failed.')
    const labels = { error_type: 'tls_handshake', error_code: 'SNT_SOURCE_TLS_HANDSHAKE', stage: 'receiving' }
    assert.equal(await metricValue(metrics.errors, labels), 1)
    assert.equal(port.records.length, 0)
  })

  test('an unreadable certificate file rejects start() with SNT_ERR_TLS_CONFIG', async () => {
    const source = createSyslogSource(
      'syslog_tls',
      syslogConfig({
        listen: 'tls:127.0.0.1:0',
        tls: { cert_file: file('missing.pem'), key_file: file('server.key'), verify_client: false },
      }),
      { port: new RecordingPort(), metrics: testMetrics(), logger: new RecordingLogger() },
    )
    await assert.rejects(source.start(), {
      code: 'SNT_ERR_TLS_CONFIG',
      message: /syslog_tls.*cert_file.*missing\.pem/,
    })
  })

  test('a key that does not match the certificate rejects start() with SNT_ERR_TLS_CONFIG', async () => {
    const source = createSyslogSource(
      'syslog_tls',
      syslogConfig({
        listen: 'tls:127.0.0.1:0',
        tls: { cert_file: file('server.pem'), key_file: file('client.key'), verify_client: false },
      }),
      { port: new RecordingPort(), metrics: testMetrics(), logger: new RecordingLogger() },
    )
    await assert.rejects(source.start(), { code: 'SNT_ERR_TLS_CONFIG' })
  })

  test('verify_client without ca_file is a TLS config error', async () => {
    const source = createSyslogSource(
      'syslog_tls',
      syslogConfig({
        listen: 'tls:127.0.0.1:0',
        tls: { cert_file: file('server.pem'), key_file: file('server.key'), verify_client: true },
      }),
      { port: new RecordingPort(), metrics: testMetrics(), logger: new RecordingLogger() },
    )
    await assert.rejects(source.start(), { code: 'SNT_ERR_TLS_CONFIG', message: /ca_file/ })
  })
})
