/**
 * @module Spool record framing: how events are laid out inside a segment file, and the one
 * parser both recovery and readers use.
 *
 * A segment file is named after the seq of its first record, zero-padded to 20 digits
 * (`00000000000000000000.seg`), and holds nothing but records, back to back, with dense seqs:
 *
 * ```
 * offset  size  field
 *  0      4     payload length in bytes, u32 little-endian
 *  4      4     CRC-32 (zlib / IEEE) of the payload, u32 little-endian
 *  8      8     seq, u64 little-endian
 * 16      n     payload (one event's JSON, opaque to the spool)
 * ```
 *
 * A record is valid when its whole frame lies inside the file, its seq is the one expected at
 * that position and the CRC matches. The first invalid record of the last segment marks a torn
 * tail (a write cut short by a crash) and everything from it on is truncated at open.
 */
import { crc32 } from 'node:zlib'
import type { SpoolRecord } from './spool-types.js'

/** Bytes before each payload: length, crc, seq. */
export const FRAME_HEADER_BYTES = 16

/** Payloads above this are refused: a corrupt length must not make a reader allocate gigabytes. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024

const SEGMENT_NAME = /^(\d{20})\.seg$/

/** File name of the segment whose first record has `firstSeq`. */
export function segmentFileName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.seg`
}

/** First seq encoded in a segment file name, or false when the name is not a segment. */
export function parseSegmentFileName(name: string): number | false {
  const match = SEGMENT_NAME.exec(name)
  if (match?.[1] === undefined) return false
  const seq = Number(match[1])
  return Number.isSafeInteger(seq) ? seq : false
}

/**
 * A batch framed in one buffer, ready for a single write. Length and CRC are in each header; the
 * seqs are stamped in by the spool at append time ({@link stampSeqs}), when they are known.
 */
export interface FramedBatch {
  readonly buffer: Buffer
  /** Offset of each record's header in `buffer`, in order. */
  readonly offsets: readonly number[]
}

/**
 * Builds a {@link FramedBatch} from event JSON text: each string is UTF-8 encoded straight into
 * the batch buffer and its CRC taken there, so the hot path makes no per-event Buffer and no
 * second copy.
 *
 * @example
 * const builder = new FrameBuilder()
 * for (const event of events) builder.add(JSON.stringify(event))
 * await spool.appendFramed(builder.build())
 */
export class FrameBuilder {
  #buffer: Buffer
  #offset = 0
  readonly #offsets: number[] = []

  constructor(initialBytes = 256 * 1024) {
    this.#buffer = Buffer.allocUnsafe(initialBytes)
  }

  /** Frame one payload given as text (encoded as UTF-8) or bytes. */
  add(payload: string | Buffer): void {
    // Worst case for text: 3 UTF-8 bytes per UTF-16 code unit.
    const most = typeof payload === 'string' ? payload.length * 3 : payload.length
    this.#reserve(FRAME_HEADER_BYTES + most)
    const start = this.#offset
    const body = start + FRAME_HEADER_BYTES
    const length =
      typeof payload === 'string'
        ? this.#buffer.write(payload, body, 'utf8')
        : payload.copy(this.#buffer, body)
    this.#buffer.writeUInt32LE(length, start)
    this.#buffer.writeUInt32LE(crc32(this.#buffer.subarray(body, body + length)), start + 4)
    this.#offsets.push(start)
    this.#offset = body + length
  }

  get count(): number {
    return this.#offsets.length
  }

  get bytes(): number {
    return this.#offset
  }

  build(): FramedBatch {
    return { buffer: this.#buffer.subarray(0, this.#offset), offsets: this.#offsets }
  }

  #reserve(bytes: number): void {
    if (this.#offset + bytes <= this.#buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#offset + bytes))
    this.#buffer.copy(grown, 0, 0, this.#offset)
    this.#buffer = grown
  }
}

/** Frame byte payloads (seqs still to be stamped). */
export function framePayloads(payloads: readonly Buffer[]): FramedBatch {
  const builder = new FrameBuilder(payloads.reduce((n, p) => n + FRAME_HEADER_BYTES + p.length, 0) || 1)
  for (const payload of payloads) builder.add(payload)
  return builder.build()
}

/** Join batches into one (one copy), e.g. to write several encoded slices at once. */
export function concatBatches(batches: readonly FramedBatch[]): FramedBatch {
  if (batches.length === 1) return batches[0] as FramedBatch
  const offsets: number[] = []
  let base = 0
  for (const batch of batches) {
    for (const offset of batch.offsets) offsets.push(base + offset)
    base += batch.buffer.length
  }
  return { buffer: Buffer.concat(batches.map((b) => b.buffer)), offsets }
}

/** Write seqs `firstSeq`, `firstSeq + 1`, ... into the batch's headers. */
export function stampSeqs(batch: FramedBatch, firstSeq: number): void {
  let seq = firstSeq
  for (const offset of batch.offsets) {
    // Two u32 halves: seqs stay safe integers (< 2^53), so no BigInt on the hot path.
    batch.buffer.writeUInt32LE(seq % 0x1_0000_0000, offset + 8)
    batch.buffer.writeUInt32LE(Math.floor(seq / 0x1_0000_0000), offset + 12)
    seq++
  }
}

/** The payload of the batch's `index`-th record (a view, not a copy). */
export function payloadAt(batch: FramedBatch, index: number): Buffer {
  const offset = batch.offsets[index] ?? 0
  const length = batch.buffer.readUInt32LE(offset)
  return batch.buffer.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + length)
}

/** Bytes a batch of payloads takes on disk once framed. */
export function framedSize(payloads: readonly Buffer[]): number {
  let size = 0
  for (const payload of payloads) size += FRAME_HEADER_BYTES + payload.length
  return size
}

/**
 * Frames `payloads` with seqs `firstSeq`, `firstSeq + 1`, ... into one buffer.
 *
 * @example
 * const buf = encodeFrames([Buffer.from('{"a":1}')], 42) // 16-byte header + 7 bytes
 */
export function encodeFrames(payloads: readonly Buffer[], firstSeq: number): Buffer {
  const batch = framePayloads(payloads)
  stampSeqs(batch, firstSeq)
  return batch.buffer
}

/** Why parsing stopped. */
export type FrameStop =
  /** The buffer ended (possibly in the middle of a record: `needBytes` says how big that record is). */
  | 'end'
  /** A limit given by the caller was reached. */
  | 'limit'
  /** The record at `offset` is invalid: bad length, unexpected seq or CRC mismatch. */
  | 'corrupt'

export interface FrameParse {
  records: SpoolRecord[]
  /** Offset (within the buffer) just past the last good record. */
  offset: number
  /** Seq of the next record expected after the last good one. */
  nextSeq: number
  stop: FrameStop
  /** With stop `end`: total frame size of the incomplete record at `offset`, when its header was readable. */
  needBytes: number
}

export interface ParseLimits {
  /**
   * `records` (default) checks CRCs and returns the records; `verify` checks CRCs and returns
   * none (recovery); `headers` only walks lengths and seqs (finding the offset of a seq).
   */
  mode?: 'records' | 'verify' | 'headers'
  maxRecords?: number
  /** Stop before a record that would take the payload total past this. */
  maxPayloadBytes?: number
  /** Take the first record even when it alone is over `maxPayloadBytes` (default true), so a big event cannot wedge a reader. */
  takeFirst?: boolean
  /** Stop at this seq (exclusive) without consuming it. */
  stopAtSeq?: number
}

/**
 * Parses consecutive records from `buf`, expecting the first to carry `expectedSeq`. Payloads
 * are views into `buf`, not copies.
 */
export function parseFrames(buf: Buffer, expectedSeq: number, limits: ParseLimits = {}): FrameParse {
  const records: SpoolRecord[] = []
  const maxRecords = limits.maxRecords ?? Number.POSITIVE_INFINITY
  const maxPayloadBytes = limits.maxPayloadBytes ?? Number.POSITIVE_INFINITY
  const stopAtSeq = limits.stopAtSeq ?? Number.POSITIVE_INFINITY
  const mode = limits.mode ?? 'records'
  const takeFirst = limits.takeFirst ?? true
  let offset = 0
  let seq = expectedSeq
  let payloadBytes = 0
  let count = 0
  const result = (stop: FrameStop, needBytes = 0): FrameParse => ({
    records,
    offset,
    nextSeq: seq,
    stop,
    needBytes,
  })
  for (;;) {
    if (count >= maxRecords || seq >= stopAtSeq) return result('limit')
    if (buf.length - offset < FRAME_HEADER_BYTES) return result('end')
    const length = buf.readUInt32LE(offset)
    const recordSeq = buf.readUInt32LE(offset + 8) + buf.readUInt32LE(offset + 12) * 0x1_0000_0000
    if (recordSeq !== seq || length > MAX_PAYLOAD_BYTES) return result('corrupt')
    const end = offset + FRAME_HEADER_BYTES + length
    if (end > buf.length) return result('end', FRAME_HEADER_BYTES + length)
    if (mode !== 'headers') {
      if (payloadBytes + length > maxPayloadBytes && (count > 0 || !takeFirst)) return result('limit')
      const payload = buf.subarray(offset + FRAME_HEADER_BYTES, end)
      if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return result('corrupt')
      if (mode === 'records') records.push({ seq, payload })
      payloadBytes += length
    }
    count++
    offset = end
    seq++
  }
}
