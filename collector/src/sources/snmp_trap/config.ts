/** @module SNMP trap source config: where to listen, who may send (communities, v3 users), how fast. */
import { Type, type Static } from '@sinclair/typebox'
import { USM_SECURITY_PROPERTIES } from '../snmp-usm.js'

/** UDP only: traps and informs are datagrams. */
export const TRAP_LISTEN_PATTERN = '^udp:(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]+):([0-9]{1,5})$'

export const SnmpUserConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'USM user name (securityName).' }),
    ...USM_SECURITY_PROPERTIES,
  },
  { additionalProperties: false },
)
export type SnmpUserConfig = Static<typeof SnmpUserConfig>

export const SnmpTrapSourceConfig = Type.Object(
  {
    type: Type.Literal('snmp_trap'),
    listen: Type.String({
      pattern: TRAP_LISTEN_PATTERN,
      default: 'udp:0.0.0.0:1162',
      description: 'udp:<host>:<port> for SNMP traps and informs, e.g. udp:0.0.0.0:1162.',
    }),
    communities: Type.Array(Type.String({ minLength: 1, secret: true }), {
      default: [],
      description:
        'SNMPv1/v2c communities accepted; traps with any other community are rejected and counted.',
    }),
    users: Type.Array(SnmpUserConfig, {
      default: [],
      description: 'SNMPv3 USM users accepted (name, level, auth_protocol/auth_key, priv_protocol/priv_key).',
    }),
    engine_id: Type.Optional(
      Type.String({
        pattern: '^(0x)?([0-9a-fA-F]{2}){5,32}$',
        description:
          "This receiver's SNMPv3 engine ID (hex), authoritative for v3 informs. v3 traps are checked against the sender's engine ID.",
      }),
    ),
    rate_limit_per_source: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          'Most traps per second accepted from one sender address (token bucket, burst of one second); the excess is dropped and counted.',
      }),
    ),
    mib_dirs: Type.Array(Type.String(), {
      default: [],
      description:
        'Directories of extra MIB files used to translate OIDs (besides the shipped SNMPv2, RFC1213 and IF-MIB); a file that fails to load is logged and skipped.',
    }),
    receive_buffer_bytes: Type.Optional(
      Type.Integer({
        minimum: 4096,
        description: 'UDP socket receive buffer (SO_RCVBUF). The kernel caps it at net.core.rmem_max.',
      }),
    ),
  },
  { additionalProperties: false },
)
export type SnmpTrapSourceConfig = Static<typeof SnmpTrapSourceConfig>
