import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FeatureBaseline } from './feature-baseline.js'

test('names the features furthest from their recent average, in standard deviations', () => {
  const baseline = new FeatureBaseline(3, 1000)
  const row = new Float32Array(3)
  for (let i = 0; i < 5000; i++) {
    row[0] = 10 + (i % 3) // mean 11, small spread
    row[1] = 100 + (i % 50) // mean ~124, larger spread
    row[2] = 0.5
    baseline.update(row, 0)
  }
  // Feature 0 is 9 above usual (many deviations), feature 1 is 30 above (about 2 deviations).
  const odd = new Float32Array([20, 154, 0.5])
  assert.deepEqual(baseline.explain(odd, 0, 3), [0, 1])
  assert.deepEqual(baseline.explain(odd, 0, 1), [0])
  // A usual row has nothing far out on the constant feature.
  assert.ok(!baseline.explain(new Float32Array([11, 124, 0.5]), 0, 3).includes(2))
})
