import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { SentinelError } from '../../errors/codes.js'
import { SERIES_DETECTOR_DEFAULTS, SeriesDetector, type SeriesScore } from './detector.js'

const STEP = 5 * 60_000
const DAY = 86_400_000
const POINTS_PER_DAY = DAY / STEP
const T0 = Date.UTC(2024, 0, 1)

/** Deterministic uniform [0, 1) numbers (mulberry32), so the synthetic series are the same each run. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Busy 09:00-17:00 (70), quiet otherwise (20), like a link's daily traffic. */
const officeHours = (t: number): number => {
  const hour = ((t - T0) % DAY) / 3_600_000
  return hour >= 9 && hour < 17 ? 70 : 20
}

function run(
  days: number,
  value: (t: number, i: number) => number,
  detector = new SeriesDetector(),
): SeriesScore[] {
  return Array.from({ length: days * POINTS_PER_DAY }, (_, i) => {
    const t = T0 + i * STEP
    return detector.update(t, value(t, i))
  })
}

const anomaliesBetween = (scores: SeriesScore[], fromDay: number, toDay: number): number[] =>
  scores
    .map((s, i) => (s.anomaly && i >= fromDay * POINTS_PER_DAY && i < toDay * POINTS_PER_DAY ? i : -1))
    .filter((i) => i >= 0)

test('learns for a day: no score before a full daily cycle', () => {
  const next = random(1)
  const scores = run(2, () => 50 + next() * 10)
  assert.ok(scores.slice(0, POINTS_PER_DAY).every((s) => s.score === 0 && !s.anomaly))
  assert.ok(scores.slice(POINTS_PER_DAY).some((s) => s.score > 0))
})

test('a spike beyond anything seen is an anomaly; the noise around it is not', () => {
  const next = random(2)
  const spikeAt = 9 * POINTS_PER_DAY
  const scores = run(10, (_, i) => 50 + (next() - 0.5) * 10 + (i === spikeAt ? 40 : 0))
  assert.ok(scores[spikeAt]?.anomaly)
  assert.ok((scores[spikeAt]?.score ?? 0) > 0.8)
  const others = scores.filter((_, i) => i !== spikeAt && i >= POINTS_PER_DAY).map((s) => s.score)
  assert.ok(Math.max(...others) < 0.7, `noise scored ${Math.max(...others)}`)
})

test('a broken daily pattern is an anomaly even when every value is an ordinary one', () => {
  const next = random(3)
  // On day 9 the busy hours never come: the series stays at its usual quiet level.
  const missing = (t: number, i: number) =>
    (i >= 9 * POINTS_PER_DAY ? 20 : officeHours(t)) + (next() - 0.5) * 6
  const scores = run(10, missing)
  assert.deepEqual(anomaliesBetween(scores, 1, 9), [], 'the normal days raise nothing')
  const flagged = anomaliesBetween(scores, 9, 10).map((i) => ((i % POINTS_PER_DAY) * STEP) / 3_600_000)
  assert.ok(flagged.length > 0, 'the missing busy hours are flagged')
  assert.ok(
    flagged.every((hour) => hour >= 9 && hour < 17.5),
    `flagged at hours ${flagged.join(', ')}`,
  )
})

test('a level shift is an anomaly even after a one-point outlier far larger than it', () => {
  const next = random(4)
  const shiftAt = 9 * POINTS_PER_DAY
  const scores = run(
    10,
    (_, i) => 50 + (next() - 0.5) * 4 + (i === 3 * POINTS_PER_DAY ? 200 : 0) + (i >= shiftAt ? 12 : 0),
  )
  const flagged = anomaliesBetween(scores, 9, 10)
  assert.ok(flagged.length > 0 && (flagged[0] ?? Infinity) < shiftAt + 3, `flagged at ${flagged.join(', ')}`)
})

test('leaving a perfectly flat line is an anomaly', () => {
  const scores = run(6, (_, i) => (i < 5 * POINTS_PER_DAY ? 3 : 4))
  assert.deepEqual(anomaliesBetween(scores, 1, 5), [])
  assert.ok(scores[5 * POINTS_PER_DAY]?.anomaly)
  assert.ok((scores[5 * POINTS_PER_DAY]?.score ?? 0) > 0.99)
})

test('irregular sampling, gaps and out-of-order timestamps are taken in stride', () => {
  const next = random(5)
  const detector = new SeriesDetector()
  let t = T0
  let spike: SeriesScore | undefined
  for (let i = 0; i < 20_000; i++) {
    t += 30_000 + next() * 60_000 + (i === 8_000 ? 6 * 3_600_000 : 0)
    const isSpike = i === 15_000
    const at = i % 997 === 0 ? t - 120_000 : t // now and then a point from the past
    const result = detector.update(at, 10 + next() * 2 + (isSpike ? 8 : 0))
    assert.ok(result.score >= 0 && result.score <= 1 && Number.isFinite(result.score))
    if (isSpike) spike = result
  }
  assert.ok(spike?.anomaly, 'the spike after the gap is still found')
})

test('scores are in [0, 1] and anomaly means score >= threshold, whatever the input', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: -5_000_000, max: 5_000_000 }),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        {
          maxLength: 200,
        },
      ),
      (steps) => {
        const detector = new SeriesDetector({ warmupPoints: 0, warmupMs: 0 })
        let t = T0
        for (const [dt, value] of steps) {
          t += dt
          const { score, anomaly } = detector.update(t, value)
          if (!(score >= 0 && score <= 1)) return false
          if (anomaly !== score >= SERIES_DETECTOR_DEFAULTS.threshold) return false
        }
        return true
      },
    ),
  )
})

test('non-finite input is refused with SNT_ERR_SERIES_INPUT', () => {
  const detector = new SeriesDetector()
  for (const [t, v] of [
    [T0, NaN],
    [T0, Infinity],
    [NaN, 1],
  ] as const) {
    assert.throws(
      () => detector.update(t, v),
      (e: unknown) => e instanceof SentinelError && e.code === 'SNT_ERR_SERIES_INPUT',
    )
  }
  assert.equal(detector.points, 0, 'nothing was learnt')
})

test('a restored detector scores exactly as one that never stopped', () => {
  const next = random(6)
  const values = Array.from({ length: 6 * POINTS_PER_DAY }, (_, i) => {
    const t = T0 + i * STEP
    return officeHours(t) + (next() - 0.5) * 8 + (i % 700 === 0 ? 60 : 0)
  })
  for (const stopAt of [0, 1, 2, POINTS_PER_DAY + 5, 4 * POINTS_PER_DAY]) {
    const steady = new SeriesDetector()
    const first = new SeriesDetector()
    const before = values
      .slice(0, stopAt)
      .map((v, i) => [steady.update(T0 + i * STEP, v), first.update(T0 + i * STEP, v)])
    assert.deepEqual(
      before.map(([a]) => a),
      before.map(([, b]) => b),
    )
    const restored = SeriesDetector.restore(JSON.parse(JSON.stringify(first.snapshot())))
    assert.deepEqual(restored.snapshot(), first.snapshot())
    for (let i = stopAt; i < values.length; i++) {
      const t = T0 + i * STEP
      assert.deepEqual(
        restored.update(t, values[i] ?? 0),
        steady.update(t, values[i] ?? 0),
        `stopped at ${stopAt}, point ${i}`,
      )
    }
    assert.deepEqual(restored.snapshot(), steady.snapshot(), 'the states end up the same')
  }
})

test('state is bounded: the snapshot of a long series is no bigger than that of a short one', () => {
  const next = random(7)
  const short = new SeriesDetector()
  const long = new SeriesDetector()
  run(2, () => next() * 100, short)
  run(30, () => next() * 100, long)
  const size = (d: SeriesDetector) => JSON.stringify(d.snapshot()).length
  assert.ok(size(long) <= size(short) + 64, `${size(long)} vs ${size(short)}`)
})

test('a bad snapshot is refused, naming the bad field', () => {
  const detector = new SeriesDetector()
  run(1, (t) => officeHours(t), detector)
  const good = JSON.parse(JSON.stringify(detector.snapshot())) as Record<string, unknown>
  const cases: [unknown, RegExp][] = [
    [null, /detector snapshot: \/: not an object/],
    [{ ...good, format: 'x' }, /\/format/],
    [
      { ...good, state: { ...(good['state'] as object), centre: null } },
      /\/state\/centre: not a finite number/,
    ],
    [{ ...good, state: { ...(good['state'] as object), points: 2.5 } }, /\/state\/points/],
    [{ ...good, options: { ...(good['options'] as object), seasonBuckets: 0 } }, /\/options: seasonBuckets/],
    [
      { ...good, options: { ...(good['options'] as object), threshold: 'high' } },
      /\/options\/threshold: not a number/,
    ],
    [{ ...good, recent: [1] }, /\/recent: not an array of 3 numbers/],
    [{ ...good, season: 'AAAA' }, /\/season: not base64 of 288 float32 values/],
  ]
  for (const [snapshot, message] of cases) {
    assert.throws(
      () => SeriesDetector.restore(snapshot),
      (e: unknown) =>
        e instanceof SentinelError && e.code === 'SNT_ERR_SERIES_INPUT' && message.test(e.message),
      String(message),
    )
  }
})

test('invalid options are refused', () => {
  assert.throws(() => new SeriesDetector({ medianWindow: 4 }), /medianWindow/)
  assert.throws(() => new SeriesDetector({ threshold: 2 }), /threshold/)
  assert.throws(() => new SeriesDetector({ envelopeMemoryMs: 0 }), /envelopeMemoryMs/)
  assert.ok(Object.isFrozen(SERIES_DETECTOR_DEFAULTS))
})
