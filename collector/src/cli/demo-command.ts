/** @module `sentinel demo`: send realistic syslog to a running collector over UDP and/or TCP. */
import { createSocket } from 'node:dgram'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { demoMessage } from './demo-traffic.js'

export interface DemoOptions {
  host: string
  port: number
  protocol: 'udp' | 'tcp' | 'both'
  /** Messages per second. */
  rate: number
  count: number
}

/** Send `count` messages at `rate`/s; TCP uses octet counting (RFC 6587). Resolves with the number sent. */
export async function runDemo(options: DemoOptions, log: (line: string) => void): Promise<number> {
  const udp =
    options.protocol !== 'tcp' ? createSocket(options.host.includes(':') ? 'udp6' : 'udp4') : undefined
  const tcp = options.protocol !== 'udp' ? await openTcp(options.host, options.port) : undefined
  const perTick = Math.max(1, Math.round(options.rate / 10))
  let sent = 0
  try {
    while (sent < options.count) {
      const tickStart = Date.now()
      for (let i = 0; i < perTick && sent < options.count; i++, sent++) {
        const message = Buffer.from(demoMessage(sent))
        const viaUdp = udp && (!tcp || sent % 2 === 0)
        if (viaUdp) udp.send(message, options.port, options.host)
        else if (tcp && !tcp.write(`${message.length} ${message.toString('latin1')}`, 'latin1')) {
          await new Promise((resolve) => tcp.once('drain', resolve))
        }
      }
      if (sent % (perTick * 10) === 0) log(`sent ${sent} messages`)
      await sleep(Math.max(0, 100 - (Date.now() - tickStart)))
    }
  } finally {
    udp?.close()
    if (tcp) await new Promise<void>((resolve) => tcp.end(resolve))
  }
  return sent
}

function openTcp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve(socket))
    socket.once('error', reject)
  })
}
