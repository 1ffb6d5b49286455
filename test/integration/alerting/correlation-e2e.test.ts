/**
 * @module Correlation end to end, every component real except Slack and PagerDuty (a local capture
 * server stands in for both; they cannot run here): `logger` sends sshd failed logins to the
 * collector, the shipped brute-force rule fires, the collector posts the alert to a real
 * Alertmanager 0.25 running the shipped alertmanager.yml, which notifies Slack and pages PagerDuty
 * (Events API v2 `trigger`); when the window empties the alert resolves and both hear `resolved`.
 * Inhibition: a device the poller cannot reach (DeviceUnreachable) mutes its LinkFlapping alert,
 * while the same flapping on another device is notified. A Prometheus 2.42 scraping the collector
 * fires SentinelDeviceUnreachable from the shipped rules and it reaches Slack.
 *
 * Shortened for test time, and only that: the brute-force window (6 s instead of 10 min), the shipped
 * Prometheus rules' `for:` (0s), and Alertmanager's group_wait/group_interval (1 s).
 */
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { readFile, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { before, test, after } from 'node:test'
import { parse, stringify } from 'yaml'
import {
  installAlertmanagerConfig,
  PROMETHEUS_RULE_FILES,
  RULE_PACKS_DIR,
} from '../../../alerting/test-support.js'
import {
  deferInReverse,
  freeUdpPort,
  makeWorkDir,
  runLogger,
  sentinelScrapeJobs,
  startAlertmanager,
  startCaptureServer,
  startCollector,
  startPrometheus,
  waitFor,
  type AlertmanagerHandle,
  type CapturedRequest,
  type CaptureServerHandle,
  type CollectorHandle,
} from '../../harness/index.js'

const ATTACKER = '203.0.113.7'
const WINDOW = '6s'

let dir: string
let capture: CaptureServerHandle
let alertmanager: AlertmanagerHandle
let collector: CollectorHandle
let deadPort: number
const defer = deferInReverse({ after })

/** A shipped pack with every rule's window (and suppression) shortened for the test. */
async function shortenedPack(name: string): Promise<string> {
  const pack = parse(await readFile(join(RULE_PACKS_DIR, `${name}.yml`), 'utf8')) as {
    rules: Record<string, unknown>[]
  }
  for (const rule of pack.rules) {
    if ('window' in rule) rule.window = WINDOW
    delete rule.suppress_for
  }
  const file = join(dir, `${name}.yml`)
  await writeFile(file, stringify(pack))
  return file
}

/** The shipped Prometheus rules with `for:` removed, so one scrape can fire them. */
async function immediatePrometheusRules(): Promise<string[]> {
  const files: string[] = []
  for (const source of PROMETHEUS_RULE_FILES) {
    const doc = parse(await readFile(source, 'utf8')) as { groups: { rules: Record<string, unknown>[] }[] }
    for (const group of doc.groups) for (const rule of group.rules) delete rule.for
    const file = join(dir, `immediate-${source.split('/').pop() ?? 'rules.yml'}`)
    await writeFile(file, stringify(doc))
    files.push(file)
  }
  return files
}

before(async () => {
  dir = await makeWorkDir('correlation-e2e')
  capture = await startCaptureServer()
  defer(() => capture.close())
  const slack = (channel: string) => `${capture.url}/services/T0/B0/${channel}`
  const configFile = await installAlertmanagerConfig(join(dir, 'alertmanager'), {
    secrets: {
      'slack-platform.url': slack('platform'),
      'slack-network.url': slack('network'),
      'slack-security.url': slack('security'),
    },
    pagerDutyUrl: capture.pagerDutyUrl,
    route: { group_wait: '1s', group_interval: '1s' },
  })
  alertmanager = await startAlertmanager({ configFile })
  defer(() => alertmanager.stop())
  deadPort = await freeUdpPort()
  // Brute force with a short window, so the test sees it resolve; the others as shipped.
  const ruleFiles = [await shortenedPack('brute-force')]
  collector = await startCollector({
    sources: { syslog_udp: { type: 'syslog', protocol: 'udp' } },
    extra: {
      correlate: { packs: ['link-flapping', 'device-unreachable'], rule_files: ruleFiles },
      sinks: { alertmanager: { urls: [alertmanager.url], resend_interval_secs: 5 } },
      snmp: {
        interval_secs: 1,
        timeout_ms: 200,
        retries: 0,
        credentials: { lab: { version: '2c', community: 'public' } },
        // Nothing answers on this port: the poller reports sw-dead unreachable.
        devices: [{ name: 'sw-dead', address: `127.0.0.1:${deadPort}`, credentials: 'lab' }],
      },
    },
  })
  defer(() => collector.stop())
})

function slackTexts(channel: string): string[] {
  return capture.requests
    .filter((r) => r.path === `/services/T0/B0/${channel}`)
    .map((r) => JSON.stringify(r.body))
}

function pagerDutyEvents(): { event_action: string; dedup_key: string; payload?: Record<string, unknown> }[] {
  return capture.requests
    .filter((r) => r.path === '/v2/enqueue')
    .map((r) => r.body as { event_action: string; dedup_key: string; payload?: Record<string, unknown> })
}

async function failedLogins(count: number): Promise<void> {
  const line = `Failed password for invalid user admin from ${ATTACKER} port 4242 ssh2`
  await runLogger(
    ['--rfc3164', '-n', '127.0.0.1', '-P', String(collector.port('syslog_udp')), '-d', '-t', 'sshd'],
    { input: `${Array.from({ length: count }, () => line).join('\n')}\n`, env: { TZ: 'UTC' } },
  )
}

test('five failed logins page PagerDuty and notify Slack; repeats are deduplicated; the clear sends resolved', async () => {
  await failedLogins(5)
  const slack = await capture.waitFor(
    (r: CapturedRequest) =>
      r.path === '/services/T0/B0/security' && JSON.stringify(r.body).includes('BruteForceLogin'),
    30_000,
  )
  const text = JSON.stringify(slack.body)
  assert.match(text, /FIRING/)
  assert.match(text, /CRITICAL/)
  assert.ok(text.includes(ATTACKER), text)
  assert.ok(text.includes(hostname()), `device ${hostname()} in ${text}`)
  assert.match(text, /api\/v1\/alerts\/brute_force_login/, 'evidence link (generatorURL)')
  const trigger = await capture.waitFor((r) => r.path === '/v2/enqueue', 30_000)
  const page = trigger.body as {
    event_action: string
    payload: { severity: string; summary: string; component?: string }
  }
  assert.equal(page.event_action, 'trigger')
  assert.equal(page.payload.severity, 'critical')
  assert.ok(page.payload.summary.includes('BruteForceLogin') || page.payload.summary.includes(ATTACKER))

  // Still firing: more failures update the same alert; nobody is notified again.
  await failedLogins(3)
  const [active] = await waitFor(
    async () => {
      const alerts = await alertmanager.alerts({ filter: ['alertname="BruteForceLogin"'] })
      return alerts.length > 0 ? alerts : undefined
    },
    { description: 'BruteForceLogin in Alertmanager', timeoutMs: 10_000 },
  )
  assert.equal(active?.labels.source_ip, ATTACKER)
  assert.equal(active?.labels.rule_id, 'brute_force_login')
  assert.equal(
    await collector.metric('sentinel_correlate_alerts_total', {
      rule_id: 'brute_force_login',
      status: 'firing',
    }),
    1,
  )

  // The window empties: the collector resolves, Alertmanager tells Slack and PagerDuty.
  const resolve = await capture.waitFor(
    (r) => r.path === '/v2/enqueue' && (r.body as { event_action?: string }).event_action === 'resolve',
    40_000,
  )
  assert.equal(
    (resolve.body as { dedup_key: string }).dedup_key,
    page && (trigger.body as { dedup_key: string }).dedup_key,
  )
  await capture.waitFor(
    (r) => r.path === '/services/T0/B0/security' && /RESOLVED/.test(JSON.stringify(r.body)),
    10_000,
  )
  const firingPosts = slackTexts('security').filter((t) => t.includes('BruteForceLogin') && /FIRING/.test(t))
  assert.equal(firingPosts.length, 1, 'one firing notification, no repeats while it stayed active')
  assert.deepEqual(
    pagerDutyEvents()
      .filter((e) => e.dedup_key === (trigger.body as { dedup_key: string }).dedup_key)
      .map((e) => e.event_action),
    ['trigger', 'resolve'],
  )

  // History: the firing and resolved documents, with evidence ids of real spooled events.
  const history = await waitFor(
    async () => {
      const events = (await collector.events({ 'event.kind': 'alert', limit: 100 })).filter(
        (e) => (e.event as { rule?: { id?: string } }).rule?.id === 'brute_force_login',
      )
      return events.length >= 2 ? events : undefined
    },
    { description: 'alert history events', timeoutMs: 10_000 },
  )
  const actions = history.map((e) => (e.event as { event?: { action?: string } }).event?.action).sort()
  assert.deepEqual(actions, ['alert-firing', 'alert-resolved'])
  const evidence = (history[0]?.event as { sentinel?: { alert?: { evidence?: { event_ids?: string[] } } } })
    .sentinel?.alert?.evidence?.event_ids
  assert.ok(evidence && evidence.length >= 5, `evidence ids: ${JSON.stringify(evidence)}`)
  const logins = await collector.events({ q: 'Failed password', limit: 100 })
  const ids = new Set(logins.map((e) => e.id))
  for (const id of evidence) assert.ok(ids.has(id), `evidence ${id} is a spooled failed login`)
})

/** RFC 3164 lines from `host` over UDP, as a switch would send them. */
async function sendAs(host: string, messages: readonly string[]): Promise<void> {
  const socket = createSocket('udp4')
  try {
    for (const message of messages) {
      const line = `<187>Nov 21 10:00:00 ${host} ${message}`
      await new Promise<void>((resolve, reject) =>
        socket.send(line, collector.port('syslog_udp'), '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      )
    }
  } finally {
    socket.close()
  }
}

function flaps(times: number): string[] {
  const lines: string[] = []
  for (let i = 0; i < times; i++) {
    lines.push('123: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down')
    lines.push('124: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up')
  }
  return lines
}

test('an unreachable device inhibits its link-flapping alert; the same flapping elsewhere is notified', async () => {
  await waitFor(
    async () => {
      const alerts = await alertmanager.alerts({
        filter: ['alertname="DeviceUnreachable"', 'device="sw-dead"'],
      })
      return alerts.length > 0 ? alerts : undefined
    },
    { description: 'DeviceUnreachable for sw-dead in Alertmanager', timeoutMs: 30_000 },
  )
  await sendAs('sw-dead', flaps(4))
  await sendAs('sw-live', flaps(4))
  await capture.waitFor(
    (r) => /LinkFlapping/.test(JSON.stringify(r.body)) && JSON.stringify(r.body).includes('sw-live'),
    30_000,
  )
  const muted = await waitFor(
    async () => {
      const alerts = await alertmanager.alerts({ filter: ['alertname="LinkFlapping"', 'device="sw-dead"'] })
      return alerts.length > 0 ? alerts : undefined
    },
    { description: 'LinkFlapping for sw-dead in Alertmanager', timeoutMs: 10_000 },
  )
  assert.equal(muted[0]?.status.state, 'suppressed')
  assert.ok((muted[0]?.status.inhibitedBy.length ?? 0) > 0)
  const notified = capture.requests.map((r) => JSON.stringify(r.body))
  assert.ok(
    !notified.some((t) => /LinkFlapping/.test(t) && t.includes('sw-dead')),
    'sw-dead flapping was not notified',
  )
})

test('a shipped Prometheus rule fires from a real scrape of the collector and reaches Slack', async (t) => {
  const prometheus = await startPrometheus({
    jobs: sentinelScrapeJobs(collector.apiUrl.replace(/^http:\/\//, '')),
    ruleFiles: await immediatePrometheusRules(),
    alertmanagers: [alertmanager.url],
  })
  t.after(() => prometheus.stop())
  const posted = await capture.waitFor(
    (r) =>
      r.path.startsWith('/services/') &&
      /SentinelDeviceUnreachable/.test(JSON.stringify(r.body)) &&
      JSON.stringify(r.body).includes('sw-dead'),
    60_000,
  )
  assert.equal(posted.path, '/services/T0/B0/network', 'the network team channel (and PagerDuty: critical)')
  await capture.waitFor(
    (r) => r.path === '/v2/enqueue' && JSON.stringify(r.body).includes('SentinelDeviceUnreachable'),
    20_000,
  )
})
