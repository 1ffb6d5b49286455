/**
 * @module Durability across `kill -9`: a node client streams numbered RFC 5424 messages over one
 * TCP connection, the collector is SIGKILLed mid-stream and restarted on the same data dir, more
 * messages follow, and the spool on disk must hold a gapless, in-order prefix of what was sent,
 * at least as long as what the collector reported appended before the kill, then the rest.
 */
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { after, describe, test } from 'node:test'
import { Spool } from '../../../collector/src/spool/spool.js'
import { octetFrame, startCollector, waitFor, type CollectorHandle } from '../../harness/index.js'

/** Messages streamed before (and during) the kill. */
const N = 200_000
/** Messages sent after the restart. */
const M = 1_000
/** Kill once the collector reports at least this many appended, so the kill lands mid-stream. */
const KILL_AFTER_APPENDED = 20_000

const pad = (i: number) => String(i).padStart(6, '0')
const line = (phase: 'pre' | 'post', i: number) =>
  octetFrame(`<134>1 2026-01-01T00:00:00.000Z kill9-host kill9 - - - ${phase}-${pad(i)}`)

/** The outcome of one streaming connection. */
interface StreamResult {
  /** Messages handed to the socket (not all necessarily reached the collector). */
  written: number
  error?: string
}

/**
 * Stream `count` numbered messages on one connection, honouring backpressure; stops quietly when
 * the peer goes away (the kill), reporting how far it got.
 */
function streamNumbered(port: number, phase: 'pre' | 'post', count: number): Promise<StreamResult> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port })
    let written = 0
    let failed: string | undefined
    let closed = false
    socket.once('error', (error) => {
      failed = error.message
    })
    socket.once('close', () => {
      closed = true
      resolve({ written, error: failed })
    })
    socket.once('connect', async () => {
      const batch = 500
      while (written < count && !closed) {
        const frames: Buffer[] = []
        for (let i = written; i < Math.min(count, written + batch); i++) frames.push(line(phase, i))
        const ok = socket.write(Buffer.concat(frames))
        written += frames.length
        if (!ok) {
          await new Promise<void>((r) => {
            const done = () => {
              socket.off('drain', done)
              socket.off('close', done)
              r()
            }
            socket.on('drain', done)
            socket.on('close', done)
          })
        }
      }
      if (!closed) socket.end()
    })
  })
}

let collector: CollectorHandle | undefined

after(async () => {
  if (collector?.process.running) await collector.kill9()
})

describe('collector durability across kill -9', () => {
  test(`${N} streamed over TCP, SIGKILL mid-stream, restart, ${M} more: the spool holds a gapless prefix then the rest`, async (t) => {
    const c = await startCollector({
      sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp', framing: 'octet_counting' } },
      spool: { fsync_interval_ms: 1000 },
    })
    collector = c
    const port = c.port('syslog_tcp')

    const streaming = streamNumbered(port, 'pre', N)
    let lastAppended = 0
    let streamDone = false
    void streaming.then(() => {
      streamDone = true
    })
    // Poll /metrics while the stream runs; kill once enough is appended (bounded deadline).
    await waitFor(
      async () => {
        const appended = await c.metric('sentinel_spool_appended_events_total')
        if (appended > 0) lastAppended = appended
        return lastAppended >= KILL_AFTER_APPENDED || (streamDone && lastAppended > 0) || undefined
      },
      { description: `${KILL_AFTER_APPENDED} events appended`, timeoutMs: 60_000, intervalMs: 10 },
    )
    const killed = await c.kill9()
    assert.equal(killed.signal, 'SIGKILL')
    const sent = await streaming
    t.diagnostic(
      `killed after ${lastAppended} appended were seen; client wrote ${sent.written} of ${N} (${sent.error ?? 'no error'})`,
    )
    assert.ok(lastAppended > 0)

    await c.restart()
    const post = await streamNumbered(port, 'post', M)
    assert.equal(post.error, undefined)
    assert.equal(post.written, M)
    await waitFor(
      async () => (await c.events({ q: `post-${pad(M - 1)}`, limit: 1 })).length === 1 || undefined,
      {
        description: `the last post-restart message post-${pad(M - 1)} in the event API`,
        timeoutMs: 30_000,
      },
    )
    const stopped = await c.stop()
    assert.equal(stopped.code, 0, `graceful stop: ${JSON.stringify(stopped)}`)

    const spool = await Spool.open({
      dir: c.spoolDir,
      maxBytes: 1_073_741_824,
      segmentBytes: 64 << 20,
      whenFull: 'block',
      fsyncIntervalMs: 1000,
    })
    t.after(() => spool.close())
    const records: { seq: number; message: string }[] = []
    for (let from = spool.oldestSeq; ;) {
      const chunk = await spool.readRange(from, 50_000)
      if (chunk.length === 0) break
      for (const r of chunk) {
        const event = JSON.parse(r.payload.toString('utf8')) as { message?: string }
        records.push({ seq: r.seq, message: event.message ?? '' })
      }
      const last = chunk.at(-1)
      if (!last) break
      from = last.seq + 1
    }

    // Sequence numbers: strictly increasing, no gap.
    for (let i = 1; i < records.length; i++) {
      const [prev, cur] = [records[i - 1], records[i]]
      assert.equal(cur?.seq, (prev?.seq ?? 0) + 1, `seq gap after ${prev?.seq}`)
    }
    // Message numbers: pre-000000 .. pre-(k-1), intact and in order, then post-000000 .. post-(M-1).
    let k = 0
    while (k < records.length && records[k]?.message === `pre-${pad(k)}`) k++
    const rest = records.slice(k).map((r) => r.message)
    assert.equal(
      rest.length,
      M,
      `after the ${k} pre-kill messages: expected exactly ${M} post-restart ones, got ${rest.length}; first: ${rest.slice(0, 3).join(', ')}`,
    )
    assert.deepEqual(
      rest,
      Array.from({ length: M }, (_, i) => `post-${pad(i)}`),
    )
    assert.ok(
      k >= lastAppended,
      `spool kept ${k} pre-kill messages, fewer than the ${lastAppended} reported appended`,
    )
    assert.ok(k <= N)
    t.diagnostic(
      `spool: ${k} pre-kill + ${M} post-restart events, seq ${records[0]?.seq}..${records.at(-1)?.seq}`,
    )
    // Passed: drop the (large) spool; a failing run keeps it under test/.work for a post-mortem.
    await spool.close()
    await rm(c.dataDir, { recursive: true, force: true })
  })
})
