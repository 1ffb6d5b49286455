/**
 * @module The collector: assembles the stages of DESIGN.md's data flow (sources -> pipeline ->
 * spool -> sinks, with the API beside them) from a validated config, and takes them down in the
 * reverse order so that everything read is in the spool, and every sink's cursor is persisted,
 * before the process exits.
 */
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApi } from './api/server.js'
import type { CollectorConfig } from './config/schema.js'
import type { RawRecord } from './event/raw-record.js'
import { SentinelError } from './errors/codes.js'
import { parseRecord } from './parse/index.js'
import { Pipeline } from './pipeline/pipeline.js'
import { RecentEvents } from './pipeline/recent-events.js'
import { Correlator } from './correlate/correlator.js'
import { createMlRunner } from './ml/ml-runner.js'
import { configuredRules } from './correlate/shipped.js'
import { AlertmanagerSender } from './sinks/alertmanager/sender.js'
import { createSinks } from './sinks/create-sinks.js'
import type { Sink } from './sinks/sink.js'
import { MibTable } from './enrich/mib/table.js'
import { customProfiles, Inventory, toSnmpDevice } from './sources/snmp_poll/inventory.js'
import { SnmpPoller } from './sources/snmp_poll/poller.js'
import { pollRecords, stateRecord } from './sources/snmp_poll/records.js'
import { SnmpTrapSource } from './sources/snmp_trap/source.js'
import { createSyslogSource, type SyslogSource } from './sources/syslog/source.js'
import { Spool } from './spool/spool.js'
import type { Logger } from './telemetry/logger.js'
import { createMetrics, type CollectorMetrics } from './telemetry/metrics.js'
import { correlateMetricsSampler } from './telemetry/correlate-metrics.js'
import { spoolMetricsSampler } from './telemetry/spool-metrics.js'

const { version } = createRequire(import.meta.url)('../package.json') as { version: string }
export const COLLECTOR_VERSION = version

export interface RunningCollector {
  readonly metrics: CollectorMetrics
  readonly spool: Spool
  /** Bound addresses by listener name, plus `api`. */
  addresses(): Record<string, { host: string; port: number } | undefined>
  /** Stop accepting, write everything read to the spool, close. Idempotent. */
  stop(): Promise<void>
}

/** Start every stage; rejects (after undoing what it started) when a listener or the spool fails. */
export async function startCollector(config: CollectorConfig, logger: Logger): Promise<RunningCollector> {
  const metrics = createMetrics()
  const spoolDir = resolve(config.data_dir, 'spool')
  const spool = await Spool.open({
    dir: spoolDir,
    maxBytes: config.spool.max_bytes,
    segmentBytes: config.spool.segment_bytes,
    whenFull: config.spool.when_full,
    fsyncIntervalMs: config.spool.fsync_interval_ms,
  })
  const sinks: Sink[] = createSinks(config.sinks, { spool, metrics, logger })
  const recent = new RecentEvents(config.api.recent_events)
  // One MIB table for every trap source (shipped MIBs plus all their mib_dirs), built once at start.
  const mibDirs = Object.values(config.sources).flatMap((s) => (s.type === 'snmp_trap' ? s.mib_dirs : []))
  const mib = MibTable.load({ dirs: mibDirs, logger })
  mib.onUnknown = () => metrics.snmpUnknownOids.inc()
  // SNMP inventory: device names are the host.name of poll documents and of traps from them.
  const inventory = await Inventory.open(config.snmp).catch(async (error: unknown) => {
    await spool.close()
    throw new SentinelError('SNT_ERR_CONFIG_INVALID', [(error as Error).message], { cause: error })
  })
  let hosts = inventory.addressMap()
  const { correlator, alertmanager } = await createCorrelation(config, {
    spool,
    metrics,
    logger,
    push: (records) => void pipeline.push(records),
  }).catch(async (error: unknown) => {
    await spool.close()
    throw error
  })
  const ml = config.ml.enabled ? createMlRunner(config.ml, config.data_dir, { metrics, logger }) : undefined
  const pipeline = new Pipeline(
    {
      batchMaxEvents: config.pipeline.batch_max_events,
      batchMaxBytes: config.pipeline.batch_max_bytes,
      maxPendingEvents: config.pipeline.max_pending_events,
    },
    {
      spool,
      parse: (record) => parseRecord(record, { mib, hosts }),
      metrics,
      logger,
      recent,
      ...(correlator ? { onParsed: correlator.observe.bind(correlator) } : {}),
      ...(ml ? { annotate: ml.annotate.bind(ml) } : {}),
    },
  )
  let poller: SnmpPoller | undefined
  const pollerDevices = () => inventory.list().map(({ device }) => toSnmpDevice(device, config.snmp))
  const facts = (name: string) => {
    const device = inventory.get(name)?.device
    return { address: device?.address ?? '', tags: device?.tags, site: device?.site }
  }
  const syncPoller = (): void => {
    hosts = inventory.addressMap()
    const devices = pollerDevices()
    if (poller) {
      poller.setDevices(devices)
      return
    }
    if (devices.length === 0) return
    poller = new SnmpPoller({
      devices,
      intervalMs: config.snmp.interval_secs * 1000,
      concurrency: config.snmp.concurrency,
      timeoutMs: config.snmp.timeout_ms,
      retries: config.snmp.retries,
      profiles: customProfiles(config.snmp),
      registry: metrics.registry,
      logger,
      // Poll values and state changes are records: spooled before any sink sees them.
      onPoll: (poll, rates) => void pipeline.push(pollRecords(poll, rates, facts(poll.device))),
      onStateChange: (change) => void pipeline.push([stateRecord(change, facts(change.device.name))]),
    })
    if (ready) poller.start()
  }
  inventory.onChange(syncPoller)
  const sources: SyslogSource[] = Object.entries(config.sources).map(([id, source]) =>
    source.type === 'snmp_trap'
      ? new SnmpTrapSource(id, source, { port: pipeline, metrics, logger })
      : createSyslogSource(id, source, { port: pipeline, metrics, logger }),
  )
  const sampleSpool = spoolMetricsSampler(metrics, () => spool.stats())
  const sampleCorrelation = correlateMetricsSampler(metrics, () => correlator?.stats() ?? [])
  let ready = false
  const api = await buildApi({
    version,
    registry: metrics.registry,
    recent,
    spoolId: () => spool.id,
    inventory,
    poller: () => poller,
    alerts: () => correlator?.active() ?? [],
    beforeScrape: () => {
      sampleSpool()
      sampleCorrelation()
      ml?.sampleMetrics()
      metrics.pipelinePending.set(pipeline.pending)
      for (const source of sources) source.collectMetrics?.()
      for (const sink of sinks) sink.collectMetrics?.()
    },
    readiness: () => {
      if (!ready) return { ready: false, reason: 'starting or stopping' }
      if (spool.isFull()) return { ready: false, reason: 'spool is full', retryAfterSecs: 5 }
      return { ready: true }
    },
  })

  const started: SyslogSource[] = []
  const startedSinks: Sink[] = []
  try {
    // Models and templates before any event; rule state next: replaying what was spooled before a
    // restart must finish before new events.
    await ml?.start()
    await correlator?.start()
    alertmanager?.start()
    for (const source of sources) {
      await source.start()
      started.push(source)
    }
    for (const sink of sinks) {
      await sink.start()
      startedSinks.push(sink)
    }
    await listenApi(api, config.api.listen)
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.stop()))
    await pipeline.flush()
    await correlator?.stop()
    await ml?.stop()
    await alertmanager?.stop()
    await Promise.allSettled(startedSinks.map((s) => s.stop()))
    await api.close()
    await spool.close()
    throw error
  }
  ready = true
  syncPoller()
  poller?.start()
  logStartup(logger, config, api, spoolDir, [
    ...sinks.map((s) => s.id),
    ...(alertmanager ? ['alertmanager'] : []),
  ])

  let stopping: Promise<void> | undefined
  return {
    metrics,
    spool,
    addresses: () => ({
      ...Object.fromEntries(sources.map((s) => [s.id, s.address()])),
      api: apiAddress(api),
    }),
    stop: () =>
      (stopping ??= (async () => {
        ready = false
        await poller?.stop()
        await Promise.allSettled(sources.map((s) => s.stop()))
        await pipeline.flush()
        // The last events may have changed alerts: save the rule state, spool the history.
        await correlator?.stop()
        await pipeline.flush()
        await ml?.stop()
        await alertmanager?.stop()
        await Promise.allSettled(sinks.map((s) => s.stop()))
        await api.close()
        await spool.close()
        logger.info(
          { spool_next_seq: spool.stats().nextSeq },
          'Collector stopped; everything read is in the spool.',
        )
      })()),
  }
}

/**
 * The rule engine (when enabled and some rule is loaded) and the Alertmanager sender (when
 * configured), not started yet. Rule files that do not load stop the start with an error naming
 * file and rule.
 */
async function createCorrelation(
  config: CollectorConfig,
  deps: { spool: Spool; metrics: CollectorMetrics; logger: Logger; push: (records: RawRecord[]) => void },
): Promise<{ correlator?: Correlator; alertmanager?: AlertmanagerSender }> {
  const { correlate } = config
  const rules = await configuredRules(correlate)
  const amConfig = config.sinks.alertmanager
  const publicUrl = (amConfig?.public_url ?? `http://${config.api.listen}`).replace(/\/+$/, '')
  const alertmanager = amConfig
    ? new AlertmanagerSender(amConfig, {
        metrics: deps.metrics,
        logger: deps.logger,
        generatorUrl: (alert) => `${publicUrl}/api/v1/alerts/${encodeURIComponent(alert.id)}`,
      })
    : undefined
  if (rules.length === 0) return alertmanager ? { alertmanager } : {}
  const correlator = new Correlator(correlate, rules, config.data_dir, {
    spool: deps.spool,
    push: deps.push,
    logger: deps.logger,
    ...(alertmanager ? { onChange: (change) => alertmanager.send(change) } : {}),
  })
  alertmanager?.setActive(() => correlator.active())
  deps.logger.info({ rules: rules.length }, 'Correlation rules loaded.')
  return alertmanager ? { correlator, alertmanager } : { correlator }
}

async function listenApi(api: FastifyInstance, listen: string): Promise<void> {
  const at = listen.lastIndexOf(':')
  const host = listen.slice(0, at).replace(/^\[|\]$/g, '')
  const port = Number(listen.slice(at + 1))
  try {
    await api.listen({ host, port })
  } catch (error) {
    throw new SentinelError('SNT_ERR_LISTEN', [`http:${listen}`, (error as Error).message], { cause: error })
  }
}

function apiAddress(api: FastifyInstance): { host: string; port: number } | undefined {
  const address = api.server.address()
  return address && typeof address === 'object' ? { host: address.address, port: address.port } : undefined
}

function logStartup(
  logger: Logger,
  config: CollectorConfig,
  api: FastifyInstance,
  spoolDir: string,
  on: readonly string[],
): void {
  const http = apiAddress(api)
  logger.info(
    { api: http ? `http://${http.host}:${http.port}` : config.api.listen, spool: spoolDir, version },
    'Collector ready: health at /health/ready, metrics at /metrics, recent events at /api/v1/events.',
  )
  const off = OUTPUTS.filter((o) => !on.includes(o.id)).map((o) => o.id)
  const outputs = { on, off }
  if (on.length === 0) {
    logger.warn(
      {
        outputs,
        spool: join(spoolDir),
        quota_bytes: config.spool.max_bytes,
        when_full: config.spool.when_full,
      },
      'No outputs are configured (Elasticsearch, Splunk HEC, Alertmanager are off): events are kept in the spool up to its quota.',
    )
    return
  }
  const names = (ids: readonly string[]): string =>
    ids.map((id) => OUTPUTS.find((o) => o.id === id)?.name ?? id).join(', ')
  logger.info(
    { outputs },
    `Outputs on: ${names(on)}; off: ${off.length === 0 ? 'none' : names(off)} (configure them under sinks).`,
  )
}

/** Outputs the collector knows, for the start-up log (an output without a URL is off). */
const OUTPUTS = [
  { id: 'elasticsearch', name: 'Elasticsearch' },
  { id: 'splunk_hec', name: 'Splunk HEC' },
  { id: 'alertmanager', name: 'Alertmanager' },
] as const
