import assert from 'node:assert/strict'
import { test } from 'node:test'
import { quantile, subtractBuckets } from './histogram.js'

test('quantiles interpolate inside the bucket like histogram_quantile', () => {
  const buckets = { le: [0.01, 0.02, 0.05, Infinity], counts: [50, 90, 100, 100] }
  assert.equal(quantile(0.5, buckets), 0.01)
  assert.ok(Math.abs(quantile(0.7, buckets) - 0.015) < 1e-12)
  assert.ok(Math.abs(quantile(0.99, buckets) - 0.047) < 1e-12)
  assert.ok(Number.isNaN(quantile(0.5, { le: [1, Infinity], counts: [0, 0] })))
})

test('observations beyond the last finite bound report that bound, and phases subtract', () => {
  const before = { le: [0.01, 0.1, Infinity], counts: [10, 10, 10] }
  const after = { le: [0.01, 0.1, Infinity], counts: [10, 10, 20] }
  const phase = subtractBuckets(after, before)
  assert.deepEqual(phase.counts, [0, 0, 10])
  assert.equal(quantile(0.99, phase), 0.1)
})
