/**
 * @module Syslog over TCP (RFC 6587): octet counting or LF-terminated frames, detected per connection.
 */
import { createServer } from 'node:net'
import type { SyslogSourceConfig } from './config.js'
import type { ListenAddress } from '../listen.js'
import type { SyslogSourceDeps } from './source.js'
import { StreamListener } from './stream-listener.js'

/** TCP keep-alive probes start after this long without traffic (ms); there is no idle timeout. */
export const KEEPALIVE_INITIAL_DELAY_MS = 60_000

/**
 * A plain TCP syslog listener.
 *
 * @example
 * const source = createTcpSource('syslog_tcp', config, { protocol: 'tcp', host: '0.0.0.0', port: 5514 }, deps)
 * await source.start()
 */
export function createTcpSource(
  id: string,
  config: SyslogSourceConfig,
  listen: ListenAddress,
  deps: SyslogSourceDeps,
): StreamListener {
  return new StreamListener({
    id,
    config,
    listen,
    deps,
    transport: 'tcp',
    connectionEvent: 'connection',
    createServer: () => createServer({ keepAlive: true, keepAliveInitialDelay: KEEPALIVE_INITIAL_DELAY_MS }),
  })
}
