import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createSocket, type Socket } from 'node:dgram'
import { after, describe, test } from 'node:test'
import type { Source } from '../source.js'
import { readProcFile } from '../kernel-drops.js'
import {
  metricValue,
  RecordingLogger,
  RecordingPort,
  syslogConfig,
  testMetrics,
} from './test-support/recording-port.js'
import { createSyslogSource, type SyslogSource } from './source.js'

const open: Source[] = []
const senders: Socket[] = []
after(async () => {
  for (const sender of senders) sender.close()
  await Promise.all(open.map((source) => source.stop()))
})

async function startUdp(overrides: Parameters<typeof syslogConfig>[0] = {}) {
  const port = new RecordingPort()
  const metrics = testMetrics()
  const logger = new RecordingLogger()
  const source: SyslogSource = createSyslogSource(
    'syslog_udp',
    syslogConfig({ listen: 'udp:127.0.0.1:0', ...overrides }),
    { port, metrics, logger },
  )
  await source.start()
  open.push(source)
  const address = source.address()
  assert.ok(address)
  return { source, port, metrics, logger, address }
}

async function sender(): Promise<Socket> {
  const socket = createSocket('udp4')
  senders.push(socket)
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return socket
}

function send(socket: Socket, port: number, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(data, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
  )
}

describe('UDP syslog listener', { timeout: 20_000 }, () => {
  test('each datagram becomes one record with the peer, trimmed of its newline (util-linux logger)', async () => {
    const { port, metrics, address } = await startUdp()
    const client = await sender()
    await send(client, address.port, '<13>May  1 10:00:00 host1 app: first\n')
    await send(client, address.port, '<13>May  1 10:00:01 host1 app: second\r\n\0')
    await port.waitForRecords(2)
    assert.deepEqual(port.texts(), [
      '<13>May  1 10:00:00 host1 app: first',
      '<13>May  1 10:00:01 host1 app: second',
    ])
    const [record] = port.records
    assert.equal(record?.peerAddress, '127.0.0.1')
    assert.equal(record?.peerPort, client.address().port)
    assert.equal(record?.truncated, false)
    assert.deepEqual(record?.context, {
      sourceId: 'syslog_udp',
      transport: 'udp',
      format: 'auto',
      timezone: 'UTC',
      localPort: address.port,
    })
    assert.equal(port.records[0]?.context, port.records[1]?.context, 'one shared context per listener')
    // Datagrams read in one event-loop turn share a batch: one or two batches, never an empty one.
    assert.ok(port.batches.length >= 1 && port.batches.length <= 2)
    assert.ok(port.batches.every((b) => b.length > 0))
    assert.equal(
      await metricValue(metrics.receivedEvents, { component_id: 'syslog_udp', transport: 'udp' }),
      2,
    )
  })

  test('the real logger --octet-count sends a prefix that is stripped', async (t) => {
    const { port, address } = await startUdp()
    try {
      execFileSync('logger', [
        '--udp',
        '--octet-count',
        '-n',
        '127.0.0.1',
        '-P',
        String(address.port),
        '--rfc5424',
        '-t',
        'app',
        'counted',
      ])
    } catch {
      return t.skip('util-linux logger is not available')
    }
    await port.waitForRecords(1)
    const text = port.texts()[0] ?? ''
    assert.match(text, /^<\d+>1 /)
    assert.match(text, /app .* counted$/)
  })

  test('a datagram longer than max_length is cut and flagged', async () => {
    const { port, address } = await startUdp({ max_length: 64 })
    await send(await sender(), address.port, `<13>${'x'.repeat(200)}`)
    await port.waitForRecords(1)
    assert.equal(port.records[0]?.data.length, 64)
    assert.equal(port.records[0]?.truncated, true)
  })

  test('while the pipeline is full datagrams are dropped and counted', async () => {
    const { port, metrics, address, logger } = await startUdp()
    const client = await sender()
    port.full = true
    for (let i = 0; i < 3; i++) await send(client, address.port, `<13>dropped ${i}`)
    await port.waitForFullAnswers(3)
    // Drops are counted and logged once per event-loop turn, after the turn's datagrams.
    await new Promise((resolve) => setImmediate(resolve))
    assert.ok(logger.lines.some((l) => l.msg === 'Pipeline is full; dropping UDP datagrams until it drains.'))
    port.full = false
    await send(client, address.port, '<13>kept')
    await port.waitForRecords(1)
    assert.deepEqual(port.texts(), ['<13>kept'])
    const labels = { component_id: 'syslog_udp', reason: 'pipeline_full', intentional: 'false' }
    assert.equal(await metricValue(metrics.discardedEvents, labels), 3)
  })

  test('logs the receive buffer the kernel granted', async () => {
    const { logger } = await startUdp({ receive_buffer_bytes: 65_536 })
    const started = logger.lines.find((l) => l.msg === 'Syslog UDP listener started.')
    assert.equal(typeof started?.fields['receive_buffer_bytes'], 'number')
    assert.equal(started?.fields['requested_receive_buffer_bytes'], 65_536)
  })

  test('live: kernel receive-buffer drops of the listener socket are counted', async (t) => {
    if (readProcFile('/proc/net/udp') === undefined) return t.skip('no /proc/net/udp on this system')
    const { source, metrics, address } = await startUdp({ receive_buffer_bytes: 4096 })
    // A child blasts 2000 datagrams while this event loop is blocked in execFileSync: the small
    // receive buffer overflows and the kernel drops what does not fit.
    const blast = `const s=require('dgram').createSocket('udp4');let n=0;const go=()=>{if(n++===2000)return s.close();s.send('<13>${'y'.repeat(300)}',${address.port},'127.0.0.1',go)};go()`
    execFileSync(process.execPath, ['-e', blast])
    assert.ok(source.collectMetrics, 'the UDP source refreshes pull metrics')
    source.collectMetrics()
    const drops = await metricValue(metrics.udpKernelDrops, { component_id: 'syslog_udp' })
    assert.ok(drops > 0, `expected kernel drops, got ${drops}`)
  })

  test('a port in use rejects start() with SNT_ERR_LISTEN', async () => {
    const { address } = await startUdp()
    const source = createSyslogSource('dup', syslogConfig({ listen: `udp:127.0.0.1:${address.port}` }), {
      port: new RecordingPort(),
      metrics: testMetrics(),
      logger: new RecordingLogger(),
    })
    await assert.rejects(source.start(), { code: 'SNT_ERR_LISTEN', message: /EADDRINUSE/ })
  })
})
