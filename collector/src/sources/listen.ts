/** @module Listen addresses: the `<protocol>:<host>:<port>` strings every source's `listen` uses. */

export const LISTEN_PATTERN = '^(udp|tcp|tls):(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]+):([0-9]{1,5})$'

/** A parsed `listen` string. */
export interface ListenAddress {
  protocol: 'udp' | 'tcp' | 'tls'
  host: string
  port: number
}

/** Split `udp:0.0.0.0:5514` / `tcp:[::1]:5514` into its parts; undefined when malformed. */
export function parseListen(listen: string): ListenAddress | undefined {
  const match = new RegExp(LISTEN_PATTERN).exec(listen)
  if (!match) return undefined
  const [, protocol, rawHost, rawPort] = match
  const port = Number(rawPort)
  if (port > 65_535 || !rawHost || !protocol) return undefined
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost
  return { protocol: protocol as ListenAddress['protocol'], host, port }
}
