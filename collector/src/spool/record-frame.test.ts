import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  FRAME_HEADER_BYTES,
  encodeFrames,
  framedSize,
  parseFrames,
  parseSegmentFileName,
  segmentFileName,
} from './record-frame.js'

const payloads = ['{"a":1}', '{"message":"<34>Oct 11 22:14:15 mymachine su: \'su root\' failed"}', ''].map(
  (s) => Buffer.from(s),
)

test('frames round-trip with their seqs and payloads', () => {
  const buf = encodeFrames(payloads, 7)
  assert.equal(buf.length, framedSize(payloads))
  const parsed = parseFrames(buf, 7)
  assert.equal(parsed.stop, 'end')
  assert.equal(parsed.offset, buf.length)
  assert.equal(parsed.nextSeq, 10)
  assert.deepEqual(
    parsed.records.map((r) => [r.seq, r.payload.toString()]),
    payloads.map((p, i) => [7 + i, p.toString()]),
  )
})

test('seqs above 2^32 survive the two-halves encoding', () => {
  const seq = 2 ** 40 + 5
  const parsed = parseFrames(encodeFrames(payloads, seq), seq)
  assert.deepEqual(
    parsed.records.map((r) => r.seq),
    [seq, seq + 1, seq + 2],
  )
})

test('a flipped payload byte, a wrong seq and a cut record stop parsing at the last good record', () => {
  const buf = encodeFrames(payloads, 0)
  const secondStart = FRAME_HEADER_BYTES + (payloads[0]?.length ?? 0)

  const flipped = Buffer.from(buf)
  const at = secondStart + FRAME_HEADER_BYTES + 3
  flipped[at] = (flipped[at] ?? 0) ^ 0x01
  const a = parseFrames(flipped, 0)
  assert.equal(a.stop, 'corrupt')
  assert.equal(a.offset, secondStart)
  assert.equal(a.records.length, 1)

  const b = parseFrames(buf, 1)
  assert.equal(b.stop, 'corrupt')
  assert.equal(b.records.length, 0)

  const cut = parseFrames(buf.subarray(0, secondStart + 20), 0)
  assert.equal(cut.stop, 'end')
  assert.equal(cut.offset, secondStart)
  assert.equal(cut.needBytes, FRAME_HEADER_BYTES + (payloads[1]?.length ?? 0))
})

test('limits: record count, payload bytes (first record always taken unless told), stop seq', () => {
  const buf = encodeFrames(payloads, 0)
  assert.equal(parseFrames(buf, 0, { maxRecords: 2 }).records.length, 2)
  assert.equal(parseFrames(buf, 0, { maxPayloadBytes: 1 }).records.length, 1)
  assert.equal(parseFrames(buf, 0, { maxPayloadBytes: 1, takeFirst: false }).records.length, 0)
  const stopped = parseFrames(buf, 0, { stopAtSeq: 1 })
  assert.equal(stopped.stop, 'limit')
  assert.equal(stopped.nextSeq, 1)
  const headers = parseFrames(buf, 0, { mode: 'headers', stopAtSeq: 2 })
  assert.equal(headers.records.length, 0)
  assert.equal(
    headers.offset,
    FRAME_HEADER_BYTES * 2 + (payloads[0]?.length ?? 0) + (payloads[1]?.length ?? 0),
  )
})

test('segment file names are the zero-padded first seq', () => {
  assert.equal(segmentFileName(0), '00000000000000000000.seg')
  assert.equal(segmentFileName(131072), '00000000000000131072.seg')
  assert.equal(parseSegmentFileName('00000000000000131072.seg'), 131072)
  assert.equal(parseSegmentFileName('131072.seg'), false)
  assert.equal(parseSegmentFileName('00000000000000131072.seg.tmp'), false)
})
