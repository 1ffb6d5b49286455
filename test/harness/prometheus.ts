/**
 * @module Prometheus 2.42 (Debian `prometheus`) on a free loopback port: given scrape jobs, rule
 * files and Alertmanagers, scrape and evaluation every second by default, alerts re-sent every
 * second (`--rules.alert.resend-delay=1s`), `--web.enable-lifecycle` for POST /-/reload, TSDB in
 * the work dir. The generated prometheus.yml is checked with `promtool check config` (which checks
 * the rule files too) before start. Recipe: shared/SERVICES.md §5.
 *
 * Gotcha: Prometheus hands discovered targets, scrape and Alertmanager alike, to its scrape loop
 * and notifier at most every 5 s, and 2.42 has no flag to shorten that. The first scrape and the
 * first alert delivered therefore come ~5 s after start, whatever the intervals; alerts that fire
 * before the Alertmanager is known are dropped (resend-delay brings them 1 s later).
 */
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { stopPackagedDaemon } from './packaged-daemon.js'
import { packagedPids } from './packaged-pids.js'
import { freePort } from './ports.js'
import { binary, requireBinary } from './requirements.js'
import { startService, type RunningService, type ServiceSpec } from './service.js'
import { waitFor } from './wait-for.js'

const execFileAsync = promisify(execFile)

export const PROMETHEUS_BINARY = 'prometheus'

/** One scrape job. */
export interface ScrapeJob {
  /** `job` label, e.g. `sentinel`. */
  job: string
  /** `host:port` targets. */
  targets: string[]
  /** Default `/metrics`. */
  metricsPath?: string
  scheme?: 'http' | 'https'
  /** URL parameters, e.g. `{ module: ['if_mib'] }`. */
  params?: Record<string, string[]>
  /** Extra target labels. */
  labels?: Record<string, string>
}

export interface PrometheusOptions {
  jobs?: ScrapeJob[]
  /** Rule files (absolute, or relative to the repository's working directory). */
  ruleFiles?: string[]
  /** Rule groups as YAML text or an object (`{ groups: [...] }`), written to rules.yml in the work dir. */
  rules?: string | Record<string, unknown>
  /** Alertmanager base URLs, e.g. `http://127.0.0.1:19093`. */
  alertmanagers?: string[]
  /** scrape_interval and evaluation_interval in seconds. Default 1. */
  intervalSecs?: number
  /** `global.external_labels`. */
  externalLabels?: Record<string, string>
}

export interface PrometheusSetup {
  host: string
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
  configFile: string
  tsdbDir: string
  ruleFiles: string[]
}

/** One series of an instant-query vector. */
export interface VectorSample {
  metric: Record<string, string>
  value: number
  /** Evaluation time, ms since the epoch. */
  timestamp: number
}

/** An alert as GET /api/v1/alerts lists it. */
export interface PrometheusAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  state: 'pending' | 'firing'
  activeAt: string
  value: string
}

export interface PrometheusRule {
  type: 'alerting' | 'recording'
  name: string
  query: string
  health: string
  lastError?: string
  state?: 'inactive' | 'pending' | 'firing'
  labels?: Record<string, string>
  annotations?: Record<string, string>
  alerts?: PrometheusAlert[]
}

export interface PrometheusRuleGroup {
  name: string
  file: string
  interval: number
  rules: PrometheusRule[]
}

export interface PrometheusTarget {
  labels: Record<string, string>
  scrapePool: string
  scrapeUrl: string
  health: 'up' | 'down' | 'unknown'
  lastError: string
}

/**
 * The collector's two scrape jobs: `/metrics` (self-metrics) as job `sentinel` and `/metrics/snmp`
 * (polled SNMP values, snmp_exporter names) as job `sentinel_snmp`.
 *
 * @example startPrometheus({ jobs: sentinelScrapeJobs(`127.0.0.1:${collector.apiPort}`) })
 */
export function sentinelScrapeJobs(collectorHostPort: string): ScrapeJob[] {
  return [
    { job: 'sentinel', targets: [collectorHostPort], metricsPath: '/metrics' },
    { job: 'sentinel_snmp', targets: [collectorHostPort], metricsPath: '/metrics/snmp' },
  ]
}

/** The `alerting.alertmanagers` entry for one Alertmanager base URL (path prefix kept). */
function alertmanagerEntry(base: string): Record<string, unknown> {
  const url = new URL(base)
  const entry: Record<string, unknown> = {
    scheme: url.protocol.replace(':', ''),
    api_version: 'v2',
    timeout: '5s',
    static_configs: [{ targets: [url.host] }],
  }
  if (url.pathname !== '/' && url.pathname !== '') entry.path_prefix = url.pathname
  return entry
}

/** prometheus.yml text (exported for tests of the harness itself). */
export function prometheusConfig(options: PrometheusOptions, ruleFiles: readonly string[]): string {
  const interval = `${options.intervalSecs ?? 1}s`
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: interval,
      scrape_timeout: interval,
      evaluation_interval: interval,
      ...(options.externalLabels ? { external_labels: options.externalLabels } : {}),
    },
    rule_files: ruleFiles,
    scrape_configs: (options.jobs ?? []).map((job) => ({
      job_name: job.job,
      metrics_path: job.metricsPath ?? '/metrics',
      scheme: job.scheme ?? 'http',
      ...(job.params ? { params: job.params } : {}),
      static_configs: [{ targets: job.targets, ...(job.labels ? { labels: job.labels } : {}) }],
    })),
  }
  if (options.alertmanagers && options.alertmanagers.length > 0)
    config.alerting = { alertmanagers: options.alertmanagers.map(alertmanagerEntry) }
  return stringify(config, { lineWidth: 0 })
}

export const prometheusSpec: ServiceSpec<PrometheusOptions, PrometheusSetup> = {
  name: 'prometheus',
  requires: [binary(PROMETHEUS_BINARY, 'prometheus'), binary('promtool', 'prometheus')],
  afterInstall: stopPackagedPrometheus,
  async configure(workDir, options) {
    const port = await freePort('tcp')
    const ruleFiles = (options.ruleFiles ?? []).map((f) => (isAbsolute(f) ? f : resolve(f)))
    if (options.rules !== undefined) {
      const file = join(workDir, 'rules.yml')
      const text =
        typeof options.rules === 'string' ? options.rules : stringify(options.rules, { lineWidth: 0 })
      await writeFile(file, text)
      ruleFiles.push(file)
    }
    const setup: PrometheusSetup = {
      host: '127.0.0.1',
      port,
      url: `http://127.0.0.1:${port}`,
      configFile: join(workDir, 'prometheus.yml'),
      tsdbDir: join(workDir, 'tsdb'),
      ruleFiles,
    }
    await mkdir(setup.tsdbDir, { recursive: true })
    await writeFile(setup.configFile, prometheusConfig(options, ruleFiles))
    return setup
  },
  async check(setup) {
    const promtool = await requireBinary('promtool')
    try {
      await execFileAsync(promtool, ['check', 'config', setup.configFile], { timeout: 15_000 })
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
      throw new Error(
        `promtool check config rejected ${setup.configFile}:\n${`${stdout}\n${stderr}`.trim()}`,
        {
          cause: error,
        },
      )
    }
  },
  async command(setup) {
    return {
      command: await requireBinary(PROMETHEUS_BINARY),
      args: [
        `--config.file=${setup.configFile}`,
        `--storage.tsdb.path=${setup.tsdbDir}`,
        `--web.listen-address=${setup.host}:${setup.port}`,
        // Default 1 m: an alert dropped before the Alertmanager was discovered would wait a minute.
        '--rules.alert.resend-delay=1s',
        '--web.enable-lifecycle',
      ],
    }
  },
  ready(setup) {
    return { kind: 'http', url: `${setup.url}/-/ready` }
  },
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 15_000,
}

export interface PrometheusHandle {
  url: string
  port: number
  setup: PrometheusSetup
  service: RunningService<PrometheusSetup>
  /** Instant query; a scalar result comes back as one sample with no labels. Throws on errors. */
  query(promql: string): Promise<VectorSample[]>
  /** GET /api/v1/alerts: pending and firing alerts. */
  alerts(): Promise<PrometheusAlert[]>
  /** GET /api/v1/rules: rule groups with each rule's health and alerts. */
  rules(): Promise<PrometheusRuleGroup[]>
  /** GET /api/v1/targets: active scrape targets. */
  targets(): Promise<PrometheusTarget[]>
  /** GET /api/v1/alertmanagers: URLs of the Alertmanagers the notifier sends to. */
  alertmanagers(): Promise<string[]>
  /** Wait until the notifier sends to the Alertmanager at `baseUrl` (up to ~5 s after start: see the module). */
  waitForAlertmanager(baseUrl: string, timeoutMs?: number): Promise<void>
  /** POST /-/reload (config and rule files read again); throws with the reason when refused. */
  reload(): Promise<void>
  stop(): Promise<void>
  kill9(): Promise<void>
  /** Start again on the same port, config and TSDB. */
  restart(): Promise<void>
}

interface ApiResponse<T> {
  status: 'success' | 'error'
  data: T
  error?: string
}

async function apiGet<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  const text = await response.text()
  const body = JSON.parse(text) as ApiResponse<T>
  if (response.status !== 200 || body.status !== 'success')
    throw new Error(`GET ${url} answered ${response.status}: ${body.error ?? text}`)
  return body.data
}

type QueryData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] }
  | { resultType: 'matrix'; result: unknown[] }

/**
 * Start Prometheus on a free loopback port.
 *
 * @example
 * const prom = await startPrometheus({ jobs: sentinelScrapeJobs(`127.0.0.1:${port}`), alertmanagers: [am.url] })
 * after(() => prom.stop())
 * await waitFor(async () => (await prom.query('up{job="sentinel"} == 1')).length > 0, { description: 'scraped' })
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusHandle> {
  const service = await startService(prometheusSpec, options)
  const setup = service.setup
  const api = (path: string) => `${setup.url}/api/v1/${path}`
  const alertmanagers = async () => {
    const data = await apiGet<{ activeAlertmanagers: { url: string }[] }>(api('alertmanagers'))
    return data.activeAlertmanagers.map((a) => a.url)
  }
  return {
    url: setup.url,
    port: setup.port,
    setup,
    service,
    async query(promql) {
      const data = await apiGet<QueryData>(`${api('query')}?${new URLSearchParams({ query: promql })}`)
      if (data.resultType === 'vector')
        return data.result.map((r) => ({
          metric: r.metric,
          value: Number(r.value[1]),
          timestamp: Math.round(r.value[0] * 1000),
        }))
      if (data.resultType === 'scalar')
        return [{ metric: {}, value: Number(data.result[1]), timestamp: Math.round(data.result[0] * 1000) }]
      throw new Error(`Query ${promql} returned a ${data.resultType}, not an instant vector`)
    },
    async alerts() {
      return (await apiGet<{ alerts: PrometheusAlert[] }>(api('alerts'))).alerts
    },
    async rules() {
      return (await apiGet<{ groups: PrometheusRuleGroup[] }>(api('rules'))).groups
    },
    async targets() {
      return (await apiGet<{ activeTargets: PrometheusTarget[] }>(api('targets'))).activeTargets
    },
    alertmanagers,
    async waitForAlertmanager(baseUrl, timeoutMs = 20_000) {
      const expected = `${baseUrl.replace(/\/$/, '')}/api/v2/alerts`
      await waitFor(async () => (await alertmanagers()).includes(expected), {
        description: `Prometheus sending alerts to ${expected}`,
        timeoutMs,
        intervalMs: 100,
      })
    },
    async reload() {
      const response = await fetch(`${setup.url}/-/reload`, {
        method: 'POST',
        signal: AbortSignal.timeout(15_000),
      })
      const text = await response.text()
      if (response.status !== 200)
        throw new Error(`Prometheus refused to reload (${response.status}): ${text}`)
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
 * The Debian package starts Prometheus on :9090 (and, when installed, node_exporter on :9100)
 * when policy-rc.d does not prevent it: disable them and stop copies that got started anyway.
 */
export async function stopPackagedPrometheus(): Promise<void> {
  await stopPackagedDaemon({
    label: 'packaged Prometheus on :9090',
    units: ['prometheus.service'],
    pids: () => packagedPids(PROMETHEUS_BINARY),
  })
  await stopPackagedDaemon({
    label: 'packaged node_exporter on :9100',
    units: ['prometheus-node-exporter.service'],
    pids: () => packagedPids('prometheus-node-exporter'),
  })
}
