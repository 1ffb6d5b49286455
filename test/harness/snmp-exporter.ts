/**
 * @module Prometheus' snmp_exporter 0.21.0 (Debian `prometheus-snmp-exporter`) on a free loopback
 * port, with a generated snmp.yml whose `if_mib` module walks the same OIDs as Sentinel's if_mib
 * profile (same metric names, types, ifIndex label and ifName/ifDescr lookups), for comparisons.
 * 0.21 takes only the old config format: top-level module names, each with its own `auth`
 * (SERVICES.md §6); numeric OIDs only (no MIBs installed). Scrape
 * `/snmp?target=127.0.0.1:<agent port>&module=if_mib`.
 */
import { execFile } from 'node:child_process'
import { readdir, readFile, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { IF_MIB, type Profile } from '../../collector/src/sources/snmp_poll/profiles.js'
import { freeTcpPort } from './ports.js'
import { binary, requireBinary } from './requirements.js'
import { startService, type RunningService, type ServiceSpec } from './service.js'
import type { SnmpdV3User } from './snmpd.js'
import { stopPackagedDaemon } from './packaged-daemon.js'

const execFileAsync = promisify(execFile)

export const SNMP_EXPORTER_BINARY = 'prometheus-snmp-exporter'
/** Where the Debian package's own service listens (kept stopped). */
const PACKAGE_PORT = 9116

export interface SnmpExporterOptions {
  /** v2c community of the `if_mib` module. Default `public`. */
  community?: string
  /** Also write an `if_mib_v3` module authenticating as this user. */
  v3User?: SnmpdV3User
}

export interface SnmpExporterSetup {
  host: string
  port: number
  url: string
  configFile: string
  /** Module names in snmp.yml. */
  modules: string[]
}

/** One snmp_exporter module (0.21 format) for a Sentinel profile. */
export function exporterModule(profile: Profile, auth: Record<string, unknown>, version: 2 | 3) {
  const walk = new Set<string>()
  const metrics = profile.metrics.map((m) => {
    walk.add(m.oid)
    const lookups = (m.lookups ?? []).map((l) => {
      walk.add(l.oid)
      return { labels: [...m.indexes], labelname: l.labelname, oid: l.oid, type: 'DisplayString' }
    })
    return {
      name: m.name,
      oid: m.oid,
      type: m.type,
      help: m.help,
      indexes: m.indexes.map((labelname) => ({ labelname, type: 'gauge' })),
      ...(lookups.length > 0 ? { lookups } : {}),
    }
  })
  return { version, auth, walk: [...walk], metrics }
}

/** snmp.yml text: `if_mib` (v2c) and optionally `if_mib_v3`. */
export function snmpExporterConfig(options: SnmpExporterOptions = {}): string {
  const modules: Record<string, unknown> = {
    if_mib: exporterModule(IF_MIB, { community: options.community ?? 'public' }, 2),
  }
  const u = options.v3User
  if (u) {
    const auth: Record<string, unknown> = {
      username: u.name,
      security_level: u.level,
      password: u.authKey,
      auth_protocol: u.authProtocol === 'SHA-256' ? 'SHA256' : u.authProtocol,
    }
    if (u.level === 'authPriv') Object.assign(auth, { priv_protocol: 'AES', priv_password: u.privKey })
    modules.if_mib_v3 = exporterModule(IF_MIB, auth, 3)
  }
  return stringify(modules, { lineWidth: 0 })
}

export const snmpExporterSpec: ServiceSpec<SnmpExporterOptions, SnmpExporterSetup> = {
  name: 'snmp-exporter',
  requires: [binary(SNMP_EXPORTER_BINARY, 'prometheus-snmp-exporter')],
  afterInstall: stopPackageSnmpExporter,
  async configure(workDir, options) {
    const port = await freeTcpPort()
    const setup: SnmpExporterSetup = {
      host: '127.0.0.1',
      port,
      url: `http://127.0.0.1:${port}`,
      configFile: join(workDir, 'snmp.yml'),
      modules: options.v3User ? ['if_mib', 'if_mib_v3'] : ['if_mib'],
    }
    await writeFile(setup.configFile, snmpExporterConfig(options))
    return setup
  },
  async check(setup) {
    const path = await requireBinary(SNMP_EXPORTER_BINARY)
    try {
      await execFileAsync(path, ['--dry-run', `--config.file=${setup.configFile}`], { timeout: 15_000 })
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? ''
      throw new Error(`snmp_exporter --dry-run rejected ${setup.configFile}: ${stderr.trim()}`, {
        cause: error,
      })
    }
  },
  async command(setup) {
    return {
      command: await requireBinary(SNMP_EXPORTER_BINARY),
      args: [
        `--config.file=${setup.configFile}`,
        `--web.listen-address=${setup.host}:${setup.port}`,
        '--log.level=warn',
      ],
    }
  },
  ready(setup) {
    return { kind: 'http', url: `${setup.url}/metrics` }
  },
  readyTimeoutMs: 20_000,
  stopTimeoutMs: 10_000,
}

export interface SnmpExporterHandle {
  url: string
  port: number
  setup: SnmpExporterSetup
  service: RunningService<SnmpExporterSetup>
  /** GET /snmp?target=...&module=...; resolves the exposition text (throws unless 200). */
  scrape(target: string, module?: string): Promise<string>
  stop(): Promise<void>
}

/**
 * Start snmp_exporter on a free loopback port.
 *
 * @example
 * const exporter = await startSnmpExporter()
 * after(() => exporter.stop())
 * const text = await exporter.scrape(`127.0.0.1:${agent.port}`)
 */
export async function startSnmpExporter(options: SnmpExporterOptions = {}): Promise<SnmpExporterHandle> {
  const service = await startService(snmpExporterSpec, options)
  const setup = service.setup
  return {
    url: setup.url,
    port: setup.port,
    setup,
    service,
    async scrape(target, module = 'if_mib') {
      const query = new URLSearchParams({ target, module })
      const response = await fetch(`${setup.url}/snmp?${query}`, { signal: AbortSignal.timeout(30_000) })
      const text = await response.text()
      if (response.status !== 200) throw new Error(`snmp_exporter answered ${response.status}: ${text}`)
      return text
    },
    async stop() {
      await service.stop()
    },
  }
}

/** PIDs of prometheus-snmp-exporter processes not started by the harness (no `--web.listen-address=127.0.0.1:`). */
async function packageExporterPids(): Promise<number[]> {
  const pids: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue
    const exe = await readlink(`/proc/${entry}/exe`).catch(() => '')
    if (!exe.endsWith(`/${SNMP_EXPORTER_BINARY}`)) continue
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0')
    if (argv.some((a) => a.startsWith('--web.listen-address=127.0.0.1:') && !a.endsWith(`:${PACKAGE_PORT}`)))
      continue
    pids.push(Number(entry))
  }
  return pids
}

/**
 * The Debian package starts its service on :9116 (policy-rc.d normally prevents it): disable it
 * and stop one that got started anyway.
 */
export async function stopPackageSnmpExporter(): Promise<void> {
  await stopPackagedDaemon({
    label: `packaged snmp_exporter on :${PACKAGE_PORT}`,
    units: ['prometheus-snmp-exporter.service'],
    pids: packageExporterPids,
  })
}
