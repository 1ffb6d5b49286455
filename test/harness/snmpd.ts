/**
 * @module Net-SNMP's snmpd as a real agent on a free loopback UDP port: v2c community `public`
 * and three v3 users (authNoPriv SHA; authPriv SHA/AES; authPriv SHA-256/AES), a fixed engine ID
 * and sysName. Recipe and gotchas: shared/SERVICES.md §1 (numeric OIDs only: no MIBs installed;
 * hrProcessorLoad answers "No Such Instance" for the first ~60 s).
 */
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freeUdpPort } from './ports.js'
import { binary, requireBinary } from './requirements.js'
import type { ServiceSpec } from './service.js'
import { startService, type RunningService } from './service.js'
import { pidFromFile, stopPackagedDaemon } from './packaged-daemon.js'

const execFileAsync = promisify(execFile)

/** sysName.0 */
export const SYS_NAME_OID = '1.3.6.1.2.1.1.5.0'
export const SNMPD_SYS_NAME = 'harness-agent'
export const SNMPD_ENGINE_ID = '80001f88046861726e657373'

export interface SnmpdV3User {
  name: string
  level: 'authNoPriv' | 'authPriv'
  authProtocol: 'SHA' | 'SHA-256'
  authKey: string
  privProtocol?: 'AES'
  privKey?: string
}

/** The users the agent knows (SERVICES.md §1). */
export const SNMPD_USERS = {
  authuser: { name: 'authuser', level: 'authNoPriv', authProtocol: 'SHA', authKey: 'authpass123' },
  privuser: {
    name: 'privuser',
    level: 'authPriv',
    authProtocol: 'SHA',
    authKey: 'authpass123',
    privProtocol: 'AES',
    privKey: 'privpass123',
  },
  priv256: {
    name: 'priv256',
    level: 'authPriv',
    authProtocol: 'SHA-256',
    authKey: 'authpass256',
    privProtocol: 'AES',
    privKey: 'privpass256',
  },
} as const satisfies Record<string, SnmpdV3User>

export type SnmpdOptions = Record<string, never>

export interface SnmpdSetup {
  host: string
  port: number
  community: string
  configFile: string
  pidFile: string
  /** SNMP_PERSISTENT_DIR for client tools (snmpget/snmpwalk), so they do not write /var/lib/snmp. */
  clientPersistentDir: string
}

/** snmpd.conf text (exported for tests of the harness itself). */
export function snmpdConfig(workDir: string, setup: Pick<SnmpdSetup, 'host' | 'port' | 'community'>): string {
  const u = SNMPD_USERS
  return [
    '[snmp] persistentDir ' + join(workDir, 'persist'),
    `agentAddress udp:${setup.host}:${setup.port}`,
    `sysName ${SNMPD_SYS_NAME}`,
    `exactEngineID 0x${SNMPD_ENGINE_ID}`,
    'dontLogTCPWrappersConnects yes',
    `rocommunity ${setup.community} ${setup.host}`,
    `createUser ${u.authuser.name} ${u.authuser.authProtocol} "${u.authuser.authKey}"`,
    `createUser ${u.privuser.name} ${u.privuser.authProtocol} "${u.privuser.authKey}" ${u.privuser.privProtocol} "${u.privuser.privKey}"`,
    `createUser ${u.priv256.name} ${u.priv256.authProtocol} "${u.priv256.authKey}" ${u.priv256.privProtocol} "${u.priv256.privKey}"`,
    `rouser ${u.authuser.name} auth`,
    `rouser ${u.privuser.name} priv`,
    `rouser ${u.priv256.name} priv`,
    '',
  ].join('\n')
}

/** Environment for Net-SNMP client tools pointed at this agent's work dir. */
export function snmpClientEnv(setup: SnmpdSetup): NodeJS.ProcessEnv {
  return { ...process.env, SNMP_PERSISTENT_DIR: setup.clientPersistentDir, MIBS: '' }
}

/** Run a Net-SNMP client tool (`snmpget`, `snmpwalk`, ...) with numeric output; resolves stdout. */
export async function runSnmpTool(setup: SnmpdSetup, tool: string, args: readonly string[]): Promise<string> {
  const path = await requireBinary(tool)
  const { stdout } = await execFileAsync(path, ['-On', '-m', '', ...args], {
    env: snmpClientEnv(setup),
    timeout: 15_000,
  })
  return stdout
}

/** v2c client args for this agent: `-v2c -c public 127.0.0.1:<port>`. */
export function v2cArgs(setup: SnmpdSetup): string[] {
  return ['-v2c', '-c', setup.community, '-t', '1', '-r', '1', `${setup.host}:${setup.port}`]
}

/** v3 client args for one of {@link SNMPD_USERS}. */
export function v3Args(setup: SnmpdSetup, user: SnmpdV3User): string[] {
  const args = ['-v3', '-l', user.level, '-u', user.name, '-a', user.authProtocol, '-A', user.authKey]
  if (user.level === 'authPriv') args.push('-x', user.privProtocol ?? 'AES', '-X', user.privKey ?? '')
  return [...args, '-t', '1', '-r', '1', `${setup.host}:${setup.port}`]
}

/** The snmpd service spec. */
export const snmpdSpec: ServiceSpec<SnmpdOptions, SnmpdSetup> = {
  name: 'snmpd',
  requires: [binary('snmpd', 'snmpd'), binary('snmpget', 'snmp'), binary('snmpwalk', 'snmp')],
  afterInstall: stopSystemSnmpd,
  async configure(workDir) {
    const setup: SnmpdSetup = {
      host: '127.0.0.1',
      port: await freeUdpPort(),
      community: 'public',
      configFile: join(workDir, 'snmpd.conf'),
      pidFile: join(workDir, 'snmpd.pid'),
      clientPersistentDir: join(workDir, 'client'),
    }
    await mkdir(join(workDir, 'persist'), { recursive: true })
    await mkdir(setup.clientPersistentDir, { recursive: true })
    await writeFile(setup.configFile, snmpdConfig(workDir, setup))
    return setup
  },
  async command(setup, workDir) {
    return {
      command: await requireBinary('snmpd'),
      // The address is given once, in agentAddress (again as an argument: "Error opening specified endpoint").
      args: ['-f', '-Lo', '-C', '-c', setup.configFile, '-p', setup.pidFile, '-m', '', '-I', '-smux'],
      env: { ...process.env, SNMP_PERSISTENT_DIR: join(workDir, 'persist'), MIBS: '' },
    }
  },
  ready(setup) {
    return {
      kind: 'custom',
      description: `snmpget sysName.0 from udp:${setup.host}:${setup.port}`,
      check: async () => {
        try {
          const out = await runSnmpTool(setup, 'snmpget', [...v2cArgs(setup), SYS_NAME_OID])
          return out.includes(SNMPD_SYS_NAME)
        } catch {
          return false
        }
      },
    }
  },
  readyTimeoutMs: 20_000,
  stopTimeoutMs: 10_000,
}

export interface SnmpdHandle {
  host: string
  port: number
  community: string
  users: typeof SNMPD_USERS
  engineId: string
  sysName: string
  setup: SnmpdSetup
  service: RunningService<SnmpdSetup>
  /** snmpget/snmpwalk with numeric output against this agent. */
  tool(tool: 'snmpget' | 'snmpwalk' | 'snmpbulkwalk', args: readonly string[]): Promise<string>
  stop(): Promise<void>
  kill9(): Promise<void>
}

/**
 * Start snmpd on a free loopback UDP port.
 *
 * @example
 * const agent = await startSnmpd()
 * after(() => agent.stop())
 * await agent.tool('snmpwalk', [...v2cArgs(agent.setup), '1.3.6.1.2.1.2.2.1.2'])
 */
export async function startSnmpd(): Promise<SnmpdHandle> {
  const service = await startService(snmpdSpec, {})
  const setup = service.setup
  return {
    host: setup.host,
    port: setup.port,
    community: setup.community,
    users: SNMPD_USERS,
    engineId: SNMPD_ENGINE_ID,
    sysName: SNMPD_SYS_NAME,
    setup,
    service,
    tool: (tool, args) => runSnmpTool(setup, tool, args),
    async stop() {
      await service.stop()
    },
    async kill9() {
      await service.kill9()
    },
  }
}

/**
 * Debian's snmpd package starts the system agent on udp:127.0.0.1:161 (policy-rc.d normally
 * prevents it); stop and disable one that got started anyway.
 */
export async function stopSystemSnmpd(): Promise<void> {
  await stopPackagedDaemon({
    label: 'system snmpd',
    units: ['snmpd.service'],
    pids: () => pidFromFile('/run/snmpd.pid'),
  })
}
