/** @module Peer address helpers shared by the UDP, TCP and TLS listeners. */

/**
 * A sender's address as operators write it: IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack
 * `::` listener sees for IPv4 senders) becomes plain IPv4.
 *
 * @example
 * unmapIpv4('::ffff:192.0.2.1') // '192.0.2.1'
 */
export function unmapIpv4(address: string | undefined): string | undefined {
  if (address === undefined) return undefined
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
