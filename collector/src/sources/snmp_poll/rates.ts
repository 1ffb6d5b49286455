/**
 * @module Per-second rates from successive SNMP counter samples. Pure: no clock, no I/O.
 *
 * Rules, in order:
 * - no previous sample: `first` (nothing to compare with);
 * - the poll time did not advance: `time` (reset the baseline);
 * - the counter width changed (Counter32 -> Counter64): `width`;
 * - the device restarted (sysUpTime went backwards, and not by its own 32-bit TimeTicks wrap):
 *   `restart`; counters restart at zero with the agent, so a decrease is no wrap;
 * - the value went down: a wrap when the wrapped delta `cur + 2^bits - prev` is below `2^(bits-1)`
 *   (the counter was in its upper half and is now low) and, when `maxRatePerSecond` is given, the
 *   resulting rate is not above it; otherwise a discontinuity (`non-monotonic`, e.g. an interface
 *   re-initialised) and the baseline is reset. A 64-bit counter thus only wraps near 2^64.
 * A reset never produces a rate: the next sample does.
 */

export type CounterBits = 32 | 64

export interface CounterSample {
  value: bigint
  bits: CounterBits
  /** When the poll that produced the value completed (ms). */
  timeMs: number
  /** sysUpTime.0 in TimeTicks (hundredths of a second) from the same poll, when known. */
  uptimeTicks?: number
}

export type ResetReason = 'first' | 'time' | 'width' | 'restart' | 'non-monotonic'

export type RateResult =
  | { kind: 'rate'; perSecond: number; delta: bigint; wrapped: boolean }
  | { kind: 'reset'; reason: ResetReason }

export interface RateOptions {
  /** A wrap giving a rate above this is treated as a discontinuity instead. */
  maxRatePerSecond?: number
  /** Slack (TimeTicks) when deciding whether sysUpTime wrapped rather than restarted. Default 6000 (60 s). */
  uptimeToleranceTicks?: number
}

const TWO_32 = 2 ** 32

/**
 * True when the agent restarted between two polls: sysUpTime went backwards, except for the
 * 32-bit TimeTicks wrap (after ~497 days) where the new value matches the elapsed time.
 */
export function deviceRestarted(
  prev: { timeMs: number; uptimeTicks?: number },
  cur: { timeMs: number; uptimeTicks?: number },
  toleranceTicks = 6000,
): boolean {
  if (prev.uptimeTicks === undefined || cur.uptimeTicks === undefined) return false
  if (cur.uptimeTicks >= prev.uptimeTicks) return false
  const elapsedTicks = Math.max(0, (cur.timeMs - prev.timeMs) / 10)
  const expected = prev.uptimeTicks + elapsedTicks
  if (expected < TWO_32 - toleranceTicks) return true
  const unwrapped = cur.uptimeTicks + TWO_32
  return Math.abs(unwrapped - expected) > toleranceTicks
}

/** Rate between two samples of one counter series; see the module rules. */
export function counterRate(
  prev: CounterSample | undefined,
  cur: CounterSample,
  options: RateOptions = {},
): RateResult {
  if (!prev) return { kind: 'reset', reason: 'first' }
  const seconds = (cur.timeMs - prev.timeMs) / 1000
  if (!(seconds > 0)) return { kind: 'reset', reason: 'time' }
  if (prev.bits !== cur.bits) return { kind: 'reset', reason: 'width' }
  if (deviceRestarted(prev, cur, options.uptimeToleranceTicks)) return { kind: 'reset', reason: 'restart' }
  const modulus = 1n << BigInt(cur.bits)
  let delta = cur.value - prev.value
  let wrapped = false
  if (delta < 0n) {
    delta += modulus
    wrapped = true
    if (delta >= modulus >> 1n) return { kind: 'reset', reason: 'non-monotonic' }
  }
  const perSecond = Number(delta) / seconds
  if (wrapped && options.maxRatePerSecond !== undefined && perSecond > options.maxRatePerSecond) {
    return { kind: 'reset', reason: 'non-monotonic' }
  }
  return { kind: 'rate', perSecond, delta, wrapped }
}

/**
 * Keeps the last sample of every counter series and turns each new one into a {@link RateResult}.
 * Series keys are opaque (e.g. `device|metric|index`).
 */
export class RateTracker {
  private readonly last = new Map<string, CounterSample>()

  constructor(private readonly options: RateOptions = {}) {}

  update(key: string, sample: CounterSample): RateResult {
    const result = counterRate(this.last.get(key), sample, this.options)
    this.last.set(key, sample)
    return result
  }

  /** Forget every series whose key starts with `prefix` (a removed device). */
  forget(prefix: string): void {
    for (const key of this.last.keys()) if (key.startsWith(prefix)) this.last.delete(key)
  }

  get size(): number {
    return this.last.size
  }
}
