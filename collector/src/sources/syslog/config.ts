/** @module Syslog source config: where to listen, how to frame and which format to expect. */
import { Type, type Static } from '@sinclair/typebox'
import { PARSE_FORMATS } from '../../event/raw-record.js'
import { LISTEN_PATTERN } from '../listen.js'

export const TlsServerConfig = Type.Object(
  {
    cert_file: Type.String({ description: 'PEM certificate chain presented to senders.' }),
    key_file: Type.String({ description: 'PEM private key for cert_file.' }),
    key_passphrase: Type.Optional(
      Type.String({ description: 'Passphrase of key_file; use ${env:NAME} or ${file:PATH}.', secret: true }),
    ),
    ca_file: Type.Optional(Type.String({ description: 'PEM CA bundle used to verify client certificates.' })),
    verify_client: Type.Boolean({
      default: false,
      description: 'Require a client certificate signed by ca_file (mutual TLS).',
    }),
  },
  { additionalProperties: false },
)
export type TlsServerConfig = Static<typeof TlsServerConfig>

export const SyslogSourceConfig = Type.Object(
  {
    type: Type.Literal('syslog'),
    listen: Type.String({
      pattern: LISTEN_PATTERN,
      description:
        '<protocol>:<host>:<port> with protocol udp, tcp or tls (RFC 5425), e.g. tcp:0.0.0.0:5514.',
    }),
    format: Type.Union(
      PARSE_FORMATS.map((f) => Type.Literal(f)),
      { default: 'auto', description: 'Message format, or auto to detect per message.' },
    ),
    timezone: Type.String({
      default: 'UTC',
      description: 'IANA time zone for RFC 3164 timestamps, which carry no offset.',
    }),
    max_length: Type.Integer({
      minimum: 64,
      default: 102_400,
      description: 'Longer frames are cut to this many bytes and flagged sentinel.truncated.',
    }),
    framing: Type.Union([Type.Literal('auto'), Type.Literal('octet_counting'), Type.Literal('newline')], {
      default: 'auto',
      description:
        'TCP/TLS framing (RFC 6587): auto detects per connection from the first byte (a digit means octet counting).',
    }),
    receive_buffer_bytes: Type.Optional(
      Type.Integer({
        minimum: 4096,
        description: 'UDP socket receive buffer (SO_RCVBUF). The kernel caps it at net.core.rmem_max.',
      }),
    ),
    max_connections: Type.Integer({
      minimum: 1,
      default: 1000,
      description: 'TCP/TLS connections beyond this are refused and counted.',
    }),
    tls: Type.Optional(TlsServerConfig),
  },
  { additionalProperties: false },
)
export type SyslogSourceConfig = Static<typeof SyslogSourceConfig>
