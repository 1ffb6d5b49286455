import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { CountingCondition } from './counting-condition.js'

const WINDOW = 1000

/** Strictly increasing arrival times. */
const arrivals = fc
  .array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 60 })
  .map((gaps) => gaps.map((_, i) => gaps.slice(0, i + 1).reduce((a, b) => a + b, 0)))

test('threshold: holds from the Nth event inside the window; clears when the oldest of them leaves it', () => {
  const condition = new CountingCondition([3], WINDOW)
  const state = condition.create()
  assert.equal(condition.add(state, 1, {}, 0), false)
  assert.equal(condition.add(state, 1, {}, 400), false)
  assert.equal(condition.add(state, 1, {}, 999), true)
  assert.equal(condition.clearedAt(state, 999), undefined)
  assert.equal(condition.clearedAt(state, 1000), 1000, 'the event at 0 is out of the window (0, 1000]')
  assert.equal(condition.add(state, 1, {}, 1300), true, 'events at 400, 999, 1300')
  assert.equal(condition.clearedAt(state, 1399), undefined)
  assert.equal(condition.clearedAt(state, 2500), 1400)
  assert.equal(condition.firingCount, 3)
})

test('property: the ring of the newest N times agrees with a naive count over the window', () => {
  fc.assert(
    fc.property(arrivals, fc.integer({ min: 1, max: 12 }), (times, threshold) => {
      const condition = new CountingCondition([threshold], WINDOW)
      const state = condition.create()
      times.forEach((t, i) => {
        const inWindow = times.slice(0, i + 1).filter((s) => s > t - WINDOW).length
        assert.equal(condition.add(state, 1, {}, t), inWindow >= threshold, `at ${t}`)
        const later = t + 500
        const stillIn = times.slice(0, i + 1).filter((s) => s > later - WINDOW).length
        assert.equal(condition.clearedAt(state, later) === undefined, stillIn >= threshold, `at ${later}`)
      })
    }),
    { numRuns: 300 },
  )
})

test('property: join holds when every part has its min_count inside the window', () => {
  const minCounts = [2, 1, 3]
  fc.assert(
    fc.property(
      arrivals,
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 60, maxLength: 60 }),
      (times, masks) => {
        const condition = new CountingCondition(minCounts, WINDOW)
        const state = condition.create()
        times.forEach((t, i) => {
          const counts = minCounts.map(
            (_, part) =>
              times.slice(0, i + 1).filter((s, j) => s > t - WINDOW && ((masks[j] ?? 0) & (1 << part)) !== 0)
                .length,
          )
          const expected = counts.every((count, part) => count >= (minCounts[part] ?? 0))
          assert.equal(condition.add(state, masks[i] ?? 0, {}, t), expected)
        })
      },
    ),
    { numRuns: 300 },
  )
})

test('state round-trips through save and load; a malformed one is refused', () => {
  const condition = new CountingCondition([2, 3], WINDOW)
  const state = condition.create()
  for (const [mask, t] of [
    [1, 10],
    [2, 20],
    [3, 30],
    [1, 40],
  ] as const)
    condition.add(state, mask, {}, t)
  const saved = condition.save(state)
  assert.deepEqual(saved, [
    [30, 40],
    [20, 30],
  ])
  const loaded = condition.load(JSON.parse(JSON.stringify(saved)))
  assert.deepEqual(condition.save(loaded), saved)
  assert.throws(() => condition.load([[1, 2, 3], []]), /list 0: expected at most 2 times/)
  assert.throws(() => condition.load([[1]]), /expected 2 lists of times/)
  assert.throws(() => condition.load([['x'], []]), /list 0/)
})
