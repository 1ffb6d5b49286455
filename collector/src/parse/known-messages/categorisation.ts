/**
 * @module The ECS categorisations the known-message recognisers give, in one table, and the helpers
 * that write them and the entity fields (user, endpoints, interfaces) those messages carry. Every
 * category, type and outcome here is an ECS allowed value; a test checks them against @elastic/ecs.
 */
import { isIP } from 'node:net'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import type { Endpoint } from '../network-fields.js'
import { addRelatedUser, isHostName, setEndpointAddress, setEndpointPort } from '../network-fields.js'

/** What one kind of message says, in ECS terms. */
export interface Categorisation {
  /** `event.action`: a stable kebab-case name, the same across vendors for the same thing. */
  readonly action: string
  readonly category: readonly string[]
  readonly type: readonly string[]
  readonly outcome?: 'success' | 'failure'
}

const authentication = (
  action: string,
  type: 'start' | 'info',
  outcome: 'success' | 'failure',
): Categorisation => ({ action, category: ['authentication'], type: [type], outcome })

/**
 * Every categorisation the recognisers set. Login attempts proper (one per attempt: OpenSSH
 * `Failed`/`Accepted`, a device's own login record) are `authentication`/`start`; the other records
 * of the same attempt (invalid user, PAM, disconnects) are `info`, so a count of `start` failures
 * counts attempts once. Firewall denies follow the ECS categorisation guide: `connection` +
 * `denied`, and `outcome: success` because the firewall did what it was configured to do.
 */
export const CATEGORISATIONS = {
  sshLoginFailure: authentication('ssh-login', 'start', 'failure'),
  sshLoginSuccess: authentication('ssh-login', 'start', 'success'),
  sshInvalidUser: authentication('ssh-invalid-user', 'info', 'failure'),
  sshAuthAbandoned: authentication('ssh-auth-abandoned', 'info', 'failure'),
  sshMaxAuthAttempts: authentication('ssh-max-auth-attempts', 'info', 'failure'),
  pamAuthFailure: authentication('pam-auth-failure', 'info', 'failure'),
  sudoAuthFailure: authentication('sudo-auth-failure', 'info', 'failure'),
  deviceLoginFailure: authentication('device-login', 'start', 'failure'),
  deviceLoginSuccess: authentication('device-login', 'start', 'success'),
  configChange: { action: 'config-change', category: ['configuration'], type: ['change'] },
  // Same categorisation as the linkDown/linkUp SNMP traps (snmp-trap-names.ts).
  linkDown: { action: 'link-down', category: ['network'], type: ['info'] },
  linkUp: { action: 'link-up', category: ['network'], type: ['info'] },
  connectionDenied: {
    action: 'connection-denied',
    category: ['network'],
    type: ['connection', 'denied'],
    outcome: 'success',
  },
  connectionAllowed: {
    action: 'connection-allowed',
    category: ['network'],
    type: ['connection', 'allowed'],
    outcome: 'success',
  },
} as const satisfies Record<string, Categorisation>

/**
 * Writes `event.category`, `event.type`, `event.action`, `event.outcome` and, when given, the
 * vendor's own message id as `event.code`. Arrays are copied: events are mutated downstream.
 */
export function categorise(event: SentinelEvent, what: Categorisation, code?: string): void {
  const ev = (event.event ??= {})
  ev.category = [...what.category]
  ev.type = [...what.type]
  ev.action = what.action
  if (what.outcome !== undefined) ev.outcome = what.outcome
  if (code !== undefined) ev.code = code
}

/** True for what sshd, PAM or a device may write where a peer goes: an IP address or a host name. */
export function isPeerAddress(value: string): boolean {
  return isIP(value) !== 0 || isHostName(value)
}

/** `user.name` and `related.user`; an empty name (sshd logs `for  from` for an empty login) is skipped. */
export function setUserName(event: SentinelEvent, name: string | undefined): void {
  if (name === undefined || name === '') return
  ;(event.user ??= {}).name = name
  addRelatedUser(event, name)
}

/** `<endpoint>.ip` (or `.domain`) and `<endpoint>.port`, each only when valid. */
export function setEndpoint(
  event: SentinelEvent,
  endpoint: Endpoint,
  address: string | undefined,
  port: string | undefined,
): void {
  if (address !== undefined) setEndpointAddress(event, endpoint, address)
  if (port !== undefined) setEndpointPort(event, endpoint, port)
}

/**
 * `observer.ingress` / `observer.egress` interface name (and ifIndex as `interface.id`) and zone,
 * the fields the SNMP trap parser also fills.
 */
export function setObserverInterface(
  event: SentinelEvent,
  direction: 'ingress' | 'egress',
  name: string | undefined,
  id?: string,
  zone?: string,
): void {
  const hasName = name !== undefined && name !== ''
  if (!hasName && id === undefined && (zone === undefined || zone === '')) return
  const observer = (event.observer ??= {})
  const side = (observer[direction] ??= {})
  if (hasName || id !== undefined) {
    const iface: Record<string, string> = {}
    if (id !== undefined) iface.id = id
    if (hasName) iface.name = name
    side.interface = iface
  }
  if (zone !== undefined && zone !== '') side.zone = zone
}

/** Verdict words firewalls write in CEF `act`, LEEF `action`, and log prefixes. */
const DENY_WORDS = new Set([
  'deny',
  'denied',
  'drop',
  'dropped',
  'block',
  'blocked',
  'reject',
  'rejected',
  'reset-client',
  'reset-server',
  'reset-both',
])
const ALLOW_WORDS = new Set(['allow', 'allowed', 'accept', 'accepted', 'permit', 'permitted', 'pass'])

/**
 * The firewall verdict a CEF `act` / LEEF `action` value states, matched as a whole word (any case),
 * so free text such as `blocked by policy X` is left alone.
 * @example firewallVerdict('DROP') // 'denied'
 */
export function firewallVerdict(value: string): 'denied' | 'allowed' | undefined {
  if (value.length > 12) return undefined
  const word = value.toLowerCase()
  if (DENY_WORDS.has(word)) return 'denied'
  if (ALLOW_WORDS.has(word)) return 'allowed'
  return undefined
}

/**
 * Categorises a CEF/LEEF event whose own action field states a firewall verdict, when it describes
 * a connection (addresses, ports or transport are set). Keeps the vendor's `event.action` and a
 * stated `event.outcome`; a deny without one is a `success` for the firewall (ECS guide).
 */
export function categoriseVerdict(event: SentinelEvent, action: string): void {
  const verdict = firewallVerdict(action)
  if (verdict === undefined) return
  if (event.source === undefined && event.destination === undefined && event.network === undefined) return
  const ev = (event.event ??= {})
  if (ev.category !== undefined) return
  const what = verdict === 'denied' ? CATEGORISATIONS.connectionDenied : CATEGORISATIONS.connectionAllowed
  ev.category = [...what.category]
  ev.type = [...what.type]
  ev.outcome ??= what.outcome
}
