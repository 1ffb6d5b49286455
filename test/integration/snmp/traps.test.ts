/**
 * @module SNMP traps end to end: the real net-snmp CLI senders (snmptrap v1, v2c, v3 authPriv
 * SHA/AES, snmpinform v2c) to the built collector's trap source; events come back from
 * /api/v1/events translated, a wrong v3 key and an unknown community are rejected and counted.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import { makeWorkDir, requireBinary, startCollector, waitFor } from '../../harness/index.js'

const run = promisify(execFile)
const ENGINE_ID = '0x8000000001020304'
const V3 = ['-v3', '-e', ENGINE_ID, '-l', 'authPriv', '-u', 'trapuser', '-a', 'SHA', '-x', 'AES']
const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3'
const LINK_UP = '1.3.6.1.6.3.1.1.5.4'
const IF = '1.3.6.1.2.1.2.2.1'

/** The fields of a trap event these tests read. */
interface TrapEvent {
  event: { action?: string; dataset?: string }
  host: { name?: string }
  message?: string
  observer: { ingress: { interface: { id?: string; name?: string } } }
  sentinel: { snmp?: { version?: string; pdu_type?: string; user?: string; values: Record<string, unknown> } }
}

let collector: Awaited<ReturnType<typeof startCollector>>
let target: string
let env: NodeJS.ProcessEnv
let snmptrap: string
let snmpinform: string

before(async () => {
  snmptrap = await requireBinary('snmptrap')
  snmpinform = await requireBinary('snmpinform')
  collector = await startCollector({
    sources: {
      traps: {
        type: 'snmp_trap',
        protocol: 'udp',
        communities: ['public'],
        users: [
          {
            name: 'trapuser',
            level: 'authPriv',
            auth_protocol: 'sha',
            auth_key: '${env:TRAP_AUTH_KEY}',
            priv_protocol: 'aes',
            priv_key: 'privpass123',
          },
          { name: 'authonly', level: 'authNoPriv', auth_protocol: 'sha', auth_key: 'authonly123' },
        ],
        engine_id: ENGINE_ID,
      },
    },
    env: { TRAP_AUTH_KEY: 'authpass123' },
  })
  target = `127.0.0.1:${collector.port('traps')}`
  const persist = await mkdtemp(join(await makeWorkDir('snmp-persist').catch(() => tmpdir()), 'p-'))
  env = { ...process.env, SNMP_PERSISTENT_DIR: persist, MIBS: '' }
})
after(() => collector?.stop())

async function send(bin: string, args: string[]): Promise<void> {
  await run(bin, ['-m', '', '-t', '2', '-r', '1', ...args], { env, timeout: 15_000 })
}

async function eventWith(predicate: (e: TrapEvent) => boolean, description: string) {
  let found: TrapEvent | undefined
  await waitFor(
    async () => {
      const events = await collector.events({ limit: 100 })
      found = events.map((e) => e.event as unknown as TrapEvent).find(predicate)
      return found !== undefined
    },
    { description },
  )
  assert.ok(found)
  return found
}

const snmpOf = (e: TrapEvent) => e.sentinel.snmp

test('snmptrap -v1 linkDown arrives as event.action linkDown with translated varbinds', async () => {
  await send(snmptrap, [
    '-v1',
    '-c',
    'public',
    target,
    '1.3.6.1.4.1.8072.2.3',
    '127.0.0.1',
    '2',
    '0',
    '',
    `${IF}.1.3`,
    'i',
    '3',
  ])
  const event = await eventWith((e) => snmpOf(e)?.version === 'v1', 'the v1 trap')
  assert.equal(event.event.action, 'linkDown')
  assert.equal(event.event.dataset, 'sentinel.snmp_trap')
  assert.equal(event.host.name, '127.0.0.1')
  assert.equal(snmpOf(event)?.values['ifIndex.3'], 3)
  assert.equal(event.observer.ingress.interface.id, '3')
})

test('snmptrap -v2c linkUp with IF-MIB varbinds: names and enumerations translated', async () => {
  await send(snmptrap, [
    '-v2c',
    '-c',
    'public',
    target,
    '',
    LINK_UP,
    `${IF}.1.7`,
    'i',
    '7',
    `${IF}.7.7`,
    'i',
    '1',
    `${IF}.8.7`,
    'i',
    '1',
    `${IF}.2.7`,
    's',
    'eth7',
  ])
  const event = await eventWith(
    (e) => snmpOf(e)?.version === 'v2c' && snmpOf(e)?.pdu_type === 'trap' && e.event?.action === 'linkUp',
    'the v2c linkUp',
  )
  const values = snmpOf(event)?.values as Record<string, unknown>
  assert.equal(values['ifAdminStatus.7'], 'up')
  assert.equal(values['ifOperStatus.7'], 'up')
  assert.equal(values['ifDescr.7'], 'eth7')
  assert.equal(event.observer.ingress.interface.name, 'eth7')
  assert.match(
    event.message ?? '',
    /^linkUp ifIndex\.7=7 ifAdminStatus\.7=up ifOperStatus\.7=up ifDescr\.7=eth7$/,
  )
})

test('snmptrap -v3 authPriv SHA/AES with the configured engine ID is accepted', async () => {
  await send(snmptrap, [
    ...V3,
    '-A',
    'authpass123',
    '-X',
    'privpass123',
    target,
    '',
    LINK_DOWN,
    `${IF}.1.4`,
    'i',
    '4',
  ])
  const event = await eventWith((e) => snmpOf(e)?.version === 'v3', 'the v3 trap')
  assert.equal(event.event.action, 'linkDown')
  assert.equal(snmpOf(event)?.user, 'trapuser')
  assert.equal(snmpOf(event)?.values['ifIndex.4'], 4)
})

test('snmptrap -v3 authNoPriv (SHA, no privacy) is accepted', async () => {
  await send(snmptrap, [
    '-v3',
    '-e',
    ENGINE_ID,
    '-l',
    'authNoPriv',
    '-u',
    'authonly',
    '-a',
    'SHA',
    '-A',
    'authonly123',
    target,
    '',
    LINK_UP,
    `${IF}.1.4`,
    'i',
    '4',
  ])
  const event = await eventWith((e) => snmpOf(e)?.user === 'authonly', 'the authNoPriv trap')
  assert.equal(event.event.action, 'linkUp')
  assert.equal(snmpOf(event)?.version, 'v3')
})

test('snmpinform -v2c exits 0: the collector acknowledged it', async () => {
  await send(snmpinform, ['-v2c', '-c', 'public', target, '', LINK_DOWN, `${IF}.1.5`, 'i', '5'])
  const event = await eventWith((e) => snmpOf(e)?.pdu_type === 'inform', 'the inform')
  assert.equal(event.event.action, 'linkDown')
  assert.equal(snmpOf(event)?.values['ifIndex.5'], 5)
})

test('snmpinform -v3 authPriv exits 0: the collector is the authoritative engine and acknowledged it', async () => {
  // For an inform the receiver is authoritative (SERVICES.md section 2): no -e, snmpinform
  // discovers the collector's engine ID, then sends the inform and waits for the response.
  await send(snmpinform, [
    '-v3',
    '-l',
    'authPriv',
    '-u',
    'trapuser',
    '-a',
    'SHA',
    '-A',
    'authpass123',
    '-x',
    'AES',
    '-X',
    'privpass123',
    target,
    '',
    LINK_UP,
    `${IF}.1.6`,
    'i',
    '6',
  ])
  const event = await eventWith(
    (e) => snmpOf(e)?.pdu_type === 'inform' && snmpOf(e)?.version === 'v3',
    'the v3 inform',
  )
  assert.equal(event.event.action, 'linkUp')
  assert.equal(snmpOf(event)?.user, 'trapuser')
  assert.equal(snmpOf(event)?.values['ifIndex.6'], 6)
})

test('a wrong v3 key and an unknown community are rejected and counted, not turned into events', async () => {
  const auth = { component_id: 'traps', error_type: 'auth', error_code: 'SNT_SOURCE_SNMP_AUTH' }
  const before = await collector.metric('sentinel_component_errors_total', auth)
  await send(snmptrap, [
    ...V3,
    '-A',
    'wrongpass123',
    '-X',
    'privpass123',
    target,
    '',
    LINK_DOWN,
    `${IF}.1.8`,
    'i',
    '8',
  ])
  await send(snmptrap, ['-v2c', '-c', 'notpublic', target, '', LINK_DOWN, `${IF}.1.9`, 'i', '9'])
  await waitFor(async () => (await collector.metric('sentinel_component_errors_total', auth)) >= before + 2, {
    description: 'two auth rejections counted',
  })
  const events = await collector.events({ limit: 100 })
  const indexes = events.map((e) => JSON.stringify(snmpOf(e.event as unknown as TrapEvent)?.values ?? {}))
  assert.ok(!indexes.some((v) => v.includes('ifIndex.8') || v.includes('ifIndex.9')))
})
