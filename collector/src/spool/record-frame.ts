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

/** Bytes a batch takes on disk once framed. */
export function framedSize(payloads: readonly Buffer[]): number {
  let size = 0
  for (const payload of payloads) size += FRAME_HEADER_BYTES + payload.length
  return size
}

/**
 * Frames `payloads` with seqs `firstSeq`, `firstSeq + 1`, ... into one buffer, ready for a
 * single write.
 *
 * @example
 * const buf = encodeFrames([Buffer.from('{"a":1}')], 42) // 16-byte header + 7 bytes
 */
export function encodeFrames(
  payloads: readonly Buffer[],
  firstSeq: number,
  size = framedSize(payloads),
): Buffer {
  const buf = Buffer.allocUnsafe(size)
  let offset = 0
  let seq = firstSeq
  for (const payload of payloads) {
    buf.writeUInt32LE(payload.length, offset)
    buf.writeUInt32LE(crc32(payload), offset + 4)
    // Two u32 halves: seqs stay safe integers (< 2^53), so no BigInt on the hot path.
    buf.writeUInt32LE(seq % 0x1_0000_0000, offset + 8)
    buf.writeUInt32LE(Math.floor(seq / 0x1_0000_0000), offset + 12)
    payload.copy(buf, offset + FRAME_HEADER_BYTES)
    offset += FRAME_HEADER_BYTES + payload.length
    seq++
  }
  return buf
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
