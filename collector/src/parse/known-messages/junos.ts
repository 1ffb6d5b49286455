/**
 * @module Juniper Junos system log messages, by daemon and event tag: `sshd` SSHD_LOGIN_FAILED,
 * `mgd` UI_COMMIT, `mib2d` SNMP_TRAP_LINK_DOWN/UP and `RT_FLOW` RT_FLOW_SESSION_DENY. Junos writes
 * them as BSD syslog (`mgd[42]: UI_COMMIT: User 'admin' ...`) or, in structured mode, as RFC 5424
 * with the tag as MSGID and the facts in a `junos@2636...` SD element, which is preferred to the text.
 */
import { isIP } from 'node:net'
import type { LogSyslog, SentinelEvent } from '../../event/sentinel-event.js'
import { setTransport } from '../network-fields.js'
import {
  CATEGORISATIONS,
  categorise,
  isPeerAddress,
  setEndpoint,
  setObserverInterface,
  setUserName,
} from './categorisation.js'

type Params = Record<string, string | string[]>

// BSD form: `UI_COMMIT: text`.
const TAG = /^([A-Z][A-Z0-9_]{2,63}): /
const SSHD_LOGIN_FAILED = /^Login failed for user '([^']*)' from host '([^']*)'$/
const UI_COMMIT = /^User '([^']*)' requested '([^']*)' operation/
const LINK_TRAP = /^ifIndex (\d{1,10}), (?:.*, )?ifName (\S+)$/
// `session denied SRC/SPORT->DST/DPORT [0xTAG ]SERVICE PROTO(ICMPTYPE) POLICY FROMZONE TOZONE [APP NESTED USER(ROLES) IFACE]`
const SESSION_DENY =
  /^session denied ([0-9A-Fa-f:.]+)\/(\d{1,5})->([0-9A-Fa-f:.]+)\/(\d{1,5})(?: 0x[0-9A-Fa-f]+)? \S+ (\d{1,3})\(\d+\) (\S+) (\S+) (\S+)(?: \S+ \S+ \S*\(\S*\) (\S+))?/

/**
 * Categorises a Junos message from daemon `app` (already known to be one of sshd, mgd, mib2d,
 * RT_FLOW). Returns false, changing nothing, for other tags or text that does not match.
 * @example categoriseJunos(event, 'mgd', "UI_COMMIT: User 'admin' requested 'commit' operation (comment: none)", syslog)
 */
export function categoriseJunos(
  event: SentinelEvent,
  app: string,
  message: string | undefined,
  syslog: LogSyslog,
): boolean {
  let tag = syslog.msgid
  let text = message ?? ''
  if (tag === undefined) {
    // OpenSSH's own lines (`Failed password ...`) reach here from Junos' sshd: a tag is upper case.
    const second = text.charCodeAt(1)
    if (!((second >= 65 && second <= 90) || second === 95)) return false
    const m = TAG.exec(text)
    if (m === null) return false
    tag = m[1] ?? ''
    text = text.slice(tag.length + 2)
  }
  switch (app) {
    case 'sshd':
      return tag === 'SSHD_LOGIN_FAILED' && loginFailed(event, text, junosParams(syslog), tag)
    case 'mgd':
      return tag === 'UI_COMMIT' && commit(event, text, junosParams(syslog), tag)
    case 'mib2d':
      if (tag !== 'SNMP_TRAP_LINK_DOWN' && tag !== 'SNMP_TRAP_LINK_UP') return false
      return linkTrap(event, text, junosParams(syslog), tag)
    case 'RT_FLOW':
      return tag === 'RT_FLOW_SESSION_DENY' && sessionDeny(event, text, junosParams(syslog), tag)
    default:
      return false
  }
}

/** The params of the `junos@2636.*` SD element (its suffix names the platform), if any. */
function junosParams(syslog: LogSyslog): Params | undefined {
  const data = syslog.structured_data
  if (data === undefined) return undefined
  for (const id in data) if (id.startsWith('junos@2636.')) return data[id]
  return undefined
}

function param(params: Params | undefined, name: string): string | undefined {
  if (params === undefined || !Object.hasOwn(params, name)) return undefined
  const value = params[name]
  return typeof value === 'string' ? value : undefined
}

function loginFailed(event: SentinelEvent, text: string, params: Params | undefined, tag: string): boolean {
  let user = param(params, 'username')
  let host = param(params, 'source-address')
  if (user === undefined || host === undefined) {
    const m = SSHD_LOGIN_FAILED.exec(text)
    if (m === null) return false
    user = m[1]
    host = m[2]
  }
  if (host === undefined || !isPeerAddress(host)) return false
  categorise(event, CATEGORISATIONS.sshLoginFailure, tag)
  setUserName(event, user)
  setEndpoint(event, 'source', host, undefined)
  return true
}

function commit(event: SentinelEvent, text: string, params: Params | undefined, tag: string): boolean {
  let user = param(params, 'username')
  let command = param(params, 'command')
  if (user === undefined || command === undefined) {
    const m = UI_COMMIT.exec(text)
    if (m === null) return false
    user = m[1]
    command = m[2]
  }
  // `commit check` validates without activating anything; every other commit changes the config.
  if (command === undefined || !command.startsWith('commit') || command.startsWith('commit check'))
    return false
  categorise(event, CATEGORISATIONS.configChange, tag)
  setUserName(event, user)
  return true
}

function linkTrap(event: SentinelEvent, text: string, params: Params | undefined, tag: string): boolean {
  let index = param(params, 'snmp-interface-index')
  let name = param(params, 'interface-name')
  if (name === undefined) {
    const m = LINK_TRAP.exec(text)
    if (m === null) return false
    index = m[1]
    name = m[2]
  }
  if (name === undefined || name === '') return false
  categorise(event, tag === 'SNMP_TRAP_LINK_UP' ? CATEGORISATIONS.linkUp : CATEGORISATIONS.linkDown, tag)
  setObserverInterface(
    event,
    'ingress',
    name,
    index !== undefined && /^\d{1,10}$/.test(index) ? index : undefined,
  )
  return true
}

function sessionDeny(event: SentinelEvent, text: string, params: Params | undefined, tag: string): boolean {
  let source = param(params, 'source-address')
  let sourcePort = param(params, 'source-port')
  let destination = param(params, 'destination-address')
  let destinationPort = param(params, 'destination-port')
  let protocol = param(params, 'protocol-id')
  let policy = param(params, 'policy-name')
  let fromZone = param(params, 'source-zone-name')
  let toZone = param(params, 'destination-zone-name')
  let ingress = param(params, 'packet-incoming-interface') ?? param(params, 'source-interface-name')
  const egress = param(params, 'destination-interface-name')
  const reason = param(params, 'reason')
  if (source === undefined || destination === undefined) {
    const m = SESSION_DENY.exec(text)
    if (m === null) return false
    ;[, source, sourcePort, destination, destinationPort, protocol, policy, fromZone, toZone, ingress] = m
  }
  if (source === undefined || destination === undefined || isIP(source) === 0 || isIP(destination) === 0)
    return false
  categorise(event, CATEGORISATIONS.connectionDenied, tag)
  setEndpoint(event, 'source', source, sourcePort)
  setEndpoint(event, 'destination', destination, destinationPort)
  if (protocol !== undefined) setTransport(event, protocol)
  if (policy !== undefined && policy !== '') (event.rule ??= {}).name = policy
  setObserverInterface(event, 'ingress', ingress, undefined, fromZone)
  setObserverInterface(event, 'egress', egress, undefined, toZone)
  if (reason !== undefined && reason !== '') (event.event ??= {}).reason = reason
  return true
}
