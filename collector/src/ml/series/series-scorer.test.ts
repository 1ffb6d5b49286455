import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SentinelError } from '../../errors/codes.js'
import { SeriesDetector } from './detector.js'
import { SeriesScorer } from './series-scorer.js'

const STEP = 60_000
const T0 = Date.UTC(2024, 3, 1)

/** A few days of minute samples for two interfaces and a CPU, with an outlier now and then. */
function points(days: number): [string, number, number][] {
  const out: [string, number, number][] = []
  for (let i = 0; i < days * 1440; i++) {
    const t = T0 + i * STEP
    out.push([
      'sw1|ifHCInOctets|ifIndex=1',
      t,
      1e6 + ((i * 7919) % 1000) * 1e3 + (i % 2000 === 1999 ? 5e6 : 0),
    ])
    out.push(['sw1|ifHCInOctets|ifIndex=2', t, 5e5 + ((i * 104729) % 997) * 50])
    out.push(['sw1|hrProcessorLoad|hrDeviceIndex=196608', t, 20 + ((i * 31) % 17) + (i === 2500 ? 70 : 0)])
  }
  return out
}

test('each key is scored by its own detector, as a lone detector would score it', () => {
  const scorer = new SeriesScorer()
  const alone = new Map<string, SeriesDetector>()
  for (const [key, t, v] of points(2)) {
    const detector = alone.get(key) ?? new SeriesDetector()
    alone.set(key, detector)
    assert.deepEqual(scorer.score(key, t, v), detector.update(t, v))
  }
  const stats = scorer.stats()
  assert.equal(stats.series, 3)
  assert.equal(stats.points, 3 * 2 * 1440)
  assert.ok(stats.anomalies > 0, 'the CPU outlier after the first day is counted')
})

test('at the cap the least recently updated series is evicted and counted', () => {
  const scorer = new SeriesScorer({ maxSeries: 2 })
  scorer.score('a', T0, 1)
  scorer.score('b', T0, 1)
  scorer.score('a', T0 + STEP, 1) // b is now the least recently updated
  scorer.score('c', T0 + STEP, 1)
  assert.deepEqual([scorer.has('a'), scorer.has('b'), scorer.has('c')], [true, false, true])
  assert.deepEqual(scorer.stats(), { series: 2, evicted: 1, points: 4, anomalies: 0 })
  scorer.score('b', T0 + 2 * STEP, 1) // comes back as a new series, evicting a
  assert.deepEqual([scorer.has('a'), scorer.has('b'), scorer.has('c')], [false, true, true])
  assert.equal(scorer.stats().evicted, 2)
})

test('bad input is refused naming the key, and creates no series', () => {
  const scorer = new SeriesScorer()
  assert.throws(
    () => scorer.score('sw1|ifHCInOctets|ifIndex=9', T0, NaN),
    (e: unknown) =>
      e instanceof SentinelError && e.code === 'SNT_ERR_SERIES_INPUT' && /ifIndex=9/.test(e.message),
  )
  assert.equal(scorer.stats().series, 0)
})

test('a restored scorer continues exactly as one that never stopped, recency order included', () => {
  const all = points(3)
  const half = all.length / 2
  const steady = new SeriesScorer({ maxSeries: 3 })
  const first = new SeriesScorer({ maxSeries: 3 })
  for (const [key, t, v] of all.slice(0, half)) {
    steady.score(key, t, v)
    first.score(key, t, v)
  }
  const restored = SeriesScorer.restore(JSON.parse(JSON.stringify(first.snapshot())))
  assert.deepEqual(restored.stats(), first.stats())
  for (const [key, t, v] of all.slice(half))
    assert.deepEqual(restored.score(key, t, v), steady.score(key, t, v))
  // A fourth series evicts the same (least recently updated) one in both.
  restored.score('new', T0, 1)
  steady.score('new', T0, 1)
  assert.deepEqual(restored.snapshot(), steady.snapshot())
})

test('a bad snapshot is refused, naming the bad field', () => {
  const scorer = new SeriesScorer()
  for (const [key, t, v] of points(1).slice(0, 300)) scorer.score(key, t, v)
  const good = JSON.parse(JSON.stringify(scorer.snapshot())) as Record<string, unknown>
  const series = good['series'] as Record<string, unknown>[]
  const first = series[0] as { key: string; detector: Record<string, unknown> }
  const cases: [unknown, RegExp][] = [
    [[], /scorer snapshot: \/: not an object/],
    [{ ...good, version: 2 }, /\/version/],
    [{ ...good, maxSeries: 2 }, /\/series: 3 series exceed maxSeries/],
    [{ ...good, evicted: -1 }, /\/evicted/],
    [
      { ...good, detectorOptions: { ...(good['detectorOptions'] as object), medianWindow: 2 } },
      /\/detectorOptions: medianWindow/,
    ],
    [{ ...good, series: [first, first] }, /\/series\/1\/key: .* appears twice/],
    [
      { ...good, series: [{ ...first, detector: { ...first.detector, season: 42 } }] },
      /\/series\/0\/detector\/season/,
    ],
  ]
  for (const [snapshot, message] of cases) {
    assert.throws(
      () => SeriesScorer.restore(snapshot),
      (e: unknown) =>
        e instanceof SentinelError && e.code === 'SNT_ERR_SERIES_INPUT' && message.test(e.message),
      String(message),
    )
  }
})
