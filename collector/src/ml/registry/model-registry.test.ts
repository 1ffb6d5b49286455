import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { SentinelError } from '../../errors/codes.js'
import { EVENT_FEATURE_SPEC } from '../features/feature-spec.js'
import { IsolationForest } from '../forest/isolation-forest.js'
import { ModelRegistry, type NewModelMeta } from './model-registry.js'

/** A clock that advances one minute per call, so versions and history are predictable. */
function steppingClock(start = Date.UTC(2026, 10, 21, 10, 15, 0)): () => Date {
  let t = start
  return () => new Date((t += 60_000))
}

const trainedMeta = (rows = 100): NewModelMeta => ({
  kind: 'isolation-forest',
  feature_spec: EVENT_FEATURE_SPEC,
  training: { window_start: '2026-11-20T00:00:00.000Z', window_end: '2026-11-21T00:00:00.000Z', rows },
  metrics: { score_p99: 0.61 },
  source: 'sentinel training',
})

const importedMeta: NewModelMeta = {
  kind: 'imported',
  feature_spec: EVENT_FEATURE_SPEC,
  training: null,
  metrics: {},
  source: 'import: /tmp/op.onnx',
  note: 'from the SOC team',
}

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-registry-'))
  try {
    await run(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Opens a registry and adds `count` trained models with distinct bytes. */
async function seeded(dir: string, count: number): Promise<{ registry: ModelRegistry; versions: string[] }> {
  const registry = await ModelRegistry.open(dir, { now: steppingClock() })
  const versions: string[] = []
  for (let i = 0; i < count; i++) {
    versions.push(
      (await registry.add({ bytes: new Uint8Array([1, 2, 3, i]), meta: trainedMeta(100 + i) })).version,
    )
  }
  return { registry, versions }
}

function isRegistryError(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof SentinelError, `expected a SentinelError, got ${String(error)}`)
    assert.equal(error.code, 'SNT_ERR_MODEL_REGISTRY')
    assert.match(error.message, pattern)
    return true
  }
}

test('add, list, get, readModel and readForest; versions are sequence + UTC time', async () => {
  await withDir(async (dir) => {
    const registry = await ModelRegistry.open(join(dir, 'ml', 'models'), { now: steppingClock() })
    assert.deepEqual(registry.list(), [])
    assert.equal(registry.active, null)

    const forest = IsolationForest.train(new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]), 2, { trees: 3 })
    const a = await registry.add({ bytes: new Uint8Array([7, 7, 7]), meta: trainedMeta(), forest })
    const b = await registry.add({
      bytes: (version) => new TextEncoder().encode(version),
      meta: importedMeta,
    })
    assert.equal(a.version, 'v0001-20261121T101600Z')
    assert.equal(b.version, 'v0002-20261121T101700Z')
    assert.deepEqual(
      registry.list().map((m) => [m.version, m.meta.kind, m.hasForest, m.active, m.shadow]),
      [
        [a.version, 'isolation-forest', true, false, false],
        [b.version, 'imported', false, false, false],
      ],
    )
    const got = registry.get(b.version)
    assert.equal(got?.meta.created_at, '2026-11-21T10:17:00.000Z')
    assert.equal(got?.meta.note, 'from the SOC team')
    assert.equal(got?.meta.training, null)
    assert.deepEqual(got?.meta.feature_spec.names, [...EVENT_FEATURE_SPEC.names])
    assert.equal(registry.get('v0099-20261121T101600Z'), undefined)

    assert.deepEqual([...(await registry.readModel(a.version))], [7, 7, 7])
    assert.equal(
      new TextDecoder().decode(await registry.readModel(b.version)),
      b.version,
      'bytes made for the version',
    )
    const restored = IsolationForest.fromJSON(await registry.readForest(a.version))
    assert.deepEqual(
      restored.scoreBatch(new Float32Array([9, 9]), 1),
      forest.scoreBatch(new Float32Array([9, 9]), 1),
    )
    assert.equal(await registry.readForest(b.version), undefined)
    await assert.rejects(registry.readModel('v0042-20261121T101600Z'), isRegistryError(/no model v0042/))

    assert.deepEqual(
      registry.history.map((h) => [h.action, h.version, h.previous]),
      [
        ['add', a.version, null],
        ['import', b.version, null],
      ],
    )
    // On disk: one directory per version with its files, and registry.json.
    const files = await readdir(join(dir, 'ml', 'models'))
    assert.deepEqual(files.sort(), ['registry.json', a.version, b.version])
    assert.deepEqual((await readdir(join(dir, 'ml', 'models', a.version))).sort(), [
      'forest.json',
      'model.json',
      'model.onnx',
    ])
    assert.equal(registry.resolve('v1'), a.version)
    assert.equal(registry.resolve('0002'), b.version)
    assert.equal(registry.resolve(b.version), b.version)
    assert.equal(registry.resolve('v3'), undefined)
  })
})

test('add rejects bad metadata naming the field, and a failing model builder leaves nothing behind', async () => {
  await withDir(async (dir) => {
    const registry = await ModelRegistry.open(dir)
    await assert.rejects(
      registry.add({ bytes: new Uint8Array([1]), meta: { ...trainedMeta(), metrics: { p99: Number.NaN } } }),
      (error: unknown) =>
        error instanceof SentinelError &&
        error.code === 'SNT_ERR_MODEL_INVALID' &&
        /\/metrics\/p99/.test(error.message),
    )
    await assert.rejects(
      registry.add({ bytes: new Uint8Array([1]), meta: { ...trainedMeta(), training: null } }),
      /\/training: required for a trained model/,
    )
    await assert.rejects(
      registry.add({
        bytes: () => {
          throw new SentinelError('SNT_ERR_MODEL_INVALID', ['x', 'export disagrees'])
        },
        meta: trainedMeta(),
      }),
      /export disagrees/,
    )
    await assert.rejects(
      registry.add({ bytes: new Uint8Array(0), meta: trainedMeta() }),
      /the model file is empty/,
    )
    assert.deepEqual(await readdir(dir), [], 'no version directory, no temp directory, no registry.json')
  })
})

test('promote, shadow and rollback: each rollback steps back one promotion, and says when there is none', async () => {
  await withDir(async (dir) => {
    const { registry, versions } = await seeded(dir, 4)
    const [a, b, c, d] = versions as [string, string, string, string]

    await assert.rejects(
      registry.rollback(),
      isRegistryError(/nothing to roll back: no model has been promoted yet/),
    )
    assert.deepEqual(await registry.promote(a), {
      slot: 'active',
      version: a,
      previous: null,
      changed: true,
      shadowCleared: false,
    })
    await assert.rejects(registry.rollback(), isRegistryError(new RegExp(`no model was active before ${a}`)))
    assert.equal(registry.rollbackTarget, null)

    await registry.promote(b)
    await registry.promote(c)
    assert.equal((await registry.promote(c)).changed, false, 'promoting the active changes nothing')
    assert.equal(registry.rollbackTarget, b)
    assert.equal(registry.get(b)?.rollbackTarget, true)

    assert.deepEqual(await registry.rollback(), {
      slot: 'active',
      version: b,
      previous: c,
      changed: true,
      shadowCleared: false,
    })
    assert.equal(registry.active, b)
    assert.equal((await registry.rollback()).version, a, 'the second rollback steps back once more')
    assert.equal(registry.active, a)
    await assert.rejects(registry.rollback(), isRegistryError(/nothing to roll back to/))
    assert.equal(registry.active, a, 'a refused rollback changes nothing')

    // Shadow: set, refuse the active, promote the shadow (clears it), clear.
    assert.equal((await registry.setShadow(d)).changed, true)
    assert.equal(registry.shadow, d)
    assert.equal(registry.get(d)?.shadow, true)
    await assert.rejects(registry.setShadow(a), isRegistryError(/is the active model/))
    await assert.rejects(registry.setShadow('v0077-20261121T101600Z'), isRegistryError(/no model v0077/))
    const promoted = await registry.promote(d)
    assert.equal(promoted.shadowCleared, true)
    assert.equal(registry.shadow, null)
    assert.equal(registry.active, d)
    await registry.setShadow(c)
    assert.deepEqual(await registry.setShadow(null), {
      slot: 'shadow',
      version: null,
      previous: c,
      changed: true,
      shadowCleared: false,
    })
    assert.equal((await registry.setShadow(null)).changed, false)

    // Rolling back onto the shadow clears the shadow too.
    await registry.setShadow(a)
    const back = await registry.rollback()
    assert.equal(back.version, a)
    assert.equal(back.shadowCleared, true)
    assert.equal(registry.shadow, null)

    assert.deepEqual(
      registry.history.filter((h) => h.action !== 'add').map((h) => [h.action, h.version, h.previous]),
      [
        ['promote', a, null],
        ['promote', b, a],
        ['promote', c, b],
        ['rollback', b, c],
        ['rollback', a, b],
        ['shadow', d, null],
        ['promote', d, a],
        ['shadow', c, null],
        ['unshadow', null, c],
        ['shadow', a, null],
        ['rollback', a, d],
      ],
    )
    await assert.rejects(registry.promote('v0099-20261121T101600Z'), isRegistryError(/no model v0099/))
  })
})

test('state survives reopening; another instance sees changes through changed() and reload()', async () => {
  await withDir(async (dir) => {
    const { registry: cli, versions } = await seeded(dir, 2)
    const collector = await ModelRegistry.open(dir)
    assert.equal(await collector.changed(), false)
    await cli.promote(versions[0] ?? '')
    assert.equal(await collector.changed(), true)
    assert.equal(collector.active, null, 'nothing changes until reload')
    await collector.reload()
    assert.equal(collector.active, versions[0])
    assert.equal(await collector.changed(), false)

    const added = await cli.add({ bytes: new Uint8Array([9]), meta: importedMeta })
    assert.equal(await collector.changed(), true, 'an add from another process is noticed too')
    await collector.reload()
    assert.equal(collector.get(added.version)?.meta.kind, 'imported')

    const reopened = await ModelRegistry.open(dir)
    assert.equal(reopened.active, versions[0])
    assert.equal(reopened.list().length, 3)
  })
})

test('concurrent adds from two instances get distinct versions', async () => {
  await withDir(async (dir) => {
    const one = await ModelRegistry.open(dir)
    const two = await ModelRegistry.open(dir)
    const added = await Promise.all(
      [one, two, one, two, one, two].map((r, i) =>
        r.add({ bytes: new Uint8Array([i + 1]), meta: trainedMeta() }),
      ),
    )
    const versions = added.map((m) => m.version)
    assert.equal(new Set(versions).size, 6)
    await one.reload()
    assert.equal(one.list().length, 6)
    for (const m of added) {
      assert.deepEqual(
        [...(await one.readModel(m.version))],
        [added.indexOf(m) + 1],
        'each name holds its own model',
      )
    }
  })
})

test('leftovers of a crashed writer are ignored: temp files, temp directories, an incomplete version', async () => {
  await withDir(async (dir) => {
    const { registry, versions } = await seeded(dir, 1)
    await registry.promote(versions[0] ?? '')
    const registryBefore = await readFile(join(dir, 'registry.json'), 'utf8')
    await mkdir(join(dir, '.tmp-v0002-20261121T120000Z-dead'))
    await writeFile(join(dir, '.tmp-v0002-20261121T120000Z-dead', 'model.onnx'), 'half')
    await writeFile(join(dir, '.registry.json.123.abc.tmp'), '{"torn')
    await mkdir(join(dir, 'v0005-20261121T120000Z'))
    await writeFile(join(dir, 'v0005-20261121T120000Z', 'model.onnx'), 'no metadata yet')

    const reopened = await ModelRegistry.open(dir, { now: steppingClock(Date.UTC(2026, 10, 22)) })
    assert.deepEqual(
      reopened.list().map((m) => m.version),
      versions,
    )
    assert.equal(reopened.active, versions[0])
    assert.deepEqual(reopened.problems, ['v0005-20261121T120000Z: incomplete (no model.json); ignored'])
    assert.equal(await readFile(join(dir, 'registry.json'), 'utf8'), registryBefore)
    await assert.rejects(reopened.readModel('v0005-20261121T120000Z'), isRegistryError(/no model v0005/))
    await assert.rejects(reopened.promote('v0005-20261121T120000Z'), isRegistryError(/no model v0005/))
    const next = await reopened.add({ bytes: new Uint8Array([1]), meta: trainedMeta() })
    assert.equal(next.version, 'v0006-20261122T000100Z', 'the incomplete directory keeps its number taken')
  })
})

test('a damaged registry.json is reported naming the problem; a dangling active is a listed problem', async () => {
  await withDir(async (dir) => {
    const { versions } = await seeded(dir, 1)
    const file = join(dir, 'registry.json')
    const good = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>

    await writeFile(file, '{"format": "sentinel.model-registry", "acti')
    await assert.rejects(
      ModelRegistry.open(dir),
      isRegistryError(/registry\.json not valid JSON.*move it aside/),
    )
    await writeFile(file, JSON.stringify({ ...good, active: 'latest' }))
    await assert.rejects(
      ModelRegistry.open(dir),
      isRegistryError(/registry\.json \/active: not a model version/),
    )
    await writeFile(
      file,
      JSON.stringify({ ...good, history: [{ at: 'x', action: 'add', version: null, previous: null }] }),
    )
    await assert.rejects(ModelRegistry.open(dir), isRegistryError(/\/history\/0\/at: not a timestamp/))
    await writeFile(
      file,
      JSON.stringify({
        ...good,
        history: [{ at: '2026-01-01T00:00:00Z', action: 'delete', version: null, previous: null }],
      }),
    )
    await assert.rejects(ModelRegistry.open(dir), isRegistryError(/\/history\/0\/action: not one of promote/))
    await writeFile(file, JSON.stringify({ ...good, format_version: 2 }))
    await assert.rejects(ModelRegistry.open(dir), isRegistryError(/\/format_version/))

    // A registry naming a version whose directory is gone still opens (so it can be repaired).
    await writeFile(file, JSON.stringify({ ...good, active: 'v0009-20261121T101600Z' }))
    const registry = await ModelRegistry.open(dir)
    assert.match(
      registry.problems.join('\n'),
      /the active model v0009-20261121T101600Z has no complete directory/,
    )
    await registry.promote(versions[0] ?? '')
    assert.deepEqual(registry.problems, [])

    // A damaged model.json hides that version and says why.
    await writeFile(
      join(dir, versions[0] ?? '', 'model.json'),
      '{"version": "v0001-20261121T101600Z", "kind": 3}',
    )
    await registry.reload()
    assert.equal(registry.list().length, 0)
    assert.match(
      registry.problems.join('\n'),
      /v0001-20261121T101600Z\/model\.json \/created_at: not a timestamp; ignored/,
    )
  })
})

test('prune keeps the newest, the active, the shadow and the rollback target', async () => {
  await withDir(async (dir) => {
    const { registry, versions } = await seeded(dir, 7)
    const [v1, v2, v3, v4, v5, v6, v7] = versions as [string, string, string, string, string, string, string]
    await registry.promote(v1)
    await registry.promote(v2)
    await registry.promote(v3) // rollback stack: v1, v2; target v2
    await registry.setShadow(v4)
    await mkdir(join(dir, '.trash-v0099-20261121T101600Z-x'))

    assert.deepEqual(await registry.prune(2), [v1, v5])
    assert.deepEqual(
      registry.list().map((m) => m.version),
      [v2, v3, v4, v6, v7],
    )
    assert.deepEqual((await readdir(dir)).sort(), [v2, v3, v4, v6, v7, 'registry.json'].sort())
    assert.deepEqual(
      registry.history.filter((h) => h.action === 'prune').map((h) => h.version),
      [v1, v5],
    )
    assert.deepEqual(await registry.prune(2), [], 'nothing more to prune')

    // The rollback target survived; the pruned deeper entry left the stack.
    assert.equal((await registry.rollback()).version, v2)
    await assert.rejects(registry.rollback(), isRegistryError(/nothing to roll back to/))
    await assert.rejects(registry.prune(-1), isRegistryError(/keep must be a whole number/))

    // A fresh add after pruning never reuses a pruned name.
    const next = await registry.add({ bytes: new Uint8Array([1]), meta: trainedMeta() })
    assert.match(next.version, /^v0008-/)
  })
})
