/**
 * @module Self-metrics: every `sentinel_*` metric is declared here, so names and labels are one
 * contract. Components emit through these objects once per batch, never per event in hot loops.
 * Labels are bounded: listener ids, reasons and codes, never peer addresses or messages.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface CollectorMetrics {
  registry: Registry
  receivedEvents: Counter<'component_id' | 'transport'>
  receivedBytes: Counter<'component_id' | 'transport'>
  parsedEvents: Counter<'component_id' | 'format'>
  errors: Counter<'component_id' | 'error_type' | 'error_code' | 'stage'>
  discardedEvents: Counter<'component_id' | 'reason' | 'intentional'>
  udpKernelDrops: Counter<'component_id'>
  snmpUnknownOids: Counter
  connections: Gauge<'component_id'>
  sourcePaused: Gauge<'component_id'>
  pipelineLatency: Histogram<never>
  pipelinePending: Gauge<never>
  spoolAppendedEvents: Counter<never>
  spoolSizeBytes: Gauge<never>
  spoolEvents: Gauge<never>
  spoolSegments: Gauge<never>
  spoolQuotaBytes: Gauge<never>
  spoolRecoveredBytes: Counter<never>
  sinkSentEvents: Counter<'sink'>
  sinkDuplicateEvents: Counter<'sink'>
  sinkRetries: Counter<'sink' | 'reason'>
  sinkDeadletterEvents: Counter<'sink' | 'reason'>
  sinkBacklogEvents: Gauge<'sink'>
  sinkInFlightRequests: Gauge<'sink'>
  sinkUp: Gauge<'sink'>
  sinkRequestDuration: Histogram<'sink'>
  alertmanagerSentAlerts: Counter<'alertmanager' | 'status'>
  alertmanagerErrors: Counter<'alertmanager' | 'reason'>
  alertmanagerDroppedAlerts: Counter<'alertmanager' | 'reason'>
  alertmanagerQueueAlerts: Gauge<'alertmanager'>
  alertmanagerUp: Gauge<'alertmanager'>
  alertLatency: Histogram<never>
  correlateEvaluated: Counter<'rule_id'>
  correlateMatched: Counter<'rule_id'>
  correlateAlerts: Counter<'rule_id' | 'status'>
  correlateKeys: Gauge<'rule_id'>
  correlateKeysLost: Counter<'rule_id' | 'reason'>
  anomalyScore: Histogram<'scorer'>
  anomalyScoredEvents: Counter<'scorer'>
  anomalyInferenceDuration: Histogram<'scorer'>
  anomalyStageDuration: Histogram<never>
  anomalyModel: Gauge<'role' | 'version'>
  anomalyTrainings: Counter<'outcome'>
  templates: Gauge<never>
  templatesEvicted: Counter<never>
  anomalySeries: Gauge<never>
  anomalySeriesEvicted: Counter<never>
}

/** Anomaly score buckets: tenths of the 0..1 score. */
export const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]

/** Latency buckets from 0.1 ms to 10 s: fine enough below 50 ms to read p50/p99 from the histogram. */
export const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5,
  1, 2.5, 5, 10,
]

/** Alert latency buckets from 1 ms to 10 s: an alert is a single request, not a per-event hot path. */
export const ALERT_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Build a fresh registry with all collector metrics (one per collector; tests make their own). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): CollectorMetrics {
  const registry = new Registry()
  if (options.defaultMetrics ?? true) {
    // Process and Node metrics, including nodejs_eventloop_lag_seconds.
    collectDefaultMetrics({ register: registry, prefix: 'sentinel_' })
  }
  const registers = [registry]
  return {
    registry,
    receivedEvents: new Counter({
      name: 'sentinel_component_received_events_total',
      help: 'Records read by a source, before parsing.',
      labelNames: ['component_id', 'transport'],
      registers,
    }),
    receivedBytes: new Counter({
      name: 'sentinel_component_received_bytes_total',
      help: 'Bytes of record payload read by a source.',
      labelNames: ['component_id', 'transport'],
      registers,
    }),
    parsedEvents: new Counter({
      name: 'sentinel_component_parsed_events_total',
      help: 'Records turned into events, by the parser that produced them; failures are also in sentinel_component_errors_total.',
      labelNames: ['component_id', 'format'],
      registers,
    }),
    errors: new Counter({
      name: 'sentinel_component_errors_total',
      help: 'Errors by component, type, code and stage. Parse errors still produce an event.',
      labelNames: ['component_id', 'error_type', 'error_code', 'stage'],
      registers,
    }),
    discardedEvents: new Counter({
      name: 'sentinel_component_discarded_events_total',
      help: 'Events dropped, by reason; intentional="true" when a configured policy chose to drop.',
      labelNames: ['component_id', 'reason', 'intentional'],
      registers,
    }),
    snmpUnknownOids: new Counter({
      name: 'sentinel_snmp_unknown_oids_total',
      help: 'SNMP OIDs (trap OIDs and varbinds) no loaded MIB names; they stay numeric. Add the MIB to mib_dirs.',
      registers,
    }),
    udpKernelDrops: new Counter({
      name: 'sentinel_udp_kernel_receive_drops_total',
      help: "Datagrams the kernel dropped for a UDP listener's socket (receive buffer full), from /proc/net/udp.",
      labelNames: ['component_id'],
      registers,
    }),
    connections: new Gauge({
      name: 'sentinel_source_connections',
      help: 'Open TCP/TLS connections per listener.',
      labelNames: ['component_id'],
      registers,
    }),
    sourcePaused: new Gauge({
      name: 'sentinel_source_paused_connections',
      help: 'Connections whose reading is paused by backpressure.',
      labelNames: ['component_id'],
      registers,
    }),
    pipelineLatency: new Histogram({
      name: 'sentinel_pipeline_latency_seconds',
      help: 'Time from reading a record to its event being written to the spool.',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    pipelinePending: new Gauge({
      name: 'sentinel_pipeline_pending_events',
      help: 'Records accepted by sources and not yet written to the spool.',
      registers,
    }),
    spoolAppendedEvents: new Counter({
      name: 'sentinel_spool_appended_events_total',
      help: 'Events written to the spool (committed).',
      registers,
    }),
    spoolSizeBytes: new Gauge({
      name: 'sentinel_spool_size_bytes',
      help: 'Bytes of segment files on disk.',
      registers,
    }),
    spoolEvents: new Gauge({
      name: 'sentinel_spool_events',
      help: 'Events in the spool not yet acknowledged by the slowest sink (all retained events when no sink reads).',
      registers,
    }),
    spoolSegments: new Gauge({
      name: 'sentinel_spool_segments',
      help: 'Segment files on disk.',
      registers,
    }),
    spoolQuotaBytes: new Gauge({
      name: 'sentinel_spool_quota_bytes',
      help: 'Configured spool disk quota.',
      registers,
    }),
    spoolRecoveredBytes: new Counter({
      name: 'sentinel_spool_truncated_bytes_total',
      help: 'Bytes of a torn tail cut off when the spool was reopened after a crash.',
      registers,
    }),
    sinkSentEvents: new Counter({
      name: 'sentinel_sink_sent_events_total',
      help: 'Events the destination confirmed (cursor advanced past them).',
      labelNames: ['sink'],
      registers,
    }),
    sinkDuplicateEvents: new Counter({
      name: 'sentinel_sink_duplicate_events_total',
      help: 'Events the destination already had (a replay after a crash or retry: Elasticsearch 409 on create); counted as delivered.',
      labelNames: ['sink'],
      registers,
    }),
    sinkRetries: new Counter({
      name: 'sentinel_sink_retries_total',
      help: 'Events (or whole requests) sent again, by reason (status_429, status_5xx, network, timeout).',
      labelNames: ['sink', 'reason'],
      registers,
    }),
    sinkDeadletterEvents: new Counter({
      name: 'sentinel_sink_deadletter_events_total',
      help: 'Events the destination rejected for good, written to the dead-letter stream with their reason.',
      labelNames: ['sink', 'reason'],
      registers,
    }),
    sinkBacklogEvents: new Gauge({
      name: 'sentinel_sink_backlog_events',
      help: 'Events in the spool this sink has not had confirmed yet.',
      labelNames: ['sink'],
      registers,
    }),
    sinkInFlightRequests: new Gauge({
      name: 'sentinel_sink_in_flight_requests',
      help: 'Requests sent and not yet answered.',
      labelNames: ['sink'],
      registers,
    }),
    sinkUp: new Gauge({
      name: 'sentinel_sink_up',
      help: '1 while the last request to the destination got an answer, 0 while it is unreachable.',
      labelNames: ['sink'],
      registers,
    }),
    sinkRequestDuration: new Histogram({
      name: 'sentinel_sink_request_duration_seconds',
      help: 'Time from sending a request to its answer.',
      labelNames: ['sink'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    // `alertmanager` is the host:port (and path prefix) of a configured URL: bounded by the config.
    alertmanagerSentAlerts: new Counter({
      name: 'sentinel_alertmanager_alerts_sent_total',
      help: 'Alerts an Alertmanager accepted (2xx), re-sends of firing alerts included, by status (firing, resolved).',
      labelNames: ['alertmanager', 'status'],
      registers,
    }),
    alertmanagerErrors: new Counter({
      name: 'sentinel_alertmanager_errors_total',
      help: 'Failed requests to an Alertmanager, by reason (network, timeout, status_429, status_5xx retried; status_4xx not).',
      labelNames: ['alertmanager', 'reason'],
      registers,
    }),
    alertmanagerDroppedAlerts: new Counter({
      name: 'sentinel_alertmanager_alerts_dropped_total',
      help: 'Alert states given up for an Alertmanager, by reason (queue_full, rejected, retries_exhausted, invalid, shutdown).',
      labelNames: ['alertmanager', 'reason'],
      registers,
    }),
    alertmanagerQueueAlerts: new Gauge({
      name: 'sentinel_alertmanager_queue_alerts',
      help: 'Alerts waiting to be sent to an Alertmanager, in flight included.',
      labelNames: ['alertmanager'],
      registers,
    }),
    alertmanagerUp: new Gauge({
      name: 'sentinel_alertmanager_up',
      help: '1 while the last request to an Alertmanager got an answer other than 5xx, 0 while it fails.',
      labelNames: ['alertmanager'],
      registers,
    }),
    alertLatency: new Histogram({
      name: 'sentinel_alert_latency_seconds',
      help: 'Time from the arrival of the event that made an alert fire to the first Alertmanager accepting it.',
      buckets: ALERT_LATENCY_BUCKETS,
      registers,
    }),
    // Rule engine: counted in plain numbers per event, copied here at scrape time (correlate-metrics.ts).
    correlateEvaluated: new Counter({
      name: 'sentinel_correlate_evaluated_events_total',
      help: 'Events a correlation rule evaluated.',
      labelNames: ['rule_id'],
      registers,
    }),
    correlateMatched: new Counter({
      name: 'sentinel_correlate_matched_events_total',
      help: "Events that matched a correlation rule's filter (or one of its steps or parts).",
      labelNames: ['rule_id'],
      registers,
    }),
    correlateAlerts: new Counter({
      name: 'sentinel_correlate_alerts_total',
      help: 'Alert changes by rule and status: firing, resolved, or suppressed (a re-fire inside suppress_for).',
      labelNames: ['rule_id', 'status'],
      registers,
    }),
    correlateKeys: new Gauge({
      name: 'sentinel_correlate_tracked_keys',
      help: 'Group keys a correlation rule holds state for (capped by correlate.max_keys_per_rule).',
      labelNames: ['rule_id'],
      registers,
    }),
    correlateKeysLost: new Counter({
      name: 'sentinel_correlate_keys_lost_total',
      help: 'Group keys a rule let go at its key cap: evicted (least recently seen) or dropped (every key firing).',
      labelNames: ['rule_id', 'reason'],
      registers,
    }),
    // ML stage (collector/src/ml): scores are observed once per batch through a bound child.
    anomalyScore: new Histogram({
      name: 'sentinel_anomaly_score',
      help: 'Anomaly scores given, by scorer: active (the log model), shadow (the model on trial), series (SNMP metric detectors).',
      labelNames: ['scorer'],
      buckets: SCORE_BUCKETS,
      registers,
    }),
    anomalyScoredEvents: new Counter({
      name: 'sentinel_anomaly_scored_events_total',
      help: 'Events scored, by scorer (active, shadow, series).',
      labelNames: ['scorer'],
      registers,
    }),
    anomalyInferenceDuration: new Histogram({
      name: 'sentinel_anomaly_inference_seconds',
      help: 'Time one batch spent in ONNX inference, by scorer (active, shadow).',
      labelNames: ['scorer'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    anomalyStageDuration: new Histogram({
      name: 'sentinel_anomaly_stage_seconds',
      help: 'Time a pipeline slice spent in the ML stage (templates, features, scoring; with ml.thread worker, the round trip): the latency the stage adds to its events.',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    anomalyModel: new Gauge({
      name: 'sentinel_anomaly_model_info',
      help: 'The log anomaly model in each role (active, shadow): 1 for the version in use.',
      labelNames: ['role', 'version'],
      registers,
    }),
    anomalyTrainings: new Counter({
      name: 'sentinel_anomaly_trainings_total',
      help: 'Model trainings by outcome (registered, failed).',
      labelNames: ['outcome'],
      registers,
    }),
    templates: new Gauge({
      name: 'sentinel_templates',
      help: 'Log templates the miner holds (capped by ml.max_templates).',
      registers,
    }),
    templatesEvicted: new Counter({
      name: 'sentinel_templates_evicted_total',
      help: 'Log templates evicted at ml.max_templates (least recently matched first).',
      registers,
    }),
    anomalySeries: new Gauge({
      name: 'sentinel_anomaly_series',
      help: 'SNMP series the metric detectors are learning (capped by ml.max_series).',
      registers,
    }),
    anomalySeriesEvicted: new Counter({
      name: 'sentinel_anomaly_series_evicted_total',
      help: 'SNMP series forgotten at ml.max_series (least recently updated first).',
      registers,
    }),
  }
}
