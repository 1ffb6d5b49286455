/**
 * @module UDP kernel receive drops: the `drops` column of /proc/net/udp and /proc/net/udp6 counts
 * datagrams the kernel threw away because a socket's receive buffer was full, which the process
 * itself never sees. Node does not expose a socket's inode, so the row is matched by local
 * address and port (a listener owns its address:port; Node's dgram does not set SO_REUSEPORT).
 */
import { readFileSync } from 'node:fs'
import { endianness } from 'node:os'

/** One socket row of /proc/net/udp or /proc/net/udp6. */
export interface ProcUdpRow {
  /** Local address, normalised: dotted IPv4, or compressed IPv6 without brackets (`::`, `::1`). */
  readonly localAddress: string
  readonly localPort: number
  readonly inode: number
  readonly drops: number
}

/**
 * Parse the text of /proc/net/udp or /proc/net/udp6. Addresses are hex words in the kernel's byte
 * order (`hostLittleEndian`, the machine's own by default); malformed lines are skipped.
 *
 * @example
 * parseProcNetUdp(readFileSync('/proc/net/udp', 'utf8')) // [{ localAddress: '127.0.0.1', localPort: 5514, inode: 1234, drops: 0 }]
 */
export function parseProcNetUdp(text: string, hostLittleEndian = endianness() === 'LE'): ProcUdpRow[] {
  const lines = text.split('\n')
  const header = (lines[0] ?? '').trim().split(/\s+/)
  // The header names "tx_queue rx_queue" and "tr tm->when" as two columns each, and rows merge them.
  const dropsIndex = header.indexOf('drops') - 2
  const rows: ProcUdpRow[] = []
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/)
    const local = fields[1]
    const inode = Number(fields[9])
    const drops = Number(dropsIndex >= 0 ? fields[dropsIndex] : fields[12])
    if (!local || !Number.isFinite(inode) || !Number.isFinite(drops)) continue
    const [hexAddress, hexPort] = local.split(':')
    if (!hexAddress || !hexPort) continue
    const localAddress = decodeProcAddress(hexAddress, hostLittleEndian)
    if (localAddress === undefined) continue
    rows.push({ localAddress, localPort: Number.parseInt(hexPort, 16), inode, drops })
  }
  return rows
}

/** Decode the hex address of a /proc/net row (8 hex digits for IPv4, 32 for IPv6). */
export function decodeProcAddress(hex: string, hostLittleEndian = endianness() === 'LE'): string | undefined {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return undefined
  const bytes: number[] = []
  for (let word = 0; word < hex.length / 8; word++) {
    const value = Number.parseInt(hex.slice(word * 8, word * 8 + 8), 16)
    const wordBytes = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]
    bytes.push(...(hostLittleEndian ? wordBytes.reverse() : wordBytes))
  }
  if (bytes.length === 4) return bytes.join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
  return normaliseAddress(groups.join(':'))
}

/** Canonical text form of an IP address (IPv6 compressed, lower case, no brackets). */
export function normaliseAddress(address: string): string {
  if (!address.includes(':')) return address
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1)
  } catch {
    return address.toLowerCase()
  }
}

/** Drops of the socket bound to `address:port` in parsed rows, or undefined when no row matches. */
export function findSocketDrops(
  rows: readonly ProcUdpRow[],
  address: string,
  port: number,
): number | undefined {
  const wanted = normaliseAddress(address)
  let drops: number | undefined
  for (const row of rows) {
    if (row.localPort === port && row.localAddress === wanted) drops = (drops ?? 0) + row.drops
  }
  return drops
}

/** Reads a proc file; undefined when it cannot be read (not Linux, no /proc). */
export type ProcReader = (path: string) => string | undefined

/** The default reader: a synchronous read (the files are small, generated on read by the kernel). */
export const readProcFile: ProcReader = (path) => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

export interface KernelDropsSamplerOptions {
  family: 'udp4' | 'udp6'
  /** The socket's bound address and port (`socket.address()`). */
  address: string
  port: number
  /** Called with the increase since the previous sample, when positive. */
  onDrops: (delta: number) => void
  read?: ProcReader
}

/**
 * Follows one socket's kernel drop count and reports increases. The socket is new when sampling
 * starts, so its count starts at 0. Returns false from `sample()` when the row cannot be found
 * (no /proc, or the socket is closed).
 *
 * @example
 * const sampler = new KernelDropsSampler({ family: 'udp4', address: '0.0.0.0', port: 5514, onDrops: (n) => counter.inc(n) })
 * sampler.sample()
 */
export class KernelDropsSampler {
  readonly #options: KernelDropsSamplerOptions
  readonly #path: string
  #last = 0

  constructor(options: KernelDropsSamplerOptions) {
    this.#options = options
    this.#path = options.family === 'udp6' ? '/proc/net/udp6' : '/proc/net/udp'
  }

  sample(): boolean {
    const text = (this.#options.read ?? readProcFile)(this.#path)
    if (text === undefined) return false
    const drops = findSocketDrops(parseProcNetUdp(text), this.#options.address, this.#options.port)
    if (drops === undefined) return false
    // A lower value means another socket now holds the address: start over from it.
    const delta = drops >= this.#last ? drops - this.#last : drops
    this.#last = drops
    if (delta > 0) this.#options.onDrops(delta)
    return true
  }
}
