/**
 * @module alertmanager.yml and templates/sentinel.tmpl at work: the routing tree through `amtool
 * config routes test`, the Slack and PagerDuty templates through `amtool template render`, and a
 * real Alertmanager 0.25 running the installed config (secret files written, `pagerduty_url` and
 * the Slack webhook files pointed at the harness's capture server, which STANDS IN FOR SLACK AND
 * PAGERDUTY) that pages, posts to the team channels, inhibits and resolves.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import {
  deferInReverse,
  makeWorkDir,
  startAlertmanager,
  startCaptureServer,
  waitFor,
  type AlertmanagerHandle,
  type CapturedRequest,
  type PostableAlert,
} from '../test/harness/index.js'
import {
  ALERTMANAGER_CONFIG,
  TEMPLATES_DIR,
  ensureTools,
  installAlertmanagerConfig,
  runTool,
} from './test-support.js'

let workDir: string

before(async () => {
  await ensureTools()
  workDir = await mkdtemp(join(tmpdir(), 'sentinel-am-'))
})

after(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true })
})

// ------------------------------------------------------------------ routing tree

const ROUTES: [labels: string[], receivers: string][] = [
  [['severity=critical', 'team=network'], 'pagerduty,slack-network'],
  [['severity=critical', 'team=security'], 'pagerduty,slack-security'],
  [['severity=critical', 'team=platform'], 'pagerduty,slack-platform'],
  [['severity=critical'], 'pagerduty,slack-platform'],
  [['severity=warning', 'team=network'], 'slack-network'],
  [['severity=warning', 'team=security'], 'slack-security'],
  [['severity=warning', 'team=platform'], 'slack-platform'],
  [['severity=warning', 'team=facilities'], 'slack-platform'],
  [['severity=info', 'team=network'], 'null'],
  [['severity=info', 'team=security'], 'null'],
  [['alertname=NoSeverityLabel'], 'slack-platform'],
]

test('the routing tree: critical pages and posts, warning posts to the team, info goes nowhere', async () => {
  for (const [labels, expected] of ROUTES) {
    const result = await runTool('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${ALERTMANAGER_CONFIG}`,
      ...labels,
    ])
    assert.equal(result.code, 0, result.output)
    assert.equal(result.stdout.trim(), expected, `${labels.join(' ')}\n${result.output}`)
  }
})

// ------------------------------------------------------------------ templates

interface TemplateAlert {
  status: 'firing' | 'resolved'
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  generatorURL: string
}

/** Alertmanager's template data (template.Data) for one group. */
function templateData(status: 'firing' | 'resolved', alerts: TemplateAlert[]) {
  const common = (pick: (a: TemplateAlert) => Record<string, string>) =>
    Object.fromEntries(
      Object.entries(pick(alerts[0] as TemplateAlert)).filter(([k, v]) =>
        alerts.every((a) => pick(a)[k] === v),
      ),
    )
  return {
    receiver: 'test',
    status,
    alerts: alerts.map((a, i) => ({ ...a, fingerprint: `f${i}` })),
    groupLabels: { alertname: alerts[0]?.labels.alertname },
    commonLabels: common((a) => a.labels),
    commonAnnotations: common((a) => a.annotations),
    externalURL: 'http://alertmanager.invalid:9093',
  }
}

const NEVER = '0001-01-01T00:00:00Z'

/** Render named templates of sentinel.tmpl for `data`; returns name -> output. */
async function render(data: object, names: string[]): Promise<Record<string, string>> {
  const file = join(workDir, `data-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, JSON.stringify(data))
  const separator = '\n=====8<=====\n'
  const text = names.map((n) => `{{ template "${n}" . }}`).join(separator)
  const result = await runTool('amtool', [
    'template',
    'render',
    `--template.glob=${join(TEMPLATES_DIR, '*.tmpl')}`,
    `--template.data=${file}`,
    `--template.text=${text}`,
  ])
  assert.equal(result.code, 0, result.output)
  const parts = result.stdout.split(separator)
  assert.equal(parts.length, names.length, result.output)
  return Object.fromEntries(names.map((n, i) => [n, parts[i] ?? '']))
}

const prometheusAlert: TemplateAlert = {
  status: 'firing',
  labels: {
    alertname: 'SentinelDeviceUnreachable',
    severity: 'critical',
    team: 'network',
    device: 'core-sw1',
    site: 'dc1',
    instance: 'c1:9464',
  },
  annotations: {
    summary: 'Device core-sw1 does not answer SNMP',
    description: 'Every SNMP poll of core-sw1 has failed for 5 minutes.',
    runbook_url: 'alerting/README.md#sentineldeviceunreachable',
  },
  startsAt: '2026-03-01T03:04:05Z',
  endsAt: NEVER,
  generatorURL: 'http://prometheus.invalid:9090/graph?g0.expr=sentinel_snmp_device_up',
}

const collectorAlert: TemplateAlert = {
  status: 'firing',
  labels: { alertname: 'BruteForceLogin', severity: 'critical', team: 'security', device: 'bastion-1' },
  annotations: {
    summary: '7 failed logins from 203.0.113.7 within 10m (latest on bastion-1) & <more>',
    runbook_url: 'https://runbooks.example.net/sentinel#bruteforcelogin',
    evidence_query: 'source.ip:"203.0.113.7" and event.outcome:"failure" and @timestamp >= "now-10m"',
    evidence_url: 'https://kibana.example.net/app/discover#/?_a=(query:x)',
  },
  startsAt: '2026-03-01T03:00:00Z',
  endsAt: NEVER,
  generatorURL: 'http://sentinel.invalid:9464/api/v1/alerts/brute_force_login:1',
}

test('Slack template: title, colour, fields, evidence from generatorURL, runbook path as text', async () => {
  const out = await render(templateData('firing', [prometheusAlert]), [
    'sentinel.slack.title',
    'sentinel.slack.title_link',
    'sentinel.slack.color',
    'sentinel.slack.text',
  ])
  assert.equal(out['sentinel.slack.title'], '[FIRING:1] CRITICAL SentinelDeviceUnreachable on core-sw1 (dc1)')
  assert.equal(out['sentinel.slack.title_link'], prometheusAlert.generatorURL)
  assert.equal(out['sentinel.slack.color'], 'danger')
  const text = out['sentinel.slack.text'] ?? ''
  assert.match(text, /^:rotating_light: \*Device core-sw1 does not answer SNMP\*$/m)
  assert.match(text, /^Every SNMP poll of core-sw1 has failed for 5 minutes\.$/m)
  assert.match(text, /\*Device:\* core-sw1 {3}\*Site:\* dc1 {3}\*Severity:\* critical {3}\*Team:\* network/)
  assert.ok(text.includes(`*Evidence:* <${prometheusAlert.generatorURL}|open>`), text)
  assert.match(text, /\*Runbook:\* alerting\/README\.md#sentineldeviceunreachable$/m)
  assert.doesNotMatch(text, /Evidence query/, 'no evidence_query, no line')
  assert.match(text, /_since 2026-03-01 03:04:05 UTC_/)
})

test('Slack template: evidence_url wins over generatorURL, the query is shown, mrkdwn is escaped', async () => {
  const out = await render(templateData('firing', [collectorAlert]), [
    'sentinel.slack.title_link',
    'sentinel.slack.text',
  ])
  assert.equal(out['sentinel.slack.title_link'], collectorAlert.annotations.evidence_url)
  const text = out['sentinel.slack.text'] ?? ''
  assert.ok(text.includes('(latest on bastion-1) &amp; &lt;more&gt;*'), text)
  assert.ok(
    text.includes(
      '*Evidence query:* `source.ip:"203.0.113.7" and event.outcome:"failure" and @timestamp &gt;= "now-10m"`',
    ),
    text,
  )
  assert.ok(text.includes(`*Evidence:* <${collectorAlert.annotations.evidence_url}|open>`), text)
  assert.ok(text.includes(`*Runbook:* <${collectorAlert.annotations.runbook_url}|open>`), text)
  assert.match(text, /\*Site:\* -/, 'no site label: a dash')
})

test('Slack template: a resolved group is green, marked RESOLVED, with its end time', async () => {
  const resolved = { ...prometheusAlert, status: 'resolved' as const, endsAt: '2026-03-01T03:34:05Z' }
  const out = await render(templateData('resolved', [resolved]), [
    'sentinel.slack.title',
    'sentinel.slack.color',
    'sentinel.slack.text',
  ])
  assert.equal(out['sentinel.slack.title'], '[RESOLVED] CRITICAL SentinelDeviceUnreachable on core-sw1 (dc1)')
  assert.equal(out['sentinel.slack.color'], 'good')
  assert.match(
    out['sentinel.slack.text'] ?? '',
    /^:white_check_mark: RESOLVED \*Device core-sw1 does not answer SNMP\*$/m,
  )
  assert.match(
    out['sentinel.slack.text'] ?? '',
    /_resolved 2026-03-01 03:34:05 UTC \(started 2026-03-01 03:04:05 UTC\)_/,
  )
})

test('Slack template: a group lists firing alerts before resolved ones, and counts only the firing', async () => {
  const a = {
    ...prometheusAlert,
    labels: { ...prometheusAlert.labels, ifName: 'Gi0/1' },
    annotations: { ...prometheusAlert.annotations, summary: 'first' },
  }
  const b = {
    ...a,
    status: 'resolved' as const,
    endsAt: '2026-03-01T03:10:00Z',
    labels: { ...a.labels, ifName: 'Gi0/2' },
    annotations: { ...a.annotations, summary: 'second' },
  }
  const out = await render(templateData('firing', [b, a]), ['sentinel.slack.title', 'sentinel.slack.text'])
  assert.match(out['sentinel.slack.title'] ?? '', /^\[FIRING:1\] /)
  const text = out['sentinel.slack.text'] ?? ''
  assert.ok(text.indexOf('*first*') < text.indexOf('RESOLVED *second*'), text)
})

test('PagerDuty template: severity mapping, source fallback, summary, links only for full URLs', async () => {
  const names = [
    'sentinel.pagerduty.severity',
    'sentinel.pagerduty.source',
    'sentinel.pagerduty.description',
    'sentinel.pagerduty.evidence_url',
    'sentinel.pagerduty.runbook_href',
    'sentinel.pagerduty.alerts',
  ]
  const critical = await render(templateData('firing', [prometheusAlert]), names)
  assert.equal(critical['sentinel.pagerduty.severity'], 'critical')
  assert.equal(critical['sentinel.pagerduty.source'], 'core-sw1')
  assert.equal(
    critical['sentinel.pagerduty.description'],
    '[FIRING:1] SentinelDeviceUnreachable on core-sw1: Device core-sw1 does not answer SNMP',
  )
  assert.equal(critical['sentinel.pagerduty.evidence_url'], prometheusAlert.generatorURL)
  assert.equal(critical['sentinel.pagerduty.runbook_href'], '', 'a repository path is no link')
  assert.match(
    critical['sentinel.pagerduty.alerts'] ?? '',
    /^\[firing\] Device core-sw1 does not answer SNMP \{alertname="SentinelDeviceUnreachable", device="core-sw1", instance="c1:9464", severity="critical", site="dc1", team="network"\} since 2026-03-01 03:04:05 UTC$/m,
  )

  const collector = await render(templateData('firing', [collectorAlert]), names)
  assert.equal(collector['sentinel.pagerduty.runbook_href'], collectorAlert.annotations.runbook_url)
  assert.equal(collector['sentinel.pagerduty.evidence_url'], collectorAlert.annotations.evidence_url)

  const noDevice = {
    ...prometheusAlert,
    labels: {
      alertname: 'SentinelSpoolNearlyFull',
      severity: 'warning',
      team: 'platform',
      instance: 'c1:9464',
    },
  }
  const warning = await render(templateData('firing', [noDevice]), names)
  assert.equal(warning['sentinel.pagerduty.severity'], 'warning')
  assert.equal(warning['sentinel.pagerduty.source'], 'c1:9464', 'no device: the collector instance')
  const odd = { ...noDevice, labels: { alertname: 'Custom' } }
  const unlabelled = await render(templateData('firing', [odd]), names)
  assert.equal(unlabelled['sentinel.pagerduty.severity'], 'error')
  assert.equal(unlabelled['sentinel.pagerduty.source'], 'sentinel')
})

// ------------------------------------------------------------------ a real Alertmanager

interface SlackAttachment {
  title: string
  title_link: string
  text: string
  color: string
}
interface SlackBody {
  channel: string
  attachments: SlackAttachment[]
}
interface PagerDutyBody {
  routing_key: string
  event_action: string
  dedup_key: string
  payload?: {
    summary: string
    source: string
    severity: string
    class: string
    component: string
    group: string
    custom_details: Record<string, string>
  }
  links?: { href: string; text: string }[]
}

const slack = (r: CapturedRequest) => r.body as SlackBody
const pagerDuty = (r: CapturedRequest) => r.body as PagerDutyBody
const titleOf = (r: CapturedRequest) => slack(r).attachments?.[0]?.title ?? ''

test('a real Alertmanager with this config pages, posts per team, inhibits and resolves', async (t) => {
  const defer = deferInReverse(t)
  const capture = await startCaptureServer()
  defer(() => capture.close())
  const routingKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
  const slackUrl = (channel: string) => `${capture.url}/services/T0000/B0000/${channel}`
  const dir = await makeWorkDir('alerting-am')
  const configFile = await installAlertmanagerConfig(dir, {
    secrets: {
      'slack-platform.url': `${slackUrl('platform')}\n`,
      'slack-network.url': `${slackUrl('network')}\n`,
      'slack-security.url': `${slackUrl('security')}\n`,
      // As `echo KEY > file` writes it: Alertmanager trims the newline.
      'pagerduty.key': `${routingKey}\n`,
    },
    pagerDutyUrl: capture.pagerDutyUrl,
    // Test speed only: notify a new group after 1 s instead of 30 s, changes after 1 s instead of 5 min.
    route: { group_wait: '1s', group_interval: '1s' },
  })
  const am: AlertmanagerHandle = await startAlertmanager({ configFile })
  defer(() => am.stop())

  const startsAt = new Date(Date.now() - 60_000).toISOString()
  const deviceDown: PostableAlert = {
    labels: {
      alertname: 'DeviceUnreachable',
      severity: 'critical',
      team: 'network',
      device: 'core-sw1',
      site: 'dc1',
      rule_id: 'device_poll_absent',
    },
    annotations: {
      summary: 'No SNMP poll result from core-sw1 for 10m',
      description: 'No successful SNMP poll of the device for 10 minutes.',
      runbook_url: 'alerting/README.md#deviceunreachable',
      evidence_query: 'host.name:"core-sw1" and event.dataset:"sentinel.snmp"',
      evidence_url: 'https://kibana.example.net/app/discover#/?_a=(query:core-sw1)',
    },
    startsAt,
    generatorURL: 'http://sentinel.invalid:9464/api/v1/alerts/device_poll_absent:1',
  }
  const interfaceErrors = (device: string): PostableAlert => ({
    labels: {
      alertname: 'SentinelInterfaceErrors',
      severity: 'warning',
      team: 'network',
      scope: 'interface',
      device,
      ifIndex: '1',
      ifName: 'Gi0/1',
      instance: 'c1:9464',
    },
    annotations: {
      summary: `Interface Gi0/1 on ${device} has 3.00 errors/s`,
      runbook_url: 'alerting/README.md#sentinelinterfaceerrors',
    },
    startsAt,
    generatorURL: 'http://prometheus.invalid:9090/graph?g0.expr=ifInErrors',
  })
  const spool = (severity: string): PostableAlert => ({
    labels: { alertname: 'SentinelSpoolNearlyFull', severity, team: 'platform', instance: 'c1:9464' },
    annotations: { summary: `Spool of c1:9464 is 98% full (${severity})` },
    startsAt,
    generatorURL: 'http://prometheus.invalid:9090/graph?g0.expr=sentinel_spool_size_bytes',
  })
  const configChange: PostableAlert = {
    labels: { alertname: 'ConfigurationChange', severity: 'info', team: 'network', device: 'core-sw1' },
    annotations: { summary: 'Configuration changed on core-sw1' },
    startsAt,
  }

  // The device goes down first, so its interface alert arrives to an active inhibitor.
  await am.postAlerts([deviceDown])
  await am.postAlerts([
    interfaceErrors('core-sw1'),
    interfaceErrors('dist-sw2'),
    spool('warning'),
    spool('critical'),
    configChange,
  ])

  // Critical: a PagerDuty trigger with the Events API v2 fields, and the network channel.
  const page = pagerDuty(
    await capture.waitFor(
      (r) => r.path === '/v2/enqueue' && pagerDuty(r).payload?.class === 'DeviceUnreachable',
    ),
  )
  assert.equal(page.routing_key, routingKey)
  assert.equal(page.event_action, 'trigger')
  assert.equal(page.payload?.severity, 'critical')
  assert.equal(page.payload?.component, 'core-sw1')
  assert.equal(page.payload?.source, 'core-sw1')
  assert.equal(page.payload?.group, 'dc1')
  assert.equal(
    page.payload?.summary,
    '[FIRING:1] DeviceUnreachable on core-sw1: No SNMP poll result from core-sw1 for 10m',
  )
  assert.equal(page.payload?.custom_details.evidence_query, deviceDown.annotations?.evidence_query)
  assert.equal(page.payload?.custom_details.runbook_url, 'alerting/README.md#deviceunreachable')
  assert.equal(page.payload?.custom_details.team, 'network')
  assert.equal(page.payload?.custom_details.rule_id, 'device_poll_absent')
  // The runbook is a repository path, so only the evidence link is sent.
  assert.deepEqual(page.links, [{ href: deviceDown.annotations?.evidence_url, text: 'Evidence' }])

  const posted = slack(
    await capture.waitFor(
      (r) => r.path.endsWith('/network') && titleOf(r).includes('DeviceUnreachable on core-sw1'),
    ),
  )
  assert.equal(posted.channel, '#network-alerts')
  assert.equal(posted.attachments[0]?.title, '[FIRING:1] CRITICAL DeviceUnreachable on core-sw1 (dc1)')
  assert.equal(posted.attachments[0]?.title_link, deviceDown.annotations?.evidence_url)
  assert.equal(posted.attachments[0]?.color, 'danger')
  assert.match(
    posted.attachments[0]?.text ?? '',
    /\*Evidence query:\* `host\.name:"core-sw1" and event\.dataset:"sentinel\.snmp"`/,
  )

  // The other device's interface alert is not muted: warning, so Slack only.
  const other = await capture.waitFor((r) => titleOf(r).includes('SentinelInterfaceErrors on dist-sw2'))
  assert.ok(other.path.endsWith('/network'), other.path)

  // Critical mutes the warning of the same alert; the critical one pages and goes to the platform channel.
  await capture.waitFor(
    (r) => r.path === '/v2/enqueue' && pagerDuty(r).payload?.class === 'SentinelSpoolNearlyFull',
  )
  await capture.waitFor(
    (r) => r.path.endsWith('/platform') && titleOf(r).includes('CRITICAL SentinelSpoolNearlyFull'),
  )

  const state = async (alertname: string, labels: Record<string, string> = {}) => {
    const filter = [`alertname="${alertname}"`, ...Object.entries(labels).map(([k, v]) => `${k}="${v}"`)]
    const [alert] = await am.alerts({ filter })
    return alert
  }
  const muted = await waitFor(
    async () => {
      const alert = await state('SentinelInterfaceErrors', { device: 'core-sw1' })
      return alert?.status.state === 'suppressed' ? alert : undefined
    },
    { description: 'the interface alert of the unreachable device suppressed', timeoutMs: 30_000 },
  )
  assert.equal(muted.status.inhibitedBy.length, 1)
  assert.equal((await state('SentinelInterfaceErrors', { device: 'dist-sw2' }))?.status.state, 'active')
  const warning = await state('SentinelSpoolNearlyFull', { severity: 'warning' })
  assert.equal(warning?.status.state, 'suppressed')
  assert.equal(warning?.status.inhibitedBy.length, 1)
  const info = await state('ConfigurationChange')
  assert.deepEqual(
    info?.receivers.map((r) => r.name),
    ['null'],
  )
  assert.equal(info?.status.state, 'active')

  // Muted alerts reached nobody (their groups were due long ago: dist-sw2's arrived), info neither.
  const muteChecked = capture.requests.length
  for (const r of capture.requests) {
    const text = r.rawBody
    assert.ok(!text.includes('SentinelInterfaceErrors on core-sw1'), `muted alert delivered: ${text}`)
    assert.ok(!text.includes('(warning)'), `muted warning delivered: ${text}`)
    assert.ok(!text.includes('ConfigurationChange'), `info alert delivered: ${text}`)
  }
  assert.ok(muteChecked >= 5, `requests so far: ${muteChecked}`)

  // The device answers again: resolved to Slack and PagerDuty, and its interface alert is let through.
  await am.postAlerts([{ ...deviceDown, endsAt: new Date().toISOString() }])
  const resolved = slack(
    await capture.waitFor(
      (r) => r.path.endsWith('/network') && titleOf(r).startsWith('[RESOLVED] CRITICAL DeviceUnreachable'),
    ),
  )
  assert.equal(resolved.attachments[0]?.color, 'good')
  assert.match(
    resolved.attachments[0]?.text ?? '',
    /^:white_check_mark: RESOLVED \*No SNMP poll result from core-sw1 for 10m\*$/m,
  )
  const closed = pagerDuty(
    await capture.waitFor((r) => r.path === '/v2/enqueue' && pagerDuty(r).event_action === 'resolve'),
  )
  assert.equal(closed.dedup_key, page.dedup_key)
  await capture.waitFor(
    (r) => r.path.endsWith('/network') && titleOf(r).includes('SentinelInterfaceErrors on core-sw1'),
  )
  // Every request the stand-in got was one PagerDuty or Slack accepts.
  const refused = capture.requests.filter((r) =>
    r.path === '/v2/enqueue' ? false : !r.path.startsWith('/services/'),
  )
  assert.deepEqual(
    refused.map((r) => r.path),
    [],
  )
})
