import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SentinelError } from '../../errors/codes.js'
import { parseSeriesCsv, parseSeriesLine, parseTimestamp } from './csv-series.js'

const T = Date.UTC(2014, 1, 14, 14, 30, 0)

test('timestamps: NAB (as UTC), ISO 8601 with or without an offset, epoch seconds and milliseconds', () => {
  assert.equal(parseTimestamp('2014-02-14 14:30:00'), T)
  assert.equal(parseTimestamp('2014-02-14 14:30:00.000000'), T)
  assert.equal(parseTimestamp('2014-02-14T14:30:00Z'), T)
  assert.equal(parseTimestamp('2014-02-14T14:30:00'), T, 'no offset: UTC, not the local zone')
  assert.equal(parseTimestamp('2014-02-14T16:30:00+02:00'), T)
  assert.equal(parseTimestamp('2014-02-14T09:30:00-0500'), T)
  assert.equal(parseTimestamp('2014-02-14T14:30:00.250Z'), T + 250)
  assert.equal(parseTimestamp('2014-02-14'), Date.UTC(2014, 1, 14))
  assert.equal(parseTimestamp(String(T / 1000)), T, 'epoch seconds')
  assert.equal(parseTimestamp(String(T)), T, 'epoch milliseconds')
  assert.equal(parseTimestamp('1392388200.5'), T + 500)
})

test('impossible or unsupported timestamps are refused', () => {
  for (const bad of [
    '2014-02-30 00:00:00',
    '2014-13-01',
    '2014-02-14 25:00:00',
    'yesterday',
    '',
    '-5',
    '14/02/2014',
  ]) {
    assert.equal(parseTimestamp(bad), undefined, bad)
  }
})

test('lines: a header only on line 1, blank lines, points with raw fields kept, errors with a reason', () => {
  assert.deepEqual(parseSeriesLine('timestamp,value', 1), { kind: 'header', line: 1 })
  assert.equal(parseSeriesLine('timestamp,value', 2).kind, 'error', 'a header-like line later is an error')
  assert.deepEqual(parseSeriesLine('  ', 3), { kind: 'blank', line: 3 })
  assert.deepEqual(parseSeriesLine('"2014-02-14 14:30:00", 1.5e3 ', 4), {
    kind: 'point',
    line: 4,
    rawTimestamp: '2014-02-14 14:30:00',
    rawValue: '1.5e3',
    timestamp: T,
    value: 1500,
  })
  const badValue = parseSeriesLine('2014-02-14 14:30:00,n/a', 5)
  assert.equal(badValue.kind, 'error')
  assert.match(badValue.kind === 'error' ? badValue.problem : '', /bad value "n\/a"/)
  const badTime = parseSeriesLine('soon,1', 1)
  assert.match(badTime.kind === 'error' ? badTime.problem : '', /bad timestamp "soon"/)
  const fields = parseSeriesLine('2014-02-14 14:30:00,1,2', 6)
  assert.match(fields.kind === 'error' ? fields.problem : '', /expected 2 fields/)
  assert.equal(parseSeriesLine('2014-02-14 14:30:00,NaN', 7).kind, 'error')
  assert.equal(parseSeriesLine('2014-02-14 14:30:00,', 7).kind, 'error')
})

test('a whole CSV: header, CRLF and a final newline; a malformed line names its number', () => {
  const points = parseSeriesCsv('timestamp,value\r\n2014-02-14 14:30:00,1\r\n\r\n2014-02-14 14:35:00,2.5\r\n')
  assert.deepEqual(points, [
    { timestamp: T, value: 1 },
    { timestamp: T + 300_000, value: 2.5 },
  ])
  assert.throws(
    () => parseSeriesCsv('timestamp,value\n2014-02-14 14:30:00,1\n2014-02-14 14:35:00,oops\n', 'cpu.csv'),
    (e: unknown) =>
      e instanceof SentinelError &&
      e.code === 'SNT_ERR_SERIES_INPUT' &&
      /cpu\.csv.*line 3: bad value/.test(e.message),
  )
})
