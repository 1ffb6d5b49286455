/**
 * @module Service harness entry. `prepareServices()` runs once before `npm test` (and the
 * benchmarks) and installs what the suite needs; the rest are the helpers tests import.
 *
 * Adding a service: write a `ServiceSpec` in
 * its own module (requirements, configure, command, ready probe, stop timeout; see rsyslog.ts)
 * and list it in {@link SERVICE_SPECS}.
 */
import { alertmanagerSpec } from './alertmanager.js'
import { collectorSpec } from './collector.js'
import { elasticsearchSpec } from './elasticsearch.js'
import { prometheusSpec } from './prometheus.js'
import { binary, ensureInstalled, type Requirement } from './requirements.js'
import { rsyslogSpec } from './rsyslog.js'
import { snmpdSpec } from './snmpd.js'
import { snmpExporterSpec } from './snmp-exporter.js'
import type { ServiceSpec } from './service.js'
import { LOGGER_REQUIREMENTS } from './syslog-senders.js'
import { TLS_REQUIREMENTS } from './tls.js'
import { pruneOldRuns, runDir } from './work-dir.js'

export {
  ALERTMANAGER_BINARY,
  NULL_ALERTMANAGER_CONFIG,
  alertmanagerSpec,
  startAlertmanager,
  stopPackagedAlertmanager,
} from './alertmanager.js'
export type {
  AlertmanagerAlert,
  AlertmanagerConfig,
  AlertmanagerHandle,
  AlertmanagerOptions,
  AlertmanagerSetup,
  AlertmanagerStatus,
  AlertsQuery,
  PostableAlert,
} from './alertmanager.js'
export { startCaptureServer } from './capture-server.js'
export type {
  CaptureAnswer,
  CapturedRequest,
  CaptureServerHandle,
  CaptureServerOptions,
} from './capture-server.js'
export { deferInReverse } from './cleanup.js'
export type { AfterHookHost } from './cleanup.js'
export { startCollector, collectorSpec, COLLECTOR_MAIN } from './collector.js'
export type {
  ApiEvent,
  CollectorHandle,
  CollectorOptions,
  CollectorSetup,
  EcsEvent,
  EventQuery,
} from './collector.js'
export {
  ELASTICSEARCH_VERSION,
  SHARED_ES_URL_ENV,
  elasticsearchSpec,
  ensureElasticsearchDistribution,
  esRequest,
  sharedElasticsearch,
  startElasticsearch,
} from './elasticsearch.js'
export type {
  ElasticsearchHandle,
  ElasticsearchOptions,
  ElasticsearchSetup,
  EsResponse,
} from './elasticsearch.js'
export { startProcess, ManagedProcess, ProcessExitedError } from './process.js'
export type { ExitStatus, StartProcessOptions } from './process.js'
export { freePort, freeTcpPort, freeUdpPort } from './ports.js'
export { packagedPids } from './packaged-pids.js'
export {
  PROMETHEUS_BINARY,
  prometheusConfig,
  prometheusSpec,
  sentinelScrapeJobs,
  startPrometheus,
  stopPackagedPrometheus,
} from './prometheus.js'
export type {
  PrometheusAlert,
  PrometheusHandle,
  PrometheusOptions,
  PrometheusRule,
  PrometheusRuleGroup,
  PrometheusSetup,
  PrometheusTarget,
  ScrapeJob,
  VectorSample,
} from './prometheus.js'
export { metricSum, parsePrometheusText } from './prometheus-text.js'
export type { Sample } from './prometheus-text.js'
export type { ReadinessProbe } from './readiness.js'
export { binary, ensureInstalled, findBinary, requireBinary } from './requirements.js'
export type { Requirement } from './requirements.js'
export { rsyslogConfig, rsyslogSpec, startRsyslogForwarder } from './rsyslog.js'
export type { RsyslogForwarderOptions, RsyslogSetup } from './rsyslog.js'
export { SNMPD_USERS, snmpdConfig, snmpdSpec, startSnmpd, v2cArgs, v3Args } from './snmpd.js'
export type { SnmpdHandle, SnmpdSetup, SnmpdV3User } from './snmpd.js'
export { snmpExporterConfig, snmpExporterSpec, startSnmpExporter } from './snmp-exporter.js'
export type { SnmpExporterHandle, SnmpExporterOptions, SnmpExporterSetup } from './snmp-exporter.js'
export { startService } from './service.js'
export type { RunningService, ServiceSpec } from './service.js'
export { octetFrame, runLogger } from './syslog-senders.js'
export { tlsMaterial } from './tls.js'
export type { TlsMaterial } from './tls.js'
export { waitFor, WaitTimeoutError } from './wait-for.js'
export { makeWorkDir, runDir, runId } from './work-dir.js'

/** Every service the suite starts. */
export const SERVICE_SPECS: ReadonlyArray<ServiceSpec<unknown, unknown>> = [
  rsyslogSpec,
  collectorSpec,
  elasticsearchSpec,
  snmpdSpec,
  snmpExporterSpec,
  prometheusSpec,
  alertmanagerSpec,
]

/** Tools tests call directly (senders, cert tooling), not services. */
export const TOOL_REQUIREMENTS: readonly Requirement[] = [
  ...LOGGER_REQUIREMENTS,
  ...TLS_REQUIREMENTS,
  binary('nc', 'netcat-openbsd', true),
  binary('snmptrap', 'snmp'),
]

/**
 * Install whatever the suite needs and this machine lacks (one `apt-get update`, one
 * `apt-get install`), stop daemons the packages started, and fix this run's work dir
 * (`test/.work/<run>/`) for the test processes spawned after it.
 */
export async function prepareServices(): Promise<void> {
  const requirements = [...TOOL_REQUIREMENTS, ...SERVICE_SPECS.flatMap((s) => s.requires)]
  const afterInstall = SERVICE_SPECS.flatMap((s) => (s.afterInstall ? [s.afterInstall.bind(s)] : []))
  await ensureInstalled(requirements, { afterInstall })
  const dir = await runDir()
  await pruneOldRuns()
  process.stdout.write(`[harness] services ready; work dir ${dir}\n`)
}
