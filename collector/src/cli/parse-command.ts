/**
 * @module `sentinel parse`: raw lines on stdin, one ECS JSON document per line on stdout, in
 * order, one output line per input line (errors included as documents).
 */
import type { Readable, Writable } from 'node:stream'
import type { ParseFormat, SourceContext } from '../event/raw-record.js'
import { parseRecord } from '../parse/index.js'
import { forEachLine, writeLine } from './read-lines.js'

export interface ParseCommandOptions {
  format: ParseFormat
  timezone: string
  year?: number
}

/** Split stdin on LF (a CR before it is dropped) and parse each line; resolves at end of input. */
export async function runParseCommand(
  input: Readable,
  output: Writable,
  options: ParseCommandOptions,
): Promise<number> {
  const context: SourceContext = {
    sourceId: 'stdin',
    transport: 'stdin',
    format: options.format,
    timezone: options.timezone,
  }
  const parseOptions = options.year === undefined ? {} : { year: options.year }
  return forEachLine(input, async (data) => {
    const event = parseRecord({ data, receivedAt: Date.now(), context }, parseOptions)
    await writeLine(output, JSON.stringify(event))
  })
}
