import assert from 'node:assert/strict'
import { test } from 'node:test'
import { classifyOutcome, meansDown } from './retry.js'

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
