/**
 * @module Linux netfilter packet logs (iptables/nftables `LOG`, ufw, firewalld) as the kernel writes
 * them: `[LOG PREFIX]IN=eth0 OUT= MAC=... SRC=a DST=b LEN=60 ... PROTO=TCP SPT=1 DPT=2 ...`. The
 * verdict is only in the operator's log prefix, so a line is categorised only when its prefix
 * names one (`[UFW BLOCK]`, `DROP:`, `FINAL_REJECT:`, `[UFW ALLOW]`).
 */
import { isIP } from 'node:net'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { setTransport } from '../network-fields.js'
import { CATEGORISATIONS, categorise, setEndpoint, setObserverInterface } from './categorisation.js'

/** Verdict words in a log prefix; a deny word wins over an allow word. */
const DENY_PREFIX = /DROP|REJECT|DENY|DENIED|BLOCK/i
const ALLOW_PREFIX = /ACCEPT|ALLOW/i

/** Longest log prefix looked at: iptables allows 29 characters, plus a printk time stamp. */
const MAX_PREFIX = 96

/**
 * Categorises a kernel netfilter log line. Returns false, changing nothing, for any other kernel
 * message, a line without SRC/DST addresses, or a prefix that names no verdict.
 * @example categoriseNetfilter(event, '[UFW BLOCK] IN=eth0 OUT= MAC=... SRC=198.51.100.7 DST=10.0.0.5 PROTO=TCP SPT=51234 DPT=22') // true
 */
export function categoriseNetfilter(event: SentinelEvent, message: string): boolean {
  // IN= is written first, at most a log prefix after the start; OUT= always follows it.
  const inAt = message.indexOf('IN=')
  if (inAt < 0 || inAt > MAX_PREFIX) return false
  const prefix = message.slice(0, inAt)
  const denied = DENY_PREFIX.test(prefix)
  if (!denied && !ALLOW_PREFIX.test(prefix)) return false
  const fields = readFields(message, inAt)
  if (fields === undefined) return false
  const { SRC: source, DST: destination } = fields
  if (source === undefined || destination === undefined || isIP(source) === 0 || isIP(destination) === 0)
    return false
  categorise(event, denied ? CATEGORISATIONS.connectionDenied : CATEGORISATIONS.connectionAllowed)
  setEndpoint(event, 'source', source, fields.SPT)
  setEndpoint(event, 'destination', destination, fields.DPT)
  if (fields.PROTO !== undefined) setTransport(event, fields.PROTO)
  setObserverInterface(event, 'ingress', fields.IN)
  setObserverInterface(event, 'egress', fields.OUT)
  return true
}

/** The fields read from a packet log line. */
interface PacketFields {
  IN: string
  OUT: string
  SRC?: string
  DST?: string
  PROTO?: string
  SPT?: string
  DPT?: string
}

/** The fields after `OUT=`, in the order netfilter writes them, with the text that opens each. */
const ORDERED_KEYS: ReadonlyArray<{ name: 'SRC' | 'DST' | 'PROTO' | 'SPT' | 'DPT'; search: string }> = [
  { name: 'SRC', search: ' SRC=' },
  { name: 'DST', search: ' DST=' },
  { name: 'PROTO', search: ' PROTO=' },
  { name: 'SPT', search: ' SPT=' },
  { name: 'DPT', search: ' DPT=' },
]

/**
 * Reads `IN=x OUT=y` at `inAt`, then SRC, DST, PROTO, SPT and DPT, which netfilter writes in that
 * order (nf_log), each found with one native `indexOf` from the previous one; the quoted packet of
 * an ICMP error (` [SRC=...`) is not read. Undefined unless `OUT=` follows `IN=value`.
 */
function readFields(message: string, inAt: number): PacketFields | undefined {
  const inEnd = message.indexOf(' ', inAt)
  if (inEnd < 0 || !message.startsWith('OUT=', inEnd + 1)) return undefined
  let limit = message.indexOf(' [', inEnd)
  if (limit < 0) limit = message.length
  let outEnd = message.indexOf(' ', inEnd + 5)
  if (outEnd < 0 || outEnd > limit) outEnd = limit
  const fields: PacketFields = { IN: message.slice(inAt + 3, inEnd), OUT: message.slice(inEnd + 5, outEnd) }
  let pos = outEnd
  for (const key of ORDERED_KEYS) {
    const at = message.indexOf(key.search, pos)
    if (at < 0 || at >= limit) continue
    const start = at + key.search.length
    let end = message.indexOf(' ', start)
    if (end < 0 || end > limit) end = limit
    fields[key.name] = message.slice(start, end)
    pos = end
  }
  return fields
}
