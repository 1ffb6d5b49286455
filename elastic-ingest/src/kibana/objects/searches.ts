/** @module Sentinel's saved searches: the questions an operator asks first. */
import { savedSearch } from '../build/saved-search.js'
import { shippedAnomalyObjects } from './anomalies.js'
import { ALERTS, ALL_LOGS, SNMP_TRAPS, SYSLOG } from './data-views.js'

/**
 * sshd/PAM failures by message text; CEF/LEEF events whose action names a failed login; and any
 * event with `event.outcome: failure` that names a user (CEF `outcome`, `suser`/`duser`).
 */
export const AUTH_FAILURES = savedSearch({
  id: 'sentinel-search-auth-failures',
  title: 'Sentinel: authentication failures',
  description: 'sshd "Failed password"/"Invalid user", PAM authentication failures, CEF/LEEF failed logins.',
  dataView: SYSLOG,
  query: [
    'message: "Failed password"',
    'message: "Invalid user"',
    'message: "authentication failure"',
    'event.action: ("Failed Login" or "Login Failed" or "LoginFailure" or "Authentication Failed" or "logon-failure")',
    '(event.outcome: "failure" and (user.name: * or source.user.name: * or destination.user.name: *))',
  ].join(' or '),
  columns: ['host.name', 'source.ip', 'user.name', 'source.user.name', 'event.action', 'message'],
})

/** CEF `act=deny`/LEEF `cat`, and Cisco ASA %ASA-4-106023 ("Deny ... by access-group"). */
export const FIREWALL_DENIES = savedSearch({
  id: 'sentinel-search-firewall-denies',
  title: 'Sentinel: firewall denies by source',
  description:
    'Denied or dropped connections (CEF act, LEEF cat, Cisco ASA 106023), sorted by source address.',
  dataView: SYSLOG,
  query: [
    'event.action: ("deny" or "Deny" or "denied" or "drop" or "Drop" or "blocked" or "reject")',
    'message: "ASA-4-106023"',
  ].join(' or '),
  columns: ['source.ip', 'destination.ip', 'destination.port', 'observer.product', 'event.action'],
  sort: [
    ['source.ip', 'asc'],
    ['@timestamp', 'desc'],
  ],
})

export const SNMP_TRAP_SEARCH = savedSearch({
  id: 'sentinel-search-snmp-traps',
  title: 'Sentinel: SNMP traps',
  description: 'Every SNMP trap and inform received, newest first.',
  dataView: SNMP_TRAPS,
  query: '',
  columns: ['host.name', 'event.action', 'message'],
})

export const ALERT_HISTORY = savedSearch({
  id: 'sentinel-search-alerts',
  title: 'Sentinel: alerts',
  description: 'Every alert Sentinel raised (also sent to Alertmanager), newest first.',
  dataView: ALERTS,
  query: '',
  columns: ['rule.name', 'rule.id', 'host.name', 'message'],
})

/** Records a parser could not fully read: kept as events with `error.code` and `event.original`. */
export const PARSE_ERRORS = savedSearch({
  id: 'sentinel-search-parse-errors',
  title: 'Sentinel: parse errors',
  description:
    'Records that failed to parse (event.kind: pipeline_error), with the error and the original text.',
  dataView: ALL_LOGS,
  query: 'event.kind: "pipeline_error"',
  columns: ['sentinel.source_id', 'error.code', 'error.message', 'event.original'],
})

const anomalies = shippedAnomalyObjects().search

export const SEARCHES = [
  AUTH_FAILURES,
  FIREWALL_DENIES,
  SNMP_TRAP_SEARCH,
  ...(anomalies !== undefined ? [anomalies] : []),
  ALERT_HISTORY,
  PARSE_ERRORS,
]
