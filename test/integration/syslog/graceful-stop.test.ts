/**
 * @module Graceful stop: a SIGTERM while a sender is still writing loses nothing that reached the
 * collector's socket. Listeners stop accepting, open connections are read to their end, and every
 * record read is in the spool before the process exits.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { Spool } from '../../../collector/src/spool/spool.js'
import { octetFrame, startCollector, waitFor } from '../../harness/index.js'

const N = 50_000

test('SIGTERM right after a sender finishes writing: all N messages are in the spool, in order', async () => {
  const collector = await startCollector({ sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp' } } })
  const frames = Buffer.concat(
    Array.from({ length: N }, (_, i) =>
      octetFrame(`<14>1 2026-01-01T00:00:00Z host app - - - graceful-${i}`),
    ),
  )
  const socket = connect({ host: '127.0.0.1', port: collector.port('syslog_tcp') })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  // Hand every byte to the kernel, half-close, and stop the collector straight away: most of the
  // stream is still unread in the collector's socket buffer or its pipeline at that moment.
  await new Promise<void>((resolve) => socket.end(frames, resolve))
  await waitFor(async () => (await collector.metric('sentinel_component_received_events_total')) > 0, {
    description: 'the first records read',
  })
  const status = await collector.stop()
  assert.equal(status.code, 0, 'the collector exits 0 after a graceful stop')

  const spool = await Spool.open({
    dir: collector.spoolDir,
    maxBytes: 1 << 30,
    segmentBytes: 64 << 20,
    whenFull: 'block',
    fsyncIntervalMs: 1000,
  })
  try {
    const records = await spool.readRange(0, N + 1)
    assert.equal(records.length, N)
    const messages = records.map((r) => (JSON.parse(r.payload.toString()) as { message: string }).message)
    assert.deepEqual(
      messages,
      Array.from({ length: N }, (_, i) => `graceful-${i}`),
    )
  } finally {
    await spool.close()
  }
})
