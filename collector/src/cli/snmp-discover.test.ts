import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parse, stringify } from 'yaml'
import { parseConfig } from '../config/load.js'
import { COLLECTOR_MAIN } from '../../../test/harness/collector.js'
import { startSnmpd, v2cArgs, type SnmpdHandle } from '../../../test/harness/snmpd.js'
import { discoverDevice, renderInventoryYaml, runSnmpDiscover, type DiscoverFlags } from './snmp-discover.js'

interface Run {
  code: number
  stdout: string
  stderr: string
}

function sentinel(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [COLLECTOR_MAIN, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

const DEFAULTS: DiscoverFlags = {
  port: 161,
  snmpVersion: '2c',
  level: 'authPriv',
  authProtocol: 'sha',
  privProtocol: 'aes',
  timeoutMs: 2000,
  retries: 1,
}

/** The command body in-process (same code the CLI action runs). */
async function discoverHere(flags: Partial<DiscoverFlags>, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runSnmpDiscover(
    '127.0.0.1',
    { ...DEFAULTS, port: agent.port, ...flags },
    { write: (t: string) => (stdout += t) },
    { write: (t: string) => (stderr += t) },
    env,
  )
  return { code, stdout, stderr }
}

interface Entry {
  name: string
  address: string
  port: number
  credentials: string
  profiles: string[]
  tags: unknown[]
}

let agent: SnmpdHandle
let dir: string
let ifDescrs: string[]

before(async () => {
  agent = await startSnmpd()
  dir = await mkdtemp(join(tmpdir(), 'sentinel-discover-'))
  await writeFile(join(dir, 'auth'), `${agent.users.privuser.authKey}\n`)
  await writeFile(join(dir, 'priv'), `${agent.users.privuser.privKey}\n`)
  const walk = await agent.tool('snmpwalk', [...v2cArgs(agent.setup), '1.3.6.1.2.1.2.2.1.2'])
  ifDescrs = [...walk.matchAll(/STRING: "?([^"\n]*)"?/g)].map((m) => m[1] as string)
})

after(async () => {
  await agent?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function checkEntry(run: Run, version: string): Entry {
  assert.equal(run.code, 0, run.stderr)
  const entry = parse(run.stdout) as Entry
  assert.equal(entry.name, 'harness-agent')
  assert.equal(entry.address, '127.0.0.1')
  assert.equal(entry.port, agent.port)
  assert.match(run.stdout, new RegExp(`^credentials: CHANGE_ME # .*\\(version ${version}\\)`, 'm'))
  assert.equal(entry.credentials, 'CHANGE_ME')
  assert.ok(entry.profiles.includes('if_mib'), run.stdout)
  assert.ok(entry.profiles.includes('host_resources'), run.stdout)
  assert.ok(entry.profiles.includes('ucd'), run.stdout)
  assert.deepEqual(entry.tags, [])
  // Pasted into the config as proposed (with the credentials it names), it is a valid device.
  const credentials =
    version === '2c'
      ? { version: '2c', community: 'public' }
      : {
          version: '3',
          username: 'u',
          level: 'authPriv',
          auth_protocol: 'sha',
          auth_key: 'authpass123',
          priv_protocol: 'aes',
          priv_key: 'privpass123',
        }
  const config = parseConfig(
    stringify({ sources: {}, snmp: { credentials: { CHANGE_ME: credentials }, devices: [entry] } }),
    'discovered',
    {},
  )
  assert.equal(config.snmp.devices[0]?.name, 'harness-agent')
  assert.ok(ifDescrs.length > 0, 'snmpwalk found interfaces')
  assert.match(run.stdout, new RegExp(`^# interfaces \\(${ifDescrs.length}\\):$`, 'm'))
  for (const descr of ifDescrs) assert.match(run.stdout, new RegExp(`^#.* ${descr} `, 'm'))
  return entry
}

test('CLI v2c: proposes an inventory entry naming the agent, its profiles and interfaces', async () => {
  const run = await sentinel(['snmp', 'discover', '127.0.0.1', '--port', String(agent.port)])
  checkEntry(run, '2c')
  assert.match(run.stdout, /^# sysDescr: Linux /m)
  assert.match(run.stdout, /^# sysObjectID: 1\.3\.6\.1\.4\.1\.8072\./m)
})

test('CLI v3 authPriv with keys from files', async () => {
  const run = await sentinel([
    'snmp',
    'discover',
    '127.0.0.1',
    '--port',
    String(agent.port),
    '--snmp-version',
    '3',
    '--username',
    'privuser',
    '--level',
    'authPriv',
    '--auth-protocol',
    'sha',
    '--auth-key-file',
    join(dir, 'auth'),
    '--priv-protocol',
    'aes',
    '--priv-key-file',
    join(dir, 'priv'),
  ])
  checkEntry(run, '3')
})

test('v3 keys from the environment (SHA-256); no key at all is a usage error', async () => {
  const run = await discoverHere(
    { snmpVersion: '3', username: 'priv256', authProtocol: 'sha256' },
    {
      SENTINEL_SNMP_AUTH_KEY: agent.users.priv256.authKey,
      SENTINEL_SNMP_PRIV_KEY: agent.users.priv256.privKey,
    },
  )
  checkEntry(run, '3')
  await assert.rejects(discoverHere({ snmpVersion: '3', username: 'privuser' }), /--auth-key-file/)
})

test('CLI: a wrong community times out: exit 1 and a message naming the address', async () => {
  const run = await sentinel([
    'snmp',
    'discover',
    '127.0.0.1',
    '--port',
    String(agent.port),
    '--community',
    'wrong',
    '--timeout-ms',
    '300',
    '--retries',
    '0',
  ])
  assert.equal(run.code, 1, run.stderr)
  assert.equal(run.stdout, '')
  assert.match(run.stderr, new RegExp(`127\\.0\\.0\\.1:${agent.port} did not answer within 300 ms`))
})

test('a wrong v3 auth key fails with exit 1 naming the address', async () => {
  const run = await discoverHere(
    { snmpVersion: '3', username: 'privuser', timeoutMs: 500, retries: 0 },
    { SENTINEL_SNMP_AUTH_KEY: 'wrongpass123', SENTINEL_SNMP_PRIV_KEY: 'privpass123' },
  )
  assert.equal(run.code, 1)
  assert.equal(run.stdout, '')
  assert.match(run.stderr, new RegExp(`SNMP agent 127\\.0\\.0\\.1:${agent.port} `))
})

test('rendering: sysName falls back to the address; comments cannot break the YAML', () => {
  const text = renderInventoryYaml({
    address: '10.0.0.1',
    port: 161,
    version: '2c',
    sysDescr: 'multi\nline',
    interfaces: [{ index: '1', ifDescr: 'eth0\nx', ifOperStatus: 'up' }],
    profiles: [],
  })
  const entry = parse(text) as Entry
  assert.equal(entry.name, '10.0.0.1')
  assert.deepEqual(entry.profiles, [])
  const device = discoverDevice('10.0.0.1', {
    port: 1161,
    snmpVersion: '2c',
    level: 'authPriv',
    authProtocol: 'sha',
    privProtocol: 'aes',
    timeoutMs: 1,
    retries: 0,
  })
  assert.equal(device.community, process.env.SENTINEL_SNMP_COMMUNITY ?? 'public')
})
