/**
 * @module Test support: known syslog records as their senders write them, each with the ECS fields
 * the categoriser must give it, and look-alikes it must leave alone. Shared by the tests beside the
 * recognisers and the field-coverage corpus (test/contract/ecs-field-coverage.test.ts).
 */

/** The ECS groups a sample's expectation names; `event` lists only the categorisation keys. */
export interface ExpectedEcs {
  event: {
    category: string[]
    type: string[]
    action: string
    outcome?: string
    code?: string
    reason?: string
  }
  source?: Record<string, unknown>
  destination?: Record<string, unknown>
  user?: Record<string, unknown>
  related?: Record<string, unknown>
  observer?: Record<string, unknown>
  network?: Record<string, unknown>
  rule?: Record<string, unknown>
}

export interface KnownMessageSample {
  /** The sender and message, as a test name. */
  name: string
  line: string
  expected: ExpectedEcs
}

const authFailure = (action: string, type = 'start') => ({
  category: ['authentication'],
  type: [type],
  action,
  outcome: 'failure',
})
const denied = {
  category: ['network'],
  type: ['connection', 'denied'],
  action: 'connection-denied',
  outcome: 'success',
}

export const LINUX_AUTH_SAMPLES: readonly KnownMessageSample[] = [
  {
    name: 'OpenSSH: failed password for an invalid user',
    line: '<38>Nov 21 10:00:00 fw1 sshd[123]: Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2',
    expected: {
      event: authFailure('ssh-login'),
      source: { ip: '203.0.113.7', port: 4242 },
      user: { name: 'admin' },
      related: { ip: ['203.0.113.7'], user: ['admin'] },
    },
  },
  {
    name: 'OpenSSH: failed password for an existing user, from IPv6',
    line: '<38>Nov 21 10:00:00 bastion sshd[2211]: Failed password for root from 2001:db8::7 port 50022 ssh2',
    expected: {
      event: authFailure('ssh-login'),
      source: { ip: '2001:db8::7', port: 50022 },
      user: { name: 'root' },
      related: { ip: ['2001:db8::7'], user: ['root'] },
    },
  },
  {
    name: 'OpenSSH: failed publickey, with the key fingerprint',
    line: '<38>Nov 21 10:00:00 git-01 sshd[3100]: Failed publickey for git from 198.51.100.23 port 40022 ssh2: RSA SHA256:Yp0Zr2mbcbI5hL3k1Yq7wZ1f3PqKk4y8yR8m3b9QkXo',
    expected: {
      event: authFailure('ssh-login'),
      source: { ip: '198.51.100.23', port: 40022 },
      user: { name: 'git' },
      related: { ip: ['198.51.100.23'], user: ['git'] },
    },
  },
  {
    name: 'OpenSSH: accepted publickey',
    line: '<38>Nov 21 10:00:00 bastion sshd[4242]: Accepted publickey for alice from 192.0.2.44 port 52144 ssh2: ED25519 SHA256:4fPkq0mVb6vJxqZtIh1ZLxVd4Xc2E9qS2oY8l6nJp0A',
    expected: {
      event: { category: ['authentication'], type: ['start'], action: 'ssh-login', outcome: 'success' },
      source: { ip: '192.0.2.44', port: 52144 },
      user: { name: 'alice' },
      related: { ip: ['192.0.2.44'], user: ['alice'] },
    },
  },
  {
    name: 'OpenSSH over RFC 5424 (rsyslog forward): accepted password',
    line: '<38>1 2026-11-21T10:00:00.000Z bastion sshd 4243 - - Accepted password for bob from 192.0.2.45 port 52145 ssh2',
    expected: {
      event: { category: ['authentication'], type: ['start'], action: 'ssh-login', outcome: 'success' },
      source: { ip: '192.0.2.45', port: 52145 },
      user: { name: 'bob' },
      related: { ip: ['192.0.2.45'], user: ['bob'] },
    },
  },
  {
    name: 'OpenSSH: accepted keyboard-interactive/pam',
    line: '<38>Nov 21 10:00:00 bastion sshd[4244]: Accepted keyboard-interactive/pam for carol from 192.0.2.46 port 52146 ssh2',
    expected: {
      event: { category: ['authentication'], type: ['start'], action: 'ssh-login', outcome: 'success' },
      source: { ip: '192.0.2.46', port: 52146 },
      user: { name: 'carol' },
      related: { ip: ['192.0.2.46'], user: ['carol'] },
    },
  },
  {
    name: 'OpenSSH: invalid user',
    line: '<38>Nov 21 10:00:00 fw1 sshd[123]: Invalid user oracle from 203.0.113.7 port 4242',
    expected: {
      event: authFailure('ssh-invalid-user', 'info'),
      source: { ip: '203.0.113.7', port: 4242 },
      user: { name: 'oracle' },
      related: { ip: ['203.0.113.7'], user: ['oracle'] },
    },
  },
  {
    name: 'OpenSSH with UseDNS: invalid user from a host name',
    line: '<38>Nov 21 10:00:00 fw1 sshd[124]: Invalid user test from scanner.example.net port 4243',
    expected: {
      event: authFailure('ssh-invalid-user', 'info'),
      source: { domain: 'scanner.example.net', port: 4243 },
      user: { name: 'test' },
      related: { user: ['test'] },
    },
  },
  {
    name: 'OpenSSH: connection closed by authenticating user',
    line: '<38>Nov 21 10:00:00 fw1 sshd[125]: Connection closed by authenticating user root 203.0.113.7 port 4244 [preauth]',
    expected: {
      event: authFailure('ssh-auth-abandoned', 'info'),
      source: { ip: '203.0.113.7', port: 4244 },
      user: { name: 'root' },
      related: { ip: ['203.0.113.7'], user: ['root'] },
    },
  },
  {
    name: 'OpenSSH: disconnected from invalid user',
    line: '<38>Nov 21 10:00:00 fw1 sshd[126]: Disconnected from invalid user admin 203.0.113.7 port 4245 [preauth]',
    expected: {
      event: authFailure('ssh-auth-abandoned', 'info'),
      source: { ip: '203.0.113.7', port: 4245 },
      user: { name: 'admin' },
      related: { ip: ['203.0.113.7'], user: ['admin'] },
    },
  },
  {
    name: 'OpenSSH: maximum authentication attempts exceeded',
    line: '<35>Nov 21 10:00:00 fw1 sshd[127]: error: maximum authentication attempts exceeded for root from 203.0.113.7 port 4246 ssh2 [preauth]',
    expected: {
      event: authFailure('ssh-max-auth-attempts', 'info'),
      source: { ip: '203.0.113.7', port: 4246 },
      user: { name: 'root' },
      related: { ip: ['203.0.113.7'], user: ['root'] },
    },
  },
  {
    name: 'Linux PAM (sshd): authentication failure with rhost and user',
    line: '<85>Nov 21 10:00:00 bastion sshd[128]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root',
    expected: {
      event: authFailure('pam-auth-failure', 'info'),
      source: { ip: '203.0.113.7' },
      user: { name: 'root' },
      related: { ip: ['203.0.113.7'], user: ['root'] },
    },
  },
  {
    name: 'Linux PAM (sshd): unknown user, rhost a host name',
    line: '<85>Nov 21 10:00:00 bastion sshd[129]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=scanner.example.net',
    expected: {
      event: authFailure('pam-auth-failure', 'info'),
      source: { domain: 'scanner.example.net' },
    },
  },
  {
    name: 'Linux PAM (sudo): local failure, empty rhost',
    line: '<85>Nov 21 10:00:00 bastion sudo: pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
    expected: {
      event: authFailure('pam-auth-failure', 'info'),
      user: { name: 'alice' },
      related: { user: ['alice'] },
    },
  },
  {
    name: 'sudo: incorrect password attempts (user padded by sudo)',
    line: '<85>Nov 21 10:00:00 bastion sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
    expected: {
      event: authFailure('sudo-auth-failure', 'info'),
      user: { name: 'alice' },
      related: { user: ['alice'] },
    },
  },
  {
    name: 'sudo: one incorrect password attempt',
    line: '<85>Nov 21 10:00:00 bastion sudo: bob : 1 incorrect password attempt ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash',
    expected: {
      event: authFailure('sudo-auth-failure', 'info'),
      user: { name: 'bob' },
      related: { user: ['bob'] },
    },
  },
]

export const CISCO_SAMPLES: readonly KnownMessageSample[] = [
  {
    name: 'Cisco IOS with sequence number: SEC_LOGIN-4-LOGIN_FAILED',
    line: '<188>123: *Mar  1 00:01:02.345: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: admin] [Source: 10.1.1.1] [localport: 22] [Reason: Login Authentication Failed] at 10:00:00 UTC Mon Nov 21 2026',
    expected: {
      event: {
        ...authFailure('device-login'),
        code: 'SEC_LOGIN-4-LOGIN_FAILED',
        reason: 'Login Authentication Failed',
      },
      source: { ip: '10.1.1.1' },
      destination: { port: 22 },
      user: { name: 'admin' },
      related: { ip: ['10.1.1.1'], user: ['admin'] },
    },
  },
  {
    name: 'Cisco IOS-XE: SEC_LOGIN-5-LOGIN_SUCCESS',
    line: '<189>124: Nov 21 10:00:00.123 UTC: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 10.1.1.2] [localport: 22] at 10:00:00 UTC Sat Nov 21 2026',
    expected: {
      event: {
        category: ['authentication'],
        type: ['start'],
        action: 'device-login',
        outcome: 'success',
        code: 'SEC_LOGIN-5-LOGIN_SUCCESS',
      },
      source: { ip: '10.1.1.2' },
      destination: { port: 22 },
      user: { name: 'netops' },
      related: { ip: ['10.1.1.2'], user: ['netops'] },
    },
  },
  {
    name: 'Cisco IOS: SYS-5-CONFIG_I by a user on a vty',
    line: '<189>125: Nov 21 10:00:01.456 UTC: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.1.1)',
    expected: {
      event: {
        category: ['configuration'],
        type: ['change'],
        action: 'config-change',
        code: 'SYS-5-CONFIG_I',
      },
      source: { ip: '10.1.1.1' },
      user: { name: 'admin' },
      related: { ip: ['10.1.1.1'], user: ['admin'] },
    },
  },
  {
    name: 'Cisco IOS without AAA: SYS-5-CONFIG_I names the line, not a user',
    line: '<189>126: Nov 21 10:00:01.456 UTC: %SYS-5-CONFIG_I: Configured from console by vty1 (10.1.1.9)',
    expected: {
      event: {
        category: ['configuration'],
        type: ['change'],
        action: 'config-change',
        code: 'SYS-5-CONFIG_I',
      },
      source: { ip: '10.1.1.9' },
      related: { ip: ['10.1.1.9'] },
    },
  },
  {
    name: 'Cisco IOS with a syslog header: SYS-5-CONFIG_I from the console',
    line: '<189>Nov 21 10:17:01 core-sw-02 %SYS-5-CONFIG_I: Configured from console by console',
    expected: {
      event: {
        category: ['configuration'],
        type: ['change'],
        action: 'config-change',
        code: 'SYS-5-CONFIG_I',
      },
    },
  },
  {
    name: 'Cisco NX-OS: VSHD-5-VSHD_SYSLOG_CONFIG_I',
    line: '<189>: 2026 Nov 21 10:00:00 UTC: %VSHD-5-VSHD_SYSLOG_CONFIG_I: Configured from vty by admin on 10.1.1.3@pts/0',
    expected: {
      event: {
        category: ['configuration'],
        type: ['change'],
        action: 'config-change',
        code: 'VSHD-5-VSHD_SYSLOG_CONFIG_I',
      },
      source: { ip: '10.1.1.3' },
      user: { name: 'admin' },
      related: { ip: ['10.1.1.3'], user: ['admin'] },
    },
  },
  {
    name: 'Cisco IOS: LINK-3-UPDOWN down',
    line: '<187>127: Nov 21 10:00:02.789 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down',
    expected: {
      event: { category: ['network'], type: ['info'], action: 'link-down', code: 'LINK-3-UPDOWN' },
      observer: { ingress: { interface: { name: 'GigabitEthernet0/1' } } },
    },
  },
  {
    name: 'Cisco IOS: LINEPROTO-5-UPDOWN up',
    line: '<189>128: Nov 21 10:00:03.012 UTC: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/1, changed state to up',
    expected: {
      event: { category: ['network'], type: ['info'], action: 'link-up', code: 'LINEPROTO-5-UPDOWN' },
      observer: { ingress: { interface: { name: 'GigabitEthernet0/1' } } },
    },
  },
  {
    name: 'Cisco IOS behind a syslog header, its sequence number read as the TAG',
    line: '<187>Nov 21 10:00:02 router1 129: *Nov 21 10:00:02.789: %LINK-3-UPDOWN: Interface Gi0/2, changed state to up',
    expected: {
      event: { category: ['network'], type: ['info'], action: 'link-up', code: 'LINK-3-UPDOWN' },
      observer: { ingress: { interface: { name: 'Gi0/2' } } },
    },
  },
  {
    name: 'Cisco NX-OS: ETHPORT-5-IF_DOWN_LINK_FAILURE',
    line: '<189>2026 Nov 21 10:40:00 N9K-LEAF1 %ETHPORT-5-IF_DOWN_LINK_FAILURE: Interface Ethernet1/12 is down (Link failure)',
    expected: {
      event: {
        category: ['network'],
        type: ['info'],
        action: 'link-down',
        code: 'ETHPORT-5-IF_DOWN_LINK_FAILURE',
      },
      observer: { ingress: { interface: { name: 'Ethernet1/12' } } },
    },
  },
  {
    name: 'Cisco ASA: 106023 deny by access-group (TCP)',
    line: '<164>Nov 21 2026 10:00:00 asa-fw01 : %ASA-4-106023: Deny tcp src outside:198.51.100.7/51234 dst inside:10.0.0.5/22 by access-group "outside_in" [0x0, 0x0]',
    expected: {
      event: { ...denied, code: '106023' },
      source: { ip: '198.51.100.7', port: 51234 },
      destination: { ip: '10.0.0.5', port: 22 },
      related: { ip: ['198.51.100.7', '10.0.0.5'] },
      network: { transport: 'tcp' },
      observer: { ingress: { interface: { name: 'outside' } }, egress: { interface: { name: 'inside' } } },
      rule: { name: 'outside_in' },
    },
  },
  {
    name: 'Cisco ASA: 106023 deny by access-group (ICMP, no ports)',
    line: '<164>Nov 21 2026 10:00:00 asa-fw01 : %ASA-4-106023: Deny icmp src outside:198.51.100.7 dst inside:10.0.0.5 (type 8, code 0) by access-group "outside_in" [0x0, 0x0]',
    expected: {
      event: { ...denied, code: '106023' },
      source: { ip: '198.51.100.7' },
      destination: { ip: '10.0.0.5' },
      related: { ip: ['198.51.100.7', '10.0.0.5'] },
      network: { transport: 'icmp' },
      observer: { ingress: { interface: { name: 'outside' } }, egress: { interface: { name: 'inside' } } },
      rule: { name: 'outside_in' },
    },
  },
  {
    name: 'Cisco ASA: 106001 inbound TCP connection denied',
    line: '<162>Nov 21 2026 10:00:00 asa-fw01 : %ASA-2-106001: Inbound TCP connection denied from 198.51.100.7/51234 to 10.0.0.5/22 flags SYN  on interface outside',
    expected: {
      event: { ...denied, code: '106001' },
      source: { ip: '198.51.100.7', port: 51234 },
      destination: { ip: '10.0.0.5', port: 22 },
      related: { ip: ['198.51.100.7', '10.0.0.5'] },
      network: { transport: 'tcp' },
      observer: { ingress: { interface: { name: 'outside' } } },
    },
  },
  {
    name: 'Cisco ASA: 605004 management login denied',
    line: '<166>Nov 21 2026 10:00:00 asa-fw01 : %ASA-6-605004: Login denied from 198.51.100.7/51234 to outside:203.0.113.1/ssh for user "admin"',
    expected: {
      event: { ...authFailure('device-login'), code: '605004' },
      source: { ip: '198.51.100.7', port: 51234 },
      destination: { ip: '203.0.113.1' },
      user: { name: 'admin' },
      related: { ip: ['198.51.100.7', '203.0.113.1'], user: ['admin'] },
      network: { protocol: 'ssh' },
      observer: { ingress: { interface: { name: 'outside' } } },
    },
  },
]

export const JUNOS_SAMPLES: readonly KnownMessageSample[] = [
  {
    name: 'Junos: SSHD_LOGIN_FAILED',
    line: "<37>Nov 21 10:00:00 mx1 sshd[4139]: SSHD_LOGIN_FAILED: Login failed for user 'admin' from host '10.1.1.1'",
    expected: {
      event: { ...authFailure('ssh-login'), code: 'SSHD_LOGIN_FAILED' },
      source: { ip: '10.1.1.1' },
      user: { name: 'admin' },
      related: { ip: ['10.1.1.1'], user: ['admin'] },
    },
  },
  {
    name: 'Junos structured: SSHD_LOGIN_FAILED',
    line: '<37>1 2026-11-21T10:00:00.589Z vsrx1 sshd - SSHD_LOGIN_FAILED [junos@2636.1.1.1.2.129 username="baduser" source-address="198.51.100.148"] Login failed for user \'baduser\' from host \'198.51.100.148\'',
    expected: {
      event: { ...authFailure('ssh-login'), code: 'SSHD_LOGIN_FAILED' },
      source: { ip: '198.51.100.148' },
      user: { name: 'baduser' },
      related: { ip: ['198.51.100.148'], user: ['baduser'] },
    },
  },
  {
    name: 'Junos: UI_COMMIT',
    line: "<189>Nov 21 10:21:00 mx1 mgd[4410]: UI_COMMIT: User 'admin' requested 'commit' operation (comment: none)",
    expected: {
      event: { category: ['configuration'], type: ['change'], action: 'config-change', code: 'UI_COMMIT' },
      user: { name: 'admin' },
      related: { user: ['admin'] },
    },
  },
  {
    name: 'Junos structured: UI_COMMIT commit synchronize',
    line: '<189>1 2026-11-21T10:21:00.123Z mx1 mgd 4410 UI_COMMIT [junos@2636.1.1.1.2.29 username="netops" command="commit synchronize" message="none"] User \'netops\' requested \'commit synchronize\' operation (comment: none)',
    expected: {
      event: { category: ['configuration'], type: ['change'], action: 'config-change', code: 'UI_COMMIT' },
      user: { name: 'netops' },
      related: { user: ['netops'] },
    },
  },
  {
    name: 'Junos: SNMP_TRAP_LINK_DOWN',
    line: '<28>Nov 21 10:00:00 mx1 mib2d[1850]: SNMP_TRAP_LINK_DOWN: ifIndex 526, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/1',
    expected: {
      event: { category: ['network'], type: ['info'], action: 'link-down', code: 'SNMP_TRAP_LINK_DOWN' },
      observer: { ingress: { interface: { id: '526', name: 'ge-0/0/1' } } },
    },
  },
  {
    name: 'Junos structured: SNMP_TRAP_LINK_UP',
    line: '<29>1 2026-11-21T10:00:20.788Z mx1 mib2d 1850 SNMP_TRAP_LINK_UP [junos@2636.1.1.1.2.25 snmp-interface-index="526" admin-status="up(1)" operational-status="up(1)" interface-name="ge-0/0/1"] ifIndex 526, ifAdminStatus up(1), ifOperStatus up(1), ifName ge-0/0/1',
    expected: {
      event: { category: ['network'], type: ['info'], action: 'link-up', code: 'SNMP_TRAP_LINK_UP' },
      observer: { ingress: { interface: { id: '526', name: 'ge-0/0/1' } } },
    },
  },
  {
    name: 'Junos SRX structured: RT_FLOW_SESSION_DENY',
    line: '<14>1 2026-11-21T10:00:01.363Z srx-edge-01 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.35 source-address="198.51.100.7" source-port="7002" destination-address="10.0.0.5" destination-port="22" service-name="junos-ssh" protocol-id="6" icmp-type="0" policy-name="deny-all" source-zone-name="untrust" destination-zone-name="trust" application="UNKNOWN" nested-application="UNKNOWN" username="N/A" roles="N/A" packet-incoming-interface="reth0.0" encrypted="UNKNOWN" reason="policy deny"]',
    expected: {
      event: { ...denied, code: 'RT_FLOW_SESSION_DENY', reason: 'policy deny' },
      source: { ip: '198.51.100.7', port: 7002 },
      destination: { ip: '10.0.0.5', port: 22 },
      related: { ip: ['198.51.100.7', '10.0.0.5'] },
      network: { transport: 'tcp', iana_number: '6' },
      observer: { ingress: { interface: { name: 'reth0.0' }, zone: 'untrust' }, egress: { zone: 'trust' } },
      rule: { name: 'deny-all' },
    },
  },
  {
    name: 'Junos SRX: RT_FLOW_SESSION_DENY as text',
    line: '<14>Nov 21 10:00:01 srx-edge-01 RT_FLOW: RT_FLOW_SESSION_DENY: session denied 10.0.0.1/54924->192.168.1.1/53 junos-dns-udp 17(0) default-deny(global) trust dmz UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy deny',
    expected: {
      event: { ...denied, code: 'RT_FLOW_SESSION_DENY' },
      source: { ip: '10.0.0.1', port: 54924 },
      destination: { ip: '192.168.1.1', port: 53 },
      related: { ip: ['10.0.0.1', '192.168.1.1'] },
      network: { transport: 'udp', iana_number: '17' },
      observer: { ingress: { interface: { name: 'ge-0/0/0.0' }, zone: 'trust' }, egress: { zone: 'dmz' } },
      rule: { name: 'default-deny(global)' },
    },
  },
]

export const NETFILTER_SAMPLES: readonly KnownMessageSample[] = [
  {
    name: 'ufw: [UFW BLOCK] after the printk time stamp',
    line: '<4>Nov 21 10:00:00 gw kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:08:00 SRC=198.51.100.7 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0',
    expected: {
      event: denied,
      source: { ip: '198.51.100.7', port: 51234 },
      destination: { ip: '10.0.0.5', port: 22 },
      related: { ip: ['198.51.100.7', '10.0.0.5'] },
      network: { transport: 'tcp' },
      observer: { ingress: { interface: { name: 'eth0' } } },
    },
  },
  {
    name: 'iptables LOG --log-prefix "IPTABLES-DROP: " (UDP)',
    line: '<4>Nov 21 10:00:00 gw kernel: IPTABLES-DROP: IN=eth1 OUT= MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:08:00 SRC=203.0.113.9 DST=192.0.2.1 LEN=78 TOS=0x00 PREC=0x00 TTL=113 ID=12345 PROTO=UDP SPT=137 DPT=137 LEN=58',
    expected: {
      event: denied,
      source: { ip: '203.0.113.9', port: 137 },
      destination: { ip: '192.0.2.1', port: 137 },
      related: { ip: ['203.0.113.9', '192.0.2.1'] },
      network: { transport: 'udp' },
      observer: { ingress: { interface: { name: 'eth1' } } },
    },
  },
  {
    name: 'firewalld FINAL_REJECT over RFC 5424 (ICMPv6)',
    line: '<4>1 2026-11-21T10:00:00.000Z gw kernel - - - FINAL_REJECT: IN=eth0 OUT= MAC=33:33:00:00:00:01:00:16:3e:aa:bb:cc:86:dd SRC=2001:0db8:0000:0000:0000:0000:0000:0007 DST=2001:0db8:0000:0000:0000:0000:0000:0001 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1',
    expected: {
      event: denied,
      source: { ip: '2001:0db8:0000:0000:0000:0000:0000:0007' },
      destination: { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' },
      related: { ip: ['2001:0db8:0000:0000:0000:0000:0000:0007', '2001:0db8:0000:0000:0000:0000:0000:0001'] },
      network: { transport: 'ipv6-icmp' },
      observer: { ingress: { interface: { name: 'eth0' } } },
    },
  },
  {
    name: 'ufw: [UFW ALLOW] on a forwarded packet',
    line: '<4>Nov 21 10:00:00 gw kernel: [12346.000001] [UFW ALLOW] IN=eth0 OUT=eth1 SRC=192.0.2.50 DST=10.0.0.8 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=40000 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0',
    expected: {
      event: {
        category: ['network'],
        type: ['connection', 'allowed'],
        action: 'connection-allowed',
        outcome: 'success',
      },
      source: { ip: '192.0.2.50', port: 40000 },
      destination: { ip: '10.0.0.8', port: 443 },
      related: { ip: ['192.0.2.50', '10.0.0.8'] },
      network: { transport: 'tcp' },
      observer: { ingress: { interface: { name: 'eth0' } }, egress: { interface: { name: 'eth1' } } },
    },
  },
]

/** Every recognised sample. */
export const KNOWN_MESSAGE_SAMPLES: readonly KnownMessageSample[] = [
  ...LINUX_AUTH_SAMPLES,
  ...CISCO_SAMPLES,
  ...JUNOS_SAMPLES,
  ...NETFILTER_SAMPLES,
]

/** Look-alikes the categoriser must leave uncategorised, each with why. */
export const LOOK_ALIKES: ReadonlyArray<{ why: string; line: string }> = [
  {
    why: 'sshd text inside another application',
    line: '<13>Nov 21 10:00:00 app1 myapp[77]: Failed password for root from 203.0.113.7 port 22 ssh2',
  },
  {
    why: 'an IP-looking address that is none (999.1.1.1)',
    line: '<38>Nov 21 10:00:00 fw1 sshd[123]: Failed password for root from 999.1.1.1 port 22 ssh2',
  },
  {
    why: 'a port out of range',
    line: '<38>Nov 21 10:00:00 fw1 sshd[123]: Failed password for root from 203.0.113.7 port 99999 ssh2',
  },
  {
    why: 'sshd disconnect, not an authentication record',
    line: '<38>Nov 21 10:00:00 fw1 sshd[123]: Received disconnect from 203.0.113.7 port 4242:11: Bye Bye [preauth]',
  },
  {
    why: 'sshd line cut before the port',
    line: '<38>Nov 21 10:00:00 fw1 sshd[123]: Accepted password for alice from 203.0.113.7',
  },
  {
    why: 'sshd start-up',
    line: '<38>1 2026-11-21T10:00:00Z bastion sshd 99 - - Server listening on 0.0.0.0 port 22.',
  },
  {
    why: 'PAM session, not authentication',
    line: '<86>Nov 21 10:00:00 bastion sshd[7]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)',
  },
  {
    why: 'PAM failure with a garbage rhost',
    line: '<85>Nov 21 10:00:00 bastion sshd[7]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=999.1.1.1  user=root',
  },
  {
    why: 'a successful sudo',
    line: '<85>Nov 21 10:00:00 bastion sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls',
  },
  {
    why: 'a Cisco mnemonic not listed',
    line: '<190>130: *Nov 21 10:00:00.123: %SYS-6-LOGGINGHOST_STARTSTOP: Logging to host 10.0.0.9 port 514 started - CLI initiated',
  },
  {
    why: 'LINK-3-UPDOWN with a state that is neither up nor down',
    line: '<187>131: *Nov 21 10:00:00.123: %LINK-3-UPDOWN: Interface Gi0/1, changed state to sideways',
  },
  {
    why: 'a Cisco mnemonic quoted inside another application',
    line: '<13>Nov 21 10:00:00 app1 chatops[5]: user pasted %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.1.1)',
  },
  {
    why: 'ASA deny with an address that is none',
    line: '<164>Nov 21 2026 10:00:00 asa-fw01 : %ASA-4-106023: Deny tcp src outside:999.1.1.1/1 dst inside:10.0.0.5/22 by access-group "outside_in" [0x0, 0x0]',
  },
  {
    why: 'ASA connection built, not denied',
    line: '<166>Nov 21 2026 10:00:00 asa-fw01 : %ASA-6-302013: Built outbound TCP connection 1 for outside:198.51.100.20/443 (198.51.100.20/443) to inside:10.1.2.3/51544 (203.0.113.9/51544)',
  },
  {
    why: 'a kernel message that is no packet log',
    line: '<6>Nov 21 10:00:00 gw kernel: [1.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx',
  },
  {
    why: 'a packet log whose prefix names no verdict',
    line: '<4>Nov 21 10:00:00 gw kernel: [12345.678901] [UFW AUDIT] IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=51234 DPT=22',
  },
  {
    why: 'a packet log with a garbage SRC',
    line: '<4>Nov 21 10:00:00 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=999.1.1.1 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=51234 DPT=22',
  },
  {
    why: 'a Junos commit check changes nothing',
    line: "<189>Nov 21 10:21:00 mx1 mgd[4410]: UI_COMMIT: User 'admin' requested 'commit check' operation (comment: none)",
  },
  {
    why: 'a Junos tag not listed',
    line: '<189>Nov 21 10:21:05 mx1 mgd[4410]: UI_COMMIT_COMPLETED: commit complete',
  },
  {
    why: 'an SRX session created, not denied',
    line: '<14>1 2026-11-21T10:17:02.512Z srx-edge-01 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.26 source-address="10.1.2.3" source-port="51544" destination-address="198.51.100.20" destination-port="443" protocol-id="6" policy-name="allow-web"] session created',
  },
]
