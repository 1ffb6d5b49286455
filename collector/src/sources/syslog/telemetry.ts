/**
 * @module Syslog source telemetry: named emitters for the counters and gauges the listeners touch,
 * called once per read chunk or connection event, never per record. Labels are the listener id,
 * transport and bounded reasons/codes only: never peer addresses or message bytes.
 */
import type { SourceContext } from '../../event/raw-record.js'
import type { CollectorMetrics } from '../../telemetry/metrics.js'
import type { ReceiveErrorCode } from '../../errors/codes.js'

/** Codes the listeners count; described in `RECEIVE_ERRORS` (errors/codes.ts). */
export type SourceErrorCode = ReceiveErrorCode

/** Bounded `error_type` values. */
export type SourceErrorType = 'framing' | 'tls_handshake' | 'connection_refused' | 'socket'

/** Bounded `reason` values of `sentinel_component_discarded_events_total` for sources. */
export type SourceDiscardReason = 'pipeline_full'

/** Records (and their payload bytes) read in one chunk or datagram. */
export function emitRecordsReceived(
  metrics: CollectorMetrics,
  ctx: SourceContext,
  count: number,
  bytes: number,
): void {
  if (count === 0) return
  const labels = { component_id: ctx.sourceId, transport: ctx.transport }
  metrics.receivedEvents.inc(labels, count)
  metrics.receivedBytes.inc(labels, bytes)
}

/** Records a listener had to drop (UDP while the pipeline is full). Unintentional: no policy chose it. */
export function emitRecordsDiscarded(
  metrics: CollectorMetrics,
  ctx: SourceContext,
  reason: SourceDiscardReason,
  count: number,
): void {
  metrics.discardedEvents.inc({ component_id: ctx.sourceId, reason, intentional: 'false' }, count)
}

/** One error while receiving. */
export function emitSourceError(
  metrics: CollectorMetrics,
  sourceId: string,
  errorType: SourceErrorType,
  errorCode: SourceErrorCode,
): void {
  metrics.errors.inc({
    component_id: sourceId,
    error_type: errorType,
    error_code: errorCode,
    stage: 'receiving',
  })
}

/** Datagrams the kernel dropped since the last sample (receive buffer full). */
export function emitKernelDrops(metrics: CollectorMetrics, sourceId: string, delta: number): void {
  if (delta > 0) metrics.udpKernelDrops.inc({ component_id: sourceId }, delta)
}

/** Open connections moved by `delta` (+1 on accept, -1 on close). */
export function emitConnectionsChanged(metrics: CollectorMetrics, sourceId: string, delta: number): void {
  metrics.connections.inc({ component_id: sourceId }, delta)
}

/** Connections paused by backpressure moved by `delta`. */
export function emitPausedChanged(metrics: CollectorMetrics, sourceId: string, delta: number): void {
  metrics.sourcePaused.inc({ component_id: sourceId }, delta)
}

/** Show the listener's gauges (at 0) from start-up, so dashboards see the series before traffic. */
export function initListenerGauges(metrics: CollectorMetrics, sourceId: string): void {
  metrics.connections.set({ component_id: sourceId }, 0)
  metrics.sourcePaused.set({ component_id: sourceId }, 0)
}
