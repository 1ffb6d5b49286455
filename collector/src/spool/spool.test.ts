import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { SentinelError } from '../errors/codes.js'
import { Spool } from './spool.js'
import type { SpoolRecord } from './spool-types.js'
import { event, events, FRAME, numberOf, options, tempDir } from './test-support/fixtures.js'

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort()
}

async function readAll(
  reader: { read(maxEvents: number): Promise<SpoolRecord[]> },
  chunk = 7,
): Promise<SpoolRecord[]> {
  const out: SpoolRecord[] = []
  for (;;) {
    const records = await reader.read(chunk)
    if (records.length === 0) return out
    out.push(...records)
  }
}

test('records round-trip in order and intact across segment rolls', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir))
  try {
    let n = 0
    for (const size of [1, 4, 10, 3, 25, 1, 6]) {
      const { firstSeq, count } = await spool.append(events(n, size))
      assert.equal(firstSeq, n)
      assert.equal(count, size)
      n += size
    }
    const files = await segmentFiles(dir)
    assert.ok(files.length >= 4, `expected several segments, got ${files.join(',')}`)
    assert.equal(files[0], '00000000000000000000.seg')
    const reader = await spool.openReader('elasticsearch')
    const records = await readAll(reader)
    assert.deepEqual(
      records.map((r) => r.seq),
      Array.from({ length: n }, (_, i) => i),
    )
    assert.deepEqual(
      records.map(numberOf),
      records.map((r) => r.seq),
    )
    assert.equal(reader.position(), n)
    assert.deepEqual(await reader.read(10), [])

    const middle = await spool.readRange(17, 12)
    assert.deepEqual(
      middle.map(numberOf),
      Array.from({ length: 12 }, (_, i) => 17 + i),
    )
    assert.deepEqual(
      (await spool.readRange(n - 2, 100)).map((r) => r.seq),
      [n - 2, n - 1],
    )
  } finally {
    await spool.close()
  }
})

test('read honours maxBytes but always returns at least one record', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { segmentBytes: 1024 * 1024 }))
  try {
    const big = Buffer.alloc(200_000, 'a')
    await spool.append([event(0), event(1), big, event(3)])
    const reader = await spool.openReader('splunk')
    assert.deepEqual(
      (await reader.read(100, event(0).length * 2)).map((r) => r.seq),
      [0, 1],
    )
    const [bigRecord, ...rest] = await reader.read(100, 10)
    assert.equal(rest.length, 0)
    assert.equal(bigRecord?.seq, 2)
    assert.ok(bigRecord?.payload.equals(big))
    assert.deepEqual((await reader.read(100)).map(numberOf), [3])
  } finally {
    await spool.close()
  }
})

test('seqs continue after reopen and the spool id persists (and differs between spools)', async () => {
  const dir = await tempDir()
  let spool = await Spool.open(options(dir))
  const id = spool.id
  await spool.append(events(0, 15))
  await spool.close()
  await spool.close() // twice is fine
  await assert.rejects(spool.append(events(15, 1)), { code: 'SNT_ERR_SPOOL_OPEN' })

  spool = await Spool.open(options(dir))
  try {
    assert.equal(spool.id, id)
    assert.equal(spool.stats().nextSeq, 15)
    assert.deepEqual(await spool.append(events(15, 3)), { firstSeq: 15, count: 3 })
    assert.deepEqual(
      (await spool.readRange(0, 100)).map(numberOf),
      Array.from({ length: 18 }, (_, i) => i),
    )
  } finally {
    await spool.close()
  }

  const other = await Spool.open(options(await tempDir()))
  assert.notEqual(other.id, id)
  assert.match(other.id, /^[0-9a-f]{16}$/)
  await other.close()
})

test('reader cursors survive reopen: acknowledged events are not replayed, unacknowledged ones are', async () => {
  const dir = await tempDir()
  let spool = await Spool.open(options(dir))
  await spool.append(events(0, 30))
  const es = await spool.openReader('elasticsearch')
  const first = await es.read(12)
  await es.ack(9) // 10 and 11 were read but not confirmed
  const prom = await spool.openReader('prometheus')
  assert.equal(prom.position(), 0)
  assert.equal(first.length, 12)
  await spool.close()

  spool = await Spool.open(options(dir))
  try {
    assert.deepEqual(spool.readerNames().sort(), ['elasticsearch', 'prometheus'])
    const again = await spool.openReader('elasticsearch')
    assert.equal(again.position(), 10)
    assert.deepEqual((await again.read(3)).map(numberOf), [10, 11, 12])
    assert.equal((await spool.openReader('prometheus')).position(), 0)
    assert.equal(spool.stats().unackedEvents, 30)
    const cursor = JSON.parse(await readFile(join(dir, 'readers', 'elasticsearch.cursor'), 'utf8')) as unknown
    assert.deepEqual(cursor, { position: 10 })
  } finally {
    await spool.close()
  }
})

test('acks delete a sealed segment only when every reader has passed it', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir))
  try {
    for (let i = 0; i < 5; i++) await spool.append(events(i * 10, 10)) // one full segment each
    assert.equal(spool.stats().segments, 5)
    const fast = await spool.openReader('fast')
    const slow = await spool.openReader('slow')

    await readAll(fast)
    await fast.ack(49)
    assert.equal(spool.stats().segments, 5, 'slow still needs everything')
    assert.equal(spool.stats().unackedEvents, 50)

    await slow.read(15)
    await slow.ack(14) // passed segment 0 only
    assert.deepEqual(await segmentFiles(dir), [
      '00000000000000000010.seg',
      '00000000000000000020.seg',
      '00000000000000000030.seg',
      '00000000000000000040.seg',
    ])
    assert.equal(spool.stats().firstSeq, 10)
    assert.equal(spool.stats().bytes, 40 * FRAME)
    assert.equal(spool.stats().unackedEvents, 35)

    await slow.ack(49)
    // The active segment stays even when fully read: appends continue in it.
    assert.deepEqual(await segmentFiles(dir), ['00000000000000000040.seg'])
    assert.equal(spool.stats().unackedEvents, 0)
    assert.deepEqual(await fast.read(10), [])
  } finally {
    await spool.close()
  }
})

test('without readers nothing is deleted until the quota', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { maxBytes: 100 * FRAME, whenFull: 'drop_oldest' }))
  try {
    for (let i = 0; i < 9; i++) await spool.append(events(i * 10, 10))
    assert.equal(spool.stats().segments, 9)
    assert.equal(spool.stats().unackedEvents, 90)
    assert.equal(spool.stats().discarded.drop_oldest, 0)
  } finally {
    await spool.close()
  }
})

test('block: isFull, SNT_ERR_SPOOL_FULL without writing, onSpace after the ack that frees a segment', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { maxBytes: 30 * FRAME }))
  try {
    const reader = await spool.openReader('elasticsearch')
    for (let i = 0; i < 3; i++) await spool.append(events(i * 10, 10))
    assert.equal(spool.isFull(), true)
    assert.equal(spool.stats().full, true)
    const error = await spool.append(events(30, 1)).then(
      () => assert.fail('append must be refused'),
      (err: unknown) => err,
    )
    assert.ok(error instanceof SentinelError)
    assert.equal(error.code, 'SNT_ERR_SPOOL_FULL')
    assert.equal(error.status, 503)
    assert.equal(spool.stats().nextSeq, 30)
    assert.equal(spool.stats().bytes, 30 * FRAME)

    let spaceCalls = 0
    const space = new Promise<void>((resolve) => {
      const off = spool.onSpace(() => {
        spaceCalls++
        off()
        resolve()
      })
    })
    await reader.read(5)
    await reader.ack(4) // inside segment 0: frees nothing
    assert.equal(spool.isFull(), true)
    assert.equal(spaceCalls, 0)
    await reader.read(10)
    await reader.ack(9)
    await space
    assert.equal(spool.isFull(), false)
    assert.deepEqual(await spool.append(events(30, 10)), { firstSeq: 30, count: 10 })
  } finally {
    await spool.close()
  }
})

test('block: a refused batch keeps the spool full until that batch fits', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { maxBytes: 30 * FRAME }))
  try {
    const reader = await spool.openReader('elasticsearch')
    for (let i = 0; i < 5; i++) await spool.append(events(i * 5, 5)) // segments 0-9, 10-19, 20-24
    assert.equal(spool.isFull(), false)
    await assert.rejects(spool.append(events(25, 10)), { code: 'SNT_ERR_SPOOL_FULL' })
    assert.equal(spool.isFull(), true)
    await readAll(reader)
    const space = new Promise<void>((resolve) => spool.onSpace(resolve))
    await reader.ack(9)
    await space
    assert.deepEqual(await spool.append(events(25, 10)), { firstSeq: 25, count: 10 })
  } finally {
    await spool.close()
  }
})

test('block: a single active segment holding the quota is released once every reader caught up', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { maxBytes: 20 * FRAME, segmentBytes: 1024 * 1024 }))
  try {
    const reader = await spool.openReader('elasticsearch')
    await spool.append(events(0, 20))
    assert.equal(spool.isFull(), true)
    const space = new Promise<void>((resolve) => spool.onSpace(resolve))
    await readAll(reader)
    await reader.ack(19)
    await space
    assert.equal(spool.stats().bytes, 0)
    assert.deepEqual(await spool.append(events(20, 5)), { firstSeq: 20, count: 5 })
    assert.deepEqual((await reader.read(10)).map(numberOf), [20, 21, 22, 23, 24])
  } finally {
    await spool.close()
  }
})

test('drop_newest: a batch over the quota is not written and is counted', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { maxBytes: 30 * FRAME, whenFull: 'drop_newest' }))
  try {
    await spool.append(events(0, 28))
    assert.deepEqual(await spool.append(events(28, 5)), { firstSeq: 28, count: 0 })
    assert.equal(spool.isFull(), false, 'only block reports full')
    assert.deepEqual(await spool.append(events(28, 2)), { firstSeq: 28, count: 2 })
    const stats = spool.stats()
    assert.deepEqual(stats.discarded, { drop_newest: 5, drop_oldest: 0 })
    assert.equal(stats.nextSeq, 30)
    assert.deepEqual(
      (await spool.readRange(0, 100)).map(numberOf),
      Array.from({ length: 30 }, (_, i) => i),
    )
  } finally {
    await spool.close()
  }
})

test('drop_oldest: deletes the oldest segments, moves a lagging reader forward and counts what it lost', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { maxBytes: 30 * FRAME, whenFull: 'drop_oldest' }))
  try {
    const lagging = await spool.openReader('splunk')
    const current = await spool.openReader('elasticsearch')
    for (let i = 0; i < 3; i++) await spool.append(events(i * 10, 10))
    await lagging.read(4)
    await lagging.ack(3) // 4..9 of segment 0 unread by splunk
    await readAll(current)
    await current.ack(29)

    assert.deepEqual(await spool.append(events(30, 10)), { firstSeq: 30, count: 10 })
    assert.deepEqual(await segmentFiles(dir), [
      '00000000000000000010.seg',
      '00000000000000000020.seg',
      '00000000000000000030.seg',
    ])
    assert.equal(spool.stats().discarded.drop_oldest, 6)
    assert.equal(lagging.position(), 10)
    assert.deepEqual((await lagging.read(3)).map(numberOf), [10, 11, 12])

    // A reader that never read anything of segment 1 loses all of it.
    await spool.append(events(40, 10))
    assert.equal(spool.stats().discarded.drop_oldest, 6 + 10)
    assert.equal(lagging.position(), 20)
    assert.equal(spool.stats().bytes, 30 * FRAME)
  } finally {
    await spool.close()
  }
})

test('drop_oldest without readers counts every deleted event, even the active segment', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(
    options(dir, { maxBytes: 20 * FRAME, segmentBytes: 1024 * 1024, whenFull: 'drop_oldest' }),
  )
  try {
    await spool.append(events(0, 15))
    await spool.append(events(15, 10))
    assert.deepEqual(spool.stats().discarded, { drop_newest: 0, drop_oldest: 15 })
    assert.deepEqual(
      (await spool.readRange(0, 100)).map(numberOf),
      Array.from({ length: 10 }, (_, i) => 15 + i),
    )
  } finally {
    await spool.close()
  }
})

test('a batch larger than the whole quota is refused under every policy', async () => {
  for (const whenFull of ['block', 'drop_newest', 'drop_oldest'] as const) {
    const dir = await tempDir()
    const spool = await Spool.open(options(dir, { maxBytes: 10 * FRAME, whenFull }))
    try {
      await spool.append(events(0, 3))
      await assert.rejects(
        spool.append(events(3, 11)),
        (err: unknown) => {
          assert.ok(err instanceof SentinelError)
          assert.equal(err.code, 'SNT_ERR_SPOOL_FULL')
          assert.match(String((err.cause as Error).message), /more than the whole quota/)
          return true
        },
        whenFull,
      )
      assert.equal(spool.stats().nextSeq, 3)
      assert.deepEqual(await spool.append(events(3, 1)), { firstSeq: 3, count: 1 })
    } finally {
      await spool.close()
    }
  }
})

test('concurrent appends keep call order and dense seqs', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir))
  try {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => spool.append(events(i * 3, 3))))
    assert.deepEqual(
      results.map((r) => r.firstSeq),
      Array.from({ length: 20 }, (_, i) => i * 3),
    )
    assert.deepEqual(
      (await spool.readRange(0, 100)).map(numberOf),
      Array.from({ length: 60 }, (_, i) => i),
    )
  } finally {
    await spool.close()
  }
})

test('waitForData resolves on the next append and rejects when aborted', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir))
  try {
    const reader = await spool.openReader('alertmanager')
    const waiting = reader.waitForData()
    let resolved = false
    void waiting.then(() => (resolved = true))
    await spool.append([]) // an empty batch is no data
    await Promise.resolve()
    assert.equal(resolved, false)
    await spool.append(events(0, 2))
    await waiting
    assert.deepEqual((await reader.read(10)).map(numberOf), [0, 1])

    const controller = new AbortController()
    const aborted = reader.waitForData(controller.signal)
    controller.abort(new Error('shutting down'))
    await assert.rejects(aborted, /shutting down/)
    const atClose = reader.waitForData()
    await spool.close()
    await atClose // a sink loop blocked here wakes up at shutdown
  } finally {
    await spool.close()
  }
})

test('a reader tailing live appends sees every event once, in order, while acks delete segments behind it', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir, { segmentBytes: 40 * FRAME }))
  try {
    const reader = await spool.openReader('elasticsearch')
    const total = 3000
    const writer = (async () => {
      for (let n = 0; n < total; n += 15) await spool.append(events(n, 15))
    })()
    const seen: number[] = []
    while (seen.length < total) {
      await reader.waitForData()
      const records = await reader.read(50)
      seen.push(...records.map(numberOf))
      const last = records.at(-1)
      if (last !== undefined) await reader.ack(last.seq)
    }
    await writer
    assert.deepEqual(
      seen,
      Array.from({ length: total }, (_, i) => i),
    )
    assert.equal(spool.stats().unackedEvents, 0)
    assert.ok((await segmentFiles(dir)).length <= 2, 'read segments were deleted')
  } finally {
    await spool.close()
  }
})
