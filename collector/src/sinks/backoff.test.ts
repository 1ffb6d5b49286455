import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffDelayMs } from './backoff.js'

test('backoff: exponential from initial_backoff_ms up to max_backoff_ms, never below initial_backoff_ms', () => {
  // attempt, initial_backoff_ms, max_backoff_ms, the jitter draw, the wait
  const cases: [number, number, number, number, number, string][] = [
    [0, 500, 30_000, 1, 500, 'the first retry waits initial_backoff_ms'],
    [3, 500, 30_000, 1, 4000, 'later ones grow exponentially'],
    [10, 500, 30_000, 1, 30_000, 'up to max_backoff_ms'],
    [1000, 500, 30_000, 1, 30_000, 'no overflow for long outages'],
    [3, 500, 30_000, 0.5, 2250, 'the jitter draw spreads the wait between initial and the cap'],
    [0, 500, 30_000, 0, 500, 'the lowest draw waits initial_backoff_ms'],
    [5, 500, 30_000, 0, 500, 'jitter never goes below initial: a failing destination is never hammered'],
    [3, 1, 30_000, 0, 1, 'never 0: a retry is never immediate'],
    [0, 500, 100, 0.5, 100, 'max below initial caps the wait'],
  ]
  for (const [attempt, initialMs, maxMs, draw, expected, what] of cases) {
    assert.equal(
      backoffDelayMs(attempt, initialMs, maxMs, () => draw),
      expected,
      what,
    )
  }
})

test('backoff: full jitter spreads waits over [initial, cap]', () => {
  const delays = Array.from({ length: 2000 }, () => backoffDelayMs(4, 100, 10_000))
  for (const d of delays) assert.ok(d >= 100 && d <= 1600, `delay ${d} out of [100, 1600]`)
  const low = delays.filter((d) => d < 850).length
  assert.ok(low > 600 && low < 1400, `about half the delays fall in the lower half (got ${low} of 2000)`)
})
