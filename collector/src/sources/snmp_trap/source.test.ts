import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { createSocket } from 'node:dgram'
import { after, describe, test } from 'node:test'
import { readProcFile } from '../kernel-drops.js'
import {
  metricValue,
  RecordingLogger,
  RecordingPort,
  testMetrics,
} from '../syslog/test-support/recording-port.js'
import type { RawRecord } from '../../event/raw-record.js'
import type { SnmpTrapSourceConfig } from './config.js'
import type { TrapRecordData } from './encode.js'
import { SnmpTrapSource, type SnmpTrapSourceOptions } from './source.js'

interface TrapSession {
  trap(oid: string, varbinds: object[], callback: (error: Error | null) => void): void
  close(): void
  dgram: { address(): { port: number } }
}
interface NetSnmpForTests {
  createSession(target: string, community: string, options: object): TrapSession
  Version2c: number
  ObjectType: Record<string, number>
}
const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmpForTests

const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3'
const open: SnmpTrapSource[] = []
after(async () => {
  await Promise.all(open.map((source) => source.stop()))
})

async function startTraps(
  overrides: Partial<SnmpTrapSourceConfig> = {},
  options: SnmpTrapSourceOptions = {},
) {
  const port = new RecordingPort()
  const metrics = testMetrics()
  const logger = new RecordingLogger()
  const config: SnmpTrapSourceConfig = {
    type: 'snmp_trap',
    listen: 'udp:127.0.0.1:0',
    communities: ['public'],
    users: [],
    mib_dirs: [],
    ...overrides,
  }
  const source = new SnmpTrapSource('traps', config, { port, metrics, logger }, options)
  await source.start()
  open.push(source)
  const address = source.address()
  assert.ok(address)
  return { source, port, metrics, logger, address }
}

/** Sends one v2c trap with net-snmp's own session; resolves with the sender's local port. */
async function sendTrap(port: number, ifIndex: number, community = 'public'): Promise<number> {
  const session = snmp.createSession('127.0.0.1', community, { version: snmp.Version2c, trapPort: port })
  try {
    await new Promise<void>((resolve, reject) =>
      session.trap(
        LINK_DOWN,
        [{ oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, type: snmp.ObjectType.Integer, value: ifIndex }],
        (error) => (error ? reject(error) : resolve()),
      ),
    )
    return session.dgram.address().port
  } finally {
    session.close()
  }
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const dataOf = (data: Buffer) => JSON.parse(data.toString('utf8')) as TrapRecordData

describe('SNMP trap source', { timeout: 20_000 }, () => {
  test('a v2c trap from net-snmp becomes one record with its context and peer; stop() frees the port', async () => {
    const { source, port, metrics, logger, address } = await startTraps()
    const senderPort = await sendTrap(address.port, 3)
    await port.waitForRecords(1)
    const [record] = port.records
    assert.ok(record)
    assert.deepEqual(record.context, {
      sourceId: 'traps',
      transport: 'udp',
      format: 'snmp_trap',
      timezone: 'UTC',
      localPort: address.port,
    })
    assert.equal(record.peerAddress, '127.0.0.1')
    assert.equal(record.peerPort, senderPort)
    const data = dataOf(record.data)
    assert.equal(data.version, 'v2c')
    assert.equal(data.pdu_type, 'trap')
    // The community is a secret: checked, then dropped before the record (and event.original).
    assert.equal('community' in data, false)
    assert.equal(record.data.includes('public'), false)
    assert.equal(data.trap_oid, LINK_DOWN)
    assert.deepEqual(data.varbinds, [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'Integer', value: 3 }])
    assert.equal(await metricValue(metrics.receivedEvents, { component_id: 'traps', transport: 'udp' }), 1)

    await source.stop()
    assert.ok(logger.lines.some((l) => l.msg === 'SNMP trap listener stopped.'))
    const probe = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.bind(address.port, '127.0.0.1', () => resolve())
    })
    probe.close()
  })

  test('a garbage datagram is counted as SNT_SOURCE_SNMP_DECODE and makes no record', async () => {
    const { port, metrics, address } = await startTraps()
    const sender = createSocket('udp4')
    await new Promise<void>((resolve, reject) =>
      sender.send(Buffer.from('definitely not BER'), address.port, '127.0.0.1', (e) =>
        e ? reject(e) : resolve(),
      ),
    )
    sender.close()
    const labels = { component_id: 'traps', error_type: 'decode', error_code: 'SNT_SOURCE_SNMP_DECODE' }
    await until(async () => (await metricValue(metrics.errors, labels)) === 1, 'the decode error')
    // A good trap after it still arrives, and is the only record.
    await sendTrap(address.port, 4)
    await port.waitForRecords(1)
    assert.equal(port.records.length, 1)
    assert.equal(dataOf((port.records[0] as RawRecord).data).varbinds[0]?.value, 4)
  })

  test('an unknown community is counted as an auth rejection', async () => {
    const { port, metrics, address } = await startTraps()
    await sendTrap(address.port, 5, 'private')
    const labels = { component_id: 'traps', error_type: 'auth', error_code: 'SNT_SOURCE_SNMP_AUTH' }
    await until(async () => (await metricValue(metrics.errors, labels)) === 1, 'the auth rejection')
    assert.equal(port.records.length, 0)
  })

  test('rate_limit_per_source: beyond the burst traps are dropped and counted; time refills', async () => {
    let now = 1_000_000
    const { port, metrics, address } = await startTraps({ rate_limit_per_source: 3 }, { now: () => now })
    for (let i = 1; i <= 7; i++) await sendTrap(address.port, i)
    const limited = { component_id: 'traps', reason: 'rate_limited', intentional: 'true' }
    await until(async () => (await metricValue(metrics.discardedEvents, limited)) === 4, '4 rate-limited')
    assert.deepEqual(
      port.records.map((r) => dataOf(r.data).varbinds[0]?.value),
      [1, 2, 3],
    )
    now += 1_000
    await sendTrap(address.port, 8)
    await port.waitForRecords(4)
    assert.equal(dataOf((port.records[3] as RawRecord).data).varbinds[0]?.value, 8)
    assert.equal(await metricValue(metrics.discardedEvents, limited), 4)
  })

  test('kernel receive drops: the source finds its own /proc/net/udp row and counts increases', async () => {
    let drops = 0
    let rowPort = 0
    const readProc = (path: string): string | undefined =>
      path === '/proc/net/udp'
        ? '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n' +
          ` 7862: 0100007F:${rowPort.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 18812 2 0000000090c4b5a6 ${drops}\n` +
          ' 7863: 0100007F:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 18813 2 0000000090c4b5a7 999\n'
        : undefined
    const placeholder = createSocket('udp4')
    await new Promise<void>((resolve) => placeholder.bind(0, '127.0.0.1', resolve))
    rowPort = placeholder.address().port
    placeholder.close()
    const { source, metrics, logger } = await startTraps({ listen: `udp:127.0.0.1:${rowPort}` }, { readProc })
    assert.ok(!logger.lines.some((l) => l.msg.startsWith('Kernel UDP drop counts are not available')))
    drops = 17
    source.collectMetrics()
    assert.equal(await metricValue(metrics.udpKernelDrops, { component_id: 'traps' }), 17)
    drops = 20
    source.collectMetrics()
    assert.equal(await metricValue(metrics.udpKernelDrops, { component_id: 'traps' }), 20)
  })

  test('live: on Linux the trap socket has a /proc/net/udp row (drops are followed)', async (t) => {
    if (readProcFile('/proc/net/udp') === undefined) return t.skip('no /proc/net/udp on this system')
    const reads: string[] = []
    const readProc = (path: string): string | undefined => {
      reads.push(path)
      return readProcFile(path)
    }
    const { source, logger } = await startTraps({}, { readProc })
    assert.deepEqual(reads, ['/proc/net/udp'])
    assert.ok(!logger.lines.some((l) => l.msg.startsWith('Kernel UDP drop counts are not available')))
    source.collectMetrics()
    assert.equal(reads.length, 2)
  })
})
