import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  FrameDecoder,
  stripOctetCountPrefix,
  trimTrailingTerminators,
  type Frame,
  type Framing,
  type FramingError,
} from './framing.js'

interface Decoded {
  frames: { text: string; truncated: boolean }[]
  errors: FramingError[]
}

/** Feed `stream` cut at `cuts` (sorted offsets) and close the connection. */
function decode(stream: Buffer, cuts: number[], framing: Framing = 'auto', maxLength = 1024): Decoded {
  const errors: FramingError[] = []
  const decoder = new FrameDecoder({ framing, maxLength, onError: (e) => errors.push(e) })
  const frames: Frame[] = []
  let from = 0
  for (const cut of [...cuts, stream.length]) {
    frames.push(...decoder.push(stream.subarray(from, cut)))
    from = cut
  }
  frames.push(...decoder.end())
  return { frames: frames.map((f) => ({ text: f.data.toString('latin1'), truncated: f.truncated })), errors }
}

const whole = (texts: string[]) => texts.map((text) => ({ text, truncated: false }))
const octet = (msg: string) => `${Buffer.byteLength(msg, 'latin1')} ${msg}`

// rsyslog omfwd with TCP_Framing="octet-counted", and syslog-ng network() defaults (LF).
const RSYSLOG_OCTET = [
  '<30>1 2024-05-01T10:00:00.000Z fw01 sshd 811 - - Accepted publickey for admin from 10.0.0.5 port 51234',
  '<86>1 2024-05-01T10:00:01.000Z fw01 sudo 812 - [meta sequenceId="7"] admin : TTY=pts/0 ; COMMAND=/bin/ls',
  '<13>May  1 10:00:02 fw01 kernel: eth0: link up',
]

describe('FrameDecoder on whole streams split at every byte boundary', () => {
  test('octet-counted frames (rsyslog omfwd octet-counted) decode identically for every single split', () => {
    const stream = Buffer.from(RSYSLOG_OCTET.map(octet).join(''), 'latin1')
    for (let cut = 0; cut <= stream.length; cut++) {
      assert.deepEqual(decode(stream, [cut]), { frames: whole(RSYSLOG_OCTET), errors: [] }, `cut at ${cut}`)
    }
    const everyByte = Array.from({ length: stream.length }, (_, i) => i)
    assert.deepEqual(decode(stream, everyByte), { frames: whole(RSYSLOG_OCTET), errors: [] })
  })

  test('LF-terminated frames with mixed CRLF and NUL terminators decode for every single split', () => {
    const stream = Buffer.from(`${RSYSLOG_OCTET[0]}\r\n${RSYSLOG_OCTET[1]}\n${RSYSLOG_OCTET[2]}\0`, 'latin1')
    for (let cut = 0; cut <= stream.length; cut++) {
      assert.deepEqual(decode(stream, [cut]), { frames: whole(RSYSLOG_OCTET), errors: [] }, `cut at ${cut}`)
    }
    const everyByte = Array.from({ length: stream.length }, (_, i) => i)
    assert.deepEqual(decode(stream, everyByte), { frames: whole(RSYSLOG_OCTET), errors: [] })
  })

  test('blank lines and a NUL followed by LF (some appliances) yield no empty frames', () => {
    const stream = Buffer.from('\r\n<13>a\0\n\n<13>b\r\n\r\n', 'latin1')
    assert.deepEqual(decode(stream, []).frames, whole(['<13>a', '<13>b']))
  })

  test('octet-counted frames followed by a stray LF each are tolerated', () => {
    const stream = Buffer.from(`${octet('<13>a')}\n${octet('<13>b')}\r\n`, 'latin1')
    assert.deepEqual(decode(stream, [], 'octet_counting'), { frames: whole(['<13>a', '<13>b']), errors: [] })
  })
})

describe('FrameDecoder property: arbitrary frames in arbitrary chunks yield exactly the frames', () => {
  const maxLength = 64
  const chunking = (length: number) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 40 })
      .map((cuts) => cuts.sort((a, b) => a - b))

  test('octet counting: any bytes, any lengths up to twice max_length', () => {
    const frame = fc.uint8Array({ minLength: 1, maxLength: 2 * maxLength, size: 'max' })
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 20 }).chain((frames) => {
          const stream = Buffer.concat(frames.flatMap((f) => [Buffer.from(`${f.length} `), Buffer.from(f)]))
          return fc.tuple(fc.constant(frames), fc.constant(stream), chunking(stream.length))
        }),
        ([frames, stream, cuts]) => {
          const expected = frames.map((f) => ({
            text: Buffer.from(f).subarray(0, maxLength).toString('latin1'),
            truncated: f.length > maxLength,
          }))
          assert.deepEqual(decode(stream, cuts, 'octet_counting', maxLength), {
            frames: expected,
            errors: [],
          })
        },
      ),
      { numRuns: 500 },
    )
  })

  test('newline framing: LF, CRLF or NUL terminators, lines up to twice max_length', () => {
    // Bytes other than LF, CR and NUL; a line may not start with a digit (auto would pick octet counting).
    const byte = fc.integer({ min: 0x0e, max: 0xff })
    const line = fc
      .array(byte, { minLength: 1, maxLength: 2 * maxLength, size: 'max' })
      .filter((bytes) => bytes[0] === undefined || bytes[0] < 0x30 || bytes[0] > 0x39)
    const terminator = fc.constantFrom('\n', '\r\n', '\0')
    fc.assert(
      fc.property(
        fc.array(fc.tuple(line, terminator), { maxLength: 20 }).chain((lines) => {
          const stream = Buffer.concat(lines.flatMap(([l, t]) => [Buffer.from(l), Buffer.from(t, 'latin1')]))
          return fc.tuple(fc.constant(lines), fc.constant(stream), chunking(stream.length))
        }),
        ([lines, stream, cuts]) => {
          const expected = lines.map(([l]) => ({
            text: Buffer.from(l).subarray(0, maxLength).toString('latin1'),
            truncated: l.length > maxLength,
          }))
          assert.deepEqual(decode(stream, cuts, 'auto', maxLength), { frames: expected, errors: [] })
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('FrameDecoder limits and errors', () => {
  test('an oversize octet-counted frame is cut to max_length and the rest of its length skipped', () => {
    const big = `<13>${'x'.repeat(200)}`
    const stream = Buffer.from(octet(big) + octet('<13>next'), 'latin1')
    for (const cuts of [[], [10], [70], [100, 101, 150]]) {
      assert.deepEqual(decode(stream, cuts, 'auto', 64), {
        frames: [
          { text: big.slice(0, 64), truncated: true },
          { text: '<13>next', truncated: false },
        ],
        errors: [],
      })
    }
  })

  test('an oversize octet-counted frame is emitted as soon as max_length bytes are in', () => {
    const decoder = new FrameDecoder({ framing: 'auto', maxLength: 64 })
    const frames = decoder.push(Buffer.from(`1000000 ${'y'.repeat(100)}`))
    assert.equal(frames.length, 1)
    assert.deepEqual(frames[0], { data: Buffer.from('y'.repeat(64)), truncated: true })
    // The remaining declared bytes are skipped, not buffered, and then the next frame decodes.
    assert.deepEqual(decoder.push(Buffer.alloc(1_000_000 - 100, 0x7a)), [])
    assert.deepEqual(decoder.push(Buffer.from('3 abc')), [{ data: Buffer.from('abc'), truncated: false }])
  })

  test('an oversize newline frame is cut and the rest discarded up to the next newline', () => {
    const big = `<13>${'x'.repeat(200)}`
    const stream = Buffer.from(`${big}\n<13>next\r\n`, 'latin1')
    for (const cuts of [[], [30], [64, 65, 66], [100, 204, 205]]) {
      assert.deepEqual(decode(stream, cuts, 'newline', 64).frames, [
        { text: big.slice(0, 64), truncated: true },
        { text: '<13>next', truncated: false },
      ])
    }
  })

  test('a line of exactly max_length bytes ending in CRLF is not truncated', () => {
    const line = 'z'.repeat(64)
    const stream = Buffer.from(`${line}\r\n`)
    for (let cut = 0; cut <= stream.length; cut++) {
      assert.deepEqual(decode(stream, [cut], 'newline', 64).frames, whole([line]), `cut at ${cut}`)
    }
  })

  test('a bad octet count is reported and the connection falls back to newline framing, losing nothing', () => {
    // First frame valid; then a sender switches to plain lines.
    const stream = Buffer.from(`${octet('<13>ok')}<13>plain line\n<14>second\n`, 'latin1')
    const result = decode(stream, [9])
    assert.deepEqual(result.frames, whole(['<13>ok', '<13>plain line', '<14>second']))
    assert.deepEqual(
      result.errors.map((e) => e.code),
      ['SNT_FRAMING_OCTET_COUNT'],
    )
  })

  test('digits not followed by a space (a plain line starting with a year) fall back with the digits kept', () => {
    const result = decode(Buffer.from('2024-05-01 fw01 link up\n2024-05-01 fw01 link down\n'), [2, 5])
    assert.deepEqual(result.frames, whole(['2024-05-01 fw01 link up', '2024-05-01 fw01 link down']))
    assert.equal(result.errors.length, 1)
  })

  test('a count of more than ten digits is a framing error', () => {
    const result = decode(Buffer.from('12345678901 <13>x\n'), [], 'octet_counting')
    assert.deepEqual(result.frames, whole(['12345678901 <13>x']))
    assert.deepEqual(result.errors[0]?.code, 'SNT_FRAMING_OCTET_COUNT')
    assert.match(result.errors[0]?.detail ?? '', /10 digits/)
  })

  test('a partial octet-counted frame at close is emitted truncated', () => {
    assert.deepEqual(decode(Buffer.from('20 <13>only part'), [5]), {
      frames: [{ text: '<13>only part', truncated: true }],
      errors: [],
    })
  })

  test('a count with no message byte at close is reported, not lost silently', () => {
    const result = decode(Buffer.from('20 '), [])
    assert.deepEqual(result.frames, [])
    assert.deepEqual(
      result.errors.map((e) => e.code),
      ['SNT_FRAMING_INCOMPLETE'],
    )
  })

  test('an unterminated last line at close is emitted whole', () => {
    assert.deepEqual(decode(Buffer.from('<13>a\n<13>last without newline'), [8]).frames, [
      { text: '<13>a', truncated: false },
      { text: '<13>last without newline', truncated: false },
    ])
  })

  test('forced newline framing keeps lines that start with digits', () => {
    assert.deepEqual(decode(Buffer.from('5 abc\n'), [], 'newline'), { frames: whole(['5 abc']), errors: [] })
  })
})

describe('UDP datagram helpers', () => {
  test('a valid octet-count prefix matching the datagram (logger --octet-count) is stripped', () => {
    const msg = '<13>May  1 10:00:00 host app: hi'
    assert.equal(stripOctetCountPrefix(Buffer.from(octet(msg))).toString(), msg)
    assert.equal(stripOctetCountPrefix(Buffer.from(`${octet(msg)}\n`)).toString(), `${msg}\n`)
  })

  test('a count that does not match, or no count, leaves the datagram alone', () => {
    for (const text of ['5 abc', '<13>msg', '0 ', '12345678901 x', '3abc']) {
      assert.equal(stripOctetCountPrefix(Buffer.from(text)).toString(), text)
    }
  })

  test('trailing LF, CRLF and NUL are trimmed', () => {
    assert.equal(trimTrailingTerminators(Buffer.from('<13>x\r\n\0')).toString(), '<13>x')
    assert.equal(trimTrailingTerminators(Buffer.from('\n')).length, 0)
  })
})
