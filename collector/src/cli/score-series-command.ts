/**
 * @module `sentinel ml score-series`: scores a `timestamp,value` CSV (NAB's layout; an optional
 * header) with the series detector the collector runs on SNMP values, so an operator can see what
 * it would flag on their own history. Output: `timestamp,value,score,anomaly`, one line per input
 * row, in order. A malformed row keeps its line (score and anomaly left empty), is reported on
 * `errors` with its line number, and makes the exit code 2; blank lines are not rows.
 */
import type { Readable, Writable } from 'node:stream'
import { SeriesDetector } from '../ml/series/detector.js'
import { parseSeriesLine } from '../ml/series/csv-series.js'
import { forEachLine, writeLine } from './read-lines.js'

export async function runScoreSeriesCommand(
  input: Readable,
  output: Writable,
  errors: Writable,
): Promise<number> {
  const detector = new SeriesDetector()
  let malformed = 0
  await writeLine(output, 'timestamp,value,score,anomaly')
  let line = 0
  await forEachLine(input, async (data) => {
    const row = parseSeriesLine(data.toString('utf8'), ++line)
    if (row.kind === 'header' || row.kind === 'blank') return
    if (row.kind === 'error') {
      malformed++
      await writeLine(errors, `sentinel ml score-series: line ${row.line}: ${row.problem}`)
      await writeLine(output, `${row.rawTimestamp},${row.rawValue},,`)
      return
    }
    const { score, anomaly } = detector.update(row.timestamp, row.value)
    await writeLine(output, `${row.rawTimestamp},${row.rawValue},${score.toFixed(6)},${anomaly ? 1 : 0}`)
  })
  return malformed > 0 ? 2 : 0
}
