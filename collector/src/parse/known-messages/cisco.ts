/**
 * @module Cisco system messages, `%FACILITY-SEVERITY-MNEMONIC: text` (IOS, IOS-XE, NX-OS) and
 * `%ASA-SEVERITY-ID: text` (ASA, FTD): logins, configuration changes, link and line-protocol
 * changes, and firewall denies. The mnemonic is read once, by hand; only for the messages listed
 * here is the text matched, by one anchored regular expression. Severity is ignored when matching,
 * since `logging message ID level N` lets operators change it.
 */
import { isIP } from 'node:net'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { setTransport } from '../network-fields.js'
import {
  CATEGORISATIONS,
  categorise,
  isPeerAddress,
  setEndpoint,
  setObserverInterface,
  setUserName,
} from './categorisation.js'

// `Login failed [user: admin] [Source: 10.1.1.1] [localport: 22] [Reason: ...] at ...`
const SEC_LOGIN =
  /^Login (?:failed|Success) \[user: ([^\]]*)\] \[Source: ([^\]]*)\] \[localport: (\d{1,5})\](?: \[Reason: ([^\]]*)\])?/
// `Configured from console by admin on vty0 (10.1.1.1)`, `... by console`, `... by vty0 (10.1.1.1)`
const CONFIG_I = /^Configured from \S+ by ([^\s,]+),?(?: on \S+)?(?: \(([^)\s]+)\))?/
// NX-OS `Configured from vty by admin on 10.1.1.1@pts/0`
const NXOS_CONFIG_I = /^Configured from \S+ by (\S+) on ([^@\s]+)(?:@\S+)?$/
const LINE_NAME = /^(?:console|con\d*|vty\d+|tty\d+|aux\d*)$/
// `Interface GigabitEthernet0/1, changed state to down` (LINK), `Line protocol on Interface ...` (LINEPROTO)
const UPDOWN = /^(?:Line protocol on )?Interface (\S+), changed state to (up|down)$/
// NX-OS `%ETHPORT-5-IF_DOWN_LINK_FAILURE`, `IF_DOWN_ADMIN_DOWN`, ...
const IF_DOWN = /^IF_DOWN_[A-Z0-9_]+$/
// NX-OS `Interface Ethernet1/1 is down (Link failure)`, `Interface Ethernet1/1 is up in mode access`
const NXOS_IF = /^Interface (\S+) is (up|down)\b/
// ASA 106023: `Deny tcp src outside:198.51.100.7/51234 dst inside:10.0.0.5/22 by access-group "outside_in" [0x0, 0x0]`
const ASA_106023 =
  /^Deny (\S+) src ([^:\s]+):([0-9A-Fa-f:.]+)(?:\/(\d{1,5}))?(?:\([^)]*\))? dst ([^:\s]+):([0-9A-Fa-f:.]+)(?:\/(\d{1,5}))?(?:\([^)]*\))?(?: \(type \d+, code \d+\))? by access-group "([^"]*)"/
// ASA 106001: `Inbound TCP connection denied from 198.51.100.7/51234 to 10.0.0.5/22 flags SYN  on interface outside`
const ASA_106001 =
  /^Inbound (TCP|UDP) connection denied from ([0-9A-Fa-f:.]+)\/(\d{1,5}) to ([0-9A-Fa-f:.]+)\/(\d{1,5}) flags .*? on interface (\S+)$/
// ASA 605004: `Login denied from 198.51.100.7/51234 to outside:10.0.0.1/ssh for user "admin"`
const ASA_605004 =
  /^Login denied from ([0-9A-Fa-f:.]+)\/(\d{1,5}) to ([^:\s]+):([0-9A-Fa-f:.]+)\/(\S+) for user "([^"]*)"/

/**
 * Categorises the Cisco message whose `%` is at `at` in `message`. Returns false, changing
 * nothing, for a mnemonic not listed or text that does not match its format.
 * @example categoriseCisco(event, '%LINK-3-UPDOWN: Interface Gi0/1, changed state to down', 0) // true
 */
export function categoriseCisco(event: SentinelEvent, message: string, at: number): boolean {
  // `%FACILITY-N-MNEMONIC: `, read by hand: every Cisco line passes here, and the busiest (ASA
  // 302013/302014 connection built/teardown) must be turned away for the price of two indexOf.
  const dash = message.indexOf('-', at + 2)
  if (dash < 0 || dash > at + 33) return false
  const severity = message.charCodeAt(dash + 1)
  if (severity < 48 || severity > 55 || message.charCodeAt(dash + 2) !== 45 /* - */) return false
  const colon = message.indexOf(': ', dash + 3)
  if (colon < 0 || colon > dash + 48) return false
  const facility = message.slice(at + 1, dash)
  const recognise = recogniserOf(facility, message.slice(dash + 3, colon))
  if (recognise === undefined) return false
  // ASA and FTD messages are known by their number alone (`106023`), as Cisco documents them.
  const code =
    facility === 'ASA' || facility === 'FTD' ? message.slice(dash + 3, colon) : message.slice(at + 1, colon)
  return recognise(event, message.slice(colon + 2), code)
}

type Recogniser = (event: SentinelEvent, text: string, code: string) => boolean

function recogniserOf(facility: string, mnemonic: string): Recogniser | undefined {
  switch (facility) {
    case 'SEC_LOGIN':
      return mnemonic === 'LOGIN_FAILED' || mnemonic === 'LOGIN_SUCCESS' ? secLogin : undefined
    case 'SYS':
      return mnemonic === 'CONFIG_I' ? iosConfigured : undefined
    case 'VSHD':
      return mnemonic === 'VSHD_SYSLOG_CONFIG_I' ? nxosConfigured : undefined
    case 'LINK':
    case 'LINEPROTO':
      return mnemonic === 'UPDOWN' ? iosLink : undefined
    case 'ETHPORT':
      return mnemonic === 'IF_UP' || IF_DOWN.test(mnemonic) ? nxosLink : undefined
    case 'ASA':
    case 'FTD':
      if (mnemonic === '106023') return accessGroupDeny
      if (mnemonic === '106001') return inboundDeny
      return mnemonic === '605004' ? loginDenied : undefined
    default:
      return undefined
  }
}

function secLogin(event: SentinelEvent, text: string, code: string): boolean {
  const m = SEC_LOGIN.exec(text)
  if (m === null) return false
  const failed = text.startsWith('Login failed')
  if (failed !== code.endsWith('LOGIN_FAILED')) return false
  categorise(event, failed ? CATEGORISATIONS.deviceLoginFailure : CATEGORISATIONS.deviceLoginSuccess, code)
  setUserName(event, m[1])
  setEndpoint(event, 'source', m[2], undefined)
  setEndpoint(event, 'destination', undefined, m[3]) // the device's own port the login came to
  if (m[4] !== undefined && m[4] !== '') (event.event ??= {}).reason = m[4]
  return true
}

function iosConfigured(event: SentinelEvent, text: string, code: string): boolean {
  return configured(event, CONFIG_I.exec(text), code)
}

function nxosConfigured(event: SentinelEvent, text: string, code: string): boolean {
  return configured(event, NXOS_CONFIG_I.exec(text), code)
}

function configured(event: SentinelEvent, m: RegExpExecArray | null, code: string): boolean {
  if (m === null) return false
  const by = m[1] ?? ''
  const from = m[2]
  const fromLine = from !== undefined && LINE_NAME.test(from) // NX-OS `on console0`
  if (from !== undefined && !fromLine && !isPeerAddress(from)) return false
  categorise(event, CATEGORISATIONS.configChange, code)
  // Without AAA, IOS names the line (`by vty0`) instead of a user.
  if (!LINE_NAME.test(by)) setUserName(event, by)
  if (!fromLine) setEndpoint(event, 'source', from, undefined)
  return true
}

function iosLink(event: SentinelEvent, text: string, code: string): boolean {
  return link(event, UPDOWN.exec(text), code)
}

function nxosLink(event: SentinelEvent, text: string, code: string): boolean {
  return link(event, NXOS_IF.exec(text), code)
}

function link(event: SentinelEvent, m: RegExpExecArray | null, code: string): boolean {
  if (m === null) return false
  categorise(event, m[2] === 'up' ? CATEGORISATIONS.linkUp : CATEGORISATIONS.linkDown, code)
  setObserverInterface(event, 'ingress', m[1])
  return true
}

function accessGroupDeny(event: SentinelEvent, text: string, code: string): boolean {
  const m = ASA_106023.exec(text)
  if (m === null) return false
  if (!bothIps(m[3], m[6])) return false
  categorise(event, CATEGORISATIONS.connectionDenied, code)
  setEndpoint(event, 'source', m[3], m[4])
  setEndpoint(event, 'destination', m[6], m[7])
  setTransport(event, m[1] ?? '')
  setObserverInterface(event, 'ingress', m[2])
  setObserverInterface(event, 'egress', m[5])
  if (m[8] !== undefined && m[8] !== '') (event.rule ??= {}).name = m[8]
  return true
}

function inboundDeny(event: SentinelEvent, text: string, code: string): boolean {
  const m = ASA_106001.exec(text)
  if (m === null) return false
  if (!bothIps(m[2], m[4])) return false
  categorise(event, CATEGORISATIONS.connectionDenied, code)
  setEndpoint(event, 'source', m[2], m[3])
  setEndpoint(event, 'destination', m[4], m[5])
  setTransport(event, m[1] ?? '')
  setObserverInterface(event, 'ingress', m[6])
  return true
}

function loginDenied(event: SentinelEvent, text: string, code: string): boolean {
  const m = ASA_605004.exec(text)
  if (m === null) return false
  if (!bothIps(m[1], m[4])) return false
  categorise(event, CATEGORISATIONS.deviceLoginFailure, code)
  setEndpoint(event, 'source', m[1], m[2])
  setEndpoint(event, 'destination', m[4], undefined)
  const service = m[5] ?? ''
  if (service.charCodeAt(0) >= 48 && service.charCodeAt(0) <= 57)
    setEndpoint(event, 'destination', undefined, service)
  else (event.network ??= {}).protocol = service.toLowerCase() // ASA names the service: ssh, telnet, https
  setObserverInterface(event, 'ingress', m[3])
  setUserName(event, m[6])
  return true
}

/** ASA writes addresses, never names, in these messages: anything else is not one of them. */
function bothIps(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && isIP(a) !== 0 && isIP(b) !== 0
}
