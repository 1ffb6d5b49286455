/**
 * @module Rule engine metrics, sampled right before a scrape: the engine counts in plain numbers
 * on its hot path, and only the growth since the last scrape is added to the Prometheus counters.
 */
import type { RuleStats } from '../correlate/engine.js'
import type { CollectorMetrics } from './metrics.js'

export function correlateMetricsSampler(
  metrics: CollectorMetrics,
  stats: () => readonly RuleStats[],
): () => void {
  const seen = new Map<string, RuleStats>()
  return () => {
    for (const now of stats()) {
      const rule_id = now.ruleId
      const before = seen.get(rule_id)
      const grow = (key: keyof Omit<RuleStats, 'ruleId' | 'keys'>) =>
        Math.max(0, now[key] - (before?.[key] ?? 0))
      metrics.correlateEvaluated.inc({ rule_id }, grow('evaluated'))
      metrics.correlateMatched.inc({ rule_id }, grow('matched'))
      metrics.correlateAlerts.inc({ rule_id, status: 'firing' }, grow('fired'))
      metrics.correlateAlerts.inc({ rule_id, status: 'resolved' }, grow('resolved'))
      metrics.correlateAlerts.inc({ rule_id, status: 'suppressed' }, grow('suppressed'))
      metrics.correlateKeysLost.inc({ rule_id, reason: 'evicted' }, grow('keysEvicted'))
      metrics.correlateKeysLost.inc({ rule_id, reason: 'dropped' }, grow('keysDropped'))
      metrics.correlateKeys.set({ rule_id }, now.keys)
      seen.set(rule_id, { ...now })
    }
  }
}
