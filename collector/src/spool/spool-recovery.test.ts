import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { appendFile, mkdir, open, readFile, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { after, test } from 'node:test'
import { FRAME_HEADER_BYTES, segmentFileName } from './record-frame.js'
import { events, FRAME, numberOf, options as testOptions, tempDir } from './test-support/fixtures.js'
import { Spool } from './spool.js'
import type { SpoolOptions } from './spool-types.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const childScript = fileURLToPath(new URL('./test-support/spool-child.ts', import.meta.url))

const children: ChildProcess[] = []
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Recovery tests keep everything in one segment unless they say otherwise. */
function options(dir: string, overrides: Partial<SpoolOptions> = {}): SpoolOptions {
  return testOptions(dir, { segmentBytes: 1024 * 1024, ...overrides })
}

/** Writes events 0..count-1 (in batches of 4) and closes the spool; returns the path of its only segment. */
async function spoolWith(dir: string, count: number): Promise<string> {
  const spool = await Spool.open(options(dir))
  for (let n = 0; n < count; n += 4) await spool.append(events(n, Math.min(4, count - n)))
  await spool.close()
  return join(dir, segmentFileName(0))
}

async function expectRecovered(dir: string, goodEvents: number, truncatedBytes: number): Promise<void> {
  const spool = await Spool.open(options(dir))
  try {
    const stats = spool.stats()
    assert.equal(stats.truncatedBytes, truncatedBytes)
    assert.equal(stats.nextSeq, goodEvents)
    assert.equal(stats.bytes, goodEvents * FRAME)
    assert.deepEqual(
      (await spool.readRange(0, 1000)).map(numberOf),
      Array.from({ length: goodEvents }, (_, i) => i),
    )
    assert.deepEqual(await spool.append(events(goodEvents, 2)), { firstSeq: goodEvents, count: 2 })
    assert.deepEqual((await spool.readRange(goodEvents - 1, 10)).map(numberOf), [
      goodEvents - 1,
      goodEvents,
      goodEvents + 1,
    ])
  } finally {
    await spool.close()
  }
  // The repaired log opens clean.
  const again = await Spool.open(options(dir))
  assert.equal(again.stats().truncatedBytes, 0)
  assert.equal(again.stats().nextSeq, goodEvents + 2)
  await again.close()
}

test('torn tail: a record cut mid-payload is truncated back to the last whole record', async () => {
  const dir = await tempDir()
  const segment = await spoolWith(dir, 10)
  await truncate(segment, 10 * FRAME - 25)
  await expectRecovered(dir, 9, FRAME - 25)
})

test('torn tail: a record cut inside its header is truncated too', async () => {
  const dir = await tempDir()
  const segment = await spoolWith(dir, 10)
  await truncate(segment, 9 * FRAME + 5)
  await expectRecovered(dir, 9, 5)
})

test('torn tail: garbage bytes after the last record are cut', async () => {
  const dir = await tempDir()
  const segment = await spoolWith(dir, 10)
  const garbage = Buffer.from('\u0000\u0001garbage that is not a frame at all\u00ff'.repeat(3))
  await appendFile(segment, garbage)
  await expectRecovered(dir, 10, garbage.length)
})

test('torn tail: a flipped payload byte in the last record fails its CRC and drops that record', async () => {
  const dir = await tempDir()
  const segment = await spoolWith(dir, 10)
  const handle = await open(segment, 'r+')
  const at = 9 * FRAME + FRAME_HEADER_BYTES + 8
  const byte = Buffer.alloc(1)
  await handle.read(byte, 0, 1, at)
  byte[0] = (byte[0] ?? 0) ^ 0x20
  await handle.write(byte, 0, 1, at)
  await handle.close()
  await expectRecovered(dir, 9, FRAME)
})

test('a damaged sealed segment is skipped by readers and counted, later segments still read', async () => {
  const dir = await tempDir()
  let spool = await Spool.open(options(dir, { segmentBytes: 10 * FRAME }))
  for (let n = 0; n < 30; n += 5) await spool.append(events(n, 5))
  await spool.close()
  const handle = await open(join(dir, segmentFileName(10)), 'r+')
  await handle.write(Buffer.from('XX'), 0, 2, 3 * FRAME + FRAME_HEADER_BYTES + 4) // inside seq 13
  await handle.close()

  spool = await Spool.open(options(dir, { segmentBytes: 10 * FRAME }))
  try {
    const reader = await spool.openReader('elasticsearch')
    const seen: number[] = []
    for (let records = await reader.read(4); records.length > 0; records = await reader.read(4)) {
      seen.push(...records.map(numberOf))
    }
    const expected = [
      ...Array.from({ length: 13 }, (_, i) => i),
      ...Array.from({ length: 10 }, (_, i) => 20 + i),
    ]
    assert.deepEqual(seen, expected)
    assert.equal(spool.stats().corruptEvents, 7)
  } finally {
    await spool.close()
  }
})

test('seek replays from an earlier seq, and the replay point survives reopen', async () => {
  const dir = await tempDir()
  let spool = await Spool.open(options(dir, { segmentBytes: 10 * FRAME }))
  await spool.append(events(0, 8))
  await spool.append(events(8, 8))
  await spool.openReader('splunk') // holds the segments
  let reader = await spool.openReader('elasticsearch')
  await reader.ack((await reader.read(100)).at(-1)?.seq ?? -1)
  assert.equal(reader.position(), 16)
  await reader.seek(5)
  assert.deepEqual((await reader.read(3)).map(numberOf), [5, 6, 7])
  await spool.close()
  spool = await Spool.open(options(dir, { segmentBytes: 10 * FRAME }))
  try {
    reader = await spool.openReader('elasticsearch')
    assert.equal(reader.position(), 5)
    // Seeking before the oldest retained event starts at the oldest one.
    await spool.deleteReader('splunk')
    await reader.ack(9)
    assert.equal(spool.stats().firstSeq, 8)
    await reader.seek(0)
    assert.equal(reader.position(), 8)
  } finally {
    await spool.close()
  }
})

function spawnChild(args: string[]): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  if (child.stdout === null) throw new Error('child has no stdout')
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() }
}

async function killed(child: ChildProcess): Promise<void> {
  const exit = once(child, 'exit')
  child.kill('SIGKILL')
  await exit
}

test('a live lock is refused with SNT_ERR_SPOOL_LOCKED naming the owner; once the owner dies it is taken over', async () => {
  const dir = await tempDir()
  const { child, lines } = spawnChild(['hold', dir])
  assert.equal((await lines.next()).value, 'ready')
  await assert.rejects(Spool.open(options(dir)), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'SNT_ERR_SPOOL_LOCKED')
    assert.equal(err.message, `Spool at ${dir} is in use by process ${child.pid}`)
    return true
  })
  assert.equal((await readFile(join(dir, 'lock'), 'utf8')).trim(), String(child.pid))

  await killed(child)
  const spool = await Spool.open(options(dir))
  assert.equal((await readFile(join(dir, 'lock'), 'utf8')).trim(), String(process.pid))
  await spool.close()
  await assert.rejects(stat(join(dir, 'lock')), { code: 'ENOENT' })
})

test('a second open in the same process is refused until the first closes', async () => {
  const dir = await tempDir()
  const spool = await Spool.open(options(dir))
  await assert.rejects(Spool.open(options(dir)), { code: 'SNT_ERR_SPOOL_LOCKED' })
  await spool.close()
  const again = await Spool.open(options(dir))
  await again.close()
})

test('stale locks are taken over: a dead pid, an empty file, our own pid left by an earlier process', async () => {
  const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await once(dead, 'exit')
  for (const content of [`${dead.pid}\n`, '', `${process.pid}\n`]) {
    const dir = await tempDir()
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'lock'), content)
    const spool = await Spool.open(options(dir))
    assert.equal((await readFile(join(dir, 'lock'), 'utf8')).trim(), String(process.pid))
    await spool.close()
  }
})

test('kill -9 mid-stream loses no acknowledged append; seqs continue after reopen', async () => {
  const dir = await tempDir()
  const { child, lines } = spawnChild(['append', dir, '50'])
  let lastReported = -1
  const reported: number[] = []
  // Let it run through many segment rolls (256 KiB segments, ~150-byte events), then kill it mid-stream.
  while (lastReported < 20_000) {
    const line = await lines.next()
    if (line.done === true) assert.fail('child exited early')
    lastReported = Number(line.value)
    reported.push(lastReported)
  }
  await killed(child)
  assert.deepEqual(reported.slice(0, 3), [49, 99, 149])

  const spool = await Spool.open(options(dir, { segmentBytes: 256 * 1024 }))
  try {
    const stats = spool.stats()
    assert.ok(
      stats.nextSeq > lastReported,
      `nextSeq ${stats.nextSeq} must pass the last acknowledged seq ${lastReported}`,
    )
    assert.ok(stats.segments > 5)
    const reader = await spool.openReader('check')
    let expected = 0
    for (let records = await reader.read(5000); records.length > 0; records = await reader.read(5000)) {
      for (const record of records) {
        assert.equal(record.seq, expected)
        assert.equal((JSON.parse(record.payload.toString()) as { n: number }).n, expected)
        expected++
      }
    }
    assert.equal(expected, stats.nextSeq)
    assert.deepEqual(await spool.append([Buffer.from('{"after":"restart"}')]), {
      firstSeq: stats.nextSeq,
      count: 1,
    })
  } finally {
    await spool.close()
  }
})
