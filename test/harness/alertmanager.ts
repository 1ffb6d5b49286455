/**
 * @module Prometheus Alertmanager 0.25 (Debian `prometheus-alertmanager`; the binary is
 * `prometheus-alertmanager`, not `alertmanager`) on a free loopback port, with gossip off
 * (`--cluster.listen-address=`, so nothing listens on 9094 and `/api/v2/status` says cluster
 * `disabled`), its own storage dir and a config given as YAML text or an object. The config is
 * checked with `amtool check-config` before start. Recipe: shared/SERVICES.md §5.
 *
 * Alerts live in memory only: a restarted Alertmanager has none until senders deliver them again.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { stopPackagedDaemon } from './packaged-daemon.js'
import { packagedPids } from './packaged-pids.js'
import { freePort } from './ports.js'
import { binary, requireBinary } from './requirements.js'
import { startService, type RunningService, type ServiceSpec } from './service.js'
import { waitFor } from './wait-for.js'

const execFileAsync = promisify(execFile)

export const ALERTMANAGER_BINARY = 'prometheus-alertmanager'

/** An Alertmanager config: YAML text, or an object serialised to YAML. */
export type AlertmanagerConfig = string | Record<string, unknown>

/** Routes everything to a receiver that notifies nobody: enough to post and list alerts. */
export const NULL_ALERTMANAGER_CONFIG = {
  route: { receiver: 'null' },
  receivers: [{ name: 'null' }],
} as const

export interface AlertmanagerOptions {
  /** The config (default {@link NULL_ALERTMANAGER_CONFIG}); ignored when `configFile` is given. */
  config?: AlertmanagerConfig
  /** Use this config file as it is (e.g. alerting/alertmanager.yml); reload() then rewrites it. */
  configFile?: string
}

export interface AlertmanagerSetup {
  host: string
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
  configFile: string
  storageDir: string
}

/** An alert as GET /api/v2/alerts lists it (gettableAlert). */
export interface AlertmanagerAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  updatedAt: string
  generatorURL?: string
  fingerprint: string
  receivers: { name: string }[]
  status: { state: 'unprocessed' | 'active' | 'suppressed'; silencedBy: string[]; inhibitedBy: string[] }
}

/** An alert for POST /api/v2/alerts (postableAlert). */
export interface PostableAlert {
  labels: Record<string, string>
  annotations?: Record<string, string>
  startsAt?: string
  endsAt?: string
  generatorURL?: string
}

/** Filters of GET /api/v2/alerts; each left out keeps Alertmanager's default (true). */
export interface AlertsQuery {
  active?: boolean
  silenced?: boolean
  inhibited?: boolean
  unprocessed?: boolean
  /** Label matchers, e.g. `alertname="LinkDown"`. */
  filter?: string[]
  receiver?: string
}

/** GET /api/v2/status (the fields tests read). */
export interface AlertmanagerStatus {
  cluster: { status: string }
  config: { original: string }
  versionInfo: { version: string }
}

function configText(config: AlertmanagerConfig): string {
  return typeof config === 'string' ? config : stringify(config, { lineWidth: 0 })
}

async function checkConfig(file: string): Promise<void> {
  const amtool = await requireBinary('amtool')
  try {
    await execFileAsync(amtool, ['check-config', file], { timeout: 15_000 })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`amtool check-config rejected ${file}:\n${`${stdout}\n${stderr}`.trim()}`, {
      cause: error,
    })
  }
}

export const alertmanagerSpec: ServiceSpec<AlertmanagerOptions, AlertmanagerSetup> = {
  name: 'alertmanager',
  requires: [
    binary(ALERTMANAGER_BINARY, 'prometheus-alertmanager'),
    binary('amtool', 'prometheus-alertmanager'),
  ],
  afterInstall: stopPackagedAlertmanager,
  async configure(workDir, options) {
    const port = await freePort('tcp')
    const setup: AlertmanagerSetup = {
      host: '127.0.0.1',
      port,
      url: `http://127.0.0.1:${port}`,
      configFile: options.configFile ?? join(workDir, 'alertmanager.yml'),
      storageDir: join(workDir, 'data'),
    }
    await mkdir(setup.storageDir, { recursive: true })
    if (options.configFile === undefined)
      await writeFile(setup.configFile, configText(options.config ?? NULL_ALERTMANAGER_CONFIG))
    return setup
  },
  async check(setup) {
    await checkConfig(setup.configFile)
  },
  async command(setup) {
    return {
      command: await requireBinary(ALERTMANAGER_BINARY),
      args: [
        `--config.file=${setup.configFile}`,
        `--storage.path=${setup.storageDir}`,
        `--web.listen-address=${setup.host}:${setup.port}`,
        // Empty: no gossip listener on 9094 (parallel test files would fight over it).
        '--cluster.listen-address=',
      ],
    }
  },
  ready(setup) {
    return { kind: 'http', url: `${setup.url}/-/ready` }
  },
  readyTimeoutMs: 20_000,
  stopTimeoutMs: 10_000,
}

export interface AlertmanagerHandle {
  url: string
  port: number
  setup: AlertmanagerSetup
  service: RunningService<AlertmanagerSetup>
  /**
   * Load the config again (rewritten first when `config` is given) with POST /-/reload, which
   * answers only after the load; throws with Alertmanager's reason when it refuses the config,
   * and waits until GET /api/v2/status shows the new one.
   */
  reload(config?: AlertmanagerConfig): Promise<void>
  /** GET /api/v2/alerts. */
  alerts(query?: AlertsQuery): Promise<AlertmanagerAlert[]>
  /** POST /api/v2/alerts (as Prometheus does); throws unless 200. */
  postAlerts(alerts: readonly PostableAlert[]): Promise<void>
  /** GET /api/v2/status. */
  status(): Promise<AlertmanagerStatus>
  /** SIGTERM and wait. */
  stop(): Promise<void>
  /** SIGKILL and wait. */
  kill9(): Promise<void>
  /** Start again on the same port, config and storage (after stop or kill9); alerts start empty. */
  restart(): Promise<void>
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/**
 * Start Alertmanager on a free loopback port.
 *
 * @example
 * const capture = await startCaptureServer()
 * const am = await startAlertmanager({
 *   config: { route: { receiver: 'hook', group_wait: '0s' }, receivers: [{ name: 'hook', webhook_configs: [{ url: capture.webhookUrl }] }] },
 * })
 * after(() => am.stop())
 * await am.postAlerts([{ labels: { alertname: 'LinkDown', severity: 'warning' } }])
 */
export async function startAlertmanager(options: AlertmanagerOptions = {}): Promise<AlertmanagerHandle> {
  const service = await startService(alertmanagerSpec, options)
  const setup = service.setup
  const status = () => getJson<AlertmanagerStatus>(`${setup.url}/api/v2/status`)
  return {
    url: setup.url,
    port: setup.port,
    setup,
    service,
    status,
    async reload(config) {
      const before = (await status()).config.original
      const previousText = await readFile(setup.configFile, 'utf8')
      // A refused config is taken back, so that restart() still finds a loadable one.
      const restore = () => writeFile(setup.configFile, previousText)
      if (config !== undefined) {
        await writeFile(setup.configFile, configText(config))
        await checkConfig(setup.configFile).catch(async (error: unknown) => {
          await restore()
          throw error
        })
      }
      const changed = (await readFile(setup.configFile, 'utf8')) !== previousText
      const response = await fetch(`${setup.url}/-/reload`, {
        method: 'POST',
        signal: AbortSignal.timeout(15_000),
      })
      const text = await response.text()
      if (response.status !== 200) {
        if (config !== undefined) await restore()
        throw new Error(`Alertmanager refused to reload ${setup.configFile} (${response.status}): ${text}`)
      }
      if (!changed) return
      // Alertmanager re-serialises the config (defaults filled in), so compare with the old text.
      await waitFor(async () => (await status()).config.original !== before, {
        description: 'Alertmanager /api/v2/status showing the reloaded config',
        timeoutMs: 10_000,
      })
    },
    async alerts(query = {}) {
      const params = new URLSearchParams()
      for (const key of ['active', 'silenced', 'inhibited', 'unprocessed'] as const) {
        const value = query[key]
        if (value !== undefined) params.set(key, String(value))
      }
      for (const matcher of query.filter ?? []) params.append('filter', matcher)
      if (query.receiver !== undefined) params.set('receiver', query.receiver)
      const suffix = params.size > 0 ? `?${params}` : ''
      return getJson<AlertmanagerAlert[]>(`${setup.url}/api/v2/alerts${suffix}`)
    },
    async postAlerts(alerts) {
      const response = await fetch(`${setup.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(10_000),
      })
      const text = await response.text()
      if (response.status !== 200) throw new Error(`POST /api/v2/alerts answered ${response.status}: ${text}`)
    },
    async stop() {
      await service.stop()
    },
    async kill9() {
      await service.kill9()
    },
    restart: () => service.restart(),
  }
}

/**
 * The Debian package starts Alertmanager on :9093 (and gossip on :9094) when policy-rc.d does not
 * prevent it: disable it and stop a copy that got started anyway.
 */
export async function stopPackagedAlertmanager(): Promise<void> {
  await stopPackagedDaemon({
    label: 'packaged Alertmanager on :9093',
    units: ['prometheus-alertmanager.service'],
    pids: () => packagedPids(ALERTMANAGER_BINARY),
  })
}
