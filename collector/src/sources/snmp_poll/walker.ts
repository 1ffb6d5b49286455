/**
 * @module SNMP fetching with net-snmp: sessions (v2c and v3) from a device entry, GETBULK subtree
 * walks and scalar GETs with timeouts and retries, and the conversion of what a device answered
 * into samples named after the profiles (snmp_exporter names and labels).
 */
import { createRequire } from 'node:module'
import { fetchPlan, isScalar, SYS_UPTIME_OID, type MetricDef, type Profile } from './profiles.js'
import type { CounterBits } from './rates.js'

// net-snmp ships no type declarations; this is the small part of its API used here.
interface NetSnmpVarbind {
  oid: string
  type: number
  value: unknown
}
interface NetSnmpSession {
  get(oids: string[], cb: (error: Error | null, varbinds: NetSnmpVarbind[]) => void): void
  subtree(
    oid: string,
    maxRepetitions: number,
    feed: (varbinds: NetSnmpVarbind[]) => boolean | void,
    done: (error: Error | null) => void,
  ): void
  close(): void
  on(event: 'error', listener: (error: Error) => void): void
}
interface NetSnmpModule {
  createSession(target: string, community: string, options: Record<string, unknown>): NetSnmpSession
  createV3Session(
    target: string,
    user: Record<string, unknown>,
    options: Record<string, unknown>,
  ): NetSnmpSession
  isVarbindError(varbind: NetSnmpVarbind): boolean
  varbindError(varbind: NetSnmpVarbind): string
  Version2c: number
  Version3: number
  ObjectType: Record<string, number>
  SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number }
  AuthProtocols: Record<string, string>
  PrivProtocols: Record<string, string>
  RequestTimedOutError: new (message: string) => Error
}

const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmpModule

export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512'
export type PrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r'

export interface SnmpV3Auth {
  username: string
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv'
  authProtocol?: AuthProtocol
  authKey?: string
  privProtocol?: PrivProtocol
  privKey?: string
  context?: string
}

/** One device to poll. */
export interface SnmpDevice {
  /** The `device` label and log field. */
  name: string
  address: string
  /** Default 161. */
  port?: number
  version: '2c' | '3'
  /** v2c community (default `public`). */
  community?: string
  /** v3 security. */
  v3?: SnmpV3Auth
  /** Profile names (see PROFILES). */
  profiles: readonly string[]
  /** Poll interval of this device; default the poller's `intervalMs`. */
  intervalMs?: number
}

export interface SessionOptions {
  /** Per request, ms. Default 2000. */
  timeoutMs?: number
  /** Re-sends after a timeout. Default 1. */
  retries?: number
  /** GETBULK max-repetitions. Default 25. */
  maxRepetitions?: number
}

/** A walk/get failure, classified for the self-metrics. */
export class SnmpRequestError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'error',
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'SnmpRequestError'
  }
}

function classify(error: Error, what: string): SnmpRequestError {
  const name: string = error.name
  const timeout = name === 'RequestTimedOutError' || error instanceof snmp.RequestTimedOutError
  return new SnmpRequestError(`${what}: ${error.message}`, timeout ? 'timeout' : 'error', { cause: error })
}

/** An open net-snmp session for one device. */
export class SnmpClient {
  private readonly session: NetSnmpSession
  private readonly maxRepetitions: number
  private closed = false

  constructor(
    readonly device: SnmpDevice,
    options: SessionOptions = {},
  ) {
    this.maxRepetitions = options.maxRepetitions ?? 25
    const common = {
      port: device.port ?? 161,
      timeout: options.timeoutMs ?? 2000,
      retries: options.retries ?? 1,
      backoff: 1,
      transport: device.address.includes(':') ? 'udp6' : 'udp4',
    }
    if (device.version === '3') {
      const v3 = device.v3
      if (!v3) throw new Error(`SNMP device ${device.name}: version 3 needs v3 credentials`)
      const user: Record<string, unknown> = { name: v3.username, level: snmp.SecurityLevel[v3.level] }
      if (v3.level !== 'noAuthNoPriv') {
        user.authProtocol = snmp.AuthProtocols[v3.authProtocol ?? 'sha']
        user.authKey = v3.authKey ?? ''
      }
      if (v3.level === 'authPriv') {
        user.privProtocol = snmp.PrivProtocols[v3.privProtocol ?? 'aes']
        user.privKey = v3.privKey ?? ''
      }
      this.session = snmp.createV3Session(device.address, user, {
        ...common,
        version: snmp.Version3,
        context: v3.context ?? '',
      })
    } else {
      this.session = snmp.createSession(device.address, device.community ?? 'public', {
        ...common,
        version: snmp.Version2c,
      })
    }
    // A socket error is reported through the pending request; keep it from being an unhandled 'error'.
    this.session.on('error', () => undefined)
  }

  /** GET scalars; an absent instance (noSuchObject/noSuchInstance) is left out of the result. */
  get(oids: readonly string[]): Promise<NetSnmpVarbind[]> {
    return new Promise((resolve, reject) => {
      this.session.get([...oids], (error, varbinds) => {
        if (error) reject(classify(error, `GET on ${this.device.name}`))
        else resolve(varbinds.filter((vb) => !snmp.isVarbindError(vb)))
      })
    })
  }

  /** Walk a subtree with GETBULK; end-of-view and errored varbinds end or are skipped. */
  walk(oid: string): Promise<NetSnmpVarbind[]> {
    return new Promise((resolve, reject) => {
      const out: NetSnmpVarbind[] = []
      this.session.subtree(
        oid,
        this.maxRepetitions,
        (varbinds) => {
          for (const vb of varbinds) if (!snmp.isVarbindError(vb)) out.push(vb)
        },
        (error) => {
          if (error) reject(classify(error, `walk ${oid} on ${this.device.name}`))
          else resolve(out)
        },
      )
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    try {
      this.session.close()
    } catch {
      // Already closed.
    }
  }
}

/** One polled value, named and labelled like snmp_exporter. */
export interface SnmpSample {
  metric: MetricDef
  /** Instance suffix after the column OID ('' for a scalar). */
  index: string
  /** Index labels then lookup labels. */
  labels: Record<string, string>
  value: number | bigint
  /** Set for counters: the width of the SNMP type the device answered with. */
  counterBits?: CounterBits
}

export interface DevicePoll {
  device: string
  /** When the poll completed (ms since epoch). */
  timeMs: number
  durationMs: number
  /** sysUpTime.0 in TimeTicks. */
  uptimeTicks?: number
  samples: SnmpSample[]
}

/** A Counter64 answer (net-snmp gives a big-endian Buffer) or any integer as bigint. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value))
  if (Buffer.isBuffer(value)) {
    let n = 0n
    for (const byte of value) n = (n << 8n) | BigInt(byte)
    return n
  }
  return undefined
}

function displayString(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8').replace(/\0+$/, '')
  return String(value)
}

function numericValue(
  metric: MetricDef,
  vb: NetSnmpVarbind,
): { value: number | bigint; bits?: CounterBits } | undefined {
  const T = snmp.ObjectType
  if (vb.type === T.Counter64) {
    const v = toBigInt(vb.value)
    return v === undefined ? undefined : { value: v, bits: 64 }
  }
  if (vb.type === T.Counter32 || vb.type === T.Counter) {
    const v = toBigInt(vb.value)
    return v === undefined ? undefined : { value: v, bits: 32 }
  }
  if (vb.type === T.OctetString) {
    if (!metric.parseString) return undefined
    const n = Number.parseFloat(displayString(vb.value))
    return Number.isFinite(n) ? { value: n } : undefined
  }
  if (typeof vb.value === 'number') return { value: vb.value }
  const big = toBigInt(vb.value)
  return big === undefined ? undefined : { value: Number(big) }
}

/** Turn what the device answered (walked columns by column OID, scalars by OID) into samples. */
export function buildSamples(
  profiles: readonly Profile[],
  columns: ReadonlyMap<string, readonly NetSnmpVarbind[]>,
  scalars: readonly NetSnmpVarbind[],
): SnmpSample[] {
  const byIndex = new Map<string, Map<string, NetSnmpVarbind>>()
  const column = (oid: string): Map<string, NetSnmpVarbind> => {
    let m = byIndex.get(oid)
    if (!m) {
      m = new Map()
      const prefix = `${oid}.`
      for (const vb of columns.get(oid) ?? []) {
        if (vb.oid.startsWith(prefix)) m.set(vb.oid.slice(prefix.length), vb)
      }
      byIndex.set(oid, m)
    }
    return m
  }
  const scalarByOid = new Map(scalars.map((vb) => [vb.oid, vb]))
  const samples: SnmpSample[] = []
  for (const profile of profiles) {
    for (const metric of profile.metrics) {
      if (isScalar(metric)) {
        const vb = scalarByOid.get(metric.oid)
        const v = vb && numericValue(metric, vb)
        if (v) samples.push(sample(metric, '', {}, v))
        continue
      }
      for (const [index, vb] of column(metric.oid)) {
        const v = numericValue(metric, vb)
        if (!v) continue
        const labels: Record<string, string> = {}
        const parts = metric.indexes.length === 1 ? [index] : index.split('.')
        metric.indexes.forEach((name, i) => (labels[name] = parts[i] ?? ''))
        for (const lookup of metric.lookups ?? []) {
          const found = column(lookup.oid).get(index)
          if (found) labels[lookup.labelname] = displayString(found.value)
        }
        samples.push(sample(metric, index, labels, v))
      }
    }
  }
  return samples
}

function sample(
  metric: MetricDef,
  index: string,
  labels: Record<string, string>,
  v: { value: number | bigint; bits?: CounterBits },
): SnmpSample {
  const s: SnmpSample = { metric, index, labels, value: v.value }
  if (metric.type === 'counter' && v.bits) s.counterBits = v.bits
  return s
}

/**
 * Poll one device once: GET sysUpTime and the profiles' scalars, walk every column (metrics and
 * lookups) with GETBULK, build samples. Rejects with {@link SnmpRequestError} when the device does
 * not answer. A column the agent lacks is simply empty.
 */
export async function pollDevice(
  device: SnmpDevice,
  profiles: readonly Profile[],
  options: SessionOptions & { now?: () => number } = {},
): Promise<DevicePoll> {
  const now = options.now ?? Date.now
  const started = now()
  const client = new SnmpClient(device, options)
  try {
    const plan = fetchPlan(profiles)
    const scalars = await client.get(plan.get)
    const columns = new Map<string, NetSnmpVarbind[]>()
    for (const oid of plan.walk) columns.set(oid, await client.walk(oid))
    const uptime = scalars.find((vb) => vb.oid === SYS_UPTIME_OID)
    const timeMs = now()
    return {
      device: device.name,
      timeMs,
      durationMs: timeMs - started,
      uptimeTicks: typeof uptime?.value === 'number' ? uptime.value : undefined,
      samples: buildSamples(profiles, columns, scalars),
    }
  } finally {
    client.close()
  }
}

/** Run `tasks` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T, i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}
