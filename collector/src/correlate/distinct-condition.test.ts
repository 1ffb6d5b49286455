import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { DistinctCondition } from './distinct-condition.js'

const WINDOW = 1000
const port = (p: unknown) => ({ destination: { port: p } })

test('distinct values within the window; a repeated value is seen again, not counted twice', () => {
  const condition = new DistinctCondition(['destination', 'port'], 3, WINDOW)
  const state = condition.create()
  assert.equal(condition.add(state, 1, port(22), 0), false)
  assert.equal(condition.add(state, 1, port(22), 100), false)
  assert.equal(condition.add(state, 1, port(23), 200), false)
  assert.equal(condition.add(state, 1, port(25), 300), true)
  assert.equal(condition.clearedAt(state, 1099), undefined)
  assert.equal(condition.clearedAt(state, 1100), 1100, '22 was last seen at 100')
  assert.equal(condition.add(state, 1, port(80), 400), true)
  assert.equal(condition.added(state), 4)
  assert.deepEqual(
    condition.save(state).values,
    [
      [23, 200],
      [25, 300],
      [80, 400],
    ],
    'capped at the threshold',
  )
})

test('property: agrees with a naive count of distinct values inside the window', () => {
  const stream = fc.array(
    fc.tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom(1, 2, 3, 4, 5, 6, 'a', 'b')),
    {
      minLength: 1,
      maxLength: 60,
    },
  )
  fc.assert(
    fc.property(stream, fc.integer({ min: 1, max: 6 }), (gapsAndValues, threshold) => {
      const condition = new DistinctCondition(['v'], threshold, WINDOW)
      const state = condition.create()
      let t = 0
      const seen: [number, unknown][] = []
      for (const [gap, value] of gapsAndValues) {
        t += gap
        seen.push([t, value])
        const distinct = new Set(seen.filter(([s]) => s > t - WINDOW).map(([, v]) => v)).size
        assert.equal(condition.add(state, 1, { v: value }, t), distinct >= threshold, `at ${t}`)
      }
    }),
    { numRuns: 300 },
  )
})

test('state round-trips through save and load; a malformed one is refused', () => {
  const condition = new DistinctCondition(['v'], 2, WINDOW)
  const state = condition.create()
  condition.add(state, 1, { v: 'x' }, 1)
  condition.add(state, 1, { v: 7 }, 2)
  const saved = JSON.parse(JSON.stringify(condition.save(state)))
  assert.deepEqual(condition.save(condition.load(saved)), saved)
  assert.throws(
    () =>
      condition.load({
        values: [
          ['a', 1],
          ['b', 2],
          ['c', 3],
        ],
        added: 3,
      }),
    /at most 2/,
  )
  assert.throws(() => condition.load({ values: [['a']], added: 1 }), /\[value, time\] pairs/)
  assert.throws(() => condition.load(null), /expected/)
})
