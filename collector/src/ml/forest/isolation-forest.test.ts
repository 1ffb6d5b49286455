import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { SentinelError } from '../../errors/codes.js'
import { averagePathLength, IsolationForest, ISOLATION_FOREST_DEFAULTS } from './isolation-forest.js'
import { generator } from '../test-support/random.js'

/** A seeded generator for test data (Park-Miller), independent of the forest's own. */

const DIMS = 4

/** Two Gaussian clusters of inliers, then `outliers` points scattered far from both. */
function clusters(inliers: number, outliers: number, seed = 42): Float32Array {
  const { uniform, gauss } = generator(seed)
  const rows = new Float32Array((inliers + outliers) * DIMS)
  for (let i = 0; i < inliers; i++) {
    const centre = i % 2 === 0 ? 0 : 6
    for (let f = 0; f < DIMS; f++) rows[i * DIMS + f] = centre + gauss()
  }
  for (let i = inliers; i < inliers + outliers; i++) {
    for (let f = 0; f < DIMS; f++) rows[i * DIMS + f] = (uniform() < 0.5 ? -1 : 1) * (12 + 8 * uniform()) + 3
  }
  return rows
}

/** Area under the ROC curve: the chance a random outlier outscores a random inlier. */
function auc(inlierScores: ArrayLike<number>, outlierScores: ArrayLike<number>): number {
  let wins = 0
  for (const o of Array.from(outlierScores)) {
    for (const i of Array.from(inlierScores)) wins += o > i ? 1 : o === i ? 0.5 : 0
  }
  return wins / (inlierScores.length * outlierScores.length)
}

function expectModelInvalid(snapshot: unknown, fragment: string): void {
  assert.throws(
    () => IsolationForest.fromJSON(snapshot),
    (error: unknown) => {
      assert.ok(error instanceof SentinelError)
      assert.equal(error.code, 'SNT_ERR_MODEL_INVALID')
      assert.match(error.message, /^Invalid anomaly model forest snapshot: /)
      assert.ok(error.message.includes(fragment), `"${error.message}" should include "${fragment}"`)
      return true
    },
  )
}

describe('averagePathLength', () => {
  it('follows 2H(n-1) - 2(n-1)/n with c(1) = 0 and c(2) = 1', () => {
    assert.equal(averagePathLength(1), 0)
    assert.equal(averagePathLength(2), 1)
    assert.ok(Math.abs(averagePathLength(3) - (2 * 1.5 - 4 / 3)) < 1e-12)
    // Exact harmonic sum against the asymptotic form used for large n.
    let h = 0
    for (let i = 1; i <= 255; i++) h += 1 / i
    assert.ok(Math.abs(averagePathLength(256) - (2 * h - (2 * 255) / 256)) < 1e-9)
  })
})

describe('IsolationForest', () => {
  const rows = clusters(1000, 20)

  it('uses the paper sample size and 64 trees by default', () => {
    assert.equal(ISOLATION_FOREST_DEFAULTS.trees, 64)
    assert.equal(ISOLATION_FOREST_DEFAULTS.sampleSize, 256)
    const forest = IsolationForest.train(rows, DIMS)
    assert.equal(forest.trees, 64)
    assert.equal(forest.subsample, 256)
    assert.equal(forest.heightLimit, 8)
    assert.deepEqual(forest.options, ISOLATION_FOREST_DEFAULTS)
  })

  it('is deterministic for a seed and differs across seeds', () => {
    const a = IsolationForest.train(rows, DIMS, { seed: 7 })
    const b = IsolationForest.train(rows, DIMS, { seed: 7 })
    const c = IsolationForest.train(rows, DIMS, { seed: 8 })
    assert.deepEqual(a.toJSON(), b.toJSON())
    assert.deepEqual(a.scoreBatch(rows, 1020), b.scoreBatch(rows, 1020))
    assert.notDeepEqual(a.toJSON().trees, c.toJSON().trees)
  })

  it('scores outliers above inliers (AUC > 0.95)', () => {
    const forest = IsolationForest.train(rows, DIMS)
    const scores = forest.scoreBatch(rows, 1020)
    const area = auc(scores.subarray(0, 1000), scores.subarray(1000))
    assert.ok(area > 0.95, `AUC ${area}`)
    // Fresh points from the same distribution, scored but not trained on.
    const fresh = clusters(400, 40, 4242)
    const freshScores = forest.scoreBatch(fresh, 440)
    const freshArea = auc(freshScores.subarray(0, 400), freshScores.subarray(400))
    assert.ok(freshArea > 0.95, `AUC on unseen rows ${freshArea}`)
  })

  it('keeps every score strictly inside (0, 1), even for extreme and NaN values', () => {
    const forest = IsolationForest.train(rows, DIMS)
    const extreme = new Float32Array([1e38, -1e38, 0, 3, Number.NaN, 0, Number.NaN, 1, 0, 0, 0, 0])
    const all = [...forest.scoreBatch(rows, 1020), ...forest.scoreBatch(extreme, 3)]
    for (const s of all) assert.ok(s > 0 && s < 1, `score ${s}`)
    // score() and scoreBatch() agree (scoreBatch rounds to float32).
    for (let r = 0; r < 3; r++)
      assert.equal(forest.scoreBatch(extreme, 3)[r], Math.fround(forest.score(extreme, r)))
    assert.equal(forest.score(rows, 5), Math.pow(2, -forest.pathLength(rows, 5) / forest.normaliser))
  })

  it('stores float32 thresholds strictly inside each split range', () => {
    const forest = IsolationForest.train(rows, DIMS)
    const { feature, value, size, right } = forest.nodes()
    for (let i = 0; i < feature.length; i++) {
      if ((feature[i] ?? -1) < 0) continue
      assert.equal(value[i], Math.fround(value[i] ?? 0))
      assert.equal((size[i + 1] ?? 0) + (size[right[i] ?? 0] ?? 0), size[i])
    }
  })

  it('explains an outlier by the feature it differs in', () => {
    const forest = IsolationForest.train(rows, DIMS)
    for (let f = 0; f < DIMS; f++) {
      // The centre of the first cluster except far out in feature f.
      const point = new Float32Array(DIMS)
      point[f] = 9
      const all = forest.explain(point, 0, DIMS)
      assert.equal(all[0]?.feature, f, `feature ${f}: ${JSON.stringify(all)}`)
      assert.ok((all[0]?.weight ?? 0) > 0.4, `feature ${f} weight ${all[0]?.weight}`)
      const total = all.reduce((sum, a) => sum + a.weight, 0)
      assert.ok(Math.abs(total - 1) < 1e-9, `weights sum to ${total}`)
      for (let i = 1; i < all.length; i++) assert.ok((all[i - 1]?.weight ?? 0) >= (all[i]?.weight ?? 0))
      assert.deepEqual(forest.explain(point, 0, 1), all.slice(0, 1))
    }
  })

  it('round-trips through JSON with identical scores and explanations', () => {
    const forest = IsolationForest.train(rows, DIMS, { trees: 30, sampleSize: 100, seed: 3 })
    const restored = IsolationForest.fromJSON(JSON.parse(JSON.stringify(forest)))
    assert.deepEqual(restored.scoreBatch(rows, 1020), forest.scoreBatch(rows, 1020))
    assert.deepEqual(restored.nodes(), forest.nodes())
    assert.deepEqual(restored.explain(rows, 1005, 4), forest.explain(rows, 1005, 4))
    assert.deepEqual(restored.toJSON(), forest.toJSON())
    assert.deepEqual(restored.options, forest.options)
  })

  it('never splits on constant columns', () => {
    const data = clusters(300, 10)
    for (let r = 0; r < 310; r++) {
      data[r * DIMS + 1] = 5
      data[r * DIMS + 3] = -2
    }
    const forest = IsolationForest.train(data, DIMS)
    const used = new Set(forest.nodes().feature)
    assert.deepEqual([...used].sort(), [-1, 0, 2])
    const scores = forest.scoreBatch(data, 310)
    assert.ok(auc(scores.subarray(0, 300), scores.subarray(300)) > 0.95)
  })

  it('scores everything 0.5 when all training rows are identical', () => {
    const data = new Float32Array(50 * DIMS).fill(1)
    const forest = IsolationForest.train(data, DIMS, { trees: 10 })
    assert.equal(forest.nodes().feature.length, 10)
    const probe = new Float32Array([1, 1, 1, 1, 100, -4, 0, 2])
    // Each tree is one leaf holding all rows: path c(50) (stored as float32) over c(50).
    assert.ok(Math.abs(forest.score(probe, 0) - 0.5) < 1e-7)
    assert.equal(forest.score(probe, 1), forest.score(probe, 0))
    assert.deepEqual(forest.explain(probe, 1, 3), [])
  })

  it('trains on fewer rows than sampleSize', () => {
    const data = clusters(9, 1)
    const forest = IsolationForest.train(data, DIMS)
    assert.equal(forest.subsample, 10)
    assert.equal(forest.heightLimit, 4)
    const scores = forest.scoreBatch(data, 10)
    assert.ok(
      (scores[9] ?? 0) > Math.max(...scores.subarray(0, 9)),
      `outlier ${scores[9]} vs ${scores.subarray(0, 9)}`,
    )
  })

  it('rejects unusable training input and options', () => {
    assert.throws(() => IsolationForest.train(new Float32Array(0), DIMS), /0 rows, at least 2/)
    assert.throws(() => IsolationForest.train(new Float32Array(DIMS), DIMS), /1 rows, at least 2/)
    assert.throws(() => IsolationForest.train(new Float32Array(7), DIMS), /7 values are not rows of 4/)
    assert.throws(
      () => IsolationForest.train(new Float32Array([1, 2, Number.NaN, 4]), 2),
      /row 1 column 0 is NaN/,
    )
    assert.throws(() => IsolationForest.train(rows, DIMS, { trees: 0 }), /trees must be an integer/)
    assert.throws(() => IsolationForest.train(rows, DIMS, { sampleSize: 1 }), /sampleSize must be an integer/)
    assert.throws(() => IsolationForest.train(rows, DIMS, { seed: -1 }), /seed must be/)
    const forest = IsolationForest.train(rows, DIMS, { trees: 5 })
    assert.throws(() => forest.score(rows, 1020), RangeError)
    assert.throws(() => forest.scoreBatch(rows, 1021), RangeError)
  })

  it('rejects bad snapshots, naming the field', () => {
    const good = IsolationForest.train(rows, DIMS, { trees: 3, sampleSize: 16 }).toJSON()
    type Node = Record<string | number, unknown>
    /** A deep copy of the good snapshot with `value` at `path`. */
    const withValue = (path: (string | number)[], value: unknown): Node => {
      const copy = structuredClone(good) as unknown as Node
      let node = copy
      for (const key of path.slice(0, -1)) node = node[key] as Node
      node[path[path.length - 1] ?? ''] = value
      return copy
    }
    const tree0 = good.trees[0]
    const tree2 = good.trees[2]
    assert.ok(tree0 !== undefined && tree2 !== undefined)
    // Tree roots always split (16 rows of varied data), so node 0 of each tree is a split.
    const cases: [unknown, string][] = [
      ['forest', '/: not an object'],
      [withValue(['format'], 'x'), '/format: expected sentinel.isolation-forest'],
      [withValue(['version'], 2), '/version'],
      [withValue(['dims'], 0), '/dims: not a positive integer'],
      [withValue(['options', 'trees'], 4), '/trees: 3 trees, options.trees says 4'],
      [withValue(['options', 'seed'], 'x'), '/options: seed must be'],
      [withValue(['subsample'], 1000), '/subsample'],
      [withValue(['trees'], {}), '/trees: not an array'],
      [withValue(['trees', 0, 'threshold', 0], 'x'), '/trees/0/threshold/0: not a finite float32 number'],
      [withValue(['trees', 1, 'feature', 0], DIMS), '/trees/1/feature/0: 4 is not -1 or a column below 4'],
      [withValue(['trees', 0, 'right', 0], 0), '/trees/0/right/0'],
      [withValue(['trees', 0, 'size', 0], 15), '/trees/0/size/0: 15, expected 16'],
      [withValue(['trees', 2, 'size'], tree2.size.slice(0, -1)), '/trees/2/size: not'],
      [
        withValue(['trees', 0], {
          feature: [...tree0.feature, -1],
          threshold: [...tree0.threshold, 0],
          right: [...tree0.right, -1],
          size: [...tree0.size, 1],
        }),
        '/trees/0: 1 nodes are not reachable from the root',
      ],
    ]
    for (const [snapshot, fragment] of cases) expectModelInvalid(snapshot, fragment)
    // The unmodified copy restores: the cases fail for their change alone.
    assert.doesNotThrow(() => IsolationForest.fromJSON(withValue(['version'], 1)))
  })
})
