/**
 * @module Connection handling shared by the TCP and TLS syslog listeners: RFC 6587 framing per
 * connection, one RawRecord batch per socket read, backpressure (pause on a full pipeline, resume on
 * drain), max_connections and a graceful stop.
 */
import type { Server, Socket } from 'node:net'
import type { RawRecord, SourceContext } from '../../event/raw-record.js'
import { SentinelError } from '../../errors/codes.js'
import type { Source } from '../source.js'
import type { SyslogSourceConfig } from './config.js'
import type { ListenAddress } from '../listen.js'
import { FrameDecoder, type Frame, type FramingError } from './framing.js'
import { LogLimiter } from '../log-limiter.js'
import { unmapIpv4 } from '../peer.js'
import type { SyslogSourceDeps } from './source.js'
import {
  emitConnectionsChanged,
  emitPausedChanged,
  emitRecordsReceived,
  emitSourceError,
  initListenerGauges,
} from './telemetry.js'

/** How long stop() waits for senders to close before destroying their connections (ms). */
export const STOP_GRACE_MS = 5_000

export interface StreamListenerOptions {
  id: string
  config: SyslogSourceConfig
  listen: ListenAddress
  deps: SyslogSourceDeps
  transport: 'tcp' | 'tls'
  /** Builds the server; called by start() so configuration errors (TLS files) reject start(). */
  createServer: () => Server | Promise<Server>
  /** `connection` for TCP; `secureConnection` for TLS (after the handshake). */
  connectionEvent: 'connection' | 'secureConnection'
  /** The verified client identity of a connection (TLS client certificate CN), if any. */
  peerIdentity?: (socket: Socket) => string | undefined
  /** Extra server wiring (TLS handshake errors), with the listener's rate-limited logger. */
  onServer?: (server: Server, limited: LogLimiter) => void
}

/** One accepted connection: its decoder, its paused state and the facts every record repeats. */
class Connection {
  readonly socket: Socket
  readonly decoder: FrameDecoder
  readonly peerAddress: string | undefined
  readonly peerPort: number | undefined
  readonly tlsPeer: string | undefined
  paused = false
  finished = false

  constructor(socket: Socket, decoder: FrameDecoder, tlsPeer: string | undefined) {
    this.socket = socket
    this.decoder = decoder
    this.peerAddress = unmapIpv4(socket.remoteAddress)
    this.peerPort = socket.remotePort
    this.tlsPeer = tlsPeer
  }
}

/**
 * A stream (TCP or TLS) syslog listener. The transport-specific parts (server construction, peer
 * identity) come in through the options; everything after accept is shared.
 */
export class StreamListener implements Source {
  readonly id: string
  readonly #options: StreamListenerOptions
  readonly #deps: SyslogSourceDeps
  readonly #limited: LogLimiter
  readonly #connections = new Set<Connection>()
  readonly #paused = new Set<Connection>()
  #unsubscribeDrain: (() => void) | undefined
  #server: Server | undefined
  #context: SourceContext | undefined
  #bound: { host: string; port: number } | undefined
  #stopping: Promise<void> | undefined
  #onIdle: (() => void) | undefined

  constructor(options: StreamListenerOptions) {
    this.id = options.id
    this.#options = options
    this.#deps = options.deps
    this.#limited = new LogLimiter(options.deps.logger)
  }

  async start(): Promise<void> {
    if (this.#server) return
    const { config, listen } = this.#options
    const server = await this.#options.createServer()
    server.maxConnections = config.max_connections
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(new SentinelError('SNT_ERR_LISTEN', [config.listen, error.message], { cause: error }))
      }
      server.once('error', onError)
      server.listen({ port: listen.port, host: listen.host }, () => {
        server.off('error', onError)
        resolve()
      })
    })
    this.#server = server
    const bound = server.address()
    const port = bound && typeof bound === 'object' ? bound.port : listen.port
    this.#bound = { host: bound && typeof bound === 'object' ? bound.address : listen.host, port }
    const context: SourceContext = {
      sourceId: this.id,
      transport: this.#options.transport,
      format: config.format,
      timezone: config.timezone,
      localPort: port,
    }
    this.#context = context
    initListenerGauges(this.#deps.metrics, this.id)

    server.on(this.#options.connectionEvent, (socket: Socket) => this.#accept(socket, context))
    server.on('drop', (data?: { remoteAddress?: string }) => {
      emitSourceError(this.#deps.metrics, this.id, 'connection_refused', 'SNT_SOURCE_MAX_CONNECTIONS')
      this.#limited.warn(
        'max_connections',
        {
          source_id: this.id,
          peer_address: unmapIpv4(data?.remoteAddress),
          max_connections: config.max_connections,
        },
        'Connection refused: the listener is at max_connections.',
      )
    })
    server.on('error', (error: Error) => {
      emitSourceError(this.#deps.metrics, this.id, 'socket', 'SNT_SOURCE_SOCKET')
      this.#limited.error('server', { source_id: this.id, error: error.message }, 'Syslog listener error.')
    })
    this.#options.onServer?.(server, this.#limited)
    this.#deps.logger.info(
      { source_id: this.id, listen: config.listen, port, framing: config.framing },
      `Syslog ${this.#options.transport.toUpperCase()} listener started.`,
    )
  }

  address(): { host: string; port: number } | undefined {
    return this.#bound
  }

  /**
   * Stop accepting, resume paused connections so what they buffered is read, end every connection
   * (their decoders are flushed when they close), and destroy those still open after STOP_GRACE_MS.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    const server = this.#server
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    this.#resumeAll()
    for (const connection of this.#connections) connection.socket.end()
    const force = setTimeout(() => {
      for (const connection of this.#connections) connection.socket.destroy()
    }, STOP_GRACE_MS)
    await closed
    // The server reports closed once its sockets are gone; our close handlers may still be queued.
    if (this.#connections.size > 0) await new Promise<void>((resolve) => (this.#onIdle = resolve))
    clearTimeout(force)
    this.#unsubscribeDrain?.()
    this.#unsubscribeDrain = undefined
    this.#deps.logger.info({ source_id: this.id }, 'Syslog listener stopped.')
  }

  #accept(socket: Socket, context: SourceContext): void {
    const decoder = new FrameDecoder({
      framing: this.#options.config.framing,
      maxLength: this.#options.config.max_length,
      onError: (error) => this.#onFramingError(connection, error),
    })
    const connection = new Connection(socket, decoder, this.#options.peerIdentity?.(socket))
    this.#connections.add(connection)
    emitConnectionsChanged(this.#deps.metrics, this.id, 1)

    socket.on('data', (chunk: Buffer) => {
      const receivedAt = Date.now()
      this.#deliver(connection, decoder.push(chunk), receivedAt, context)
    })
    socket.on('end', () => this.#finish(connection, context))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      emitSourceError(this.#deps.metrics, this.id, 'socket', 'SNT_SOURCE_SOCKET')
      this.#limited.warn(
        'connection_error',
        { source_id: this.id, peer_address: connection.peerAddress, error: error.message, code: error.code },
        'Syslog connection failed.',
      )
    })
    socket.on('close', () => {
      this.#finish(connection, context)
      if (connection.paused) {
        connection.paused = false
        this.#paused.delete(connection)
        emitPausedChanged(this.#deps.metrics, this.id, -1)
      }
      this.#connections.delete(connection)
      emitConnectionsChanged(this.#deps.metrics, this.id, -1)
      if (this.#connections.size === 0) this.#onIdle?.()
    })
  }

  /** The connection's input ended (or it closed): emit what its decoder still holds. */
  #finish(connection: Connection, context: SourceContext): void {
    if (connection.finished) return
    connection.finished = true
    this.#deliver(connection, connection.decoder.end(), Date.now(), context)
  }

  #deliver(connection: Connection, frames: Frame[], receivedAt: number, context: SourceContext): void {
    if (frames.length === 0) return
    const records: RawRecord[] = new Array<RawRecord>(frames.length)
    let bytes = 0
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i] as Frame
      bytes += frame.data.length
      records[i] = {
        data: frame.data,
        receivedAt,
        peerAddress: connection.peerAddress,
        peerPort: connection.peerPort,
        tlsPeer: connection.tlsPeer,
        truncated: frame.truncated,
        context,
      }
    }
    emitRecordsReceived(this.#deps.metrics, context, records.length, bytes)
    const accepted = this.#deps.port.push(records)
    if (!accepted && !connection.finished && this.#stopping === undefined) this.#pause(connection)
  }

  #pause(connection: Connection): void {
    if (connection.paused) return
    connection.paused = true
    connection.socket.pause()
    this.#paused.add(connection)
    emitPausedChanged(this.#deps.metrics, this.id, 1)
    this.#unsubscribeDrain ??= this.#deps.port.onDrain(() => this.#resumeAll())
  }

  #resumeAll(): void {
    this.#unsubscribeDrain?.()
    this.#unsubscribeDrain = undefined
    const paused = [...this.#paused]
    this.#paused.clear()
    for (const connection of paused) {
      connection.paused = false
      emitPausedChanged(this.#deps.metrics, this.id, -1)
      connection.socket.resume()
    }
  }

  #onFramingError(connection: Connection, error: FramingError): void {
    emitSourceError(this.#deps.metrics, this.id, 'framing', error.code)
    this.#limited.warn(
      `framing_${error.code}`,
      {
        source_id: this.id,
        peer_address: connection.peerAddress,
        error_code: error.code,
        error: error.detail,
      },
      'Invalid syslog framing from a sender.',
    )
  }

  /** The context shared by this listener's records (after start). */
  get context(): SourceContext | undefined {
    return this.#context
  }
}
