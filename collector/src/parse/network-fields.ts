/**
 * @module ECS network fields shared by the CEF and LEEF mappings: addresses (only when `node:net`
 * accepts them), ports, byte counts, MACs, transport, and `related.ip`.
 */
import { isIP } from 'node:net'
import type { SentinelEvent } from '../event/sentinel-event.js'

/** Which end of the connection a field describes. */
export type Endpoint = 'source' | 'destination'

/** IANA protocol numbers of the transports ECS names (`network.transport`). */
const TRANSPORT_BY_NUMBER: Readonly<Record<string, string>> = {
  '1': 'icmp',
  '2': 'igmp',
  '6': 'tcp',
  '17': 'udp',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '58': 'ipv6-icmp',
  '132': 'sctp',
}

/** Sets `<endpoint>.ip` and adds it to `related.ip` when `value` is an IPv4/IPv6 address. */
export function setEndpointIp(event: SentinelEvent, endpoint: Endpoint, value: string): boolean {
  if (isIP(value) === 0) return false
  const target = (event[endpoint] ??= {})
  target.ip = value
  addRelatedIp(event, value)
  return true
}

/** Adds an address to `related.ip` once. */
export function addRelatedIp(event: SentinelEvent, ip: string): void {
  const related = (event.related ??= {})
  const list = related.ip
  if (list === undefined) related.ip = [ip]
  else if (Array.isArray(list)) {
    if (!list.includes(ip)) list.push(ip)
  } else if (list !== ip) related.ip = [list, ip]
}

/** A TCP/UDP port (0-65535) written in decimal, else -1. */
export function parsePort(value: string): number {
  const n = parseUnsigned(value)
  return n <= 65535 ? n : -1
}

/** A non-negative decimal integer of at most 15 digits, else -1. */
export function parseUnsigned(value: string): number {
  const length = value.length
  if (length === 0 || length > 15) return -1
  let n = 0
  for (let i = 0; i < length; i++) {
    const d = value.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/** Sets `<endpoint>.port` when `value` is a port. */
export function setEndpointPort(event: SentinelEvent, endpoint: Endpoint, value: string): boolean {
  const port = parsePort(value)
  if (port < 0) return false
  ;(event[endpoint] ??= {}).port = port
  return true
}

/** Sets `<endpoint>.bytes` when `value` is a byte count. */
export function setEndpointBytes(event: SentinelEvent, endpoint: Endpoint, value: string): boolean {
  const bytes = parseUnsigned(value)
  if (bytes < 0) return false
  ;(event[endpoint] ??= {}).bytes = bytes
  return true
}

/**
 * Sets `<endpoint>.mac` for a 48-bit MAC, normalised as ECS asks (upper case, `-` separated).
 * Returns false, leaving the event alone, for anything else.
 */
export function setEndpointMac(event: SentinelEvent, endpoint: Endpoint, value: string): boolean {
  if (value.length !== 17) return false
  let out = ''
  for (let i = 0; i < 17; i++) {
    const c = value.charCodeAt(i)
    if (i % 3 === 2) {
      if (c !== 58 && c !== 45) return false
      out += '-'
    } else if ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)) {
      out += value[i]
    } else return false
  }
  ;(event[endpoint] ??= {}).mac = out.toUpperCase()
  return true
}

/** Sets `<endpoint>.user.name`. */
export function setEndpointUser(event: SentinelEvent, endpoint: Endpoint, value: string): void {
  const target = (event[endpoint] ??= {})
  ;(target.user ??= {}).name = value
}

/** Sets `<endpoint>.domain`. */
export function setEndpointDomain(event: SentinelEvent, endpoint: Endpoint, value: string): void {
  ;(event[endpoint] ??= {}).domain = value
}

/**
 * Sets `network.transport` from a protocol name (`TCP` -> `tcp`) or IANA number (`6` -> `tcp`,
 * also setting `network.iana_number`).
 */
export function setTransport(event: SentinelEvent, value: string): boolean {
  if (value.length === 0) return false
  const network = (event.network ??= {})
  const first = value.charCodeAt(0)
  if (first >= 48 && first <= 57) {
    const name = TRANSPORT_BY_NUMBER[value]
    if (name === undefined || parseUnsigned(value) < 0) return false
    network.iana_number = value
    network.transport = name
    return true
  }
  network.transport = value.toLowerCase()
  return true
}
