/** @module Turning an event into an error event: parsers never throw, they flag and flow on. */
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import type { ParseErrorCode } from '../errors/codes.js'
import { createBaseEvent } from './base-event.js'

/**
 * Marks `event` as a `pipeline_error` with `error.code`/`error.message`, keeping every field parsed
 * so far. The first failure wins: a later one would only describe the fallout of the first.
 */
export function failEvent(event: SentinelEvent, code: ParseErrorCode, message: string): void {
  if (event.error !== undefined) return
  event.error = { code, message }
  if (event.event !== undefined) event.event.kind = 'pipeline_error'
}

/** Byte offset of character `index` in `text` (UTF-8), for error messages. */
export function byteOffset(text: string, index: number): number {
  return index <= 0 ? 0 : Buffer.byteLength(index >= text.length ? text : text.slice(0, index))
}

/**
 * The last line of defence: an error event built from the record alone, for a parser bug.
 * Builds nothing that could throw again.
 */
export function internalErrorEvent(record: RawRecord, cause: unknown): SentinelEvent {
  let text = ''
  let validUtf8 = false
  try {
    text = record.data.toString('utf8')
    validUtf8 = Buffer.from(text, 'utf8').equals(record.data)
  } catch {
    // data is not a Buffer: keep an empty original rather than fail again
  }
  const event = createBaseEvent(record, text, validUtf8, record.context.format)
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
  failEvent(event, 'SNT_PARSE_INTERNAL', `Parser failed unexpectedly: ${reason}`)
  return event
}
