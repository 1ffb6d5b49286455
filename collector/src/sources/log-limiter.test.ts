import assert from 'node:assert/strict'
import { test } from 'node:test'
import pino from 'pino'
import { LogLimiter, type SourceLogger } from './log-limiter.js'
import { RecordingLogger } from './syslog/test-support/recording-port.js'

test('a kind logs once per interval and the next line carries the suppressed count', () => {
  let now = 1_000
  const logger = new RecordingLogger()
  const limited = new LogLimiter(logger, { intervalMs: 10_000, now: () => now })
  limited.warn('tls_handshake', { source_id: 's' }, 'TLS handshake failed.')
  limited.warn('tls_handshake', { source_id: 's' }, 'TLS handshake failed.')
  limited.warn('tls_handshake', { source_id: 's' }, 'TLS handshake failed.')
  limited.warn('framing', { source_id: 's' }, 'Invalid syslog framing from a sender.')
  now += 10_000
  limited.warn('tls_handshake', { source_id: 's' }, 'TLS handshake failed.')
  assert.deepEqual(
    logger.lines.map((l) => [l.msg, l.fields['suppressed']]),
    [
      ['TLS handshake failed.', undefined],
      ['Invalid syslog framing from a sender.', undefined],
      ['TLS handshake failed.', 2],
    ],
  )
})

test('a pino logger fits the SourceLogger shape', () => {
  const logger: SourceLogger = pino({ enabled: false })
  logger.warn({ source_id: 's' }, 'Type check only.')
})
