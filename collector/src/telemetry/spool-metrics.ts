/** @module Spool gauges and drop counters, sampled from the spool's stats right before a scrape. */
import type { CollectorMetrics } from './metrics.js'

/** The part of the spool's stats the metrics show. */
export interface SpoolStatsView {
  bytes: number
  segments: number
  unackedEvents: number
  quotaBytes: number
  truncatedBytes: number
  discarded: { drop_newest: number; drop_oldest: number }
}

/** Returns a sampler that moves the gauges and adds only the growth of the spool's counters. */
export function spoolMetricsSampler(metrics: CollectorMetrics, stats: () => SpoolStatsView): () => void {
  const seen = { drop_newest: 0, drop_oldest: 0, truncated: 0 }
  return () => {
    const s = stats()
    metrics.spoolSizeBytes.set(s.bytes)
    metrics.spoolSegments.set(s.segments)
    metrics.spoolEvents.set(s.unackedEvents)
    metrics.spoolQuotaBytes.set(s.quotaBytes)
    for (const policy of ['drop_newest', 'drop_oldest'] as const) {
      const growth = s.discarded[policy] - seen[policy]
      if (growth > 0) {
        metrics.discardedEvents.inc(
          { component_id: 'spool', reason: `spool_full_${policy}`, intentional: 'true' },
          growth,
        )
      }
      seen[policy] = s.discarded[policy]
    }
    if (s.truncatedBytes > seen.truncated) metrics.spoolRecoveredBytes.inc(s.truncatedBytes - seen.truncated)
    seen.truncated = s.truncatedBytes
  }
}
