/** @module Benchmark messages: realistic ~300-byte RFC 5424 and RFC 3164 lines that vary per message. */

const HOSTS = [
  'fw-edge-01.example.net',
  'core-sw-02.example.net',
  'web-03.example.net',
  'vpn-gw-01.example.net',
]
const USERS = ['admin', 'alice', 'root', 'oracle', 'svc-backup']

/** A ~300-byte RFC 5424 message with structured data. */
export function rfc5424Message(n: number, now: Date): string {
  const host = HOSTS[n % HOSTS.length] ?? 'host'
  const ip = `203.0.${(n >> 8) & 255}.${n & 255}`
  return (
    `<165>1 ${now.toISOString()} ${host} firewall ${1000 + (n % 9000)} TRAFFIC ` +
    `[origin@32473 ip="10.1.${n % 250}.1" software="pan-os" swVersion="10.2.3"][meta sequenceId="${n}"] ` +
    `Accepted tcp connection from ${ip}:${1024 + (n % 60000)} to 10.1.2.10:443 rule=allow-web ` +
    `bytes=${(n * 7919) % 100000} packets=${n % 97} session=${8_000_000 + n} app=ssl user=${USERS[n % USERS.length] ?? ''}`
  )
}

/** A ~300-byte RFC 3164 message (sshd style). */
export function rfc3164Message(n: number, now: Date): string {
  const month = now.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })
  const stamp = `${month} ${String(now.getUTCDate()).padStart(2, ' ')} ${now.toISOString().slice(11, 19)}`
  const host = HOSTS[n % HOSTS.length] ?? 'host'
  return (
    `<38>${stamp} ${host} sshd[${2000 + (n % 30000)}]: Failed password for invalid user ` +
    `${USERS[n % USERS.length] ?? ''} from 198.51.${(n >> 8) & 255}.${n & 255} port ${1024 + (n % 60000)} ssh2; ` +
    `attempt=${n % 7} session=${9_000_000 + n} policy=lockout-after-5 client="OpenSSH_9.6p1 Ubuntu-3ubuntu13.5" kex=curve25519-sha256 cipher=aes256-gcm mac=implicit auth=password pam_service=sshd`
  )
}
