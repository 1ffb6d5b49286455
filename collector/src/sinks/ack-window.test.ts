import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AckWindow } from './ack-window.js'

test('ack window: the cursor stops before an event in the middle that is being retried', () => {
  const window = new AckWindow()
  window.track([0, 1, 2, 3, 4])
  window.settle([0, 1, 3, 4]) // 2 got a 429
  assert.equal(window.takeAckable(), 1)
  assert.equal(window.takeAckable(), undefined, 'nothing more until 2 is final')
  window.settle([2])
  assert.equal(window.takeAckable(), 4)
  assert.equal(window.size, 0)
})

test('ack window: batches that finish out of order are acknowledged in seq order', () => {
  const window = new AckWindow()
  window.track([10, 11])
  window.track([12, 13])
  window.settle([12, 13])
  assert.equal(window.takeAckable(), undefined, 'the first batch is still in flight')
  window.settle([10, 11])
  assert.equal(window.takeAckable(), 13)
})

test('ack window: gaps in seqs (events the spool dropped) do not block the cursor', () => {
  const window = new AckWindow()
  window.track([5, 9])
  window.settle([5, 9])
  assert.equal(window.takeAckable(), 9)
  assert.throws(() => window.track([8]), RangeError)
})

test('ack window: a long run keeps working after the internal queue is compacted', () => {
  const window = new AckWindow()
  for (let batch = 0; batch < 50; batch += 1) {
    const seqs = Array.from({ length: 100 }, (_, i) => batch * 100 + i)
    window.track(seqs)
    window.settle(seqs)
    assert.equal(window.takeAckable(), batch * 100 + 99)
  }
  assert.equal(window.size, 0)
})
