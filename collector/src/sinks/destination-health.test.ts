import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLogger } from '../telemetry/logger.js'
import { DestinationHealth } from './destination-health.js'

interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** A health tracker for `dest:9000` on a clock the test moves, with its log lines and gauge values. */
function tracked() {
  const lines: LogLine[] = []
  const gauge: number[] = []
  const clock = { now: 0 }
  const health = new DestinationHealth<'network' | 'auth'>({
    fields: { destination: 'dest:9000' },
    logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) }),
    setUp: (up) => void gauge.push(up),
    recovered: 'Destination answers again.',
    outage: (reason) =>
      reason === 'auth'
        ? { level: 'error', message: 'Destination refused the credentials.' }
        : { level: 'warn', message: 'Destination is unavailable; retrying.' },
    now: () => clock.now,
  })
  return { health, lines, gauge, clock }
}

test('an outage is logged once per interval, with the lines held back counted on the next one', () => {
  const { health, lines, gauge, clock } = tracked()
  health.down('network', 'connect ECONNREFUSED 127.0.0.1:9000', 500)
  for (const at of [1_000, 2_000, 29_999]) {
    clock.now = at
    health.down('network', 'connect ECONNREFUSED 127.0.0.1:9000', 1_000)
  }
  clock.now = 30_000
  health.down('auth', 'status 401', 4_000, 401)

  assert.deepEqual(gauge, [0, 0, 0, 0, 0])
  assert.equal(health.isUp, false)
  assert.deepEqual(
    lines.map(({ time: _time, ...line }) => line),
    [
      {
        level: 40,
        service: 'sentinel',
        destination: 'dest:9000',
        reason: 'network',
        error: 'connect ECONNREFUSED 127.0.0.1:9000',
        retry_in_ms: 500,
        repeated: 0,
        msg: 'Destination is unavailable; retrying.',
      },
      {
        level: 50,
        service: 'sentinel',
        destination: 'dest:9000',
        reason: 'auth',
        status: 401,
        error: 'status 401',
        retry_in_ms: 4_000,
        repeated: 3,
        msg: 'Destination refused the credentials.',
      },
    ],
  )
})

test('recovery is logged once with the outage length; the next outage is logged at once', () => {
  const { health, lines, gauge, clock } = tracked()
  clock.now = 10_000
  health.down('network', 'timeout', 500)
  clock.now = 25_000 // within the interval: only the recovery lets the next outage line through
  health.up()
  health.up()
  health.down('network', 'timeout', 500)

  assert.deepEqual(gauge, [0, 1, 0])
  assert.deepEqual(
    lines.map((l) => [l.msg, l.down_secs ?? l.repeated]),
    [
      ['Destination is unavailable; retrying.', 0],
      ['Destination answers again.', 15],
      ['Destination is unavailable; retrying.', 0],
    ],
  )
})

test('the first answer sets the gauge to 1 without a recovery line', () => {
  const { health, lines, gauge } = tracked()
  assert.equal(health.isUp, true, 'up until a request fails')
  health.up()
  health.up()
  assert.deepEqual(gauge, [1])
  assert.deepEqual(lines, [])
})
