/**
 * @module The anomaly search and timeline, on `sentinel.anomaly.score` (0-1, set by the ONNX
 * scorer). The field arrives with a later issue: until the index templates map it, these objects
 * are defined but not shipped (a query on an unmapped field finds nothing, and Lens cannot chart
 * it). `fields.test.ts` fails once the templates map the field, asking for this switch to be flipped.
 */
import { lensXy } from '../build/lens.js'
import { savedSearch } from '../build/saved-search.js'
import type { SavedObject } from '../saved-object.js'
import { ALL_LOGS } from './data-views.js'

/** Whether the index templates map `sentinel.anomaly.score` (numeric): ships the objects below. */
export const ANOMALY_SCORE_MAPPED = true

/** The field both objects use. */
export const ANOMALY_SCORE_FIELD = 'sentinel.anomaly.score'

/** Events scored at or above this are anomalies. */
export const ANOMALY_THRESHOLD = 0.8

export const ANOMALIES = savedSearch({
  id: 'sentinel-search-anomalies',
  title: 'Sentinel: anomalies',
  description: `Events the anomaly model scored at ${ANOMALY_THRESHOLD} or above.`,
  dataView: ALL_LOGS,
  query: `${ANOMALY_SCORE_FIELD} >= ${ANOMALY_THRESHOLD}`,
  columns: [ANOMALY_SCORE_FIELD, 'host.name', 'sentinel.source_id', 'message'],
  sort: [
    [ANOMALY_SCORE_FIELD, 'desc'],
    ['@timestamp', 'desc'],
  ],
})

export const ANOMALY_TIMELINE = lensXy({
  id: 'sentinel-lens-anomaly-timeline',
  title: 'Sentinel: anomaly timeline',
  description: `Highest anomaly score per interval and device; the line marks the ${ANOMALY_THRESHOLD} threshold.`,
  dataView: ALL_LOGS,
  query: `${ANOMALY_SCORE_FIELD}: *`,
  seriesType: 'line',
  x: { time: true },
  metric: { max: ANOMALY_SCORE_FIELD },
  breakdown: { field: 'host.name', size: 5 },
  threshold: { value: ANOMALY_THRESHOLD, label: 'Anomaly threshold' },
})

/** The anomaly objects that ship: none until the score is mapped. */
export function shippedAnomalyObjects(mapped: boolean = ANOMALY_SCORE_MAPPED): {
  search?: SavedObject
  timeline?: SavedObject
} {
  return mapped ? { search: ANOMALIES, timeline: ANOMALY_TIMELINE } : {}
}
