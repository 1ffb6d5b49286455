import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LogRateLimit } from './log-rate-limit.js'

test('log rate limit: one line per interval, counting the ones held back; reset lets the next through', () => {
  const limit = new LogRateLimit(1_000)
  assert.deepEqual(
    [0, 10, 999, 1_000, 1_500, 2_000].map((now) => limit.pass(now)),
    [0, undefined, undefined, 2, undefined, 1],
  )
  assert.equal(limit.pass(2_001), undefined)
  limit.reset()
  assert.equal(limit.pass(2_002), 0)
})
