import assert from 'node:assert/strict'
import { test } from 'node:test'
import { groupingAccuracy } from './grouping-accuracy.js'

test('identical partitions score 1 whatever the labels', () => {
  assert.equal(groupingAccuracy(['x', 'x', 'y'], ['E1', 'E1', 'E2']), 1)
})

test('a merged group makes all its lines wrong', () => {
  assert.equal(groupingAccuracy(['x', 'x', 'x', 'y'], ['E1', 'E1', 'E2', 'E3']), 0.25)
})

test('a split group makes all its lines wrong', () => {
  assert.equal(groupingAccuracy(['x', 'y', 'z', 'z'], ['E1', 'E1', 'E2', 'E2']), 0.5)
})

test('empty input scores 1 and mismatched lengths are rejected', () => {
  assert.equal(groupingAccuracy([], []), 1)
  assert.throws(() => groupingAccuracy(['x'], []), RangeError)
})
