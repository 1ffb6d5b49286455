import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLogger } from '../../telemetry/logger.js'
import { SinkHealth } from './health.js'
import type { RetryReason } from './retry.js'

test('refused credentials and a missing index template are logged at ERROR, saying what to fix', () => {
  const expected: [RetryReason, number, RegExp][] = [
    ['auth', 50, /fix auth in sinks\.elasticsearch/],
    ['index_not_found', 50, /run `sentinel setup elastic`/],
    ['status_5xx', 40, /unavailable; retrying/],
    ['network', 40, /unavailable; retrying/],
  ]
  for (const [reason, level, message] of expected) {
    const lines: { level: number; msg: string; sink: string }[] = []
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) })
    new SinkHealth({ sink: 'elasticsearch', logger, setUp: () => {} }).down(reason, 'failed', 500)
    assert.equal(lines.length, 1, reason)
    assert.equal(lines[0]?.level, level, reason)
    assert.match(lines[0]?.msg ?? '', message)
    assert.equal(lines[0]?.sink, 'elasticsearch')
  }
})
