import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseDuration } from './duration.js'

test('durations as rule files write them, in ms', () => {
  assert.equal(parseDuration('30s'), 30_000)
  assert.equal(parseDuration('10m'), 600_000)
  assert.equal(parseDuration('1h'), 3_600_000)
  assert.equal(parseDuration('1d'), 86_400_000)
  assert.equal(parseDuration('1h30m'), 5_400_000)
  assert.equal(
    parseDuration('1w2d3h4m5s6ms'),
    604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_006,
  )
  assert.equal(parseDuration('0s'), 0)
  assert.equal(parseDuration('500ms'), 500)
})

test('anything else is an error that quotes the text and shows the form', () => {
  for (const text of ['', '10', 'm', '10x', '1.5h', '-1m', '30m1h', '1h1h', ' 1h', '1h ', '1H']) {
    assert.throws(() => parseDuration(text), {
      message: `${JSON.stringify(text)} is not a duration (expected e.g. 30s, 10m, 1h30m, 1d)`,
    })
  }
  assert.throws(() => parseDuration('99999999999999999w'), /too long a duration/)
})
