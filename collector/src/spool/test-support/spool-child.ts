/**
 * @module Child process for the spool's crash and lock tests (not shipped).
 *
 * `node --import tsx spool-child.ts append <dir> <batchSize>`: appends batches forever; payload of
 * seq N is `{"n":N,...}`; prints the last seq of each resolved append on its own line.
 * `node --import tsx spool-child.ts hold <dir>`: opens the spool, prints `ready`, and keeps it
 * open until killed.
 */
import { Spool } from '../spool.js'

const [mode, dir, batchArg] = process.argv.slice(2)
if (dir === undefined || (mode !== 'append' && mode !== 'hold')) {
  process.stderr.write('usage: spool-child.ts append|hold <dir> [batchSize]\n')
  process.exit(2)
}

const spool = await Spool.open({
  dir,
  maxBytes: 1 << 30,
  segmentBytes: 256 * 1024,
  whenFull: 'block',
  fsyncIntervalMs: 1000,
})

if (mode === 'hold') {
  process.stdout.write('ready\n')
  setInterval(() => undefined, 1 << 30)
} else {
  const batchSize = Number(batchArg ?? '100')
  const filler = 'x'.repeat(200)
  for (;;) {
    const first = spool.stats().nextSeq
    const batch: Buffer[] = []
    for (let i = 0; i < batchSize; i++) batch.push(Buffer.from(JSON.stringify({ n: first + i, filler })))
    const { firstSeq, count } = await spool.append(batch)
    if (firstSeq !== first) throw new Error(`expected seq ${first}, got ${firstSeq}`)
    process.stdout.write(`${firstSeq + count - 1}\n`)
  }
}
