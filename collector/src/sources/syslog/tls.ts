/**
 * @module Syslog over TLS (RFC 5425): a node:tls server from PEM files, optional mutual TLS, octet
 * counting (which `framing: auto` detects). Handshake failures are counted and logged, rate-limited.
 */
import { readFile } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { createSecureContext, createServer, TLSSocket, type SecureContextOptions } from 'node:tls'
import { SentinelError } from '../../errors/codes.js'
import type { SyslogSourceConfig, TlsServerConfig } from './config.js'
import type { ListenAddress } from '../listen.js'
import type { SyslogSourceDeps } from './source.js'
import { StreamListener } from './stream-listener.js'
import { KEEPALIVE_INITIAL_DELAY_MS } from './tcp.js'
import { emitSourceError } from './telemetry.js'
import { unmapIpv4 } from '../peer.js'

/** PEM material read from the configured files. */
interface TlsMaterial {
  cert: Buffer
  key: Buffer
  ca: Buffer | undefined
}

/**
 * A TLS syslog listener. Files are read, and the key checked against its passphrase, in start():
 * any problem rejects with SNT_ERR_TLS_CONFIG naming the listener (never the passphrase).
 *
 * @example
 * const source = createTlsSource('syslog_tls', config, { protocol: 'tls', host: '0.0.0.0', port: 6514 }, deps)
 * await source.start()
 */
export function createTlsSource(
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
    transport: 'tls',
    connectionEvent: 'secureConnection',
    createServer: async () => {
      const tls = config.tls
      if (!tls) throw new SentinelError('SNT_ERR_TLS_CONFIG', [id, 'a tls listener needs the tls section'])
      const secure = secureOptions(id, tls, await readTlsMaterial(id, tls))
      return createServer({
        ...secure,
        requestCert: tls.verify_client,
        rejectUnauthorized: tls.verify_client,
        keepAlive: true,
        keepAliveInitialDelay: KEEPALIVE_INITIAL_DELAY_MS,
      })
    },
    peerIdentity: verifiedClientName,
    onServer: (server, limited) => {
      server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
        emitSourceError(deps.metrics, id, 'tls_handshake', 'SNT_SOURCE_TLS_HANDSHAKE')
        limited.warn(
          'tls_handshake',
          {
            source_id: id,
            peer_address: unmapIpv4(socket.remoteAddress),
            error: error.message,
            code: error.code,
          },
          'TLS handshake failed.',
        )
      })
    },
  })
}

async function readTlsMaterial(id: string, tls: TlsServerConfig): Promise<TlsMaterial> {
  const read = async (field: string, path: string): Promise<Buffer> => {
    try {
      return await readFile(path)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new SentinelError('SNT_ERR_TLS_CONFIG', [id, `cannot read ${field} ${path}: ${reason}`], {
        cause: error,
      })
    }
  }
  if (tls.verify_client && tls.ca_file === undefined) {
    throw new SentinelError('SNT_ERR_TLS_CONFIG', [
      id,
      'verify_client needs ca_file to verify client certificates',
    ])
  }
  return {
    cert: await read('cert_file', tls.cert_file),
    key: await read('key_file', tls.key_file),
    ca: tls.ca_file === undefined ? undefined : await read('ca_file', tls.ca_file),
  }
}

/** The server's key material, checked by building a context once so problems surface at start. */
function secureOptions(id: string, tls: TlsServerConfig, material: TlsMaterial): SecureContextOptions {
  const options: SecureContextOptions = {
    cert: material.cert,
    key: material.key,
    ...(tls.key_passphrase === undefined ? {} : { passphrase: tls.key_passphrase }),
    ...(material.ca === undefined ? {} : { ca: material.ca }),
  }
  try {
    createSecureContext(options)
  } catch (error) {
    // OpenSSL messages name the failing step (bad PEM, wrong passphrase, key/cert mismatch), not secrets.
    const reason = error instanceof Error ? error.message : String(error)
    throw new SentinelError('SNT_ERR_TLS_CONFIG', [id, reason], { cause: error })
  }
  return options
}

/** Subject CN of a verified client certificate; undefined without one (or when not verified). */
function verifiedClientName(socket: Socket): string | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined
  const subject: Record<string, unknown> | undefined = socket.getPeerCertificate().subject
  const cn = subject?.['CN']
  if (typeof cn === 'string') return cn
  if (Array.isArray(cn) && typeof cn[0] === 'string') return cn[0]
  return undefined
}
