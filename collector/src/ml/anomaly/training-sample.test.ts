import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TrainingSample } from './training-sample.js'

test('keeps everything until full, then a uniform sample of the whole period', () => {
  const sample = new TrainingSample(2, 1000)
  const row = new Float32Array(2)
  for (let i = 0; i < 100_000; i++) {
    row[0] = i
    row[1] = -i
    sample.offer(row, 0, 1_000 + i)
  }
  const taken = sample.take()
  assert.ok(taken)
  assert.equal(taken.n, 1000)
  assert.equal(sample.seen, 100_000)
  assert.deepEqual([taken.windowStart.getTime(), taken.windowEnd.getTime()], [1_000, 100_999])
  // Rows stay whole, and they come from all over the period, not only its end.
  const firsts = [...Array(taken.n).keys()].map((i) => taken.rows[i * 2] as number)
  for (let i = 0; i < taken.n; i++) assert.equal(taken.rows[i * 2 + 1], -(taken.rows[i * 2] as number))
  const early = firsts.filter((v) => v < 50_000).length
  assert.ok(early > 400 && early < 600, `${early} of 1000 from the first half`)
})

test('a reset starts a new period; an empty sample has nothing to take', () => {
  const sample = new TrainingSample(1, 10)
  assert.equal(sample.take(), undefined)
  sample.offer(new Float32Array([7]), 0, 5)
  assert.deepEqual([...(sample.take()?.rows ?? [])], [7])
  sample.reset()
  assert.equal(sample.take(), undefined)
  assert.equal(sample.seen, 0)
})
