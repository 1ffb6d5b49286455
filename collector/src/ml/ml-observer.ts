/**
 * @module What the ML stage reports for the collector's metrics. The stage runs in a worker
 * thread and Prometheus is served from the main one, so the stage reports through this interface
 * (forwarded across the thread boundary) rather than touching prom-client itself.
 */
import type { CollectorMetrics } from '../telemetry/metrics.js'
import type { ModelRole } from './anomaly/loaded-models.js'

export type Scorer = ModelRole | 'series'

export interface MlObserver {
  /** Scores given by a scorer (one batch). */
  scored(scorer: Scorer, scores: ArrayLike<number>): void
  /** One batch inference took `seconds`. */
  inferred(role: ModelRole, seconds: number): void
  /** One batch inference failed (its events go on unscored). */
  inferenceFailed(errorCode: string): void
  trained(outcome: 'registered' | 'failed'): void
  /** The models in use changed (undefined: no model in that role). */
  modelsInUse(active: string | undefined, shadow: string | undefined): void
}

/** Counts the stage keeps, sampled into gauges and counters at scrape time. */
export interface MlStageStats {
  templates: number
  templatesEvicted: number
  series: number
  seriesEvicted: number
  active: string | null
  shadow: string | null
  trainingRows: number
}

/** An observer that updates the collector's metrics directly. */
export function metricsObserver(metrics: CollectorMetrics): MlObserver {
  return {
    scored(scorer, scores) {
      const histogram = metrics.anomalyScore.labels({ scorer })
      for (let i = 0; i < scores.length; i++) histogram.observe(scores[i] as number)
      metrics.anomalyScoredEvents.inc({ scorer }, scores.length)
    },
    inferred(role, seconds) {
      metrics.anomalyInferenceDuration.observe({ scorer: role }, seconds)
    },
    inferenceFailed(errorCode) {
      metrics.errors.inc({
        component_id: 'ml',
        error_type: 'inference',
        error_code: errorCode,
        stage: 'scoring',
      })
    },
    trained(outcome) {
      metrics.anomalyTrainings.inc({ outcome })
    },
    modelsInUse(active, shadow) {
      metrics.anomalyModel.reset()
      if (active !== undefined) metrics.anomalyModel.set({ role: 'active', version: active }, 1)
      if (shadow !== undefined) metrics.anomalyModel.set({ role: 'shadow', version: shadow }, 1)
    },
  }
}

/**
 * Returns a function that copies the stage's counts to the metrics (at scrape time); the evicted
 * counters advance by what was evicted since the previous call.
 */
export function statsSampler(metrics: CollectorMetrics): (stats: MlStageStats) => void {
  let sampled = { templates: 0, series: 0 }
  return ({ templates, templatesEvicted, series, seriesEvicted }) => {
    metrics.templates.set(templates)
    metrics.anomalySeries.set(series)
    metrics.templatesEvicted.inc(Math.max(0, templatesEvicted - sampled.templates))
    metrics.anomalySeriesEvicted.inc(Math.max(0, seriesEvicted - sampled.series))
    sampled = { templates: templatesEvicted, series: seriesEvicted }
  }
}
