/**
 * @module The built collector as a real process: `node collector/dist/cli/main.js run --config FILE`
 * with a config the test describes, ready when `GET /health/ready` answers 200. Exposes the
 * event query API, /metrics and the data dir (spool under `<data_dir>/spool`).
 */
import { access, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { freePort, freeTcpPort } from './ports.js'
import { metricSum, parsePrometheusText, type Sample } from './prometheus-text.js'
import { startService, type RunningService, type ServiceSpec } from './service.js'
import { REPO_ROOT } from './work-dir.js'

/** The built CLI the harness runs. `npm test` builds it first (pretest). */
export const COLLECTOR_MAIN = join(REPO_ROOT, 'collector', 'dist', 'cli', 'main.js')

/**
 * A source the test wants. For syslog, give `protocol` instead of `listen`: the harness picks a
 * free loopback port and writes `listen: <protocol>:127.0.0.1:<port>`. Other keys are copied
 * into the config as they are (format, timezone, framing, tls, ...).
 */
export type CollectorSourceRequest = {
  /** `snmp_trap` sources take `protocol: 'udp'`. */
  type: 'syslog' | 'snmp_trap'
  protocol: 'udp' | 'tcp' | 'tls'
  [key: string]: unknown
}

export interface CollectorOptions {
  sources: Record<string, CollectorSourceRequest>
  /** Overrides for the `spool:` section. */
  spool?: {
    max_bytes?: number
    when_full?: 'block' | 'drop_newest' | 'drop_oldest'
    fsync_interval_ms?: number
  }
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error'
  /** More top-level config sections (sinks, ...), copied as they are. */
  extra?: Record<string, unknown>
  /** Extra environment for the process. */
  env?: NodeJS.ProcessEnv
}

export interface CollectorSetup {
  configFile: string
  /** The config as written (JSON is valid YAML 1.2, so the file is the JSON text). */
  config: Record<string, unknown>
  dataDir: string
  spoolDir: string
  apiPort: number
  apiUrl: string
  /** Port of each source, by source id. */
  ports: Record<string, number>
  env: NodeJS.ProcessEnv
}

/** One event as the query API returns it. */
export interface ApiEvent {
  id: string
  seq: number
  event: EcsEvent
}

/** The ECS fields the tests read (the API returns more). */
export interface EcsEvent {
  '@timestamp'?: string
  message?: string
  host?: { name?: string }
  log?: {
    level?: string
    syslog?: {
      appname?: string
      procid?: string
      msgid?: string
      hostname?: string
      priority?: number
      facility?: { code?: number; name?: string }
      severity?: { code?: number; name?: string }
      structured_data?: Record<string, Record<string, string>>
    }
  }
  event?: { original?: string; kind?: string }
  error?: { message?: string; code?: string }
  sentinel?: { source_id?: string; transport?: string; format?: string }
  [field: string]: unknown
}

/** Filters of `GET /api/v1/events`. */
export interface EventQuery {
  limit?: number
  source_id?: string
  'host.name'?: string
  q?: string
  'event.kind'?: string
}

export const collectorSpec: ServiceSpec<CollectorOptions, CollectorSetup> = {
  name: 'collector',
  requires: [],
  async configure(workDir, options) {
    const dataDir = join(workDir, 'data')
    await mkdir(dataDir, { recursive: true })
    const apiPort = await freeTcpPort()
    const ports: Record<string, number> = {}
    const sources: Record<string, Record<string, unknown>> = {}
    for (const [id, request] of Object.entries(options.sources)) {
      const { protocol, ...rest } = request
      const port = await freePort(protocol)
      ports[id] = port
      sources[id] = { ...rest, listen: `${protocol}:127.0.0.1:${port}` }
    }
    const config: Record<string, unknown> = {
      data_dir: dataDir,
      log_level: options.logLevel ?? 'info',
      api: { listen: `127.0.0.1:${apiPort}` },
      sources,
      spool: { max_bytes: 1_073_741_824, when_full: 'block', fsync_interval_ms: 1000, ...options.spool },
      ...options.extra,
    }
    const configFile = join(workDir, 'sentinel.yaml')
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`)
    return {
      configFile,
      config,
      dataDir,
      spoolDir: join(dataDir, 'spool'),
      apiPort,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      ports,
      env: { ...process.env, ...options.env },
    }
  },
  async check() {
    try {
      await access(COLLECTOR_MAIN)
    } catch {
      throw new Error(`${COLLECTOR_MAIN} is missing: run \`npm run build\` (npm test does it in pretest)`)
    }
  },
  command(setup) {
    return {
      command: process.execPath,
      args: [COLLECTOR_MAIN, 'run', '--config', setup.configFile],
      env: setup.env,
    }
  },
  ready: (setup) => ({ kind: 'http', url: `${setup.apiUrl}/health/ready` }),
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 30_000,
}

/** A running collector with its API at hand. */
export interface CollectorHandle extends RunningService<CollectorSetup> {
  readonly apiUrl: string
  readonly dataDir: string
  readonly spoolDir: string
  /** Port of a source by id; throws for an unknown id. */
  port(sourceId: string): number
  /** `GET /api/v1/events` (newest first). */
  events(query?: EventQuery): Promise<ApiEvent[]>
  /** The text of /metrics. */
  metrics(): Promise<string>
  /** Parsed /metrics samples. */
  samples(): Promise<Sample[]>
  /** Sum of a metric's samples whose labels include `match`. */
  metric(name: string, match?: Record<string, string>): Promise<number>
}

/**
 * Start the built collector with `options` and wait for `/health/ready`.
 *
 * @example
 * const collector = await startCollector({ sources: { syslog_udp: { type: 'syslog', protocol: 'udp' } } })
 * after(() => collector.stop())
 * const [latest] = await collector.events({ limit: 1 })
 */
export async function startCollector(options: CollectorOptions): Promise<CollectorHandle> {
  const service = await startService(collectorSpec, options)
  const { setup } = service
  const getText = async (path: string): Promise<string> => {
    const response = await fetch(`${setup.apiUrl}${path}`, { signal: AbortSignal.timeout(10_000) })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 500)}`)
    return text
  }
  const handle: CollectorHandle = {
    get name() {
      return service.name
    },
    get workDir() {
      return service.workDir
    },
    get setup() {
      return service.setup
    },
    get process() {
      return service.process
    },
    get logFile() {
      return service.logFile
    },
    stop: () => service.stop(),
    kill9: () => service.kill9(),
    restart: () => service.restart(),
    apiUrl: setup.apiUrl,
    dataDir: setup.dataDir,
    spoolDir: setup.spoolDir,
    port(sourceId) {
      const port = setup.ports[sourceId]
      if (port === undefined) throw new Error(`No source ${sourceId} in this collector's config`)
      return port
    },
    async events(query = {}) {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) params.set(key, String(value))
      const body = JSON.parse(await getText(`/api/v1/events?${params.toString()}`)) as { events?: ApiEvent[] }
      if (!Array.isArray(body.events)) throw new Error('GET /api/v1/events: answer has no events array')
      return body.events
    },
    metrics: () => getText('/metrics'),
    samples: async () => parsePrometheusText(await getText('/metrics')),
    metric: async (name, match) => metricSum(parsePrometheusText(await getText('/metrics')), name, match),
  }
  return handle
}
