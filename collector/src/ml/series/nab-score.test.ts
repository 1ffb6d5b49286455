import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  NAB_PROFILES,
  normalizeScore,
  optimizeThreshold,
  probationLength,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  type NabFile,
} from './nab-score.js'

const STANDARD = NAB_PROFILES.standard

/** 100 rows one second apart; probation is rows 0-14; one window over rows 40-49 (10 rows). */
function file(flagged: number[], windows: [number, number][] = [[40, 49]]): NabFile {
  const timestamps = Array.from({ length: 100 }, (_, i) => i * 1000)
  const scores = timestamps.map((_, i) => (flagged.includes(i) ? 1 : 0))
  return { name: 'test/file.csv', timestamps, scores, windows: windows.map(([a, b]) => [a * 1000, b * 1000]) }
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} != ${expected}`)

test('the scaled sigmoid: 0.98661 at a window start, 0 at its end, -1 from 3 window lengths after', () => {
  close(scaledSigmoid(-1), 0.9866142981, 'start')
  close(scaledSigmoid(-0.5), 0.84828364, 'middle')
  close(scaledSigmoid(0), 0, 'end')
  assert.equal(scaledSigmoid(3), -1)
  assert.equal(scaledSigmoid(10), -1)
})

test('probation is 15% of the rows, at most 750', () => {
  assert.equal(probationLength(100), 15)
  assert.equal(probationLength(4032), 604)
  assert.equal(probationLength(10_000), 750)
})

test('a detection at the window start earns the full true-positive weight', () => {
  const r = scoreFile(file([40]), STANDARD, 0.5)
  close(r.score, 1, 'score')
  assert.deepEqual([r.tp, r.fp, r.fn], [1, 0, 0])
})

test('a detection at the window end earns little: S(-1/width) / S(-1)', () => {
  // position -(49 - 49 + 1) / 10 = -0.1: (2 / (1 + e^-0.5) - 1) / 0.98661 = 0.248242
  close(scoreFile(file([49]), STANDARD, 0.5).score, 0.2482415498, 'score')
})

test('only the earliest detection in a window counts', () => {
  // row 42: position -(49 - 42 + 1) / 10 = -0.8: (2 / (1 + e^-4) - 1) / 0.98661 = 0.977107
  const r = scoreFile(file([45, 42, 47]), STANDARD, 0.5)
  close(r.score, 0.9771068409, 'score')
  assert.equal(r.tp, 1)
})

test('a missed window costs the false-negative weight, in every profile', () => {
  close(scoreFile(file([]), STANDARD, 0.5).score, -1, 'standard')
  close(scoreFile(file([]), NAB_PROFILES.reward_low_FN_rate, 0.5).score, -2, 'low FN')
})

test('a false positive just after a window costs little, one far away the full weight', () => {
  // row 50: position (50 - 49) / (10 - 1): 0.11 * (2 / (1 + e^(5/9)) - 1) = -0.029793; plus the miss
  close(scoreFile(file([50]), STANDARD, 0.5).score, -1 - 0.029793183, 'just after')
  // row 95: (95 - 49) / 9 > 3: the full -0.11
  close(scoreFile(file([95]), STANDARD, 0.5).score, -1.11, 'far after')
  close(scoreFile(file([95]), NAB_PROFILES.reward_low_FP_rate, 0.5).score, -1.22, 'far after, low FP')
})

test('a false positive before any window costs the full weight; one in probation nothing', () => {
  close(scoreFile(file([20]), STANDARD, 0.5).score, -1.11, 'before the window')
  const inProbation = scoreFile(file([10]), STANDARD, 0.5)
  close(inProbation.score, -1, 'in probation')
  assert.equal(inProbation.fp, 0)
})

test('false positives are weighed by the preceding window', () => {
  // Two windows; row 72 is 2 rows after the second (60-70): 0.11 * S(2/10)
  const r = scoreFile(
    file(
      [40, 60, 72],
      [
        [40, 49],
        [60, 70],
      ],
    ),
    STANDARD,
    0.5,
  )
  close(r.score, 2 + scaledSigmoid(0.2) * 0.11, 'score')
  assert.deepEqual([r.tp, r.fp, r.fn], [2, 1, 0])
})

test('windows are matched by time, inclusive, even between rows', () => {
  const f = file([40])
  close(
    scoreFile({ ...f, windows: [[39_500, 49_000]] }, STANDARD, 0.5).score,
    1,
    'starts between rows 39 and 40',
  )
})

test('the optimiser tries every distinct score and keeps the best threshold', () => {
  const f = file([])
  const scores = f.timestamps.map((_, i) => (i === 95 ? 0.95 : i === 40 ? 0.9 : 0))
  const best = optimizeThreshold([{ ...f, scores }], STANDARD)
  // 0.95 flags the far FP only (-1.11); 0.9 adds the window start (+2: 0.89); 0 flags everything.
  assert.equal(best.threshold, 0.9)
  close(best.score, 0.89, 'score')
  const nothing = optimizeThreshold([{ ...f, scores: f.scores.map(() => 0) }], STANDARD)
  assert.equal(nothing.threshold, Infinity)
  close(nothing.score, -1, 'flagging nothing')
})

test('the optimiser agrees with scoring each file at its threshold', () => {
  const a = file([])
  const scores = a.timestamps.map((_, i) => ((i * 37) % 101) / 101)
  const files: NabFile[] = [
    { ...a, scores },
    { ...a, name: 'test/b.csv', scores: scores.map((s) => 1 - s), windows: [[20_000, 30_000]] },
  ]
  const best = optimizeThreshold(files, STANDARD)
  const total = files.reduce((sum, f) => sum + scoreFile(f, STANDARD, best.threshold).score, 0)
  close(total, best.score, 'total')
})

test('normalised: the null detector scores 0, the perfect one (each window start) 100', () => {
  const windows: [number, number][] = [
    [30, 39],
    [60, 69],
  ]
  const none = file([], windows)
  const perfect = file([30, 60], windows)
  for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
    assert.equal(scoreCorpus([none], profile).normalized, 0, profile)
    close(scoreCorpus([perfect], profile).normalized, 100, profile)
  }
  const late = scoreCorpus([file([39, 20], windows)], 'standard')
  // one window found at its end, one missed, a false positive before both; null -2, perfect 2
  close(late.normalized, normalizeScore(scaledSigmoid(-0.1) / scaledSigmoid(-1) - 1 - 0.11, -2, 2), 'late')
  assert.equal(late.threshold, 1)
})
