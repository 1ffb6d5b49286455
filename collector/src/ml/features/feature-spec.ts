/**
 * @module The feature spec: the names, in column order, of the vector every anomaly model scores.
 * A model declares the spec it was built for (ONNX metadata `sentinel.feature_spec`), and the
 * collector refuses a model whose spec differs from the one it extracts, so a model can never be
 * fed columns it does not expect.
 */

export interface FeatureSpec {
  /** Names the spec and its revision; a change of meaning or order gets a new id. */
  id: string
  /** Column names in order; the model input is float32 [N, names.length]. */
  names: readonly string[]
}

/** Key of the ONNX metadata entry holding the spec as JSON. */
export const FEATURE_SPEC_METADATA_KEY = 'sentinel.feature_spec'
/** Key of the ONNX metadata entry holding the model's version string. */
export const MODEL_VERSION_METADATA_KEY = 'sentinel.model_version'

/**
 * Features of one event, computed as it arrives from the collector's own state. Per-device
 * values are over the sliding window (`ml.window_secs`, five minutes by default) of events from
 * the same device (host.name, else the sender's address). Counts are log1p-scaled so a flood and
 * a trickle differ by a few units rather than by orders of magnitude. README's "Anomaly scoring"
 * section documents each one for operators.
 */
export const EVENT_FEATURES = [
  // Template: how unusual the message's shape is at this site.
  'template_rarity', // 1 - log(1 + template count) / log(1 + all events seen): 1 = never seen before
  'template_age', // log1p(seconds since the template was first seen): 0 = brand new
  'device_template_count', // log1p(events of this template from this device in the window)
  'device_template_share', // that count / all events from this device in the window
  'device_distinct_templates', // log1p(distinct templates from this device in the window)
  // Severity mix.
  'severity', // syslog severity code 0 (emergency) .. 7 (debug); 6 when the input has none
  'device_error_share', // share of the device's window events with severity <= 3 (error or worse)
  // Peers and ports.
  'device_distinct_peers', // log1p(distinct source.ip seen from this device in the window)
  'device_distinct_ports', // log1p(distinct destination.port seen from this device in the window)
  // Time of day (collector's local clock), on a circle so 23:59 is next to 00:00.
  'hour_sin',
  'hour_cos',
  // Volume against baseline.
  'device_rate', // log1p(events from this device in the last minute)
  'device_rate_vs_baseline', // log2((last minute + 1) / (the device's per-minute moving average + 1))
] as const

export type EventFeatureName = (typeof EVENT_FEATURES)[number]

export const EVENT_FEATURE_SPEC: FeatureSpec = Object.freeze({
  id: 'sentinel.event/v1',
  names: EVENT_FEATURES,
})

/** True when two specs name the same columns in the same order. */
export function sameFeatureSpec(a: FeatureSpec, b: FeatureSpec): boolean {
  return a.id === b.id && a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i])
}
