import assert from 'node:assert/strict'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { after, describe, test } from 'node:test'
import type { Source } from '../source.js'
import {
  metricValue,
  RecordingLogger,
  RecordingPort,
  syslogConfig,
  testMetrics,
} from './test-support/recording-port.js'
import { createSyslogSource } from './source.js'

const open: Source[] = []
const clients: Socket[] = []
after(async () => {
  for (const client of clients) client.destroy()
  await Promise.all(open.map((source) => source.stop()))
})

async function startTcp(overrides: Parameters<typeof syslogConfig>[0] = {}, port = new RecordingPort()) {
  const metrics = testMetrics()
  const logger = new RecordingLogger()
  const source = createSyslogSource('syslog_tcp', syslogConfig({ listen: 'tcp:127.0.0.1:0', ...overrides }), {
    port,
    metrics,
    logger,
  })
  await source.start()
  open.push(source)
  const address = source.address()
  assert.ok(address)
  return { source, port, metrics, logger, address }
}

async function client(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' })
  clients.push(socket)
  await once(socket, 'connect')
  return socket
}

const octet = (msg: string) => `${Buffer.byteLength(msg)} ${msg}`
const lines = (n: number, prefix = 'msg') =>
  Array.from({ length: n }, (_, i) => `<13>1 2024-05-01T10:00:00Z fw01 app - - - ${prefix} ${i}`)

/** The kernel receive queue of the collector's end of a loopback connection (/proc/net/tcp). */
function receiveQueue(serverPort: number, clientPort: number): number | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0')
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    if (fields[1]?.endsWith(`:${hex(serverPort)}`) && fields[2]?.endsWith(`:${hex(clientPort)}`)) {
      return Number.parseInt(fields[4]?.split(':')[1] ?? '', 16)
    }
  }
  return undefined
}

describe('TCP syslog listener', { timeout: 30_000 }, () => {
  test('newline-framed messages (syslog-ng network() default), many in one write, batched per read', async () => {
    const { port, metrics, address } = await startTcp()
    const sent = lines(100)
    const socket = await client(address.port)
    socket.write(sent.map((l) => `${l}\n`).join(''))
    await port.waitForRecords(100)
    assert.deepEqual(port.texts(), sent)
    assert.ok(port.batches.length < 100, 'records are pushed per read, not one by one')
    const record = port.records[0]
    assert.equal(record?.peerAddress, '127.0.0.1')
    assert.equal(record?.peerPort, socket.localPort)
    assert.equal(record?.context.transport, 'tcp')
    assert.equal(record?.context.localPort, address.port)
    assert.equal(
      await metricValue(metrics.receivedEvents, { component_id: 'syslog_tcp', transport: 'tcp' }),
      100,
    )
    assert.equal(await metricValue(metrics.connections, { component_id: 'syslog_tcp' }), 1)
  })

  test('octet-counted messages (rsyslog omfwd octet-counted), one split across writes', async () => {
    const { port, address } = await startTcp()
    const sent = lines(3, 'counted')
    const stream = sent.map(octet).join('')
    const socket = await client(address.port)
    socket.setNoDelay(true)
    const cut = stream.length - 20
    await new Promise<void>((resolve) => socket.write(stream.slice(0, cut), () => resolve()))
    socket.write(stream.slice(cut))
    await port.waitForRecords(3)
    assert.deepEqual(port.texts(), sent)
  })

  test('a bad octet count is counted as a framing error and the rest is read as lines', async () => {
    const { port, metrics, address, logger } = await startTcp()
    const socket = await client(address.port)
    socket.write(`${octet('<13>first')}<13>second\n<13>third\n`)
    await port.waitForRecords(3)
    assert.deepEqual(port.texts(), ['<13>first', '<13>second', '<13>third'])
    const labels = { error_type: 'framing', error_code: 'SNT_FRAMING_OCTET_COUNT', stage: 'receiving' }
    assert.equal(await metricValue(metrics.errors, labels), 1)
    assert.ok(
      logger.lines.some((l) => l.level === 'warn' && l.fields['error_code'] === 'SNT_FRAMING_OCTET_COUNT'),
    )
  })

  test('a partial octet-counted frame at close arrives truncated', async () => {
    const { port, address } = await startTcp()
    const socket = await client(address.port)
    socket.end('50 <13>cut short')
    await port.waitForRecords(1)
    assert.deepEqual(
      port.records.map((r) => [r.data.toString(), r.truncated]),
      [['<13>cut short', true]],
    )
  })

  test('backpressure: a full pipeline pauses the connection until it drains, losing nothing', async () => {
    const recording = new RecordingPort()
    recording.full = true
    const { port, metrics, address } = await startTcp({}, recording)
    const socket = await client(address.port)
    socket.write('<13>first\n')
    await port.waitForDrainListener()
    assert.equal(await metricValue(metrics.sourcePaused, { component_id: 'syslog_tcp' }), 1)

    // Far more than the socket buffers hold (~20 MB).
    const sent = lines(20_000, `${'p'.repeat(950)}`)
    socket.write(sent.map((l) => `${l}\n`).join(''))
    // Wait until the kernel holds unread data for the collector's end: it has stopped reading.
    let queued = 0
    for (let i = 0; i < 500 && queued < 65_536; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      queued = receiveQueue(address.port, socket.localPort ?? 0) ?? 0
    }
    assert.ok(queued >= 65_536, `kernel receive queue ${queued}`)
    assert.equal(port.pushesWhileFull, 1, 'nothing was read after the pause')
    assert.equal(port.records.length, 1)
    assert.ok(socket.writableLength > 0, 'the sender is blocked too')

    port.release()
    await port.waitForRecords(1 + sent.length)
    assert.deepEqual(port.texts(), ['<13>first', ...sent])
    assert.equal(await metricValue(metrics.sourcePaused, { component_id: 'syslog_tcp' }), 0)
  })

  test('max_connections refuses the extra connection and counts it', async () => {
    const { port, metrics, address, logger } = await startTcp({ max_connections: 2 })
    const first = await client(address.port)
    const second = await client(address.port)
    first.write('<13>one\n')
    second.write('<13>two\n')
    await port.waitForRecords(2)
    const third = connect({ port: address.port, host: '127.0.0.1' })
    clients.push(third)
    third.on('error', () => {})
    await once(third, 'close')
    const labels = { error_type: 'connection_refused', error_code: 'SNT_SOURCE_MAX_CONNECTIONS' }
    assert.equal(await metricValue(metrics.errors, labels), 1)
    assert.equal(await metricValue(metrics.connections, { component_id: 'syslog_tcp' }), 2)
    assert.ok(logger.lines.some((l) => l.msg === 'Connection refused: the listener is at max_connections.'))
  })

  test('stop() ends connections and emits the frame they left unterminated', async () => {
    const { source, port, metrics, address } = await startTcp()
    const socket = await client(address.port)
    socket.on('end', () => socket.end())
    socket.write('<13>complete\n<13>unterminated')
    await port.waitForRecords(1)
    await source.stop()
    assert.deepEqual(port.texts(), ['<13>complete', '<13>unterminated'])
    assert.equal(await metricValue(metrics.connections, { component_id: 'syslog_tcp' }), 0)
    assert.equal(source.address()?.port, address.port)
  })

  test('a port in use rejects start() with SNT_ERR_LISTEN', async () => {
    const { address } = await startTcp()
    const source = createSyslogSource('dup', syslogConfig({ listen: `tcp:127.0.0.1:${address.port}` }), {
      port: new RecordingPort(),
      metrics: testMetrics(),
      logger: new RecordingLogger(),
    })
    await assert.rejects(source.start(), { code: 'SNT_ERR_LISTEN', message: /EADDRINUSE/ })
  })

  test('a malformed listen string is a config error', () => {
    assert.throws(
      () =>
        createSyslogSource('bad', syslogConfig({ listen: 'sctp:0.0.0.0:1' }), {
          port: new RecordingPort(),
          metrics: testMetrics(),
          logger: new RecordingLogger(),
        }),
      { code: 'SNT_ERR_CONFIG_INVALID' },
    )
  })
})
