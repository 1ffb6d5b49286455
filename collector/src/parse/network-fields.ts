/**
 * @module ECS network fields shared by the CEF and LEEF mappings and the known-message categoriser:
 * addresses (only when `node:net` accepts them), host names, ports, byte counts, MACs, transport,
 * and `related.ip` / `related.user`.
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
  related.ip = withValue(related.ip, ip)
}

/** Adds a user name to `related.user` once. */
export function addRelatedUser(event: SentinelEvent, name: string): void {
  const related = (event.related ??= {})
  related.user = withValue(related.user, name)
}

/** `list` with `value` added unless present (the list is mutated when it is an array). */
function withValue(list: string | string[] | undefined, value: string): string | string[] {
  if (list === undefined) return [value]
  if (Array.isArray(list)) {
    if (!list.includes(value)) list.push(value)
    return list
  }
  return list === value ? list : [list, value]
}

/**
 * True for a DNS host name (RFC 1123 labels of letters, digits and `-`, dot separated) whose last
 * label is not all digits, so that `999.1.1.1` or `10.1.1` never pass for a name.
 */
export function isHostName(value: string): boolean {
  const length = value.length
  if (length === 0 || length > 253) return false
  let labelStart = 0
  let hasLetter = false // in the current label
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 46 : value.charCodeAt(i)
    if (c === 46 /* . */) {
      const labelLength = i - labelStart
      if (labelLength === 0 || labelLength > 63) return false
      if (value.charCodeAt(labelStart) === 45 || value.charCodeAt(i - 1) === 45) return false
      if (i === length) return hasLetter
      labelStart = i + 1
      hasLetter = false
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) hasLetter = true
    else if (!((c >= 48 && c <= 57) || c === 45)) return false
  }
  return false
}

/**
 * Sets `<endpoint>.ip` (and `related.ip`) for an address, or `<endpoint>.domain` for a host name
 * (sshd with `UseDNS yes`, PAM `rhost=`). Returns false, leaving the event alone, for anything else.
 */
export function setEndpointAddress(event: SentinelEvent, endpoint: Endpoint, value: string): boolean {
  if (setEndpointIp(event, endpoint, value)) return true
  if (!isHostName(value)) return false
  setEndpointDomain(event, endpoint, value)
  return true
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
  const first = value.charCodeAt(0)
  if (first >= 48 && first <= 57) {
    const name = TRANSPORT_BY_NUMBER[value]
    if (name === undefined || parseUnsigned(value) < 0) return false
    const network = (event.network ??= {})
    network.iana_number = value
    network.transport = name
    return true
  }
  const network = (event.network ??= {})
  const name = value.toLowerCase()
  // ECS names ICMP for IPv6 by its IANA keyword; devices write icmp6 / ICMPv6.
  network.transport = name === 'icmpv6' || name === 'icmp6' ? 'ipv6-icmp' : name
  return true
}
