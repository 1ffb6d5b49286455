import assert from 'node:assert/strict'
import { test } from 'node:test'
import { kqlFields } from './kql-fields.js'

test('fields before ":" and range operators are found; values, keywords and quoted text are not', () => {
  assert.deepEqual(
    kqlFields('event.action: ("deny" or drop) and not message: "a: b (c)" or sentinel.anomaly.score >= 0.8'),
    [
      { field: 'event.action', operator: ':' },
      { field: 'message', operator: ':' },
      { field: 'sentinel.anomaly.score', operator: '>=' },
    ],
  )
})

test('exists queries, escaped characters and nested field groups are handled', () => {
  assert.deepEqual(kqlFields('user.name: * and url.original: http\\://x and @timestamp < now-1d'), [
    { field: 'user.name', operator: ':' },
    { field: 'url.original', operator: ':' },
    { field: '@timestamp', operator: '<' },
  ])
  assert.deepEqual(kqlFields('items: { name: a }'), [
    { field: 'items', operator: ':' },
    { field: 'name', operator: ':' },
  ])
  assert.deepEqual(kqlFields(''), [])
})

test('malformed queries are rejected with the query in the message', () => {
  assert.throws(() => kqlFields('message: "open'), /Unterminated quoted string in KQL: message: "open/)
  assert.throws(() => kqlFields('(a: b'), /Unbalanced "\("/)
  assert.throws(() => kqlFields('a: b)'), /Unbalanced "\)"/)
  assert.throws(() => kqlFields(': b'), /without a field name/)
})
