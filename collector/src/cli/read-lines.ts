/** @module Lines of a stream, as `sentinel parse` and `sentinel templates` read stdin or a file. */
import type { Readable } from 'node:stream'

/**
 * Calls `onLine` for each LF-terminated line (a CR before the LF is dropped, a last line without
 * LF counts), in order, awaiting each; resolves with the number of lines at end of input.
 */
export async function forEachLine(
  input: Readable,
  onLine: (line: Buffer) => Promise<void> | void,
): Promise<number> {
  let carry: Buffer = Buffer.alloc(0)
  let lines = 0
  const emit = async (line: Buffer): Promise<void> => {
    lines++
    await onLine(line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line)
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

/** Write a line, waiting for the stream to drain when its buffer is full. */
export async function writeLine(output: NodeJS.WritableStream, text: string): Promise<void> {
  if (!output.write(`${text}\n`)) await new Promise<void>((resolve) => output.once('drain', resolve))
}
