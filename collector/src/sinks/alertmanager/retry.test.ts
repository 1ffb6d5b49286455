import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffDelayMs, classifyOutcome, meansDown } from './retry.js'

test('2xx is accepted; network errors, timeouts, 429 and 5xx are retried; other 4xx and 3xx are rejected', () => {
  const answered = (status: number) => classifyOutcome({ kind: 'answered', status, body: '' })
  assert.deepEqual(answered(200), { kind: 'accepted' })
  assert.deepEqual(answered(429), { kind: 'retry', reason: 'status_429' })
  assert.deepEqual(answered(500), { kind: 'retry', reason: 'status_5xx' })
  assert.deepEqual(answered(503), { kind: 'retry', reason: 'status_5xx' })
  assert.deepEqual(answered(400), { kind: 'reject', reason: 'status_4xx' })
  assert.deepEqual(answered(401), { kind: 'reject', reason: 'status_4xx' })
  assert.deepEqual(answered(404), { kind: 'reject', reason: 'status_4xx' })
  assert.deepEqual(answered(301), { kind: 'reject', reason: 'status_other' })
  assert.deepEqual(classifyOutcome({ kind: 'failed', cause: 'network', message: 'ECONNREFUSED' }), {
    kind: 'retry',
    reason: 'network',
  })
  assert.deepEqual(classifyOutcome({ kind: 'failed', cause: 'timeout', message: '' }), {
    kind: 'retry',
    reason: 'timeout',
  })
  assert.equal(meansDown('status_429'), false, 'a busy Alertmanager is up')
  assert.equal(meansDown('status_5xx'), true)
})

test('backoff grows exponentially to the cap, with full jitter below it', () => {
  assert.equal(
    backoffDelayMs(0, 500, 30_000, () => 1),
    500,
  )
  assert.equal(
    backoffDelayMs(3, 500, 30_000, () => 1),
    4_000,
  )
  assert.equal(
    backoffDelayMs(20, 500, 30_000, () => 1),
    30_000,
  )
  assert.equal(
    backoffDelayMs(3, 500, 30_000, () => 0.5),
    2_000,
  )
  assert.equal(
    backoffDelayMs(3, 500, 30_000, () => 0),
    1,
    'never 0: a retry is never immediate',
  )
})
