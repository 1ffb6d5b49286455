/**
 * @module `sentinel snmp discover ADDRESS`: ask an SNMP agent who it is (system group), which
 * interfaces it has (ifTable/ifXTable) and which polling profiles it answers, and print a proposed
 * inventory entry as YAML on stdout, with the interfaces in a comment block. v3 keys come from
 * files or the environment, never from flags (flags end up in shell history and `ps`).
 */
import { readFileSync } from 'node:fs'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { stringify } from 'yaml'
import { OIDS } from '../sources/snmp_poll/profiles.js'
import {
  SnmpClient,
  SnmpRequestError,
  toBigInt,
  type AuthProtocol,
  type PrivProtocol,
  type SnmpDevice,
  type SnmpV3Auth,
} from '../sources/snmp_poll/walker.js'

export const SYSTEM_OIDS = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
} as const

const IF_COLUMNS = {
  ifIndex: '1.3.6.1.2.1.2.2.1.1',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifType: '1.3.6.1.2.1.2.2.1.3',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHighSpeed: '1.3.6.1.2.1.31.1.1.1.15',
} as const

const OPER_STATUS: Record<number, string> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
}

const AUTH_PROTOCOLS: readonly AuthProtocol[] = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']
const PRIV_PROTOCOLS: readonly PrivProtocol[] = ['des', 'aes', 'aes256b', 'aes256r']
const LEVELS: ReadonlyArray<SnmpV3Auth['level']> = ['noAuthNoPriv', 'authNoPriv', 'authPriv']

export interface DiscoverFlags {
  port: number
  snmpVersion: '2c' | '3'
  community?: string
  communityFile?: string
  username?: string
  level: SnmpV3Auth['level']
  authProtocol: AuthProtocol
  authKeyFile?: string
  privProtocol: PrivProtocol
  privKeyFile?: string
  context?: string
  timeoutMs: number
  retries: number
}

export interface DiscoveredInterface {
  index: string
  ifName?: string
  ifDescr?: string
  ifType?: number
  ifOperStatus?: string
  /** Mbit/s. */
  ifHighSpeed?: number
}

export interface Discovery {
  address: string
  port: number
  version: '2c' | '3'
  sysName?: string
  sysDescr?: string
  sysObjectID?: string
  sysUpTimeTicks?: number
  interfaces: DiscoveredInterface[]
  /** Profiles the agent answered, in PROFILES order. */
  profiles: string[]
}

/** Thrown when the agent cannot be reached or refuses us; the message names the address. */
export class DiscoverError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DiscoverError'
  }
}

function fromFile(path: string | undefined): string | undefined {
  if (!path) return undefined
  return readFileSync(path, 'utf8').trim()
}

/** Build the device to query from the flags; secrets from files, else SENTINEL_SNMP_* env. */
export function discoverDevice(
  address: string,
  flags: DiscoverFlags,
  env: NodeJS.ProcessEnv = process.env,
): SnmpDevice {
  const base = { name: address, address, port: flags.port, profiles: [] as string[] }
  if (flags.snmpVersion === '2c') {
    const community =
      fromFile(flags.communityFile) ?? flags.community ?? env.SENTINEL_SNMP_COMMUNITY ?? 'public'
    return { ...base, version: '2c', community }
  }
  const username = flags.username ?? env.SENTINEL_SNMP_USERNAME
  if (!username)
    throw new InvalidArgumentError('--snmp-version 3 needs --username (or $SENTINEL_SNMP_USERNAME).')
  const v3: SnmpV3Auth = { username, level: flags.level }
  if (flags.context) v3.context = flags.context
  if (flags.level !== 'noAuthNoPriv') {
    const authKey = fromFile(flags.authKeyFile) ?? env.SENTINEL_SNMP_AUTH_KEY
    if (!authKey)
      throw new InvalidArgumentError(
        `--level ${flags.level} needs --auth-key-file (or $SENTINEL_SNMP_AUTH_KEY).`,
      )
    v3.authProtocol = flags.authProtocol
    v3.authKey = authKey
  }
  if (flags.level === 'authPriv') {
    const privKey = fromFile(flags.privKeyFile) ?? env.SENTINEL_SNMP_PRIV_KEY
    if (!privKey)
      throw new InvalidArgumentError('--level authPriv needs --priv-key-file (or $SENTINEL_SNMP_PRIV_KEY).')
    v3.privProtocol = flags.privProtocol
    v3.privKey = privKey
  }
  return { ...base, version: '3', v3 }
}

function text(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8').replace(/\0+$/, '')
  return String(value)
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  const big = toBigInt(value)
  return big === undefined ? undefined : Number(big)
}

/** Index -> value of one walked column. */
function byIndex(
  column: string,
  varbinds: ReadonlyArray<{ oid: string; value: unknown }>,
): Map<string, unknown> {
  const prefix = `${column}.`
  const out = new Map<string, unknown>()
  for (const vb of varbinds) if (vb.oid.startsWith(prefix)) out.set(vb.oid.slice(prefix.length), vb.value)
  return out
}

function describeFailure(device: SnmpDevice, timeoutMs: number, error: unknown): DiscoverError {
  const where = `${device.address}:${device.port ?? 161}`
  const detail = error instanceof Error ? error.message : String(error)
  if (error instanceof SnmpRequestError && error.reason === 'timeout') {
    const hint =
      device.version === '2c'
        ? 'wrong community, agent down, or a firewall'
        : 'wrong user or keys, agent down, or a firewall'
    return new DiscoverError(`SNMP agent ${where} did not answer within ${timeoutMs} ms (${hint})`, {
      cause: error,
    })
  }
  return new DiscoverError(`SNMP agent ${where} refused the request: ${detail}`, { cause: error })
}

/** Query the agent: system group, interface tables, and which profiles answer. */
export async function discover(device: SnmpDevice, flags: Pick<DiscoverFlags, 'timeoutMs' | 'retries'>) {
  const client = new SnmpClient(device, { timeoutMs: flags.timeoutMs, retries: flags.retries })
  try {
    const system = await client.get(Object.values(SYSTEM_OIDS))
    const sys = new Map(system.map((vb) => [vb.oid, vb.value]))
    const walk = async (oid: string) => byIndex(oid, await client.walk(oid))
    const columns = {
      ifIndex: await walk(IF_COLUMNS.ifIndex),
      ifDescr: await walk(IF_COLUMNS.ifDescr),
      ifType: await walk(IF_COLUMNS.ifType),
      ifOperStatus: await walk(IF_COLUMNS.ifOperStatus),
      ifName: await walk(IF_COLUMNS.ifName),
      ifHighSpeed: await walk(IF_COLUMNS.ifHighSpeed),
    }
    const indexes = new Set([...columns.ifIndex.keys(), ...columns.ifDescr.keys(), ...columns.ifName.keys()])
    const interfaces: DiscoveredInterface[] = [...indexes]
      .sort((a, b) => Number(a) - Number(b))
      .map((index) => {
        const entry: DiscoveredInterface = { index }
        const name = columns.ifName.get(index)
        const descr = columns.ifDescr.get(index)
        const type = num(columns.ifType.get(index))
        const oper = num(columns.ifOperStatus.get(index))
        const speed = num(columns.ifHighSpeed.get(index))
        if (name !== undefined) entry.ifName = text(name)
        if (descr !== undefined) entry.ifDescr = text(descr)
        if (type !== undefined) entry.ifType = type
        if (oper !== undefined) entry.ifOperStatus = OPER_STATUS[oper] ?? String(oper)
        if (speed !== undefined) entry.ifHighSpeed = speed
        return entry
      })

    const profiles: string[] = []
    if (columns.ifDescr.size > 0 || columns.ifOperStatus.size > 0) profiles.push('if_mib')
    // hrProcessorLoad is empty for a minute after an agent starts; hrStorage answers at once.
    if (
      (await client.walk(OIDS.hrProcessorLoad)).length > 0 ||
      (await client.walk(OIDS.hrStorageSize)).length > 0
    )
      profiles.push('host_resources')
    if ((await client.walk(OIDS.laLoad)).length > 0 || (await client.get([OIDS.memTotalReal])).length > 0)
      profiles.push('ucd')

    const result: Discovery = {
      address: device.address,
      port: device.port ?? 161,
      version: device.version,
      interfaces,
      profiles,
    }
    const sysName = sys.get(SYSTEM_OIDS.sysName)
    const sysDescr = sys.get(SYSTEM_OIDS.sysDescr)
    const sysObjectID = sys.get(SYSTEM_OIDS.sysObjectID)
    const upTime = num(sys.get(SYSTEM_OIDS.sysUpTime))
    if (sysName !== undefined) result.sysName = text(sysName)
    if (sysDescr !== undefined) result.sysDescr = text(sysDescr)
    if (sysObjectID !== undefined) result.sysObjectID = text(sysObjectID)
    if (upTime !== undefined) result.sysUpTimeTicks = upTime
    return result
  } catch (error) {
    throw describeFailure(device, flags.timeoutMs, error)
  } finally {
    client.close()
  }
}

/** One-line comment text: no newlines (a newline would end the comment and break the YAML). */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim()
}

/** The proposed inventory entry (YAML) with the system and interface facts as comments. */
export function renderInventoryYaml(found: Discovery, now = new Date()): string {
  const name = found.sysName && found.sysName.trim() !== '' ? found.sysName.trim() : found.address
  const entry = {
    name,
    address: found.address,
    port: found.port,
    credentials: 'CHANGE_ME',
    profiles: found.profiles,
  }
  const value = (v: unknown) => stringify(v, { lineWidth: 0 }).trimEnd()
  const body = [
    `name: ${value(entry.name)}`,
    `address: ${value(entry.address)}`,
    `port: ${entry.port}`,
    `credentials: ${value(entry.credentials)} # name of an snmp.credentials entry (version ${found.version}); secrets never go here`,
    `profiles: [${entry.profiles.join(', ')}]`,
    'tags: []',
    '# site: <site name>',
  ].join('\n')
  const lines = [
    `# Proposed by \`sentinel snmp discover\` at ${now.toISOString()}; review before adding it to the inventory.`,
    `# sysDescr: ${oneLine(found.sysDescr ?? '(none)')}`,
    `# sysObjectID: ${found.sysObjectID ?? '(none)'}`,
    ...(found.sysUpTimeTicks !== undefined
      ? [`# sysUpTime: ${(found.sysUpTimeTicks / 100).toFixed(0)} s`]
      : []),
    body.trimEnd(),
    `# interfaces (${found.interfaces.length}):`,
    '#   ifIndex  ifName           ifDescr          ifType  ifOperStatus  ifHighSpeed(Mbit/s)',
    ...found.interfaces.map(
      (i) =>
        `#   ${i.index.padEnd(7)}  ${oneLine(i.ifName ?? '-').padEnd(15)}  ${oneLine(i.ifDescr ?? '-').padEnd(15)}  ` +
        `${String(i.ifType ?? '-').padEnd(6)}  ${(i.ifOperStatus ?? '-').padEnd(12)}  ${i.ifHighSpeed ?? '-'}`,
    ),
    '',
  ]
  return lines.join('\n')
}

function choice<T extends string>(flag: string, values: readonly T[]) {
  return (value: string): T => {
    const found = values.find((v) => v.toLowerCase() === value.toLowerCase())
    if (!found) throw new InvalidArgumentError(`${flag} must be one of ${values.join(', ')}.`)
    return found
  }
}

/** Add `snmp discover` to the program. */
export function addSnmpCommands(
  program: Command,
  integer: (name: string, min: number) => (v: string) => number,
): void {
  const snmp = program.command('snmp').description('Work with SNMP devices.')
  snmp
    .command('discover')
    .argument('<address>', 'agent IP address or host name')
    .description(
      'Query an SNMP agent (system group, interfaces, profiles) and print a proposed inventory entry as YAML.',
    )
    .option('--port <port>', 'agent UDP port', integer('--port', 1), 161)
    // Not `--version`: that is the root option printing Sentinel's version.
    .addOption(new Option('--snmp-version <version>', 'SNMP version').choices(['2c', '3']).default('2c'))
    .option('--community <community>', 'v2c community (default $SENTINEL_SNMP_COMMUNITY, else public)')
    .option('--community-file <file>', 'file holding the v2c community')
    .option('--username <user>', 'v3 user (or $SENTINEL_SNMP_USERNAME)')
    .option('--level <level>', 'v3 security level', choice('--level', LEVELS), 'authPriv')
    .option('--auth-protocol <p>', 'v3 auth protocol', choice('--auth-protocol', AUTH_PROTOCOLS), 'sha')
    .option('--auth-key-file <file>', 'file holding the v3 auth key (or $SENTINEL_SNMP_AUTH_KEY)')
    .option('--priv-protocol <p>', 'v3 privacy protocol', choice('--priv-protocol', PRIV_PROTOCOLS), 'aes')
    .option('--priv-key-file <file>', 'file holding the v3 privacy key (or $SENTINEL_SNMP_PRIV_KEY)')
    .option('--context <name>', 'v3 context name')
    .option('--timeout-ms <ms>', 'per request', integer('--timeout-ms', 1), 2000)
    .option('--retries <n>', 're-sends after a timeout', integer('--retries', 0), 1)
    .action(async (address: string, flags: DiscoverFlags) => {
      process.exitCode = await runSnmpDiscover(address, flags, process.stdout, process.stderr)
    })
}

/** The command body: prints the YAML, or the failure on `err`; resolves the exit status. */
export async function runSnmpDiscover(
  address: string,
  flags: DiscoverFlags,
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const device = discoverDevice(address, flags, env)
  try {
    out.write(renderInventoryYaml(await discover(device, flags)))
    return 0
  } catch (error) {
    if (!(error instanceof DiscoverError)) throw error
    err.write(`sentinel: snmp discover: ${error.message}\n`)
    return 1
  }
}
