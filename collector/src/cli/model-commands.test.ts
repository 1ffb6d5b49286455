import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { SentinelError } from '../errors/codes.js'
import { EVENT_FEATURE_SPEC } from '../ml/features/feature-spec.js'
import { IsolationForest } from '../ml/forest/isolation-forest.js'
import { exportForestToOnnx } from '../ml/onnx/onnx-export.js'
import { ModelRegistry } from '../ml/registry/model-registry.js'
import {
  runMlImport,
  runMlModels,
  runMlPromote,
  runMlPrune,
  runMlRollback,
  runMlShadow,
} from './model-commands.js'

const DIMS = EVENT_FEATURE_SPEC.names.length

/** Runs a command against a captured stream; returns its exit code and output. */
async function capture(run: (out: PassThrough) => Promise<number>): Promise<{ code: number; text: string }> {
  const out = new PassThrough()
  let text = ''
  out.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const code = await run(out)
  return { code, text }
}

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-ml-cli-'))
  try {
    await run(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** A registry with two trained models (fixed clock) and their versions. */
async function seeded(dir: string): Promise<[string, string]> {
  let t = Date.UTC(2026, 10, 21, 10, 0, 0)
  const registry = await ModelRegistry.open(dir, { now: () => new Date((t += 60_000)) })
  const versions: string[] = []
  for (const [rows, p99, share] of [
    [5000, 0.612, 0.013],
    [7200, 0.655, 0.021],
  ] as const) {
    const info = await registry.add({
      bytes: new Uint8Array([1, 2, 3]),
      meta: {
        kind: 'isolation-forest',
        feature_spec: EVENT_FEATURE_SPEC,
        training: { window_start: '2026-11-20T00:00:00.000Z', window_end: '2026-11-21T00:00:00.000Z', rows },
        metrics: { score_p50: 0.47, score_p99: p99, share_above_0_6: share },
        source: 'sentinel training',
      },
    })
    versions.push(info.version)
  }
  return versions as [string, string]
}

const registryError = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof SentinelError, String(error))
  assert.equal(error.code, 'SNT_ERR_MODEL_REGISTRY')
  assert.match(error.message, pattern)
  return true
}

test('sentinel ml models: an empty or missing registry says how to get a model, and creates nothing', async () => {
  await withDir(async (dir) => {
    const missing = join(dir, 'ml', 'models')
    const { code, text } = await capture((out) => runMlModels(missing, out))
    assert.equal(code, 0)
    assert.match(text, /^No anomaly models in .*ml\/models yet\. .*sentinel ml import FILE\.\n$/)
    assert.deepEqual(await readdir(dir), [])
  })
})

test('sentinel ml models: a table with window, rows, metrics and roles; --json has everything', async () => {
  await withDir(async (dir) => {
    const [a, b] = await seeded(dir)
    await runMlPromote(dir, a, new PassThrough())
    await runMlPromote(dir, b, new PassThrough())

    const { code, text } = await capture((out) => runMlModels(dir, out))
    assert.equal(code, 0)
    const lines = text.trimEnd().split('\n')
    assert.deepEqual(lines[0]?.split(/\s{2,}/), [
      'VERSION',
      'KIND',
      'CREATED (UTC)',
      'TRAINED ON (UTC)',
      'ROWS',
      'P50',
      'P99',
      '>0.6',
      'ROLE',
    ])
    assert.deepEqual(lines[1]?.split(/\s{2,}/), [
      a,
      'isolation-forest',
      '2026-11-21 10:01',
      '2026-11-20 00:00 .. 2026-11-21 00:00',
      '5000',
      '0.470',
      '0.612',
      '1.3%',
      'rollback target',
    ])
    assert.match(lines[2] ?? '', new RegExp(`^${b} .* 7200 .* 0\\.655  2\\.1%  ACTIVE$`))
    assert.equal(lines[4], `active: ${b}   shadow: none   rollback returns to: ${a}`)
    assert.equal(lines.length, 5)

    // Leftovers the registry ignores are shown, so an operator knows why a version is missing.
    await mkdir(join(dir, 'v0009-20261121T120000Z'))
    const warned = await capture((out) => runMlModels(dir, out))
    assert.match(warned.text, /\nwarning: v0009-20261121T120000Z: incomplete \(no model\.json\); ignored\n$/)

    const json = await capture((out) => runMlModels(dir, out, { json: true }))
    const doc = JSON.parse(json.text) as {
      active: string
      rollback_target: string
      models: { version: string; active: boolean; metrics: Record<string, number> }[]
    }
    assert.equal(doc.active, b)
    assert.equal(doc.rollback_target, a)
    assert.deepEqual(
      doc.models.map((m) => [m.version, m.active, m.metrics['score_p99']]),
      [
        [a, false, 0.612],
        [b, true, 0.655],
      ],
    )
  })
})

test('sentinel ml promote / shadow / rollback: one line saying what changed, versions by number too', async () => {
  await withDir(async (dir) => {
    const [a, b] = await seeded(dir)
    const say = async (run: (out: PassThrough) => Promise<number>) => {
      const { code, text } = await capture(run)
      assert.equal(code, 0)
      assert.equal(text.split('\n').length, 2, `one line: ${text}`)
      return text.trimEnd()
    }
    assert.equal(
      await say((out) => runMlPromote(dir, 'v1', out)),
      `active model is now ${a} (was none); a running collector picks it up within 5 s`,
    )
    assert.equal(
      await say((out) => runMlPromote(dir, a, out)),
      `${a} is already the active model; nothing changed`,
    )
    assert.equal(
      await say((out) => runMlShadow(dir, '2', out)),
      `shadow model is now ${b} (was none); a running collector picks it up within 5 s`,
    )
    assert.equal(
      await say((out) => runMlPromote(dir, b, out)),
      `active model is now ${b} (was ${a}); it was the shadow model, so no model runs in shadow now; ` +
        'a running collector picks it up within 5 s',
    )
    assert.equal(await say((out) => runMlShadow(dir, null, out)), 'no shadow model was set; nothing changed')
    assert.equal(
      await say((out) => runMlRollback(dir, out)),
      `rolled back: active model is now ${a} (was ${b}); a running collector picks it up within 5 s`,
    )
    await assert.rejects(
      capture((out) => runMlRollback(dir, out)),
      registryError(/nothing to roll back to: no model was active before/),
    )
    await assert.rejects(
      capture((out) => runMlPromote(dir, 'v9', out)),
      registryError(/no model v9 in the registry; `sentinel ml models` lists the versions/),
    )
    await assert.rejects(
      capture((out) => runMlShadow(dir, a, out)),
      registryError(/is the active model/),
    )
    await runMlShadow(dir, b, new PassThrough())
    assert.equal(
      await say((out) => runMlShadow(dir, null, out)),
      `shadow model cleared (was ${b}); a running collector picks it up within 5 s`,
    )
  })
})

test('sentinel ml import: registers a fitting model and says how to use it; refuses a bad file', async () => {
  await withDir(async (dir) => {
    const registryDir = join(dir, 'models')
    const forest = IsolationForest.train(
      new Float32Array(DIMS * 20).map((_, i) => (i * 7) % 11),
      DIMS,
      { trees: 4 },
    )
    const good = join(dir, 'lab.onnx')
    await writeFile(
      good,
      exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: 'lab-1' }),
    )

    const first = await capture((out) => runMlImport(registryDir, good, { promote: 'none' }, out))
    const [imported, hint] = first.text.trimEnd().split('\n')
    const version = /as (v0001-\S+) /.exec(imported ?? '')?.[1] ?? ''
    assert.equal(imported, `imported ${good} as ${version} (feature spec sentinel.event/v1 matches)`)
    assert.equal(
      hint,
      `not in use yet: sentinel ml shadow ${version} to compare it, or sentinel ml promote ${version}`,
    )

    const second = await capture((out) =>
      runMlImport(registryDir, good, { promote: 'active', note: 'lab' }, out),
    )
    assert.match(
      second.text,
      /\nactive model is now v0002-\S+ \(was none\); a running collector picks it up within 5 s\n$/,
    )

    const bad = join(dir, 'notes.onnx')
    await writeFile(bad, 'definitely not protobuf')
    await assert.rejects(
      capture((out) => runMlImport(registryDir, bad, { promote: 'active' }, out)),
      (error: unknown) =>
        error instanceof SentinelError &&
        error.code === 'SNT_ERR_MODEL_INVALID' &&
        /notes\.onnx: not an ONNX model/.test(error.message),
    )
    await assert.rejects(
      capture((out) => runMlImport(registryDir, join(dir, 'nope.onnx'), { promote: 'none' }, out)),
      /Invalid anomaly model .*nope\.onnx: cannot read the file \(ENOENT/,
    )
    assert.equal((await ModelRegistry.open(registryDir)).list().length, 2)
  })
})

test('sentinel ml prune: deletes old models but not those in use', async () => {
  await withDir(async (dir) => {
    const [a, b] = await seeded(dir)
    await runMlPromote(dir, a, new PassThrough())
    const { text } = await capture((out) => runMlPrune(dir, 0, out))
    assert.equal(text, `deleted 1 model (${b}); 1 model left\n`)
    const again = await capture((out) => runMlPrune(dir, 0, out))
    assert.equal(again.text, 'nothing to delete: 1 model, keeping the newest 0 and those in use\n')
  })
})
