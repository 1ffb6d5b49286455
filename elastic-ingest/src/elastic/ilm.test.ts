import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { ilmPolicy, timeValueMs, validateIlmPolicy } from './ilm.js'

test('the committed ILM policy: hot rollover at 50gb per primary shard or 1 day, delete after 30 days', async () => {
  const committed = JSON.parse(
    await readFile(new URL('../../ilm/sentinel-logs.json', import.meta.url), 'utf8'),
  )
  assert.deepEqual(validateIlmPolicy(committed), [])
  assert.deepEqual(Object.keys(committed.policy.phases), ['hot', 'delete'])
  assert.deepEqual(committed.policy.phases.hot.actions.rollover, {
    max_primary_shard_size: '50gb',
    max_age: '1d',
  })
  assert.equal(committed.policy.phases.hot.min_age, '0ms')
  assert.equal(committed.policy.phases.delete.min_age, '30d')
  assert.ok(committed.policy.phases.delete.actions.delete)
  assert.equal(committed.policy._meta.managed_by, 'sentinel')
})

test('retention days set the delete phase; nonsense retention is refused', () => {
  assert.equal(ilmPolicy(7).policy.phases.delete?.min_age, '7d')
  assert.deepEqual(validateIlmPolicy(ilmPolicy(365)), [])
  assert.throws(() => ilmPolicy(0), RangeError)
  assert.throws(() => ilmPolicy(1.5), RangeError)
})

test('the validator catches phases out of order, bad time values, no rollover and no delete phase', () => {
  const policy = ilmPolicy(30)
  const reordered = structuredClone(policy)
  reordered.policy.phases.warm = { min_age: '60d', actions: {} }
  assert.match(validateIlmPolicy(reordered).join('\n'), /delete.min_age 30d comes before warm.min_age/)
  const badAge = structuredClone(policy)
  badAge.policy.phases.hot = { min_age: '1 day', actions: { rollover: { max_age: '1d' } } }
  assert.match(validateIlmPolicy(badAge).join('\n'), /hot.min_age "1 day" is not a time value/)
  const noRollover = structuredClone(policy)
  noRollover.policy.phases.hot = { min_age: '0ms', actions: {} }
  assert.match(validateIlmPolicy(noRollover).join('\n'), /no rollover condition/)
  const keepForever = structuredClone(policy)
  delete keepForever.policy.phases.delete
  assert.match(validateIlmPolicy(keepForever).join('\n'), /no delete phase/)
  const unknown = structuredClone(policy)
  unknown.policy.phases.lukewarm = { min_age: '1d', actions: {} }
  assert.match(validateIlmPolicy(unknown).join('\n'), /unknown phase lukewarm/)
  assert.equal(timeValueMs('12h'), 43_200_000)
})
