/**
 * @module Known syslog messages into ECS: recognises the well-known network and security records in
 * RFC 3164 / RFC 5424 messages (OpenSSH, PAM, sudo, Cisco IOS/NX-OS/ASA, Junos, netfilter) and sets
 * `event.category`/`type`/`outcome`/`action` and the entities they name (user, source, destination,
 * interface). It runs on every syslog event, so dispatch is on cheap facts first: the APP-NAME, then
 * the first character of the message; a line reaches at most one anchored regular expression.
 */
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { categoriseCisco } from './cisco.js'
import { categoriseJunos } from './junos.js'
import { categoriseOpenSsh, categorisePam, categoriseSudo } from './linux-auth.js'
import { categoriseNetfilter } from './netfilter.js'

export { CATEGORISATIONS } from './categorisation.js'

/** Longer messages are no known record (all are well under 1 KiB); this bounds the regex work. */
const MAX_MESSAGE_LENGTH = 4096

/** How far into a message a Cisco `%` is looked for behind an unabsorbed sequence number and stamp. */
const MAX_CISCO_PREFIX = 128

/**
 * Adds ECS categorisation and entity fields to a parsed syslog event whose message is a known
 * record. Only adds fields: what the syslog parser set is left as it was. Never throws.
 * @example
 * // <38>Nov 21 10:00:00 fw1 sshd[123]: Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2
 * categoriseKnownMessage(event)
 * event.event?.category // ['authentication'], with outcome 'failure', source.ip and user.name
 */
export function categoriseKnownMessage(event: SentinelEvent): void {
  const message = event.message
  if (message !== undefined && message.length > MAX_MESSAGE_LENGTH) return
  const syslog = event.log?.syslog
  const app = syslog?.appname
  if (app !== undefined && syslog !== undefined) {
    switch (app) {
      case 'sshd':
        // Junos sshd also writes OpenSSH's own lines; its tagged ones carry a MSGID or `TAG: `.
        if (message !== undefined && categoriseOpenSsh(event, message)) return
        if (categoriseJunos(event, app, message, syslog)) return
        break // PAM lines
      case 'sudo':
        if (message !== undefined && categoriseSudo(event, message)) return
        break // PAM lines
      case 'kernel':
        if (message !== undefined) categoriseNetfilter(event, message)
        return
      case 'mgd':
      case 'mib2d':
      case 'RT_FLOW':
        categoriseJunos(event, app, message, syslog)
        return
    }
  }
  if (message === undefined || message.length === 0) return
  const first = message.charCodeAt(0)
  if (first === 37 /* % */) {
    categoriseCisco(event, message, 0)
    return
  }
  if (first === 112 /* p */) {
    if (message.startsWith('pam_')) categorisePam(event, message)
    return
  }
  // A Cisco sequence number or stamp the syslog header did not absorb: `*Mar  1 00:01:02: %...`,
  // `: 2026 Nov 21 ... UTC: %...` (NX-OS), or one read as the TAG (`router1 123: *Mar ...: %...`).
  const appDigit = app !== undefined && app.charCodeAt(0) >= 48 && app.charCodeAt(0) <= 57
  if (
    appDigit ||
    first === 42 /* * */ ||
    first === 46 /* . */ ||
    first === 58 /* : */ ||
    (first >= 48 && first <= 57)
  ) {
    const at = message.indexOf('%')
    if (at > 0 && at < MAX_CISCO_PREFIX) categoriseCisco(event, message, at)
  }
}
