import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SequenceCondition } from './sequence-condition.js'

const WINDOW = 1000
const STEP = [1, 2, 4] as const

test('steps in order complete the sequence; out of order they do not', () => {
  const condition = new SequenceCondition(3, WINDOW)
  const state = condition.create()
  assert.equal(condition.add(state, STEP[2], {}, 0), false)
  assert.equal(condition.add(state, STEP[1], {}, 10), false)
  assert.equal(condition.add(state, STEP[0], {}, 20), false)
  assert.equal(condition.add(state, STEP[2], {}, 30), false, 'step 3 before step 2')
  assert.equal(condition.add(state, STEP[1], {}, 40), false)
  assert.equal(condition.add(state, STEP[2], {}, 50), true)
  assert.equal(condition.clearedAt(state, 1049), undefined)
  assert.equal(condition.clearedAt(state, 1050), 1050, 'a window after the completion')
  assert.equal(condition.add(state, STEP[2], {}, 60), false, 'a completed sequence starts over')
})

test('the first and the last step must be within the window; the latest start counts', () => {
  const condition = new SequenceCondition(2, WINDOW)
  const state = condition.create()
  condition.add(state, STEP[0], {}, 0)
  assert.equal(condition.add(state, STEP[1], {}, 1000), false, 'the first step left the window')
  condition.add(state, STEP[0], {}, 1500)
  condition.add(state, STEP[0], {}, 2100)
  assert.equal(condition.add(state, STEP[1], {}, 2600), true, 'started at 2100')
})

test('one event advances one step, even when it matches several', () => {
  const condition = new SequenceCondition(2, WINDOW)
  const state = condition.create()
  assert.equal(condition.add(state, STEP[0] | STEP[1], {}, 0), false)
  assert.equal(condition.add(state, STEP[0] | STEP[1], {}, 10), true)
})

test('state round-trips through save and load; a malformed one is refused', () => {
  const condition = new SequenceCondition(3, WINDOW)
  const state = condition.create()
  condition.add(state, STEP[0], {}, 5)
  condition.add(state, STEP[1], {}, 6)
  const saved = JSON.parse(JSON.stringify(condition.save(state)))
  assert.deepEqual(saved, { starts: [5, 5, null], completedAt: null })
  assert.equal(condition.add(condition.load(saved), STEP[2], {}, 7), true)
  assert.throws(() => condition.load({ starts: [1, 2], completedAt: null }), /3 times or nulls/)
})
