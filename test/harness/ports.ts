/**
 * @module Free loopback ports. Tests run in parallel processes, so every service gets a port the
 * kernel just handed out (bind to port 0, read it, close) instead of a fixed one.
 */
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No port assigned'))))
    })
  })
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4')
    socket.unref()
    socket.once('error', reject)
    socket.bind({ port: 0, address: host, exclusive: true }, () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
  })
}

/** A free port for the given transport (TLS listens on TCP). */
export function freePort(protocol: 'tcp' | 'udp' | 'tls'): Promise<number> {
  return protocol === 'udp' ? freeUdpPort() : freeTcpPort()
}
