import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { counterRate, deviceRestarted, RateTracker, type CounterSample } from './rates.js'

const s = (value: bigint, timeMs: number, extra: Partial<CounterSample> = {}): CounterSample => ({
  value,
  bits: 64,
  timeMs,
  ...extra,
})

function rate(prev: CounterSample | undefined, cur: CounterSample): number {
  const r = counterRate(prev, cur)
  assert.equal(
    r.kind,
    'rate',
    JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
  )
  return r.kind === 'rate' ? r.perSecond : NaN
}

describe('counterRate', () => {
  test('first sample: reset "first", no rate', () => {
    assert.deepEqual(counterRate(undefined, s(5n, 1000)), { kind: 'reset', reason: 'first' })
  })

  test('plain increase: delta / seconds', () => {
    assert.equal(rate(s(1000n, 0), s(4000n, 10_000)), 300)
    assert.equal(rate(s(7n, 0), s(7n, 5_000)), 0)
  })

  test('64-bit values beyond 2^53 keep exact deltas', () => {
    const base = 2n ** 60n + 1n
    const r = counterRate(s(base, 0), s(base + 12345n, 1000))
    assert.deepEqual(r, { kind: 'rate', perSecond: 12345, delta: 12345n, wrapped: false })
  })

  test('32-bit wrap: upper half to low value is a wrap', () => {
    const prev = s(2n ** 32n - 100n, 0, { bits: 32 })
    const r = counterRate(prev, s(900n, 1000, { bits: 32 }))
    assert.deepEqual(r, { kind: 'rate', perSecond: 1000, delta: 1000n, wrapped: true })
  })

  test('64-bit wrap near 2^64 is a wrap', () => {
    const prev = s(2n ** 64n - 10n, 0)
    const r = counterRate(prev, s(20n, 2000))
    assert.deepEqual(r, { kind: 'rate', perSecond: 15, delta: 30n, wrapped: true })
  })

  test('a large decrease (not a plausible wrap) is a discontinuity, not a huge rate', () => {
    assert.deepEqual(counterRate(s(1_000_000n, 0), s(10n, 1000)), { kind: 'reset', reason: 'non-monotonic' })
    assert.deepEqual(counterRate(s(1_000_000n, 0, { bits: 32 }), s(10n, 1000, { bits: 32 })), {
      kind: 'reset',
      reason: 'non-monotonic',
    })
  })

  test('a wrap above maxRatePerSecond is a discontinuity', () => {
    const prev = s(2n ** 32n - 100n, 0, { bits: 32 })
    assert.deepEqual(counterRate(prev, s(900n, 1000, { bits: 32 }), { maxRatePerSecond: 500 }), {
      kind: 'reset',
      reason: 'non-monotonic',
    })
  })

  test('device restart (sysUpTime backwards) resets even when the counter grew', () => {
    const prev = s(1000n, 0, { uptimeTicks: 500_000 })
    assert.deepEqual(counterRate(prev, s(2000n, 60_000, { uptimeTicks: 3000 })), {
      kind: 'reset',
      reason: 'restart',
    })
    // And a decrease after a restart is no wrap either.
    assert.deepEqual(counterRate(prev, s(5n, 60_000, { uptimeTicks: 3000 })), {
      kind: 'reset',
      reason: 'restart',
    })
  })

  test('sysUpTime 32-bit TimeTicks wrap is not a restart', () => {
    const prev = s(1000n, 0, { uptimeTicks: 2 ** 32 - 1000 })
    // 60 s later: 6000 ticks elapsed; uptime wrapped to 5000.
    assert.equal(rate(prev, s(7000n, 60_000, { uptimeTicks: 5000 })), 100)
    assert.equal(deviceRestarted(prev, { timeMs: 60_000, uptimeTicks: 5000 }), false)
    assert.equal(deviceRestarted(prev, { timeMs: 60_000, uptimeTicks: 10 ** 6 }), true)
  })

  test('sysUpTime increasing or unknown: no restart', () => {
    assert.equal(deviceRestarted({ timeMs: 0, uptimeTicks: 100 }, { timeMs: 1000, uptimeTicks: 200 }), false)
    assert.equal(deviceRestarted({ timeMs: 0 }, { timeMs: 1000, uptimeTicks: 1 }), false)
  })

  test('non-monotonic poll time (same or earlier) resets', () => {
    assert.deepEqual(counterRate(s(1n, 5000), s(2n, 5000)), { kind: 'reset', reason: 'time' })
    assert.deepEqual(counterRate(s(1n, 5000), s(2n, 4000)), { kind: 'reset', reason: 'time' })
  })

  test('counter width change resets', () => {
    assert.deepEqual(counterRate(s(1n, 0, { bits: 32 }), s(2n, 1000)), { kind: 'reset', reason: 'width' })
  })
})

describe('RateTracker', () => {
  test('keeps a baseline per series and re-baselines after a reset', () => {
    const t = new RateTracker()
    assert.deepEqual(t.update('a', s(100n, 0)), { kind: 'reset', reason: 'first' })
    assert.deepEqual(t.update('b', s(5n, 0)), { kind: 'reset', reason: 'first' })
    assert.equal((t.update('a', s(200n, 1000)) as { perSecond: number }).perSecond, 100)
    // No sysUpTime on the previous sample: a large decrease is a discontinuity.
    assert.deepEqual(t.update('a', s(50n, 2000, { uptimeTicks: 1 })), {
      kind: 'reset',
      reason: 'non-monotonic',
    })
    assert.equal((t.update('a', s(150n, 3000, { uptimeTicks: 101 })) as { perSecond: number }).perSecond, 100)
    t.forget('a')
    assert.equal(t.size, 1)
    assert.deepEqual(t.update('a', s(1n, 4000)), { kind: 'reset', reason: 'first' })
  })

  test('after a restart the next poll yields a normal rate', () => {
    const t = new RateTracker()
    t.update('x', s(10_000n, 0, { uptimeTicks: 100_000 }))
    assert.equal(t.update('x', s(100n, 10_000, { uptimeTicks: 500 })).kind, 'reset')
    assert.equal(
      (t.update('x', s(600n, 20_000, { uptimeTicks: 1500 })) as { perSecond: number }).perSecond,
      50,
    )
  })
})
