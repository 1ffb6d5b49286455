/**
 * @module Demo traffic: a realistic mix of what network and security devices send (sshd and sudo,
 * a Cisco ASA, a Palo Alto-style CEF firewall, QRadar-style LEEF, RFC 5424 apps with structured
 * data, JSON app logs), including the occasional malformed line a real network produces.
 */

const HOSTS = ['fw-edge-01', 'core-sw-02', 'web-03', 'db-01', 'vpn-gw-01']
const USERS = ['root', 'admin', 'alice', 'bob', 'oracle', 'test']
const ATTACKERS = ['203.0.113.7', '198.51.100.23', '192.0.2.77']
const INTERNAL = ['10.1.2.10', '10.1.2.11', '10.1.3.20', '10.1.4.5']

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length] as T
}

function rfc3164Stamp(date: Date): string {
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })
  const day = String(date.getUTCDate()).padStart(2, ' ')
  return `${month} ${day} ${date.toISOString().slice(11, 19)}`
}

/** The n-th demo message (deterministic for a given n and clock). */
export function demoMessage(n: number, now: Date = new Date()): string {
  const stamp = rfc3164Stamp(now)
  const iso = now.toISOString()
  const attacker = pick(ATTACKERS, n >> 3)
  const inside = pick(INTERNAL, n)
  const port = 1024 + ((n * 7919) % 60000)
  switch (n % 10) {
    case 0:
    case 1:
      return `<38>${stamp} ${pick(HOSTS, 2)} sshd[${2000 + (n % 500)}]: Failed password for invalid user ${pick(USERS, n)} from ${attacker} port ${port} ssh2`
    case 2:
      return `<86>${stamp} ${pick(HOSTS, 3)} sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`
    case 3:
      return `<166>${stamp} ${pick(HOSTS, 0)} %ASA-6-302013: Built outbound TCP connection ${n} for outside:${attacker}/443 (${attacker}/443) to inside:${inside}/${port} (${inside}/${port})`
    case 4:
      return `<164>${stamp} ${pick(HOSTS, 0)} %ASA-4-106023: Deny tcp src outside:${attacker}/${port} dst inside:${inside}/22 by access-group "outside_in" [0x0, 0x0]`
    case 5:
      return `<134>1 ${iso} ${pick(HOSTS, 0)} PAN-OS - - - CEF:0|Palo Alto Networks|PAN-OS|10.2.3|TRAFFIC|deny|6|rt=${now.getTime()} src=${attacker} dst=${inside} spt=${port} dpt=3389 proto=TCP act=deny cs1Label=Rule cs1=block-rdp suser=unknown`
    case 6:
      return `<13>${stamp} ${pick(HOSTS, 4)} LEEF:2.0|IBM|QRadar|7.5|AuthFailure|^|src=${attacker}^dst=${inside}^usrName=${pick(USERS, n)}^sev=7^cat=authentication`
    case 7:
      return `<165>1 ${iso} ${pick(HOSTS, 2)} nginx 812 ACCESS [meta@32473 status="404" bytes="512"] GET /wp-login.php from ${attacker}`
    case 8:
      return `{"@timestamp":"${iso}","level":"error","host":"${pick(HOSTS, 3)}","message":"connection pool exhausted","pool":"orders","waiters":${n % 50}}`
    default:
      // One malformed line in a hundred: an unterminated structured-data element.
      return n % 100 === 99
        ? `<165>1 ${iso} ${pick(HOSTS, 1)} app - - [broken@1 key="value`
        : `<189>${stamp} ${pick(HOSTS, 1)} %LINK-3-UPDOWN: Interface GigabitEthernet0/${n % 48}, changed state to ${n % 20 === 9 ? 'down' : 'up'}`
  }
}
