import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { SentinelError } from '../errors/codes.js'
import { TemplateMiner } from './template-miner.js'

test('groups an sshd family and masks its variables', () => {
  const miner = new TemplateMiner()
  const a = miner.add('Failed password for invalid user admin from 203.0.113.45 port 51234 ssh2')
  const b = miner.add('Failed password for invalid user admin from 198.51.100.2 port 40022 ssh2')
  const c = miner.add('Accepted publickey for deploy from 10.0.0.7 port 50000 ssh2')
  assert.equal(a.isNew, true)
  assert.equal(b.isNew, false)
  assert.equal(b.id, a.id)
  assert.equal(b.template, 'Failed password for invalid user admin from <*> port <*> ssh2')
  assert.notEqual(c.id, a.id)
})

test('keeps the id when a template generalises', () => {
  const miner = new TemplateMiner()
  const first = miner.add('session opened for user root by sshd uid 0')
  const second = miner.add('session opened for user alice by sshd uid 0')
  assert.equal(second.id, first.id)
  assert.equal(second.template, 'session opened for user <*> by sshd uid <*>')
  assert.equal(miner.match('session opened for user bob by sshd uid 0')?.id, first.id)
})

test('a token with digits matches a constant whether or not it is the one seen there before', () => {
  const miner = new TemplateMiner()
  const first = miner.add('client OpenSSH_9.6p1 kex=curve25519-sha256 port=22 ready')
  // The same constants again (recognised in place), then other tokens that mask the same way.
  for (const message of [
    'client OpenSSH_9.6p1 kex=curve25519-sha256 port=23 ready',
    'client OpenSSH_9.7p1 kex=curve25519-sha256 port=24 ready',
    'client OpenSSH_9.6p1 kex=curve448-sha512 port=25 ready',
  ]) {
    const match = miner.add(message)
    assert.equal(match.id, first.id, message)
    assert.equal(match.template, 'client OpenSSH_<*>p1 kex=<*> port=<*> ready')
  }
  // A token that masks differently is not taken for the one seen at its place.
  assert.equal(miner.add('client OpenSSH_9.6p2 kex=curve25519-sha256 port=26 ready').isNew, true)
})

test('match learns nothing', () => {
  const miner = new TemplateMiner()
  assert.equal(miner.match('link up on ge-0/0/1'), undefined)
  assert.equal(miner.stats().templates, 0)
})

test('evicts the least recently matched template at the cap and counts it', () => {
  const miner = new TemplateMiner({ maxTemplates: 2 })
  const a = miner.add('interface alpha went down')
  miner.add('ntp server unreachable now')
  miner.add('interface alpha went down') // a is now the most recent
  miner.add('fan tray removed from chassis slot')
  assert.deepEqual(miner.stats(), { templates: 2, messages: 4, evicted: 1 })
  assert.equal(miner.get(a.id)?.count, 2)
  assert.equal(miner.match('ntp server unreachable now'), undefined)
})

test('keeps templates in recency order through matches, evictions and a restore', () => {
  const miner = new TemplateMiner({ maxTemplates: 3 })
  const lines = {
    a: 'interface alpha went down',
    b: 'ntp server unreachable now',
    c: 'fan tray removed from chassis slot',
    d: 'power supply failed',
    e: 'bgp peer reset by neighbour',
  }
  const order = (m: TemplateMiner) => m.templates().map((t) => t.template)
  for (const key of ['a', 'b', 'c', 'a', 'b', 'b', 'a'] as const) miner.add(lines[key])
  // Oldest first: c (matched least recently), then b, then a (the newest, matched twice in a row).
  assert.deepEqual(order(miner), [lines.c, lines.b, lines.a])
  miner.add(lines.d)
  assert.deepEqual(order(miner), [lines.b, lines.a, lines.d], 'c was evicted')
  const restored = TemplateMiner.restore(JSON.parse(JSON.stringify(miner.snapshot())))
  assert.deepEqual(order(restored), [lines.b, lines.a, lines.d])
  restored.add(lines.d)
  restored.add(lines.b)
  restored.add(lines.e)
  assert.deepEqual(order(restored), [lines.d, lines.b, lines.e], 'a was evicted')
  assert.deepEqual(restored.stats(), { templates: 3, messages: 11, evicted: 2 })
  const single = new TemplateMiner({ maxTemplates: 1 })
  for (const key of ['a', 'b', 'b', 'c'] as const) single.add(lines[key])
  assert.deepEqual(order(single), [lines.c])
  assert.equal(single.stats().evicted, 2)
})

test('counts matches and dates each template by its first message', () => {
  const miner = new TemplateMiner()
  const first = miner.add('session opened for user root by sshd uid 0', 1_000)
  const second = miner.add('session opened for user alice by sshd uid 0', 5_000)
  assert.deepEqual([first.count, first.firstSeen, first.isNew], [1, 1_000, true])
  assert.deepEqual([second.count, second.firstSeen, second.isNew], [2, 1_000, false])
})

test('snapshot and restore keep ids, templates, counts and first-seen times', () => {
  const miner = new TemplateMiner({ maxTemplates: 50 })
  const lines = [
    'Received block blk_1 of size 67108864 from 10.0.0.1',
    'Received block blk_2 of size 67108864 from 10.0.0.2',
    'Deleting block blk_3 file /data/dfs/blk_3',
    'PacketResponder 1 for block blk_4 terminating',
  ]
  const ids = lines.map((line, i) => miner.add(line, 1_000 + i).id)
  const restored = TemplateMiner.restore(JSON.parse(JSON.stringify(miner.snapshot())))
  assert.deepEqual(restored.templates(), miner.templates())
  assert.deepEqual(restored.stats(), miner.stats())
  assert.deepEqual(
    lines.map((line) => restored.add(line).id),
    ids,
  )
  assert.equal(restored.add(lines[3] as string).firstSeen, 1_003)
})

test('rejects malformed snapshots with a coded error naming the field', () => {
  const good = new TemplateMiner()
  good.add('link down on port 7')
  const snapshot = good.snapshot()
  const bad: unknown[] = [
    null,
    { ...snapshot, version: 2 },
    { ...snapshot, options: { ...snapshot.options, similarity: 3 } },
    { ...snapshot, templates: [{ ...snapshot.templates[0], id: 'nope' }] },
    { ...snapshot, templates: [{ ...snapshot.templates[0], path: [] }] },
    { ...snapshot, templates: [snapshot.templates[0], snapshot.templates[0]] },
  ]
  for (const value of bad) {
    assert.throws(
      () => TemplateMiner.restore(value),
      (error: unknown) => error instanceof SentinelError && error.code === 'SNT_ERR_TEMPLATES_STATE',
    )
  }
  assert.throws(() => TemplateMiner.restore({ ...snapshot, evicted: -1 }), /\/evicted/)
  assert.throws(() => TemplateMiner.restore({ ...snapshot, messages: 'x' }), /\/messages/)
  assert.throws(
    () => TemplateMiner.restore({ ...snapshot, templates: [{ ...snapshot.templates[0], first_seen: -5 }] }),
    /\/templates\/0\/first_seen/,
  )
})

test('rejects invalid options', () => {
  assert.throws(() => new TemplateMiner({ similarity: 0 }), RangeError)
  assert.throws(() => new TemplateMiner({ depth: 2 }), RangeError)
})

test('add never throws on arbitrary strings', () => {
  const miner = new TemplateMiner({ maxTemplates: 20, maxChildren: 3 })
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (message) => {
      const result = miner.add(message)
      return typeof result.id === 'string' && typeof result.template === 'string'
    }),
    { numRuns: 500 },
  )
  assert.ok(miner.stats().templates <= 20)
})
