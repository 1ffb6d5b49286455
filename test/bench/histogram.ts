/**
 * @module Quantiles from a Prometheus histogram's cumulative buckets, interpolated linearly inside
 * the bucket the way PromQL's histogram_quantile does. Used on the difference of two scrapes so a
 * benchmark phase is measured on its own.
 */
import type { Sample } from '../harness/prometheus-text.js'

export interface Buckets {
  /** Upper bounds, ascending, ending with Infinity. */
  le: number[]
  /** Cumulative counts per bound. */
  counts: number[]
}

export function bucketsOf(samples: readonly Sample[], name: string): Buckets {
  const rows = samples
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le)
  return { le: rows.map((r) => r.le), counts: rows.map((r) => r.count) }
}

export function subtractBuckets(after: Buckets, before: Buckets): Buckets {
  return { le: after.le, counts: after.counts.map((c, i) => c - (before.counts[i] ?? 0)) }
}

/** The q-quantile (0..1) in the histogram's unit; NaN for an empty histogram. */
export function quantile(q: number, { le, counts }: Buckets): number {
  const total = counts[counts.length - 1] ?? 0
  if (total === 0) return NaN
  const rank = q * total
  for (let i = 0; i < le.length; i++) {
    const count = counts[i] ?? 0
    if (count < rank) continue
    const upper = le[i] ?? Infinity
    const lower = i === 0 ? 0 : (le[i - 1] ?? 0)
    // Past the last finite bound the best answer is that bound.
    if (upper === Infinity) return lower
    const below = i === 0 ? 0 : (counts[i - 1] ?? 0)
    const inBucket = count - below
    return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket
  }
  return le[le.length - 2] ?? NaN
}
