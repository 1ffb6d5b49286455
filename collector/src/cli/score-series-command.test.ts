import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import { test } from 'node:test'
import { runScoreSeriesCommand } from './score-series-command.js'

async function run(text: string): Promise<{ code: number; rows: string[]; errors: string[] }> {
  const output = new PassThrough()
  const errors = new PassThrough()
  let out = ''
  let err = ''
  output.on('data', (c: Buffer) => (out += c.toString()))
  errors.on('data', (c: Buffer) => (err += c.toString()))
  const code = await runScoreSeriesCommand(Readable.from([Buffer.from(text)]), output, errors)
  return { code, rows: out.trimEnd().split('\n'), errors: err === '' ? [] : err.trimEnd().split('\n') }
}

const T0 = Date.UTC(2014, 3, 1)
const stamp = (i: number) => new Date(T0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19)

/** Three days of a noisy CPU % at 5-minute steps, a spike at the start of day 3. */
function csv(rows = 3 * 288, spikeAt = 2 * 288): string {
  const lines = ['timestamp,value']
  for (let i = 0; i < rows; i++)
    lines.push(`${stamp(i)},${(30 + ((i * 7919) % 13) + (i === spikeAt ? 60 : 0)).toFixed(3)}`)
  return `${lines.join('\r\n')}\r\n`
}

test('sentinel ml score-series: a header, then one scored line per row, in order', async () => {
  const { code, rows, errors } = await run(csv())
  assert.equal(code, 0)
  assert.deepEqual(errors, [])
  assert.equal(rows[0], 'timestamp,value,score,anomaly')
  assert.equal(rows.length, 1 + 3 * 288)
  assert.equal(rows[1], `${stamp(0)},30.000,0.000000,0`, 'raw fields kept; learning scores 0')
  for (const row of rows.slice(1))
    assert.match(row, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,[\d.]+,[01]\.\d{6},[01]$/)
  const spike = rows[1 + 2 * 288]?.split(',')
  assert.equal(spike?.[0], stamp(2 * 288))
  assert.equal(spike?.[3], '1', 'the spike is flagged')
  assert.ok(Number(spike?.[2]) > 0.8)
  // The running median may echo the spike for a point or two; nothing else is flagged.
  const flagged = rows.flatMap((r, i) => (r.endsWith(',1') ? [i - 1] : []))
  assert.ok(
    flagged.every((i) => i >= 2 * 288 && i <= 2 * 288 + 3),
    `flagged rows ${flagged.join(', ')}`,
  )
})

test('a malformed row keeps its line with empty score and anomaly, is reported, and exits 2', async () => {
  const text = [
    'timestamp,value',
    `${stamp(0)},1`,
    `${stamp(1)},oops`,
    '',
    'not-a-time,3',
    `${stamp(3)},2`,
  ].join('\n')
  const { code, rows, errors } = await run(text)
  assert.equal(code, 2)
  assert.deepEqual(rows, [
    'timestamp,value,score,anomaly',
    `${stamp(0)},1,0.000000,0`,
    `${stamp(1)},oops,,`,
    'not-a-time,3,,',
    `${stamp(3)},2,0.000000,0`,
  ])
  assert.equal(errors.length, 2)
  assert.match(errors[0] ?? '', /line 3: bad value "oops"/)
  assert.match(errors[1] ?? '', /line 5: bad timestamp "not-a-time"/)
})

test('no header is needed, and epoch seconds work too', async () => {
  const { code, rows } = await run(`${T0 / 1000},5\n${T0 / 1000 + 60},6\n`)
  assert.equal(code, 0)
  assert.deepEqual(rows, [
    'timestamp,value,score,anomaly',
    `${T0 / 1000},5,0.000000,0`,
    `${T0 / 1000 + 60},6,0.000000,0`,
  ])
})
