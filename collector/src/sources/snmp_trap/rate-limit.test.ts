import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SenderRateLimiter } from './rate-limit.js'

test('a sender gets a burst of one second, then `rate` a second as time passes', () => {
  const limiter = new SenderRateLimiter(5)
  const t0 = 1_000_000
  const burst = Array.from({ length: 8 }, () => limiter.take('192.0.2.1', t0))
  assert.deepEqual(burst, [true, true, true, true, true, false, false, false])
  // 200 ms at 5/s refills one token; 100 ms more is half a token: not enough.
  assert.equal(limiter.take('192.0.2.1', t0 + 200), true)
  assert.equal(limiter.take('192.0.2.1', t0 + 300), false)
  assert.equal(limiter.take('192.0.2.1', t0 + 400), true)
  // A long pause refills to the burst, never beyond it.
  const later = Array.from({ length: 6 }, () => limiter.take('192.0.2.1', t0 + 60_000))
  assert.deepEqual(later, [true, true, true, true, true, false])
})

test('each sender has its own bucket', () => {
  const limiter = new SenderRateLimiter(1)
  assert.equal(limiter.take('192.0.2.1', 0), true)
  assert.equal(limiter.take('192.0.2.1', 0), false)
  assert.equal(limiter.take('192.0.2.2', 0), true)
  assert.equal(limiter.take('2001:db8::1', 0), true)
})

test('a rate below one a second still allows one trap, then one per 1/rate seconds', () => {
  const limiter = new SenderRateLimiter(0.5)
  assert.equal(limiter.take('192.0.2.1', 0), true)
  assert.equal(limiter.take('192.0.2.1', 1_000), false)
  assert.equal(limiter.take('192.0.2.1', 2_000), true)
  assert.equal(limiter.take('192.0.2.1', 2_500), false)
})

test('with 10,000 senders tracked, idle ones are forgotten and a new sender still gets a burst', () => {
  const limiter = new SenderRateLimiter(2)
  for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, 0)
  // The first sender is idle for 2 s: pruned; it starts with a full bucket again.
  assert.equal(limiter.take('10.0.0.0', 2_000), true)
  assert.equal(limiter.take('10.0.0.0', 2_000), true)
  assert.equal(limiter.take('10.0.0.0', 2_000), false)
  assert.equal(limiter.take('198.51.100.7', 2_000), true)
})
