/**
 * @module The MSG part after a syslog header: BOM stripped (RFC 5424 6.4), then sniffed for CEF,
 * LEEF or a JSON object, which are parsed with the header fields kept; anything else is `message`.
 */
import type { SentinelEvent } from '../event/sentinel-event.js'
import { parseCef } from './cef.js'
import { byteOffset, failEvent } from './error-event.js'
import { parseJsonBody } from './json.js'
import { parseLeef } from './leef.js'
import type { ParseContext } from './parse-context.js'

/** Index just past the message: trailing CR/LF (left by line-based senders) are not content. */
export function contentEnd(text: string): number {
  let end = text.length
  while (end > 0) {
    const c = text.charCodeAt(end - 1)
    if (c !== 10 && c !== 13) break
    end--
  }
  return end
}

/** True when `text` holds `CEF:` at `start`. */
export function isCefAt(text: string, start: number): boolean {
  return text.startsWith('CEF:', start)
}

/** True when `text` holds `LEEF:` at `start`. */
export function isLeefAt(text: string, start: number): boolean {
  return text.startsWith('LEEF:', start)
}

/**
 * Parses the syslog MSG starting at `start`. Listeners pinned to `cef`, `leef` or `json` require the
 * body to be of that format (SNT_PARSE_FORMAT otherwise, with the header fields kept).
 */
export function parseSyslogBody(event: SentinelEvent, text: string, start: number, ctx: ParseContext): void {
  const end = contentEnd(text)
  if (start < end && text.charCodeAt(start) === 0xfeff) start++ // RFC 5424 6.4: MSG may open with a BOM
  if (isCefAt(text, start)) {
    if (ctx.pinned === 'leef' || ctx.pinned === 'json') bodyMismatch(event, text, start, ctx, 'CEF')
    parseCef(event, text, start, end, ctx)
    return
  }
  if (isLeefAt(text, start)) {
    if (ctx.pinned === 'cef' || ctx.pinned === 'json') bodyMismatch(event, text, start, ctx, 'LEEF')
    parseLeef(event, text, start, end, ctx)
    return
  }
  const isObject = start < end && text.charCodeAt(start) === 123 /* { */
  if (isObject && ctx.pinned !== 'cef' && ctx.pinned !== 'leef') {
    if (parseJsonBody(event, text, start, end, ctx)) return
  } else if (ctx.pinned === 'cef' || ctx.pinned === 'leef' || ctx.pinned === 'json') {
    bodyMismatch(event, text, start, ctx, isObject ? 'JSON' : start < end ? 'plain text' : 'empty')
  }
  if (start < end) event.message = text.slice(start, end)
}

function bodyMismatch(
  event: SentinelEvent,
  text: string,
  start: number,
  ctx: ParseContext,
  found: string,
): void {
  failEvent(
    event,
    'SNT_PARSE_FORMAT',
    `Listener expects ${ctx.pinned.toUpperCase()} but the message after the syslog header (byte ${byteOffset(text, start)}) is ${found}`,
  )
}
