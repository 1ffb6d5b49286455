/**
 * @module `sentinel parse`: raw lines on stdin, one ECS JSON document per line on stdout, in
 * order, one output line per input line (errors included as documents).
 */
import type { Readable, Writable } from 'node:stream'
import type { ParseFormat, SourceContext } from '../event/raw-record.js'
import { parseRecord } from '../parse/index.js'

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
  let carry: Buffer = Buffer.alloc(0)
  let lines = 0

  const emit = async (line: Buffer): Promise<void> => {
    const data = line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line
    const event = parseRecord({ data, receivedAt: Date.now(), context }, parseOptions)
    lines++
    if (!output.write(`${JSON.stringify(event)}\n`)) {
      await new Promise<void>((resolve) => output.once('drain', resolve))
    }
  }

  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk
    let newline = buffer.indexOf(0x0a)
    while (newline !== -1) {
      await emit(buffer.subarray(0, newline))
      buffer = buffer.subarray(newline + 1)
      newline = buffer.indexOf(0x0a)
    }
    carry = Buffer.from(buffer)
  }
  if (carry.length > 0) await emit(carry)
  return lines
}
