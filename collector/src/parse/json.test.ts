import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecord } from './index.js'
import { testRecord } from './test-record.js'

test('application JSON line: ECS fields mapped, the rest kept as-is', () => {
  const line =
    '{"@timestamp":"2026-11-21T10:17:01.123Z","level":"ERROR","message":"payment timed out","host":"app-07","http":{"status":504},"retry":2}'
  const event = parseRecord(testRecord(line, 'json'))
  assert.equal(event.sentinel.format, 'json')
  assert.equal(event['@timestamp'], '2026-11-21T10:17:01.123Z')
  assert.equal(event.log?.level, 'error')
  assert.equal(event.message, 'payment timed out')
  assert.equal(event.host?.name, 'app-07')
  assert.deepEqual(event.sentinel.extensions, { http: { status: 504 }, retry: 2 })
})

test('pino numeric level and epoch time; JSON after a syslog header keeps the header', () => {
  const event = parseRecord(
    testRecord(
      '<14>1 2026-11-21T10:17:01Z app-07 checkout 311 - - {"level":50,"time":1763720221000,"msg":"boom","pid":311}',
    ),
  )
  assert.equal(event.sentinel.format, 'json')
  assert.equal(event.log?.level, 'error')
  assert.equal(event.log?.syslog?.appname, 'checkout')
  assert.equal(event['@timestamp'], '2025-11-21T10:17:01.000Z')
  assert.equal(event.message, 'boom')
  assert.deepEqual(event.sentinel.extensions, { pid: 311 })
})

test('auto: a syslog MSG that starts with "{" but is not JSON stays plain text', () => {
  const event = parseRecord(testRecord('<13>Nov 21 10:17:01 h app: {not json}'))
  assert.equal(event.error, undefined)
  assert.equal(event.message, '{not json}')
})

test('invalid JSON, non-object JSON and deep nesting are SNT_PARSE_JSON', () => {
  const invalid = parseRecord(testRecord('{"a":', 'json'))
  assert.equal(invalid.error?.code, 'SNT_PARSE_JSON')
  assert.equal(invalid.event?.original, '{"a":')
  assert.match(parseRecord(testRecord('[1,2]', 'json')).error?.message ?? '', /is an array, not an object/)
  const deep = parseRecord(testRecord('{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'))
  assert.equal(deep.error?.code, 'SNT_PARSE_JSON')
  assert.doesNotThrow(() => JSON.stringify(deep))
  const ok = parseRecord(testRecord('{"a":' + '['.repeat(60) + ']'.repeat(60) + '}'))
  assert.equal(ok.error, undefined)
})

test('a __proto__ key is kept as data and pollutes nothing', () => {
  const event = parseRecord(testRecord('{"__proto__":{"polluted":1},"msg":"x"}'))
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
  assert.equal(JSON.stringify(event.sentinel.extensions), '{"__proto__":{"polluted":1}}')
})
