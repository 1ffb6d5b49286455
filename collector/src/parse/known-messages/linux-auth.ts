/**
 * @module Linux authentication records: OpenSSH `sshd` (the `auth.c`/`auth2.c` log lines of
 * OpenSSH 7 and later), `pam_unix`-style "authentication failure" lines of any PAM service, and
 * sudo's "incorrect password attempts". Each recogniser is one anchored regular expression, reached
 * only after a first-character check, and writes nothing unless the whole line matched.
 */
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { parsePort } from '../network-fields.js'
import { CATEGORISATIONS, categorise, isPeerAddress, setEndpoint, setUserName } from './categorisation.js'
import type { Categorisation } from './categorisation.js'

// `Failed password for [invalid user ]USER from HOST port N ssh2[: KEY FINGERPRINT]`
const SSH_LOGIN =
  /^(Accepted|Failed) (?:password|publickey|keyboard-interactive(?:\/pam)?|hostbased|gssapi-with-mic|none) for (invalid user )?(.*?) from (\S+) port (\d{1,5}) ssh2\b/
// `Invalid user USER from HOST[ port N]`
const SSH_INVALID_USER = /^Invalid user (.*?) from (\S+)(?: port (\d{1,5}))?$/
// `Connection closed by authenticating user USER HOST port N [preauth]`, also `Disconnected from`
// and `invalid user`: the client left before authenticating.
const SSH_ABANDONED =
  /^(?:Connection closed by|Disconnected from) (?:authenticating|invalid) user (.*?) (\S+) port (\d{1,5}) \[preauth\]$/
// `error: maximum authentication attempts exceeded for [invalid user ]USER from HOST port N ssh2 [preauth]`
const SSH_MAX_ATTEMPTS =
  /^(?:error: )?maximum authentication attempts exceeded for (?:invalid user )?(.*?) from (\S+) port (\d{1,5}) ssh2(?: \[preauth\])?$/
// `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=HOST  user=USER`
const PAM_AUTH_FAILURE =
  /^pam_[a-z0-9_]+\([^():\s]+:auth\): authentication failure; logname=\S* uid=\d+ euid=\d+ tty=\S* ruser=\S* rhost=(\S*)(?:\s+user=(\S+))?$/
// `alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls`
const SUDO_AUTH_FAILURE = /^\s*(\S+) : \d+ incorrect password attempts? ; /

/**
 * Categorises an OpenSSH `sshd` line (login accepted or failed, invalid user, abandoned or
 * exhausted authentication). Returns false, changing nothing, for any other line.
 * @example categoriseOpenSsh(event, 'Failed password for root from 203.0.113.7 port 4242 ssh2') // true
 */
export function categoriseOpenSsh(event: SentinelEvent, message: string): boolean {
  switch (message.charCodeAt(0)) {
    case 65 /* A */:
    case 70 /* F */: {
      const m = SSH_LOGIN.exec(message)
      if (m === null || !isPeer(m[4], m[5])) return false
      const ok = m[1] === 'Accepted'
      return login(
        event,
        ok ? CATEGORISATIONS.sshLoginSuccess : CATEGORISATIONS.sshLoginFailure,
        m[3],
        m[4],
        m[5],
      )
    }
    case 73 /* I */: {
      const m = SSH_INVALID_USER.exec(message)
      if (m === null || !isPeer(m[2], m[3])) return false
      return login(event, CATEGORISATIONS.sshInvalidUser, m[1], m[2], m[3])
    }
    case 67 /* C */:
    case 68 /* D */: {
      const m = SSH_ABANDONED.exec(message)
      if (m === null || !isPeer(m[2], m[3])) return false
      return login(event, CATEGORISATIONS.sshAuthAbandoned, m[1], m[2], m[3])
    }
    case 101 /* e */:
    case 109 /* m */: {
      const m = SSH_MAX_ATTEMPTS.exec(message)
      if (m === null || !isPeer(m[2], m[3])) return false
      return login(event, CATEGORISATIONS.sshMaxAuthAttempts, m[1], m[2], m[3])
    }
    default:
      return false
  }
}

/**
 * Categorises a PAM module's `authentication failure;` line, whatever the service (sshd, sudo,
 * login, su, ...). `rhost` becomes `source.ip` when it is an address, `source.domain` when a name.
 * @example categorisePam(event, 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root')
 */
export function categorisePam(event: SentinelEvent, message: string): boolean {
  // Session lines (`pam_unix(cron:session): session opened ...`) are the bulk: `:auth): ` or nothing.
  const close = message.indexOf('): ', 5)
  if (close < 0 || close > 96 || !message.startsWith(':auth', close - 5)) return false
  const m = PAM_AUTH_FAILURE.exec(message)
  if (m === null) return false
  const rhost = m[1] ?? ''
  if (rhost !== '' && !isPeerAddress(rhost)) return false
  return login(event, CATEGORISATIONS.pamAuthFailure, m[2], rhost === '' ? undefined : rhost, undefined)
}

/**
 * Categorises sudo's `USER : N incorrect password attempts ; TTY=...` line.
 * @example categoriseSudo(event, 'alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls')
 */
export function categoriseSudo(event: SentinelEvent, message: string): boolean {
  const m = SUDO_AUTH_FAILURE.exec(message)
  if (m === null) return false
  return login(event, CATEGORISATIONS.sudoAuthFailure, m[1], undefined, undefined)
}

/** sshd writes an address (or, with `UseDNS yes`, a name) and a real port: anything else is no sshd line. */
function isPeer(host: string | undefined, port: string | undefined): boolean {
  return host !== undefined && isPeerAddress(host) && (port === undefined || parsePort(port) >= 0)
}

function login(
  event: SentinelEvent,
  what: Categorisation,
  user: string | undefined,
  host: string | undefined,
  port: string | undefined,
): true {
  categorise(event, what)
  setUserName(event, user)
  setEndpoint(event, 'source', host, port)
  return true
}
