import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { SentinelError } from '../errors/codes.js'
import type { AlertChange } from './alert.js'
import { CorrelationEngine, type EngineOptions } from './engine.js'
import { compileRuleFile } from './load-rules.js'

const T0 = Date.parse('2024-05-01T10:00:00Z')
const SEC = 1000
const MIN = 60 * SEC

function setup(rulesYaml: string, options: Partial<EngineOptions> = {}) {
  const rules = compileRuleFile(`rules:\n${rulesYaml}`, 'test.yml')
  const changes: AlertChange[] = []
  const engine = new CorrelationEngine(rules, {
    maxKeysPerRule: 100,
    evidenceEvents: 5,
    onChange: (change) => changes.push(change),
    ...options,
  })
  let seq = 0
  /** Feed an event; ids are `spool-<n>` in order. */
  const feed = (event: object, at: number) => engine.observe(event, `spool-${seq++}`, at)
  return { engine, changes, feed, rules }
}

/** An sshd failed login as the syslog parser emits it. */
function sshFailure(ip: string, user = 'root', host = 'bastion-1') {
  return {
    '@timestamp': '2024-05-01T10:00:00.000Z',
    event: { category: ['authentication'], outcome: 'failure', dataset: 'sentinel.syslog' },
    source: { ip },
    user: { name: user },
    host: { name: host },
    log: { syslog: { appname: 'sshd' } },
    message: `Failed password for ${user} from ${ip} port 50122 ssh2`,
  }
}

function sshSuccess(ip: string, user = 'root', host = 'bastion-1') {
  return {
    ...sshFailure(ip, user, host),
    event: { category: ['authentication'], outcome: 'success', dataset: 'sentinel.syslog' },
  }
}

const BRUTE_FORCE = `  - id: brute_force_login
    name: Brute-force login
    description: Many failed logins from one address.
    kind: threshold
    severity: warning
    team: security
    window: 1m
    threshold: 3
    group_by: [source.ip]
    labels: { category: auth }
    runbook_url: https://runbooks.example.net/brute-force
    summary: "{{count}} failed logins from {{source.ip}} as {{user.name}} on {{device}} within {{window}}"
    filter:
      event.category: authentication
      event.outcome: failure
      not: { source.ip: { cidr: 10.0.0.0/8 } }
`

test('threshold: fires at the Nth matching event of a group key within the window, with its labels and annotations', () => {
  const { feed, changes } = setup(BRUTE_FORCE, { kibanaUrl: 'https://kibana.example.net:5601' })
  feed(sshFailure('203.0.113.7'), T0)
  feed(sshFailure('198.51.100.1'), T0 + SEC)
  feed(sshFailure('10.1.1.1'), T0 + 2 * SEC)
  feed(sshFailure('10.1.1.1'), T0 + 3 * SEC)
  feed(sshFailure('10.1.1.1'), T0 + 4 * SEC)
  feed(sshFailure('203.0.113.7', 'admin'), T0 + 10 * SEC)
  assert.equal(changes.length, 0)
  feed(sshFailure('203.0.113.7', 'oracle'), T0 + 20 * SEC)
  assert.equal(changes.length, 1)
  const [change] = changes
  assert.equal(change?.type, 'firing')
  const alert = change.alert
  assert.match(alert.id, /^brute_force_login:[0-9a-f]{12}$/)
  assert.equal(alert.status, 'firing')
  assert.equal(alert.ruleId, 'brute_force_login')
  assert.equal(alert.ruleName, 'Brute-force login')
  assert.equal(alert.severity, 'warning')
  assert.deepEqual(alert.labels, {
    alertname: 'BruteForceLogin',
    severity: 'warning',
    rule_id: 'brute_force_login',
    device: 'bastion-1',
    team: 'security',
    source_ip: '203.0.113.7',
    category: 'auth',
  })
  assert.deepEqual(alert.groupKey, { 'source.ip': '203.0.113.7' })
  assert.equal(alert.startsAt, T0 + 20 * SEC)
  assert.equal(alert.triggeredByArrival, T0 + 20 * SEC)
  assert.equal(alert.endsAt, undefined)
  assert.equal(alert.count, 3)
  assert.deepEqual(alert.evidence.eventIds, ['spool-0', 'spool-5', 'spool-6'])
  assert.equal(alert.evidence.from, T0)
  assert.equal(alert.evidence.to, T0 + 20 * SEC)
  const query =
    'event.category:"authentication" and event.outcome:"failure" and not source.ip:"10.0.0.0/8" and source.ip:"203.0.113.7"'
  assert.equal(alert.evidence.query, query)
  assert.equal(alert.annotations.summary, '3 failed logins from 203.0.113.7 as oracle on bastion-1 within 1m')
  assert.equal(alert.annotations.description, 'Many failed logins from one address.')
  assert.equal(alert.annotations.runbook_url, 'https://runbooks.example.net/brute-force')
  assert.equal(alert.annotations.evidence_query, query)
  assert.ok(
    alert.annotations.evidence_url?.startsWith('https://kibana.example.net:5601/app/discover#/?_g=(time:('),
  )
  assert.ok(alert.annotations.evidence_url?.includes(encodeURIComponent(query).replace(/'/g, "!'")))
})

test('threshold: events spread wider than the window do not fire', () => {
  const { feed, changes } = setup(BRUTE_FORCE)
  for (let i = 0; i < 10; i++) feed(sshFailure('203.0.113.7'), T0 + i * 31 * SEC)
  assert.equal(changes.length, 0)
})

test('threshold: while firing, more matches update count and evidence without a new firing change', () => {
  const { feed, changes, engine } = setup(BRUTE_FORCE)
  for (let i = 0; i < 9; i++) feed(sshFailure('203.0.113.7'), T0 + i * SEC)
  assert.equal(changes.length, 1)
  const [alert] = engine.active()
  assert.equal(alert?.count, 9)
  assert.deepEqual(
    alert?.evidence.eventIds,
    ['spool-4', 'spool-5', 'spool-6', 'spool-7', 'spool-8'],
    'capped at evidenceEvents',
  )
  assert.equal(alert?.annotations.summary, '9 failed logins from 203.0.113.7 as root on bastion-1 within 1m')
  assert.deepEqual(engine.get(alert?.id ?? ''), alert)
  assert.equal(engine.get('brute_force_login:000000000000'), undefined)
})

test('threshold: resolves when fewer than the threshold remain in the window, at that moment', () => {
  const { feed, changes, engine } = setup(BRUTE_FORCE)
  feed(sshFailure('203.0.113.7'), T0)
  feed(sshFailure('203.0.113.7'), T0 + 10 * SEC)
  feed(sshFailure('203.0.113.7'), T0 + 20 * SEC)
  feed(sshFailure('203.0.113.7'), T0 + 30 * SEC)
  engine.tick(T0 + 69 * SEC)
  assert.equal(changes.length, 1, 'events at 10, 20, 30 s are still inside the window (9 s, 69 s]')
  engine.tick(T0 + 75 * SEC)
  assert.equal(changes.length, 2)
  const resolved = changes[1]
  assert.equal(resolved?.type, 'resolved')
  assert.equal(resolved?.alert.status, 'resolved')
  assert.equal(resolved?.alert.endsAt, T0 + 70 * SEC, 'the event at 10 s left the window at 70 s')
  assert.equal(resolved?.alert.id, changes[0]?.alert.id)
  assert.equal(resolved?.alert.startsAt, T0 + 20 * SEC)
  assert.deepEqual(engine.active(), [])
  assert.deepEqual(
    engine
      .stats()
      .map(({ fired, resolved, matched, evaluated }) => ({ fired, resolved, matched, evaluated })),
    [{ fired: 1, resolved: 1, matched: 4, evaluated: 4 }],
  )
})

test('suppress_for: no new alert for the key until that long after it resolved, counted once', () => {
  const { feed, changes, engine } = setup(
    BRUTE_FORCE.replace('    window: 1m\n', '    window: 1m\n    suppress_for: 10m\n'),
  )
  for (let i = 0; i < 3; i++) feed(sshFailure('203.0.113.7'), T0 + i * SEC)
  engine.tick(T0 + 2 * MIN)
  assert.deepEqual(
    changes.map((c) => c.type),
    ['firing', 'resolved'],
  )
  const resolvedAt = changes[1]?.alert.endsAt ?? 0
  for (let i = 0; i < 6; i++) feed(sshFailure('203.0.113.7'), T0 + 3 * MIN + i * SEC)
  engine.tick(T0 + 5 * MIN)
  for (let i = 0; i < 3; i++) feed(sshFailure('203.0.113.7'), T0 + 6 * MIN + i * SEC)
  assert.equal(changes.length, 2, 'suppressed')
  assert.equal(engine.stats()[0]?.suppressed, 2, 'once per suppressed burst')
  feed(sshFailure('198.51.100.1'), T0 + 6 * MIN)
  for (let i = 0; i < 3; i++) feed(sshFailure('203.0.113.7'), resolvedAt + 10 * MIN + i * SEC)
  assert.deepEqual(
    changes.map((c) => c.type),
    ['firing', 'resolved', 'firing'],
  )
  assert.equal(changes[2]?.alert.startsAt, resolvedAt + 10 * MIN + 2 * SEC)
})

test('distinct_count: fires on N distinct values of a field within the window and resolves when fewer remain', () => {
  const { feed, changes, engine } = setup(`  - id: port_scan
    name: Port scan
    kind: distinct_count
    severity: warning
    window: 1m
    distinct: destination.port
    threshold: 4
    group_by: [source.ip]
    filter: { event.category: network, event.action: deny }
`)
  const deny = (port: number | string, ip = '198.51.100.23') => ({
    event: { category: ['network'], action: 'deny' },
    source: { ip },
    destination: { ip: '192.0.2.10', port },
    observer: { hostname: 'fw-edge-1' },
  })
  feed(deny(22), T0)
  feed(deny(22), T0 + SEC)
  feed(deny('22'), T0 + 2 * SEC)
  feed(deny(23), T0 + 3 * SEC)
  feed(deny(25), T0 + 4 * SEC)
  feed(deny(80, '203.0.113.9'), T0 + 5 * SEC)
  feed({ event: { category: ['network'], action: 'deny' }, source: { ip: '198.51.100.23' } }, T0 + 5 * SEC)
  assert.equal(changes.length, 0, '22, "22" (the same port), 23, 25, and an event without a port: three')
  feed(deny(443), T0 + 6 * SEC)
  assert.equal(changes.length, 1)
  const alert = changes[0]?.alert
  assert.equal(alert?.labels.device, 'fw-edge-1', 'observer.hostname when there is no host.name')
  assert.equal(
    alert?.annotations.summary,
    'Port scan: 4 distinct destination.port within 1m (source.ip 198.51.100.23)',
  )
  assert.equal(
    alert?.evidence.query,
    'event.category:"network" and event.action:"deny" and destination.port:* and source.ip:"198.51.100.23"',
  )
  feed(deny(8080), T0 + 7 * SEC)
  assert.equal(
    engine.active()[0]?.annotations.summary,
    'Port scan: 5 distinct destination.port within 1m (source.ip 198.51.100.23)',
  )
  engine.tick(T0 + 62 * SEC)
  assert.equal(changes.length, 1, '"22" at 2 s, 23, 25, 443, 8080 still inside')
  engine.tick(T0 + 64 * SEC)
  assert.equal(changes[1]?.type, 'resolved')
  assert.equal(changes[1]?.alert.endsAt, T0 + 63 * SEC)
})

const LOGIN_AFTER_FAILURES = `  - id: login_after_failures
    name: Login after failures
    kind: sequence
    severity: critical
    window: 10m
    group_by: [source.ip, user.name]
    steps:
      - { name: failure, filter: { event.category: authentication, event.outcome: failure } }
      - { name: success, filter: { event.category: authentication, event.outcome: success } }
`

test('sequence: fires when the steps arrive in order for one key within the window', () => {
  const { feed, changes } = setup(LOGIN_AFTER_FAILURES)
  feed(sshSuccess('203.0.113.7'), T0)
  feed(sshFailure('203.0.113.7'), T0 + SEC)
  feed(sshSuccess('203.0.113.7', 'alice'), T0 + 2 * SEC)
  feed(sshSuccess('198.51.100.1'), T0 + 3 * SEC)
  assert.equal(changes.length, 0, 'success before failure, or for another user or address')
  feed(sshSuccess('203.0.113.7'), T0 + 4 * SEC)
  assert.equal(changes.length, 1)
  const alert = changes[0]?.alert
  assert.deepEqual(alert?.groupKey, { 'source.ip': '203.0.113.7', 'user.name': 'root' })
  assert.equal(alert?.labels.source_ip, '203.0.113.7')
  assert.equal(alert?.labels.user_name, 'root')
  assert.equal(alert?.count, 2)
  assert.deepEqual(alert?.evidence.eventIds, ['spool-0', 'spool-1', 'spool-4'])
  assert.equal(
    alert?.evidence.query,
    '((event.category:"authentication" and event.outcome:"failure") or (event.category:"authentication" and event.outcome:"success")) and source.ip:"203.0.113.7" and user.name:"root"',
  )
  assert.equal(
    alert?.annotations.summary,
    'Login after failures: failure, then success within 10m (source.ip 203.0.113.7, user.name root)',
  )
})

test('sequence: steps further apart than the window do not fire; it resolves a window after it fired unless completed again', () => {
  const { feed, changes, engine } = setup(LOGIN_AFTER_FAILURES)
  feed(sshFailure('203.0.113.7'), T0)
  feed(sshSuccess('203.0.113.7'), T0 + 11 * MIN)
  assert.equal(changes.length, 0)
  feed(sshFailure('203.0.113.7'), T0 + 12 * MIN)
  feed(sshSuccess('203.0.113.7'), T0 + 13 * MIN)
  feed(sshFailure('203.0.113.7'), T0 + 18 * MIN)
  feed(sshSuccess('203.0.113.7'), T0 + 19 * MIN)
  assert.deepEqual(
    changes.map((c) => c.type),
    ['firing'],
    'completing again while firing is no new alert',
  )
  engine.tick(T0 + 28 * MIN)
  assert.equal(changes.length, 1)
  engine.tick(T0 + 29 * MIN)
  assert.deepEqual(
    changes.map((c) => c.type),
    ['firing', 'resolved'],
  )
  assert.equal(changes[1]?.alert.endsAt, T0 + 29 * MIN)
  assert.equal(changes[1]?.alert.count, 4, 'two events to fire, then two more while firing')
})

const DEVICE_SILENT = `  - id: device_silent
    name: Device silent
    kind: absence
    severity: warning
    window: 5m
    group_by: [host.name]
    filter: { event.dataset: sentinel.snmp }
`

function pollRow(device: string, site?: string) {
  return {
    event: { dataset: 'sentinel.snmp', kind: 'metric' },
    host: { name: device },
    sentinel: { snmp: { device, table: 'scalar', ...(site === undefined ? {} : { site }) } },
  }
}

test('absence: a key seen once fires when nothing matched for the window, and resolves when an event arrives', () => {
  const { feed, changes, engine } = setup(DEVICE_SILENT)
  engine.tick(T0)
  feed(pollRow('core-sw-1', 'fra1'), T0 + SEC)
  feed(pollRow('core-sw-2'), T0 + SEC)
  feed(pollRow('core-sw-1', 'fra1'), T0 + 2 * MIN)
  engine.tick(T0 + 5 * MIN)
  assert.equal(changes.length, 0)
  feed(pollRow('core-sw-2'), T0 + 5 * MIN)
  engine.tick(T0 + 7 * MIN + SEC)
  engine.tick(T0 + 7 * MIN + 2 * SEC)
  assert.equal(changes.length, 1, 'fires once, at the first tick after the window')
  const alert = changes[0]?.alert
  assert.equal(alert?.labels.device, 'core-sw-1')
  assert.equal(alert?.labels.site, 'fra1')
  assert.equal(alert?.startsAt, T0 + 7 * MIN, 'the moment the silence reached the window')
  assert.equal(alert?.triggeredByArrival, T0 + 7 * MIN)
  assert.equal(alert?.count, 0)
  assert.deepEqual(alert?.evidence.eventIds, ['spool-0', 'spool-2'], 'the last events before the silence')
  assert.equal(alert?.annotations.summary, 'Device silent: no event for 5m (host.name core-sw-1)')
  feed(pollRow('core-sw-1'), T0 + 9 * MIN)
  assert.deepEqual(
    changes.map((c) => c.type),
    ['firing', 'resolved'],
  )
  assert.equal(changes[1]?.alert.endsAt, T0 + 9 * MIN)
  assert.equal(changes[1]?.alert.labels.site, 'fra1', 'labels are fixed while the alert lives')
})

test('absence with expect: listed keys are watched from the start, even if never seen', () => {
  const { feed, changes, engine } = setup(`${DEVICE_SILENT}    expect: [core-sw-1, core-sw-2]\n`)
  feed(pollRow('core-sw-1'), T0)
  engine.tick(T0 + 4 * MIN)
  feed(pollRow('core-sw-1'), T0 + 4 * MIN)
  engine.tick(T0 + 6 * MIN)
  assert.equal(changes.length, 1)
  const alert = changes[0]?.alert
  assert.deepEqual(alert?.groupKey, { 'host.name': 'core-sw-2' })
  assert.equal(alert?.labels.device, 'core-sw-2', 'from the host.name group value')
  assert.equal(alert?.startsAt, T0 + 5 * MIN)
  assert.deepEqual(alert?.evidence.eventIds, [])
  assert.equal(alert?.evidence.from, T0 + 5 * MIN)
})

test('join: fires when every part has its min_count for one key within the window, resolves when one falls short', () => {
  const { feed, changes, engine } = setup(`  - id: link_down_with_errors
    name: Link down with errors
    kind: join
    severity: critical
    window: 5m
    group_by: [host.name]
    parts:
      - { name: link down, filter: { event.dataset: sentinel.snmp_trap, event.action: linkDown } }
      - { name: errors, filter: { event.dataset: sentinel.snmp, sentinel.snmp.rates.ifInErrors: { gt: 0 } }, min_count: 2 }
      - { name: syslog, filter: { event.dataset: sentinel.syslog, message: { icontains: "link down" } } }
`)
  const trap = (host: string) => ({
    event: { dataset: 'sentinel.snmp_trap', action: 'linkDown' },
    host: { name: host },
  })
  const errors = (host: string, rate: number) => ({
    event: { dataset: 'sentinel.snmp' },
    host: { name: host },
    sentinel: { snmp: { device: host, rates: { ifInErrors: rate } } },
  })
  const syslog = (host: string) => ({
    event: { dataset: 'sentinel.syslog' },
    host: { name: host },
    message: '%LINK-3-UPDOWN: Interface Gi0/1, changed state to Link Down',
  })
  feed(trap('edge-rtr-1'), T0)
  feed(errors('edge-rtr-1', 5), T0 + 30 * SEC)
  feed(errors('edge-rtr-1', 0), T0 + 60 * SEC)
  feed(syslog('edge-rtr-1'), T0 + 70 * SEC)
  feed(errors('edge-rtr-2', 9), T0 + 80 * SEC)
  feed(errors('edge-rtr-2', 9), T0 + 81 * SEC)
  feed(syslog('edge-rtr-2'), T0 + 82 * SEC)
  assert.equal(changes.length, 0, 'rtr-1 has one error sample, rtr-2 no trap')
  feed(errors('edge-rtr-1', 7), T0 + 90 * SEC)
  assert.equal(changes.length, 1)
  const alert = changes[0]?.alert
  assert.equal(alert?.labels.device, 'edge-rtr-1')
  assert.equal(alert?.count, 4)
  assert.deepEqual(alert?.evidence.eventIds, ['spool-0', 'spool-1', 'spool-3', 'spool-7'])
  assert.equal(
    alert?.evidence.query,
    '((event.dataset:"sentinel.snmp_trap" and event.action:"linkDown") or (event.dataset:"sentinel.snmp" and sentinel.snmp.rates.ifInErrors > 0) or (event.dataset:"sentinel.syslog" and message:*link down*)) and host.name:"edge-rtr-1"',
  )
  engine.tick(T0 + 5 * MIN - 1)
  assert.equal(changes.length, 1, 'the trap at 0 s is inside the window until 300 s')
  engine.tick(T0 + 5 * MIN + SEC)
  assert.deepEqual(
    changes.map((c) => c.type),
    ['firing', 'resolved'],
  )
  assert.equal(changes[1]?.alert.endsAt, T0 + 5 * MIN, 'the link-down trap left the window')
})

test('key cap: the least recently updated key without an alert is evicted; with every key firing the new key is dropped', () => {
  const { feed, changes, engine } = setup(BRUTE_FORCE, { maxKeysPerRule: 2 })
  feed(sshFailure('203.0.113.1'), T0)
  feed(sshFailure('203.0.113.2'), T0 + 2 * SEC)
  feed(sshFailure('203.0.113.1'), T0 + 4 * SEC)
  feed(sshFailure('203.0.113.3'), T0 + 6 * SEC)
  assert.deepEqual(engine.stats()[0], {
    ruleId: 'brute_force_login',
    evaluated: 4,
    matched: 4,
    fired: 0,
    resolved: 0,
    suppressed: 0,
    keys: 2,
    keysEvicted: 1,
    keysDropped: 0,
  })
  feed(sshFailure('203.0.113.1'), T0 + 8 * SEC)
  assert.equal(changes.length, 1, '203.0.113.1 kept its two earlier failures: .2 was evicted')
  for (let i = 0; i < 3; i++) feed(sshFailure('203.0.113.3'), T0 + 10 * SEC + i * SEC)
  assert.equal(changes.length, 2)
  feed(sshFailure('203.0.113.4'), T0 + 20 * SEC)
  const stats = engine.stats()[0]
  assert.equal(stats?.keysDropped, 1)
  assert.equal(stats?.keys, 2)
  assert.equal(engine.active().length, 2)
})

test('idle keys are dropped on tick once nothing of them is inside the window', () => {
  const { feed, engine } = setup(BRUTE_FORCE)
  feed(sshFailure('203.0.113.1'), T0)
  feed(sshFailure('203.0.113.2'), T0 + 30 * SEC)
  engine.tick(T0 + 60 * SEC)
  assert.equal(engine.stats()[0]?.keys, 1)
  engine.tick(T0 + 90 * SEC)
  assert.equal(engine.stats()[0]?.keys, 0)
})

test('the alert history (event.dataset sentinel.alert) is not correlated on', () => {
  const { feed, changes, engine } = setup(`  - id: anything
    name: Anything
    kind: threshold
    severity: info
    window: 1m
    threshold: 1
    filter: { event.kind: [alert, event] }
`)
  feed({ event: { dataset: 'sentinel.alert', kind: 'alert' } }, T0)
  assert.equal(changes.length, 0)
  assert.equal(engine.stats()[0]?.evaluated, 0)
  feed({ event: { dataset: 'sentinel.syslog', kind: 'event' } }, T0)
  assert.equal(changes.length, 1)
})

test('device and site labels: host.name, observer.hostname, sentinel.snmp.device, else unknown; site from SNMP or labels.site', () => {
  const { feed, changes } = setup(`  - id: anything
    name: Anything
    kind: threshold
    severity: info
    window: 1m
    threshold: 1
    group_by: [event.code]
    filter: { event.kind: event }
`)
  feed({ event: { kind: 'event', code: 1 }, sentinel: { snmp: { device: 'ups-3', site: 'ber2' } } }, T0)
  feed({ event: { kind: 'event', code: 2 }, labels: { site: 'muc1' } }, T0)
  feed({ event: { kind: 'event', code: 3 }, host: { name: '' }, observer: { hostname: 'fw-1' } }, T0)
  assert.deepEqual(
    changes.map(({ alert }) => [alert.labels.event_code, alert.labels.device, alert.labels.site]),
    [
      ['1', 'ups-3', 'ber2'],
      ['2', 'unknown', 'muc1'],
      ['3', 'fw-1', undefined],
    ],
  )
})

test('indexed rules see numbers and list values as their text, each rule once per event', () => {
  const { feed, changes, engine } = setup(`  - id: windows_logon_failure
    name: Windows logon failure
    kind: threshold
    severity: info
    window: 1m
    threshold: 2
    filter: { event.code: "4625", event.category: [authentication, iam] }
  - id: windows_lockout
    name: Windows lockout
    kind: threshold
    severity: info
    window: 1m
    threshold: 1
    filter: { event.code: ["4740", "4767"] }
`)
  feed({ event: { code: 4625, category: ['authentication', 'iam'] } }, T0)
  assert.equal(engine.stats()[0]?.matched, 1, 'matched once although both categories name the rule')
  feed({ event: { code: '4625', category: 'authentication' } }, T0 + SEC)
  feed({ event: { code: 4740 } }, T0 + SEC)
  assert.deepEqual(
    changes.map((c) => c.alert.ruleId),
    ['windows_logon_failure', 'windows_lockout'],
  )
})

test('disabled rules do not run; duplicate rule ids and bad options are refused', () => {
  const { engine } = setup(BRUTE_FORCE.replace('    window: 1m\n', '    window: 1m\n    enabled: false\n'))
  assert.deepEqual(engine.stats(), [])
  const rules = compileRuleFile(`rules:\n${BRUTE_FORCE}`, 'a.yml')
  const options = { maxKeysPerRule: 10, evidenceEvents: 5, onChange: () => {} }
  assert.throws(
    () => new CorrelationEngine([...rules, ...rules], options),
    /duplicate rule id brute_force_login/,
  )
  assert.throws(
    () => new CorrelationEngine(rules, { ...options, maxKeysPerRule: 0 }),
    /maxKeysPerRule must be an integer >= 1/,
  )
  assert.throws(() => new CorrelationEngine(rules, { ...options, evidenceEvents: 1.5 }), /evidenceEvents/)
})

const ALL_KINDS = [
  BRUTE_FORCE,
  LOGIN_AFTER_FAILURES,
  `${DEVICE_SILENT}    expect: [core-sw-1, core-sw-9]\n    suppress_for: 2m\n`,
  `  - id: user_spray
    name: Password spray
    kind: distinct_count
    severity: warning
    window: 5m
    distinct: user.name
    threshold: 3
    group_by: [source.ip]
    summary: "{{distinct}} users from {{source.ip}}, last {{user.name}}"
    filter: { event.outcome: failure }
  - id: fail_and_poll
    name: Failures and polls
    kind: join
    severity: info
    window: 3m
    group_by: [host.name]
    parts:
      - { name: failures, filter: { event.outcome: failure }, min_count: 2 }
      - { name: polls, filter: { event.dataset: sentinel.snmp } }
`,
].join('')

/** A stream of events and ticks over every kind, deterministic from `seed`. */
function stream(
  seed: number,
  length: number,
): ({ at: number; event: object } | { at: number; tick: true })[] {
  let state = seed
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return (state >>> 16) % n // the low bits of this generator repeat every few calls
  }
  const hosts = ['core-sw-1', 'core-sw-2', 'bastion-1']
  const items: ({ at: number; event: object } | { at: number; tick: true })[] = []
  let at = T0
  for (let i = 0; i < length; i++) {
    at += next(20) * SEC
    const ip = `203.0.113.${next(4)}`
    const user = ['root', 'admin', 'alice', 'bob'][next(4)] ?? 'root'
    const host = hosts[next(3)] ?? 'bastion-1'
    const pick = next(10)
    if (pick < 4) items.push({ at, event: sshFailure(ip, user, host) })
    else if (pick < 6) items.push({ at, event: sshSuccess(ip, user, host) })
    else if (pick < 8) items.push({ at, event: pollRow(host) })
    else items.push({ at, tick: true })
  }
  return items
}

function replay(engine: CorrelationEngine, items: ReturnType<typeof stream>, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const item = items[i]
    if (item === undefined) continue
    if ('tick' in item) engine.tick(item.at)
    else engine.observe(item.event, `spool-${i}`, item.at)
  }
}

test('property: snapshot and restore mid-stream fire exactly as an engine that never restarted', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 199 }), (seed, split) => {
      const items = stream(seed, 200)
      const straight = setup(ALL_KINDS, { maxKeysPerRule: 6, kibanaUrl: 'http://kibana:5601' })
      replay(straight.engine, items, 0, items.length)

      const before = setup(ALL_KINDS, { maxKeysPerRule: 6, kibanaUrl: 'http://kibana:5601' })
      replay(before.engine, items, 0, split)
      const saved: unknown = JSON.parse(JSON.stringify(before.engine.snapshot()))
      const after = setup(ALL_KINDS, { maxKeysPerRule: 6, kibanaUrl: 'http://kibana:5601' })
      const { restored, skipped } = after.engine.restore(saved)
      assert.deepEqual(skipped, [])
      assert.equal(restored.length, 5)
      assert.deepEqual(after.engine.active(), before.engine.active(), 'active alerts survive the restart')
      replay(after.engine, items, split, items.length)

      assert.deepEqual([...before.changes, ...after.changes], straight.changes)
      assert.deepEqual(after.engine.active(), straight.engine.active())
      assert.deepEqual(after.engine.snapshot(), straight.engine.snapshot())
    }),
    { numRuns: 60 },
  )
})

test('the mixed stream fires every kind (the restart property is not vacuous)', () => {
  const { engine, changes } = setup(ALL_KINDS, { maxKeysPerRule: 6 })
  replay(engine, stream(7, 400), 0, 400)
  const fired = new Set(changes.filter((c) => c.type === 'firing').map((c) => c.alert.ruleId))
  assert.deepEqual([...fired].sort(), [
    'brute_force_login',
    'device_silent',
    'fail_and_poll',
    'login_after_failures',
    'user_spray',
  ])
  assert.ok(changes.some((c) => c.type === 'resolved'))
  assert.ok(engine.stats().some((s) => s.keysEvicted > 0))
})

test('restore: rules whose definition changed or vanished are skipped; active alerts keep startsAt and labels', () => {
  const first = setup(`${BRUTE_FORCE}${LOGIN_AFTER_FAILURES}`)
  for (let i = 0; i < 3; i++) first.feed(sshFailure('203.0.113.7'), T0 + i * SEC)
  first.feed(sshFailure('198.51.100.1', 'alice'), T0 + 5 * SEC)
  const snapshot = first.engine.snapshot()
  const [active] = first.engine.active()
  assert.ok(active)

  const same = setup(`${BRUTE_FORCE}${LOGIN_AFTER_FAILURES}`)
  assert.deepEqual(same.engine.restore(snapshot), {
    restored: ['brute_force_login', 'login_after_failures'],
    skipped: [],
  })
  const [restoredAlert] = same.engine.active()
  assert.equal(restoredAlert?.startsAt, active.startsAt)
  assert.deepEqual(restoredAlert?.labels, active.labels)
  assert.deepEqual(same.engine.get(active.id), active)
  assert.equal(same.changes.length, 0, 'restoring announces nothing')
  same.feed(sshSuccess('198.51.100.1', 'alice'), T0 + 6 * SEC)
  assert.equal(same.changes[0]?.alert.ruleId, 'login_after_failures', 'the partial sequence carried over')

  const changed = setup(BRUTE_FORCE.replace('threshold: 3', 'threshold: 4'))
  assert.deepEqual(changed.engine.restore(snapshot), {
    restored: [],
    skipped: ['brute_force_login', 'login_after_failures'],
  })
  assert.deepEqual(changed.engine.active(), [])
  changed.feed(sshFailure('203.0.113.7'), T0 + 6 * SEC)
  assert.equal(changed.engine.stats()[0]?.keys, 1, 'started empty')
})

test('restore: a malformed snapshot is refused with the bad path, and nothing changes', () => {
  const { engine, feed } = setup(`${BRUTE_FORCE}${LOGIN_AFTER_FAILURES}`)
  for (let i = 0; i < 3; i++) feed(sshFailure('203.0.113.7'), T0 + i * SEC)
  const good = engine.snapshot()
  const target = setup(`${BRUTE_FORCE}${LOGIN_AFTER_FAILURES}`)
  const bad = (mutate: (s: ReturnType<typeof structuredClone<typeof good>>) => unknown) => {
    const copy = structuredClone(good)
    return mutate(copy) ?? copy
  }
  const cases: [unknown, RegExp][] = [
    [null, /^Cannot restore the rule engine state: \/: must be object$/],
    [{ version: 2, rules: [] }, /\/version: must be equal to constant/],
    [bad((s) => void ((s.rules[0] as { keys: unknown }).keys = 'x')), /\/rules\/0\/keys: must be array/],
    [
      bad((s) => void (s.rules[0]?.keys[0] && (s.rules[0].keys[0].state = [[1, 2, 3, 4]]))),
      /\/rules\/0\/keys\/0\/state: list 0: expected at most 3 times/,
    ],
    [
      bad(
        (s) =>
          void (
            s.rules[0]?.keys[0]?.alert && (s.rules[0].keys[0].alert.id = 'brute_force_login:ffffffffffff')
          ),
      ),
      /\/rules\/0\/keys\/0\/alert\/id: not the id of this rule/,
    ],
    [
      bad((s) => void (s.rules[0]?.keys[0] && (s.rules[0].keys[0].values = ['a', 'b']))),
      /\/rules\/0\/keys\/0\/values: expected 1 group values/,
    ],
    [
      bad((s) => void s.rules.push(structuredClone(s.rules[0]) as (typeof s.rules)[number])),
      /\/rules\/2\/ruleId: brute_force_login appears twice/,
    ],
  ]
  for (const [snapshot, message] of cases) {
    assert.throws(
      () => target.engine.restore(snapshot),
      (error: unknown) =>
        error instanceof SentinelError && error.code === 'SNT_ERR_RULES_STATE' && message.test(error.message),
      String(message),
    )
  }
  assert.deepEqual(
    target.engine.snapshot().rules.map((r) => r.keys.length),
    [0, 0],
    'nothing was half-restored',
  )
  assert.deepEqual(target.engine.restore(good).restored, ['brute_force_login', 'login_after_failures'])
})

test('property: the rule index runs every rule whose filter matches, and only those', () => {
  const text = fc.constantFrom('x', 'y', '22', 'true', '')
  const scalar = fc.oneof(text, fc.constantFrom(22, 0, true))
  const condition = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }), scalar)
  const filter = fc.dictionary(fc.constantFrom('event.kind', 'event.category', 'event.code'), condition, {
    minKeys: 1,
    maxKeys: 3,
  })
  const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))
  const event = fc.record({
    event: fc.record({ kind: value, category: value, code: value }, { requiredKeys: [] }),
  })
  fc.assert(
    fc.property(
      fc.array(filter, { minLength: 1, maxLength: 8 }),
      fc.array(event, { maxLength: 20 }),
      (filters, events) => {
        const yaml = filters
          .map(
            (f, i) =>
              `  - { id: r${i}, name: R, kind: threshold, severity: info, window: 1m, threshold: 1000, filter: ${JSON.stringify(f)} }\n`,
          )
          .join('')
        const { engine, feed, rules } = setup(yaml)
        events.forEach((e) => feed(e, T0))
        const expected = rules.map((rule) => events.filter((e) => rule.parts[0]?.filter.test(e)).length)
        assert.deepEqual(
          engine.stats().map((s) => s.matched),
          expected,
        )
      },
    ),
    { numRuns: 200 },
  )
})
