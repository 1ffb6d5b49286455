/**
 * @module `sentinel setup alerting` against a real Prometheus 2.42 and Alertmanager 0.25: it writes
 * the shipped rules and config, promtool and amtool accept them, both servers reload and then run
 * Sentinel's rule groups and receivers; a second run changes nothing; `--check` finds drift and
 * missing secret files and exits 1 from the real CLI.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setupAlerting, type SetupItem } from '../../../collector/src/cli/setup-alerting.js'
import {
  deferInReverse,
  makeWorkDir,
  startAlertmanager,
  startPrometheus,
  type AlertmanagerHandle,
  type PrometheusHandle,
} from '../../harness/index.js'
import { REPO_ROOT } from '../../harness/work-dir.js'

const SECRETS = ['slack-platform.url', 'slack-network.url', 'slack-security.url', 'pagerduty.key']

let dir: string
let rulesDir: string
let amDir: string
let secretsDir: string
let prometheus: PrometheusHandle
let alertmanager: AlertmanagerHandle
const defer = deferInReverse({ after })

before(async () => {
  dir = await makeWorkDir('setup-alerting')
  rulesDir = join(dir, 'prometheus-rules')
  amDir = join(dir, 'alertmanager')
  secretsDir = join(dir, 'secrets')
  await mkdir(amDir, { recursive: true })
  await mkdir(secretsDir, { recursive: true })
  for (const name of SECRETS) {
    const value = name.endsWith('.key') ? '0123456789abcdef0123456789abcdef' : 'http://127.0.0.1:9/slack'
    await writeFile(join(secretsDir, name), value)
  }
  // The servers start before Sentinel is installed: no rules yet, a config that notifies nobody.
  const amConfig = join(amDir, 'alertmanager.yml')
  await writeFile(amConfig, 'route: { receiver: "null" }\nreceivers: [{ name: "null" }]\n')
  alertmanager = await startAlertmanager({ configFile: amConfig })
  defer(() => alertmanager.stop())
  prometheus = await startPrometheus({ ruleFiles: [join(rulesDir, '*.yml')] })
  defer(() => prometheus.stop())
})

function actions(items: readonly SetupItem[]): string[] {
  return items.map((i) => `${i.action} ${i.kind}`)
}

test('setup alerting installs, validates, reloads and verifies; a second run changes nothing', async () => {
  const options = {
    prometheusRulesDir: rulesDir,
    alertmanagerDir: amDir,
    secretsDir,
    prometheusUrl: prometheus.url,
    alertmanagerUrl: alertmanager.url,
  }
  const first = await setupAlerting(options)
  assert.equal(first.ok, true, JSON.stringify(first.items, null, 2))
  assert.deepEqual(actions(first.items), [
    'created file',
    'created file',
    'checked promtool',
    'reloaded prometheus',
    'verified prometheus',
    'updated file',
    'created file',
    ...SECRETS.map(() => 'checked secret'),
    'checked amtool',
    'reloaded alertmanager',
    'verified alertmanager',
  ])
  // The servers really run it: Prometheus evaluates Sentinel's groups, Alertmanager routes to PagerDuty.
  const groups = (await prometheus.rules()).map((g) => g.name)
  assert.ok(groups.includes('sentinel-collector'), `groups: ${groups.join(', ')}`)
  const status = await alertmanager.status()
  assert.match(status.config.original, /pagerduty/)
  assert.ok(status.config.original.includes(secretsDir), 'secret files point into --secrets-dir')

  const second = await setupAlerting(options)
  assert.equal(second.ok, true)
  assert.deepEqual(
    second.items.filter((i) => i.kind === 'file').map((i) => i.action),
    ['unchanged', 'unchanged', 'unchanged', 'unchanged'],
  )
})

test('setup alerting --check reports drift and missing secrets, and the CLI exits 1', async () => {
  await setupAlerting({ prometheusRulesDir: rulesDir, alertmanagerDir: amDir, secretsDir })
  await appendFile(join(rulesDir, 'sentinel-snmp.rules.yml'), '# edited by hand\n')
  await rm(join(secretsDir, 'pagerduty.key'))
  const report = await setupAlerting({
    prometheusRulesDir: rulesDir,
    alertmanagerDir: amDir,
    secretsDir,
    check: true,
  })
  assert.equal(report.ok, false)
  const flagged = report.items.filter((i) => i.action === 'differs' || i.action === 'missing')
  assert.deepEqual(
    flagged.map((i) => `${i.action} ${i.name}`),
    [`differs ${join(rulesDir, 'sentinel-snmp.rules.yml')}`, `missing ${join(secretsDir, 'pagerduty.key')}`],
  )

  const cli = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'collector', 'bin', 'sentinel.js'),
        'setup',
        'alerting',
        '--check',
        '--prometheus-rules-dir',
        rulesDir,
        '--alertmanager-dir',
        amDir,
        '--secrets-dir',
        secretsDir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  assert.equal(cli.code, 1, cli.stdout + cli.stderr)
  assert.match(cli.stdout, /differs\s+file .*sentinel-snmp\.rules\.yml/)
  assert.match(cli.stderr, /SNT_ERR_SETUP_ALERTING/)
})
