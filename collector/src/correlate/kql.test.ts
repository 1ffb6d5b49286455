import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  escapeKqlUnquoted,
  KQL_FALSE,
  KQL_TRUE,
  kqlAnd,
  kqlNot,
  kqlOr,
  kqlTerm,
  quoteKql,
  renderKql,
} from './kql.js'

const a = kqlTerm('a:1')
const b = kqlTerm('b:2')
const c = kqlTerm('c:3')

test('and/or/not render with parentheses around nested groups only', () => {
  assert.equal(renderKql(kqlAnd([a, kqlOr([b, c])])), 'a:1 and (b:2 or c:3)')
  assert.equal(renderKql(kqlOr([a, kqlAnd([b, c])])), 'a:1 or (b:2 and c:3)')
  assert.equal(renderKql(kqlNot(kqlOr([a, b]))), 'not (a:1 or b:2)')
  assert.equal(renderKql(kqlAnd([a, kqlAnd([b, c])])), 'a:1 and b:2 and c:3')
})

test('true and false simplify away; the whole query true is the empty query', () => {
  assert.equal(renderKql(kqlAnd([a, KQL_TRUE])), 'a:1')
  assert.equal(renderKql(kqlOr([a, KQL_TRUE])), '')
  assert.equal(renderKql(kqlOr([a, KQL_FALSE])), 'a:1')
  assert.equal(renderKql(kqlAnd([a, KQL_FALSE])), 'not @timestamp:*')
  assert.equal(renderKql(kqlNot(KQL_TRUE)), 'not @timestamp:*')
  assert.equal(renderKql(kqlNot(kqlNot(a))), 'a:1')
})

test('quoted and unquoted values escape what KQL gives meaning to', () => {
  assert.equal(quoteKql('C:\\temp\\"x"'), '"C:\\\\temp\\\\\\"x\\""')
  assert.equal(quoteKql('a\tb\r\nc'), '"a\\tb\\r\\nc"')
  assert.equal(escapeKqlUnquoted('a*b(c):<d>"e"{f}\\'), 'a\\*b\\(c\\)\\:\\<d\\>\\"e\\"\\{f\\}\\\\')
  assert.equal(escapeKqlUnquoted('not this or that and more'), '\\not this \\or that \\and more')
  assert.equal(escapeKqlUnquoted('notable order android'), 'notable order android')
})
