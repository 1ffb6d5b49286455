/**
 * @module SNMP trap source: net-snmp's notification receiver on one UDP socket. Accepted traps and
 * informs (net-snmp acknowledges informs itself) become one RawRecord each, format `snmp_trap`, whose
 * data is the compact JSON of what was decoded; the source never parses further. Rejected
 * notifications (unknown community or user, wrong v3 key) and undecodable datagrams are counted;
 * traps over `rate_limit_per_source` are dropped and counted.
 */
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { RawRecord, SourceContext } from '../../event/raw-record.js'
import { SentinelError, type ReceiveErrorCode } from '../../errors/codes.js'
import type { CollectorMetrics } from '../../telemetry/metrics.js'
import type { RecordPort, Source } from '../source.js'
import { parseListen } from '../listen.js'
import { KernelDropsSampler, type ProcReader } from '../kernel-drops.js'
import { LogLimiter, type SourceLogger } from '../log-limiter.js'
import { unmapIpv4 } from '../peer.js'
import type { MetricsRefresher } from '../syslog/source.js'
import { emitKernelDrops } from '../syslog/telemetry.js'
import type { SnmpTrapSourceConfig } from './config.js'
import { encodeNotification } from './encode.js'
import { netSnmp, type NetSnmpNotification, type NetSnmpReceiver, type NetSnmpUser } from './net-snmp.js'
import { SenderRateLimiter } from './rate-limit.js'

/** What the trap source needs from the collector. */
export interface SnmpTrapSourceDeps {
  port: RecordPort
  metrics: CollectorMetrics
  logger: SourceLogger
}

/** How often kernel receive drops are sampled between scrapes (ms). */
export const TRAP_KERNEL_DROPS_SAMPLE_MS = 1_000

export interface SnmpTrapSourceOptions {
  /** Reader for /proc files, for tests. */
  readProc?: ProcReader
  /** Clock for the rate limiter (ms), for tests. */
  now?: () => number
}

/** Bounded `error_type` values of the trap source. */
type TrapErrorType = 'auth' | 'decode' | 'socket'

/** Maps a net-snmp receiver error to what is counted. */
export function classifyReceiverError(error: Error): { type: TrapErrorType; code: ReceiveErrorCode } {
  switch (error.name) {
    case 'RequestFailedError': // unknown community or user, missing auth/priv
    case 'ResponseInvalidError': // wrong digest, could not decrypt
      return { type: 'auth', code: 'SNT_SOURCE_SNMP_AUTH' }
    case 'ProcessingError':
    case 'RequestInvalidError':
      return { type: 'decode', code: 'SNT_SOURCE_SNMP_DECODE' }
    default:
      return { type: 'socket', code: 'SNT_SOURCE_SOCKET' }
  }
}

function toNetSnmpUser(user: SnmpTrapSourceConfig['users'][number]): NetSnmpUser {
  const snmp = netSnmp()
  const result: NetSnmpUser = { name: user.name, level: snmp.SecurityLevel[user.level] }
  if (user.level !== 'noAuthNoPriv' && user.auth_protocol && user.auth_key !== undefined) {
    result.authProtocol = snmp.AuthProtocols[user.auth_protocol]
    result.authKey = user.auth_key
  }
  if (user.level === 'authPriv' && user.priv_protocol && user.priv_key !== undefined) {
    result.privProtocol = snmp.PrivProtocols[user.priv_protocol]
    result.privKey = user.priv_key
  }
  return result
}

/**
 * An SNMP trap/inform listener.
 *
 * @example
 * const source = new SnmpTrapSource('traps', config, { port, metrics, logger })
 * await source.start()
 */
export class SnmpTrapSource implements Source, MetricsRefresher {
  readonly id: string
  readonly #config: SnmpTrapSourceConfig
  readonly #deps: SnmpTrapSourceDeps
  readonly #limited: LogLimiter
  readonly #rateLimiter: SenderRateLimiter | undefined
  readonly #options: SnmpTrapSourceOptions
  #sampler: KernelDropsSampler | undefined
  #timer: NodeJS.Timeout | undefined
  #receiver: NetSnmpReceiver | undefined
  #socket: Socket | undefined
  #bound: { host: string; port: number } | undefined
  #context: SourceContext | undefined
  #batch: RawRecord[] = []
  #batchBytes = 0
  #droppedFull = 0
  #droppedRate = 0
  #flushScheduled = false

  constructor(
    id: string,
    config: SnmpTrapSourceConfig,
    deps: SnmpTrapSourceDeps,
    options: SnmpTrapSourceOptions = {},
  ) {
    this.id = id
    this.#options = options
    this.#config = config
    this.#deps = deps
    this.#limited = new LogLimiter(deps.logger)
    this.#rateLimiter =
      config.rate_limit_per_source === undefined
        ? undefined
        : new SenderRateLimiter(config.rate_limit_per_source)
  }

  async start(): Promise<void> {
    if (this.#receiver) return
    const listen = parseListen(this.#config.listen)
    if (!listen || listen.protocol !== 'udp') {
      throw new SentinelError('SNT_ERR_CONFIG_INVALID', [
        `sources.${this.id}.listen: expected udp:<host>:<port>, got ${JSON.stringify(this.#config.listen)}`,
      ])
    }
    const family = isIPv6(listen.host) ? 'udp6' : 'udp4'
    let socket: Socket | undefined
    let starting: ((error?: Error) => void) | undefined
    const bound = new Promise<void>((resolve, reject) => {
      starting = (error) => (error ? reject(error) : resolve())
    })
    const receiveBuffer = this.#config.receive_buffer_bytes
    // net-snmp creates and binds the socket itself (and turns port 0 into 162): hand it one whose
    // bind goes to our address, so port 0 works and start() knows when it is bound.
    const dgramModule = {
      createSocket: (type: string): Socket => {
        const created = createSocket({
          type: type === 'udp6' ? 'udp6' : 'udp4',
          ...(receiveBuffer === undefined ? {} : { recvBufferSize: receiveBuffer }),
        })
        const bind = created.bind.bind(created)
        created.bind = ((..._args: unknown[]) => bind(listen.port, listen.host)) as Socket['bind']
        created.once('listening', () => starting?.())
        socket = created
        return created
      },
    }
    const snmp = netSnmp()
    let receiver: NetSnmpReceiver
    try {
      receiver = snmp.createReceiver(
        {
          port: listen.port === 0 ? 1 : listen.port, // any non-zero: our bind() decides
          address: listen.host,
          transport: family,
          disableAuthorization: false,
          includeAuthentication: true,
          ...(this.#config.engine_id === undefined ? {} : { engineID: this.#config.engine_id }),
          dgramModule,
        },
        (error, data) => {
          if (error) this.#onError(error, starting)
          else if (data) this.#onNotification(data)
        },
      )
    } catch (error) {
      throw new SentinelError('SNT_ERR_LISTEN', [this.#config.listen, String(error)], { cause: error })
    }
    try {
      await bound
    } catch (error) {
      receiver.close()
      throw new SentinelError(
        'SNT_ERR_LISTEN',
        [this.#config.listen, error instanceof Error ? error.message : String(error)],
        { cause: error },
      )
    } finally {
      starting = undefined
    }
    const authorizer = receiver.getAuthorizer()
    for (const community of this.#config.communities) authorizer.addCommunity(community)
    for (const user of this.#config.users) authorizer.addUser(toNetSnmpUser(user))
    this.#receiver = receiver
    this.#socket = socket
    const address = socket?.address()
    this.#bound = address ? { host: address.address, port: address.port } : undefined
    this.#context = {
      sourceId: this.id,
      transport: 'udp',
      format: 'snmp_trap',
      timezone: 'UTC',
      ...(address ? { localPort: address.port } : {}),
    }
    this.#deps.logger.info(
      {
        source_id: this.id,
        listen: this.#config.listen,
        port: this.#bound?.port,
        communities: this.#config.communities.length,
        users: this.#config.users.length,
      },
      'SNMP trap listener started.',
    )
    if (address) this.#startKernelDrops(family, address.address, address.port)
  }

  /** Follows the socket's /proc/net/udp{,6} drop count (datagrams the kernel dropped, buffer full). */
  #startKernelDrops(family: 'udp4' | 'udp6', host: string, port: number): void {
    this.#sampler = new KernelDropsSampler({
      family,
      address: host,
      port,
      onDrops: (delta) => emitKernelDrops(this.#deps.metrics, this.id, delta),
      ...(this.#options.readProc ? { read: this.#options.readProc } : {}),
    })
    if (this.#sampler.sample()) {
      this.#timer = setInterval(() => this.sampleKernelDrops(), TRAP_KERNEL_DROPS_SAMPLE_MS)
      this.#timer.unref()
    } else {
      this.#deps.logger.info(
        { source_id: this.id },
        'Kernel UDP drop counts are not available (no /proc/net/udp row); sentinel_udp_kernel_receive_drops_total stays at 0.',
      )
    }
  }

  /** Read the kernel's drop count for this socket now and add any increase to the counter. */
  sampleKernelDrops(): void {
    this.#sampler?.sample()
  }

  /** Refresh pull-based metrics (kernel drops); the collector calls it before serving /metrics. */
  collectMetrics(): void {
    this.sampleKernelDrops()
  }

  address(): { host: string; port: number } | undefined {
    return this.#bound
  }

  async stop(): Promise<void> {
    const receiver = this.#receiver
    if (!receiver) return
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    this.sampleKernelDrops()
    this.#sampler = undefined
    this.#receiver = undefined
    await new Promise<void>((resolve) => {
      const socket = this.#socket
      if (!socket) {
        receiver.close()
        resolve()
        return
      }
      socket.once('close', () => resolve())
      receiver.close()
    })
    this.#socket = undefined
    this.#flush()
    this.#deps.logger.info({ source_id: this.id }, 'SNMP trap listener stopped.')
  }

  #onError(
    error: Error & { rinfo?: { address: string; port: number } },
    starting: ((error?: Error) => void) | undefined,
  ): void {
    if (starting && !this.#receiver) {
      starting(error)
      return
    }
    const { type, code } = classifyReceiverError(error)
    this.#deps.metrics.errors.inc({
      component_id: this.id,
      error_type: type,
      error_code: code,
      stage: 'receiving',
    })
    const fields = {
      source_id: this.id,
      error_code: code,
      error: error.message,
      ...(error.rinfo ? { peer: `${unmapIpv4(error.rinfo.address)}:${error.rinfo.port}` } : {}),
    }
    this.#limited.warn(type, fields, type === 'auth' ? 'SNMP notification rejected.' : 'SNMP receive error.')
  }

  #onNotification(notification: NetSnmpNotification): void {
    const context = this.#context
    if (!context) return
    const now = (this.#options.now ?? Date.now)()
    const peer = unmapIpv4(notification.rinfo.address) ?? notification.rinfo.address
    if (this.#rateLimiter && !this.#rateLimiter.take(peer, now)) {
      this.#droppedRate++
      this.#scheduleFlush()
      return
    }
    if (this.#deps.port.isFull()) {
      this.#droppedFull++
      this.#scheduleFlush()
      return
    }
    const data = Buffer.from(JSON.stringify(encodeNotification(notification.pdu)))
    this.#batch.push({ data, receivedAt: now, peerAddress: peer, peerPort: notification.rinfo.port, context })
    this.#batchBytes += notification.rinfo.size
    this.#scheduleFlush()
  }

  /** Traps decoded in one event-loop turn go to the pipeline as one batch, with one metric update. */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => this.#flush())
  }

  #flush(): void {
    this.#flushScheduled = false
    const metrics = this.#deps.metrics
    if (this.#droppedRate > 0) {
      metrics.discardedEvents.inc(
        { component_id: this.id, reason: 'rate_limited', intentional: 'true' },
        this.#droppedRate,
      )
      this.#limited.warn(
        'rate_limited',
        { source_id: this.id, dropped: this.#droppedRate },
        'Traps over rate_limit_per_source dropped.',
      )
      this.#droppedRate = 0
    }
    if (this.#droppedFull > 0) {
      metrics.discardedEvents.inc(
        { component_id: this.id, reason: 'pipeline_full', intentional: 'false' },
        this.#droppedFull,
      )
      this.#limited.warn(
        'pipeline_full',
        { source_id: this.id, dropped: this.#droppedFull },
        'Pipeline is full; dropping SNMP traps until it drains.',
      )
      this.#droppedFull = 0
    }
    if (this.#batch.length === 0) return
    const records = this.#batch
    const labels = { component_id: this.id, transport: 'udp' }
    metrics.receivedEvents.inc(labels, records.length)
    metrics.receivedBytes.inc(labels, this.#batchBytes)
    this.#batch = []
    this.#batchBytes = 0
    this.#deps.port.push(records)
  }
}
