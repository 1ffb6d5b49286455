/** @module The one shape check every restored ML state file (miner, forest, detectors, registry) starts with. */

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
