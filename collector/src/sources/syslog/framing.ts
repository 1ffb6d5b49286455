/**
 * @module Syslog stream framing (RFC 6587): a streaming decoder that turns arbitrary TCP/TLS chunks
 * into frames, plus the small helpers the UDP listener uses on whole datagrams.
 *
 * Octet counting (RFC 6587 §3.4.1, the only framing RFC 5425 allows) is `MSG-LEN SP SYSLOG-MSG`;
 * non-transparent framing (§3.4.2) ends each message with LF. CRLF and NUL are tolerated as
 * terminators because real senders (syslog-ng, some network devices) emit them.
 */
import type { ReceiveErrorCode } from '../../errors/codes.js'

/** How a TCP/TLS listener splits its byte stream; `auto` decides per connection from the first byte. */
export type Framing = 'auto' | 'octet_counting' | 'newline'

/** One message cut out of the stream, without its framing. */
export interface Frame {
  readonly data: Buffer
  /** The frame was longer than `maxLength`; `data` holds its first `maxLength` bytes. */
  readonly truncated: boolean
}

/** Codes for framing problems, reported through `onError`; described in `RECEIVE_ERRORS`. */
export type FramingErrorCode = Extract<ReceiveErrorCode, `SNT_FRAMING_${string}`>

export interface FramingError {
  readonly code: FramingErrorCode
  /** Human-readable detail for the log line (never a metric label). */
  readonly detail: string
}

export interface FrameDecoderOptions {
  framing: Framing
  /** Longest frame kept, in bytes; longer frames are cut and flagged `truncated`. */
  maxLength: number
  /** Called for each framing problem; decoding goes on. */
  onError?: (error: FramingError) => void
}

const LF = 0x0a
const CR = 0x0d
const NUL = 0x00
const SP = 0x20
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39
/** RFC 6587 does not bound MSG-LEN; ten digits (under 10 GB) is far beyond any sane max_length. */
const MAX_COUNT_DIGITS = 10

const isDigit = (byte: number): boolean => byte >= DIGIT_0 && byte <= DIGIT_9

type Mode = 'detect' | 'octet' | 'newline'
type OctetState = 'header' | 'body'

/**
 * Streaming RFC 6587 decoder for one connection. Feed it chunks with any boundaries; it returns the
 * complete frames each chunk finished. Memory stays bounded by `maxLength`: an oversize octet-counted
 * frame is emitted as soon as `maxLength` bytes are in and the rest of its declared length is skipped
 * unbuffered; an oversize newline frame is emitted cut and the rest discarded up to the next terminator.
 *
 * A bad octet count (not a digit, a leading zero, more than ten digits, digits not followed by SP)
 * is reported once and the connection falls back to newline framing, starting with the bytes already
 * read, so nothing is lost. Empty frames (blank lines, CRLF after NUL) carry no message and are skipped.
 *
 * @example
 * const decoder = new FrameDecoder({ framing: 'auto', maxLength: 102_400 })
 * decoder.push(Buffer.from('11 <13>hello w')) // []
 * decoder.push(Buffer.from('x')) // [{ data: <13>hello wx, truncated: false }]
 * decoder.end() // frames left when the connection closes
 */
export class FrameDecoder {
  readonly #maxLength: number
  readonly #onError: ((error: FramingError) => void) | undefined
  #mode: Mode

  // Octet counting state.
  #octetState: OctetState = 'header'
  #headerBytes: number[] = []
  #count = 0
  #remaining = 0
  #emitted = false

  // Body (octet) or line (newline) being assembled across chunks.
  #parts: Buffer[] = []
  #partsLength = 0

  // Newline state: skipping the rest of an oversize line.
  #discarding = false

  constructor(options: FrameDecoderOptions) {
    this.#maxLength = options.maxLength
    this.#onError = options.onError
    this.#mode = options.framing === 'auto' ? 'detect' : options.framing === 'newline' ? 'newline' : 'octet'
  }

  /** The framing in use: `detect` until the first byte of an `auto` connection arrives. */
  get mode(): Mode {
    return this.#mode
  }

  /** Decode one chunk; returns the frames it completed (possibly none). */
  push(chunk: Buffer): Frame[] {
    const out: Frame[] = []
    if (chunk.length === 0) return out
    if (this.#mode === 'detect') {
      this.#mode = isDigit(chunk[0] ?? 0) ? 'octet' : 'newline'
    }
    if (this.#mode === 'octet') this.#octet(chunk, 0, out)
    else this.#newline(chunk, 0, out)
    return out
  }

  /** The connection closed: return what is left. A short octet-counted frame comes back truncated. */
  end(): Frame[] {
    const out: Frame[] = []
    if (this.#mode === 'octet') {
      if (this.#octetState === 'header') {
        // Digits without their SP: keep them rather than lose bytes silently.
        if (this.#headerBytes.length > 0) out.push({ data: Buffer.from(this.#headerBytes), truncated: true })
      } else if (!this.#emitted) {
        if (this.#partsLength > 0) out.push({ data: this.#take(), truncated: true })
        else this.#report('SNT_FRAMING_INCOMPLETE', `declared ${this.#count} bytes, received none`)
      }
    } else if (this.#mode === 'newline' && !this.#discarding && this.#partsLength > 0) {
      this.#emitLine(this.#take(), out)
    }
    this.#resetOctet()
    this.#parts = []
    this.#partsLength = 0
    this.#discarding = false
    return out
  }

  #octet(chunk: Buffer, start: number, out: Frame[]): void {
    const max = this.#maxLength
    let i = start
    while (i < chunk.length) {
      if (this.#octetState === 'header') {
        const byte = chunk[i] ?? 0
        if (this.#headerBytes.length === 0 && (byte === LF || byte === CR || byte === NUL)) {
          // Some senders put a newline after each octet-counted frame; tolerate it.
          i++
          continue
        }
        if (isDigit(byte) && !(byte === DIGIT_0 && this.#headerBytes.length === 0)) {
          this.#headerBytes.push(byte)
          this.#count = this.#count * 10 + (byte - DIGIT_0)
          i++
          if (this.#headerBytes.length > MAX_COUNT_DIGITS) {
            this.#fallBackToNewline('more than 10 digits', chunk, i, out)
            return
          }
          continue
        }
        if (byte === SP && this.#headerBytes.length > 0) {
          this.#octetState = 'body'
          this.#remaining = this.#count
          this.#emitted = false
          i++
          continue
        }
        const what =
          this.#headerBytes.length === 0 ? 'frame does not start with a digit' : 'count not followed by SP'
        this.#fallBackToNewline(what, chunk, i, out)
        return
      }

      // Body: keep up to max bytes, skip the rest of the declared length unbuffered.
      const available = Math.min(this.#remaining, chunk.length - i)
      const keep = this.#emitted ? 0 : Math.min(available, max - this.#partsLength)
      if (keep > 0) {
        this.#parts.push(chunk.subarray(i, i + keep))
        this.#partsLength += keep
      }
      this.#remaining -= available
      i += available
      if (!this.#emitted && this.#count > max && this.#partsLength === max) {
        out.push({ data: this.#take(), truncated: true })
        this.#emitted = true
      }
      if (this.#remaining === 0) {
        if (!this.#emitted) out.push({ data: this.#take(), truncated: false })
        this.#resetOctet()
      }
    }
  }

  #fallBackToNewline(reason: string, chunk: Buffer, resumeAt: number, out: Frame[]): void {
    this.#report('SNT_FRAMING_OCTET_COUNT', reason)
    const header = Buffer.from(this.#headerBytes)
    this.#resetOctet()
    this.#mode = 'newline'
    if (header.length > 0) {
      this.#parts.push(header)
      this.#partsLength = header.length
    }
    this.#newline(chunk, resumeAt, out)
  }

  #newline(chunk: Buffer, start: number, out: Frame[]): void {
    const max = this.#maxLength
    // Next LF and NUL positions, each searched once per chunk pass (no quadratic rescans).
    let nextLf = chunk.indexOf(LF, start)
    let nextNul = chunk.indexOf(NUL, start)
    let i = start
    while (i < chunk.length) {
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i)
      if (nextNul !== -1 && nextNul < i) nextNul = chunk.indexOf(NUL, i)
      const end = nextLf === -1 ? nextNul : nextNul === -1 ? nextLf : Math.min(nextLf, nextNul)

      if (end === -1) {
        // No terminator in the rest of the chunk: keep (at most max + 1 bytes, room for a CR).
        if (this.#discarding) return
        const tail = chunk.subarray(i)
        if (this.#partsLength + tail.length > max + 1) {
          this.#parts.push(tail.subarray(0, Math.max(0, max - this.#partsLength)))
          this.#partsLength = Math.min(max, this.#partsLength + tail.length)
          out.push({ data: this.#take(), truncated: true })
          this.#discarding = true
        } else {
          this.#parts.push(tail)
          this.#partsLength += tail.length
        }
        return
      }

      const segment = chunk.subarray(i, end)
      i = end + 1
      if (this.#discarding) {
        this.#discarding = false
        continue
      }
      if (this.#partsLength === 0) {
        this.#emitLine(segment, out)
      } else {
        this.#parts.push(segment)
        this.#partsLength += segment.length
        this.#emitLine(this.#take(), out)
      }
    }
  }

  /** Strip one trailing CR, cut to max, skip empty lines. */
  #emitLine(line: Buffer, out: Frame[]): void {
    const data = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line
    if (data.length === 0) return
    if (data.length > this.#maxLength) out.push({ data: data.subarray(0, this.#maxLength), truncated: true })
    else out.push({ data, truncated: false })
  }

  #take(): Buffer {
    const only = this.#parts.length === 1 ? this.#parts[0] : undefined
    const data = only ? only.subarray(0, this.#partsLength) : Buffer.concat(this.#parts, this.#partsLength)
    this.#parts = []
    this.#partsLength = 0
    return data
  }

  #resetOctet(): void {
    this.#octetState = 'header'
    this.#headerBytes = []
    this.#count = 0
    this.#remaining = 0
    this.#emitted = false
  }

  #report(code: FramingErrorCode, detail: string): void {
    this.#onError?.({ code, detail })
  }
}

/**
 * Remove an RFC 6587 octet-count prefix from a whole datagram (`logger --octet-count` sends one over
 * UDP), but only when it is a valid count that matches the rest of the datagram exactly (with or
 * without trailing terminators); otherwise the datagram is returned unchanged.
 */
export function stripOctetCountPrefix(datagram: Buffer): Buffer {
  const first = datagram[0]
  if (first === undefined || !isDigit(first) || first === DIGIT_0) return datagram
  let count = 0
  let i = 0
  for (; i < datagram.length && i <= MAX_COUNT_DIGITS; i++) {
    const byte = datagram[i] ?? 0
    if (!isDigit(byte)) break
    count = count * 10 + (byte - DIGIT_0)
  }
  if (i > MAX_COUNT_DIGITS || datagram[i] !== SP) return datagram
  const rest = datagram.subarray(i + 1)
  if (count === rest.length || count === trimTrailingTerminators(rest).length) return rest
  return datagram
}

/** Drop trailing LF, CRLF and NUL bytes (any mix) from a datagram. */
export function trimTrailingTerminators(data: Buffer): Buffer {
  let end = data.length
  while (end > 0) {
    const byte = data[end - 1]
    if (byte !== LF && byte !== CR && byte !== NUL) break
    end--
  }
  return end === data.length ? data : data.subarray(0, end)
}
