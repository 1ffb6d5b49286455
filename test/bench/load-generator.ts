/**
 * @module Benchmark load generator, run as its own process (pinned to another core than the
 * collector): sends numbered messages over TCP (octet-counted, RFC 6587) or UDP, either as fast
 * as the socket takes them or at a fixed rate, and prints one JSON summary line at the end.
 *
 * Usage: load-generator.ts <tcp|udp> <host> <port> <rfc5424|rfc3164> <count> <rate|0> [connections]
 */
import { createSocket } from 'node:dgram'
import { connect, type Socket } from 'node:net'
import { rfc3164Message, rfc5424Message } from './messages.js'

const [protocol, host = '127.0.0.1', portText, format, countText, rateText = '0', connectionsText = '1'] =
  process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)
const rate = Number(rateText)
const connections = Number(connectionsText)
const make = format === 'rfc3164' ? rfc3164Message : rfc5424Message

/** Pre-render a pool of distinct messages so generating load costs little CPU. */
const POOL = 8192
const now = new Date()
const pool = Array.from({ length: POOL }, (_, i) => Buffer.from(make(i, now)))
const framedPool = pool.map((m) => Buffer.concat([Buffer.from(`${m.length} `), m]))

async function sendTcp(): Promise<void> {
  const sockets = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host, port }, () => resolve(socket))
          socket.once('error', reject)
        }),
    ),
  )
  const chunk = 256 // messages per write
  let sent = 0
  const started = Date.now()
  let turn = 0
  while (sent < count) {
    if (rate > 0) {
      const due = ((Date.now() - started) / 1000) * rate
      if (sent >= due) {
        await new Promise((resolve) => setTimeout(resolve, 1))
        continue
      }
    }
    const n = Math.min(chunk, count - sent)
    const parts: Buffer[] = []
    for (let i = 0; i < n; i++) parts.push(framedPool[(sent + i) % POOL] as Buffer)
    const socket = sockets[turn++ % sockets.length] as Socket
    sent += n
    if (!socket.write(Buffer.concat(parts))) await new Promise((resolve) => socket.once('drain', resolve))
  }
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.end(resolve))))
  report(sent, started)
}

async function sendUdp(): Promise<void> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
  let sent = 0
  const started = Date.now()
  while (sent < count) {
    const due = rate > 0 ? Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate)) : count
    if (sent >= due) {
      await new Promise((resolve) => setTimeout(resolve, 1))
      continue
    }
    // Send in bursts, then yield so the send callbacks run and memory stays flat.
    const burstEnd = Math.min(due, sent + 512)
    await new Promise<void>((resolve) => {
      let outstanding = burstEnd - sent
      for (; sent < burstEnd; sent++) {
        socket.send(pool[sent % POOL] as Buffer, port, host, () => {
          if (--outstanding === 0) resolve()
        })
      }
    })
  }
  socket.close()
  report(sent, started)
}

function report(sent: number, started: number): void {
  const seconds = (Date.now() - started) / 1000
  process.stdout.write(`${JSON.stringify({ sent, seconds, rate: sent / seconds, startedAt: started })}\n`)
}

await (protocol === 'udp' ? sendUdp() : sendTcp())
