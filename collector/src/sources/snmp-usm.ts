/**
 * @module SNMPv3 USM security settings, shared by the trap source's users and the poller's
 * credentials: the same fields, protocols and "what this level needs" check for both.
 */
import { Type } from '@sinclair/typebox'

export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const

/** Schema properties of a USM user's security: spread into the user and credentials objects. */
export const USM_SECURITY_PROPERTIES = {
  level: Type.Union([Type.Literal('noAuthNoPriv'), Type.Literal('authNoPriv'), Type.Literal('authPriv')], {
    default: 'authPriv',
    description: 'Security level the user must send with.',
  }),
  auth_protocol: Type.Optional(
    Type.Union(
      SNMP_AUTH_PROTOCOLS.map((p) => Type.Literal(p)),
      { description: 'Authentication protocol (authNoPriv, authPriv).' },
    ),
  ),
  auth_key: Type.Optional(
    Type.String({
      minLength: 8,
      description: 'Authentication passphrase; use ${env:NAME} or ${file:PATH}.',
      secret: true,
    }),
  ),
  priv_protocol: Type.Optional(
    Type.Union(
      SNMP_PRIV_PROTOCOLS.map((p) => Type.Literal(p)),
      { description: 'Privacy protocol (authPriv).' },
    ),
  ),
  priv_key: Type.Optional(
    Type.String({
      minLength: 8,
      description: 'Privacy passphrase; use ${env:NAME} or ${file:PATH}.',
      secret: true,
    }),
  ),
}

/** The security fields of a validated user or credentials entry. */
export interface UsmSecurity {
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv'
  auth_protocol?: string | undefined
  auth_key?: string | undefined
  priv_protocol?: string | undefined
  priv_key?: string | undefined
}

/** Problems, each naming its path under `at`, when the protocols and keys do not match the level. */
export function usmSecurityProblems(at: string, usm: UsmSecurity): string[] {
  const problems: string[] = []
  if (usm.level !== 'noAuthNoPriv') {
    if (!usm.auth_protocol) problems.push(`${at}.auth_protocol: required for level ${usm.level}`)
    if (!usm.auth_key) problems.push(`${at}.auth_key: required for level ${usm.level}`)
  }
  if (usm.level === 'authPriv') {
    if (!usm.priv_protocol) problems.push(`${at}.priv_protocol: required for level authPriv`)
    if (!usm.priv_key) problems.push(`${at}.priv_key: required for level authPriv`)
  }
  return problems
}
