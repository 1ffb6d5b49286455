/**
 * @module Syslog over UDP (RFC 5426): one record per datagram. UDP cannot be paused, so while the
 * pipeline is full datagrams are dropped and counted, and the kernel's own receive-buffer drops are
 * read from /proc/net/udp{,6} and exported as `sentinel_udp_kernel_receive_drops_total`.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { RawRecord, SourceContext } from '../../event/raw-record.js'
import { SentinelError } from '../../errors/codes.js'
import type { RecordPort, Source } from '../source.js'
import type { SyslogSourceConfig } from './config.js'
import type { ListenAddress } from '../listen.js'
import { stripOctetCountPrefix, trimTrailingTerminators } from './framing.js'
import { KernelDropsSampler, type ProcReader } from '../kernel-drops.js'
import { LogLimiter } from '../log-limiter.js'
import { unmapIpv4 } from '../peer.js'
import type { MetricsRefresher, SyslogSourceDeps } from './source.js'
import { emitKernelDrops, emitRecordsDiscarded, emitRecordsReceived, emitSourceError } from './telemetry.js'

/** How often kernel drops are sampled between scrapes (ms). */
export const KERNEL_DROPS_SAMPLE_MS = 1_000

export interface UdpSyslogSourceOptions {
  /** Reader for /proc files, for tests. */
  readProc?: ProcReader
}

/**
 * A UDP syslog listener. Besides the Source contract it refreshes the kernel drop counter on
 * demand (`collectMetrics()`, call it before a /metrics scrape) and every second.
 *
 * @example
 * const source = new UdpSyslogSource('syslog_udp', config, { protocol: 'udp', host: '0.0.0.0', port: 5514 }, deps)
 * await source.start()
 */
export class UdpSyslogSource implements Source, MetricsRefresher {
  readonly id: string
  readonly #config: SyslogSourceConfig
  readonly #listen: ListenAddress
  readonly #port: RecordPort
  readonly #deps: SyslogSourceDeps
  readonly #limited: LogLimiter
  readonly #options: UdpSyslogSourceOptions
  #socket: Socket | undefined
  #sampler: KernelDropsSampler | undefined
  #timer: NodeJS.Timeout | undefined
  #bound: { host: string; port: number } | undefined
  #context: SourceContext | undefined
  /** Datagrams read this event-loop turn, handed to the pipeline together. */
  #batch: RawRecord[] = []
  #batchBytes = 0
  /** Datagrams dropped this turn because the pipeline was full. */
  #dropped = 0
  #flushScheduled = false

  constructor(
    id: string,
    config: SyslogSourceConfig,
    listen: ListenAddress,
    deps: SyslogSourceDeps,
    options: UdpSyslogSourceOptions = {},
  ) {
    this.id = id
    this.#config = config
    this.#listen = listen
    this.#port = deps.port
    this.#deps = deps
    this.#limited = new LogLimiter(deps.logger)
    this.#options = options
  }

  async start(): Promise<void> {
    if (this.#socket) return
    const family = isIPv6(this.#listen.host) ? 'udp6' : 'udp4'
    const socket = createSocket({
      type: family,
      ...(this.#config.receive_buffer_bytes === undefined
        ? {}
        : { recvBufferSize: this.#config.receive_buffer_bytes }),
    })
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close()
        reject(new SentinelError('SNT_ERR_LISTEN', [this.#config.listen, error.message], { cause: error }))
      }
      socket.once('error', onError)
      socket.bind(this.#listen.port, this.#listen.host, () => {
        socket.off('error', onError)
        resolve()
      })
    })
    this.#socket = socket
    const bound = socket.address()
    this.#bound = { host: bound.address, port: bound.port }
    const context: SourceContext = {
      sourceId: this.id,
      transport: 'udp',
      format: this.#config.format,
      timezone: this.#config.timezone,
      localPort: bound.port,
    }
    this.#context = context
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo, context))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      emitSourceError(this.#deps.metrics, this.id, 'socket', 'SNT_SOURCE_SOCKET')
      this.#limited.error('socket', { source_id: this.id, error: error.message }, 'UDP socket error.')
    })

    this.#logStarted(socket)
    this.#sampler = new KernelDropsSampler({
      family,
      address: bound.address,
      port: bound.port,
      onDrops: (delta) => emitKernelDrops(this.#deps.metrics, this.id, delta),
      ...(this.#options.readProc ? { read: this.#options.readProc } : {}),
    })
    if (this.#sampler.sample()) {
      this.#timer = setInterval(() => this.sampleKernelDrops(), KERNEL_DROPS_SAMPLE_MS)
      this.#timer.unref()
    } else {
      this.#deps.logger.info(
        { source_id: this.id },
        'Kernel UDP drop counts are not available (no /proc/net/udp row); sentinel_udp_kernel_receive_drops_total stays at 0.',
      )
    }
  }

  address(): { host: string; port: number } | undefined {
    return this.#bound
  }

  /** Read the kernel's drop count for this socket now and add any increase to the counter. */
  sampleKernelDrops(): void {
    this.#sampler?.sample()
  }

  /** Refresh pull-based metrics (kernel drops); call before serving /metrics. */
  collectMetrics(): void {
    this.sampleKernelDrops()
  }

  async stop(): Promise<void> {
    const socket = this.#socket
    if (!socket) return
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    this.sampleKernelDrops()
    this.#socket = undefined
    this.#sampler = undefined
    await new Promise<void>((resolve) => socket.close(() => resolve()))
    // Datagrams read in the socket's last turn are handed over before stop() resolves.
    if (this.#context) this.#flush(this.#context)
    this.#deps.logger.info({ source_id: this.id }, 'Syslog listener stopped.')
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo, context: SourceContext): void {
    if (this.#port.isFull()) {
      this.#dropped++
      this.#scheduleFlush(context)
      return
    }
    let data = trimTrailingTerminators(stripOctetCountPrefix(msg))
    // An empty datagram carries no message.
    if (data.length === 0) return
    const truncated = data.length > this.#config.max_length
    if (truncated) data = data.subarray(0, this.#config.max_length)
    this.#batch.push({
      data,
      receivedAt: Date.now(),
      peerAddress: unmapIpv4(rinfo.address),
      peerPort: rinfo.port,
      tlsPeer: undefined,
      truncated,
      context,
    })
    this.#batchBytes += data.length
    this.#scheduleFlush(context)
  }

  /**
   * Datagrams read in one event-loop turn go to the pipeline as one batch, with one metric
   * update, at the end of the turn (libuv reads several datagrams per poll).
   */
  #scheduleFlush(context: SourceContext): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => this.#flush(context))
  }

  #flush(context: SourceContext): void {
    this.#flushScheduled = false
    if (this.#dropped > 0) {
      emitRecordsDiscarded(this.#deps.metrics, context, 'pipeline_full', this.#dropped)
      this.#limited.warn(
        'pipeline_full',
        { source_id: this.id, dropped: this.#dropped },
        'Pipeline is full; dropping UDP datagrams until it drains.',
      )
      this.#dropped = 0
    }
    if (this.#batch.length === 0) return
    const records = this.#batch
    emitRecordsReceived(this.#deps.metrics, context, records.length, this.#batchBytes)
    this.#batch = []
    this.#batchBytes = 0
    this.#port.push(records)
  }

  #logStarted(socket: Socket): void {
    const requested = this.#config.receive_buffer_bytes
    let effective: number | undefined
    try {
      effective = socket.getRecvBufferSize()
    } catch {
      effective = undefined
    }
    const fields = {
      source_id: this.id,
      listen: this.#config.listen,
      port: this.#bound?.port,
      receive_buffer_bytes: effective,
      ...(requested === undefined ? {} : { requested_receive_buffer_bytes: requested }),
    }
    this.#deps.logger.info(fields, 'Syslog UDP listener started.')
    // Linux reports twice the granted size (bookkeeping overhead); less than requested means rmem_max capped it.
    if (requested !== undefined && effective !== undefined && effective < requested) {
      this.#deps.logger.warn(
        fields,
        'UDP receive buffer is smaller than requested; raise net.core.rmem_max to get the configured size.',
      )
    }
  }
}
