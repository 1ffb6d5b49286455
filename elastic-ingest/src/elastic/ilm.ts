/**
 * @module The ILM policy of Sentinel's data streams: roll over daily or at 50 GB per primary
 * shard, delete `retention_days` after rollover. Clusters without the ILM API (the
 * integ-test distribution, serverless) skip it; see `setup.ts`.
 */
import { MANAGED_BY, SENTINEL_VERSION } from './version.js'

/** Name of the policy; `sentinel@settings` points `index.lifecycle.name` at it. */
export const ILM_POLICY_NAME = 'sentinel-logs'

/** Days an index is kept after rollover, unless `--retention-days` says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30

/** Rollover conditions of the hot phase. */
export const ROLLOVER = { max_primary_shard_size: '50gb', max_age: '1d' } as const

/** An ILM phase as `PUT _ilm/policy` takes it. */
export interface IlmPhase {
  min_age: string
  actions: Record<string, Record<string, unknown>>
}

/** The body of `PUT _ilm/policy/<name>`. */
export interface IlmPolicyBody {
  policy: {
    _meta: Record<string, unknown>
    phases: Record<string, IlmPhase>
  }
}

/**
 * The policy body for `retentionDays` (an integer, at least 1). Defaults Elasticsearch fills in on
 * GET (`min_age: 0ms`, `delete_searchable_snapshot: true`) are written out, so what setup PUTs is
 * what GET returns and a re-run reports it unchanged.
 *
 * @example ilmPolicy(7).policy.phases.delete.min_age // '7d'
 */
export function ilmPolicy(retentionDays: number = DEFAULT_RETENTION_DAYS): IlmPolicyBody {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`retention days must be a whole number of at least 1, not ${retentionDays}`)
  }
  return {
    policy: {
      _meta: {
        description: 'Sentinel data streams: daily or 50 GB rollover, deleted after the retention period.',
        managed_by: MANAGED_BY,
        sentinel_version: SENTINEL_VERSION,
        retention_days: retentionDays,
      },
      phases: {
        hot: { min_age: '0ms', actions: { rollover: { ...ROLLOVER } } },
        delete: { min_age: `${retentionDays}d`, actions: { delete: { delete_searchable_snapshot: true } } },
      },
    },
  }
}

const PHASE_ORDER = ['hot', 'warm', 'cold', 'frozen', 'delete'] as const
const UNITS_MS: Record<string, number> = {
  nanos: 1e-6,
  micros: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

/** An ILM time value (`30d`, `0ms`, `12h`) in milliseconds, or NaN. */
export function timeValueMs(value: string): number {
  const match = /^(\d+)(nanos|micros|ms|s|m|h|d)$/.exec(value)
  if (!match) return Number.NaN
  return Number(match[1]) * (UNITS_MS[match[2] ?? ''] ?? Number.NaN)
}

/**
 * Structural problems of a policy body (empty when valid): known phases only, each with a valid
 * `min_age` and `actions`, `min_age` not decreasing from phase to phase, a hot-phase rollover
 * with at least one condition, and a delete phase.
 */
export function validateIlmPolicy(body: unknown): string[] {
  const problems: string[] = []
  const policy = (body as { policy?: { phases?: unknown } } | null)?.policy
  const phases = policy?.phases
  if (phases === null || typeof phases !== 'object') return ['policy.phases is missing']
  let previous = -1
  let previousName = ''
  for (const name of Object.keys(phases)) {
    if (!(PHASE_ORDER as readonly string[]).includes(name)) problems.push(`unknown phase ${name}`)
  }
  for (const name of PHASE_ORDER) {
    const phase = (phases as Record<string, unknown>)[name] as Partial<IlmPhase> | undefined
    if (phase === undefined) continue
    const age = timeValueMs(phase.min_age ?? '')
    if (Number.isNaN(age))
      problems.push(`${name}.min_age ${JSON.stringify(phase.min_age)} is not a time value`)
    else if (age < previous) {
      problems.push(`${name}.min_age ${phase.min_age} comes before ${previousName}.min_age`)
    } else {
      previous = age
      previousName = name
    }
    if (phase.actions === null || typeof phase.actions !== 'object')
      problems.push(`${name}.actions is missing`)
  }
  const hot = (phases as Record<string, Partial<IlmPhase> | undefined>).hot
  const rollover = hot?.actions?.rollover
  if (!rollover || Object.keys(rollover).length === 0) problems.push('hot phase has no rollover condition')
  const del = (phases as Record<string, Partial<IlmPhase> | undefined>).delete
  if (!del?.actions?.delete) problems.push('no delete phase: indices would be kept forever')
  return problems
}
