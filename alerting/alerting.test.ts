/**
 * @module The alerting package checked with the real tools: `amtool check-config` on an installed
 * copy of the Alertmanager config (secret files written, as an installation has them), `promtool
 * check rules`, `check config` and `test rules`; every alert has a unit test that sees it fire and
 * one that sees it quiet; every metric and label the rules select is one the collector exposes;
 * every runbook link has its section in alerting/README.md.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { after, before, test } from 'node:test'
import { parse } from 'yaml'
import { PROFILES } from '../collector/src/sources/snmp_poll/profiles.js'
import { SnmpPoller } from '../collector/src/sources/snmp_poll/poller.js'
import { createMetrics } from '../collector/src/telemetry/metrics.js'
import {
  ALERTMANAGER_CONFIG,
  PROMETHEUS_DIR,
  PROMETHEUS_RULE_FILES,
  SECRETS_PREFIX,
  SECRET_FILES,
  SEVERITIES,
  TEAMS,
  ensureTools,
  installAlertmanagerConfig,
  prometheusRules,
  prometheusTestFiles,
  readmeAnchors,
  runTool,
  type PrometheusRule,
} from './test-support.js'

let workDir: string

before(async () => {
  await ensureTools()
  workDir = await mkdtemp(join(tmpdir(), 'sentinel-alerting-'))
})

after(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true })
})

function assertSucceeded(result: { code: number; output: string }): void {
  assert.equal(result.code, 0, `exit ${result.code}:\n${result.output}`)
}

// ------------------------------------------------------------------ Alertmanager

test('amtool check-config accepts alertmanager.yml installed with its secret files', async () => {
  const config = await installAlertmanagerConfig(join(workDir, 'check'))
  const result = await runTool('amtool', ['check-config', config])
  assertSucceeded(result)
  // The template files were found and parsed, and both inhibition rules loaded.
  assert.match(result.output, /- 1 templates/, result.output)
  assert.match(result.output, /- 2 inhibit rules/, result.output)
})

test('alertmanager.yml holds no secret: every credential is a *_file under /etc/sentinel/alerting/', async () => {
  const config = parse(await readFile(ALERTMANAGER_CONFIG, 'utf8')) as unknown
  const files: string[] = []
  const inline: string[] = []
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}.${i}`))
    if (node === null || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      const at = path === '' ? key : `${path}.${key}`
      if (key.endsWith('_file') && typeof value === 'string') files.push(value)
      // The settings that carry a secret when given inline.
      if (['slack_api_url', 'api_url', 'routing_key', 'service_key', 'api_key', 'password'].includes(key))
        inline.push(at)
      walk(value, at)
    }
  }
  walk(config, '')
  assert.deepEqual(inline, [], `inline secrets at ${inline.join(', ')}`)
  assert.deepEqual(
    [...new Set(files)].sort(),
    SECRET_FILES.map((name) => `${SECRETS_PREFIX}${name}`).sort(),
    'the secret files are exactly the documented ones',
  )
})

// ------------------------------------------------------------------ Prometheus

test('promtool check rules accepts both rule files', async () => {
  assertSucceeded(await runTool('promtool', ['check', 'rules', ...PROMETHEUS_RULE_FILES]))
})

test('promtool check config accepts prometheus.example.yml and the rule files it lists', async () => {
  const result = await runTool('promtool', [
    'check',
    'config',
    join(PROMETHEUS_DIR, 'prometheus.example.yml'),
  ])
  assertSucceeded(result)
  assert.match(result.output, /SUCCESS: 2 rule files found/, result.output)
})

test('promtool test rules passes every test file', async () => {
  const files = await prometheusTestFiles()
  assert.ok(files.length >= 2, `test files: ${files.join(', ')}`)
  for (const file of files) {
    const result = await runTool('promtool', ['test', 'rules', file])
    assertSucceeded(result)
    assert.match(result.output, /SUCCESS/, result.output)
  }
})

interface AlertRuleTest {
  alertname: string
  exp_alerts?: { exp_labels?: Record<string, string> }[]
}
interface PromtoolTestFile {
  rule_files: string[]
  tests: { name?: string; alert_rule_test?: AlertRuleTest[] }[]
}

test('every alerting rule has a promtool case where it fires and one where it stays quiet', async () => {
  const firing = new Set<string>()
  const quiet = new Set<string>()
  for (const file of await prometheusTestFiles()) {
    const doc = parse(await readFile(file, 'utf8')) as PromtoolTestFile
    const ruleFiles = doc.rule_files.map((f) => resolve(dirname(file), f))
    for (const t of doc.tests) {
      for (const case_ of t.alert_rule_test ?? []) {
        for (const ruleFile of ruleFiles) {
          const expected = case_.exp_alerts ?? []
          if (expected.length === 0) quiet.add(`${basename(ruleFile)} ${case_.alertname}`)
          for (const alert of expected) {
            firing.add(`${basename(ruleFile)} ${case_.alertname} ${alert.exp_labels?.severity ?? '?'}`)
          }
        }
      }
    }
  }
  const missing: string[] = []
  for (const file of PROMETHEUS_RULE_FILES) {
    for (const rule of await prometheusRules(file)) {
      const name = `${basename(file)} ${rule.alert}`
      if (!firing.has(`${name} ${rule.labels?.severity}`))
        missing.push(`${name} (severity ${rule.labels?.severity}): no case where it fires`)
      if (!quiet.has(name)) missing.push(`${name}: no case where it must not fire`)
    }
  }
  assert.deepEqual(missing, [])
})

test('every alerting rule has severity, team, summary, description and a runbook section', async () => {
  const anchors = await readmeAnchors()
  const problems: string[] = []
  for (const file of PROMETHEUS_RULE_FILES) {
    for (const rule of await prometheusRules(file)) {
      const at = `${basename(file)} ${rule.alert}`
      if (!SEVERITIES.has(rule.labels?.severity ?? ''))
        problems.push(`${at}: severity ${rule.labels?.severity}`)
      if (!TEAMS.has(rule.labels?.team ?? '')) problems.push(`${at}: team ${rule.labels?.team}`)
      for (const key of ['summary', 'description'])
        if (!rule.annotations?.[key]) problems.push(`${at}: no ${key} annotation`)
      const runbook = `alerting/README.md#${rule.alert.toLowerCase()}`
      if (rule.annotations?.runbook_url !== runbook)
        problems.push(`${at}: runbook_url ${rule.annotations?.runbook_url}, expected ${runbook}`)
      if (!anchors.has(rule.alert.toLowerCase())) problems.push(`${at}: no "### ${rule.alert}" in README.md`)
      if (rule.labels?.scope !== undefined && rule.labels.scope !== 'interface')
        problems.push(`${at}: scope ${rule.labels.scope} (only "interface" is routed)`)
    }
  }
  assert.deepEqual(problems, [])
})

// ------------------------------------------------------------------ the metrics contract

/** Metric name -> label names, as the collector exposes them on /metrics and /metrics/snmp. */
async function exposedMetrics(): Promise<Map<string, Set<string>>> {
  const metrics = createMetrics({ defaultMetrics: false })
  // The poller registers its sentinel_snmp_* self-metrics in the registry it is given.
  new SnmpPoller({ devices: [], registry: metrics.registry })
  const known = new Map<string, Set<string>>()
  for (const metric of metrics.registry.getMetricsAsArray()) {
    // prom-client keeps the declared label names on the metric; its types do not show them.
    const labelNames = 'labelNames' in metric ? metric.labelNames : undefined
    assert.ok(Array.isArray(labelNames), `${metric.name}: no labelNames`)
    known.set(metric.name, new Set(labelNames.map(String)))
  }
  for (const profile of Object.values(PROFILES)) {
    for (const m of profile.metrics) {
      known.set(m.name, new Set(['device', ...m.indexes, ...(m.lookups ?? []).map((l) => l.labelname)]))
    }
  }
  known.set('up', new Set())
  return known
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'offset', 'bool'])
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g

/** Metric names, selector label names and grouping label names used by a PromQL expression. */
function promqlNames(expr: string): {
  metrics: string[]
  selectorLabels: string[]
  groupingLabels: string[]
} {
  const selectorLabels: string[] = []
  const groupingLabels: string[] = []
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')
  rest = rest.replace(/\{([^}]*)\}/g, (_m, inside: string) => {
    for (const matcher of inside.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g))
      selectorLabels.push(matcher[1] ?? '')
    return ' '
  })
  rest = rest.replace(GROUPING, (_m, _kw: string, inside: string) => {
    groupingLabels.push(
      ...inside
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    return ' '
  })
  rest = rest.replace(/\[[^\]]*\]/g, ' ')
  const metrics: string[] = []
  for (const token of rest.matchAll(/\d+(?:\.\d+)?[a-z]*|[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?/g)) {
    const word = token[0]
    if (/^\d/.test(word) || token[1] !== undefined || PROMQL_KEYWORDS.has(word)) continue
    metrics.push(word)
  }
  return { metrics, selectorLabels, groupingLabels }
}

test('the PromQL reader finds metrics and labels (so the contract test below can fail)', () => {
  const names = promqlNames(
    'sum by (job, instance) (rate(x_total{job="a", intentional="false"}[5m] offset 10m)) > 0 and on (job) up{job="b"} == 1',
  )
  assert.deepEqual(names.metrics, ['x_total', 'up'])
  assert.deepEqual(names.selectorLabels, ['job', 'intentional', 'job'])
  assert.deepEqual(names.groupingLabels, ['job', 'instance', 'job'])
})

test('the rules select only metrics and labels the collector exposes', async () => {
  const known = await exposedMetrics()
  const target = new Set(['job', 'instance', '__name__'])
  const problems: string[] = []
  const rules: [string, PrometheusRule][] = []
  for (const file of PROMETHEUS_RULE_FILES) for (const r of await prometheusRules(file)) rules.push([file, r])
  for (const [file, rule] of rules) {
    const at = `${basename(file)} ${rule.alert}`
    const { metrics, selectorLabels, groupingLabels } = promqlNames(rule.expr)
    assert.ok(metrics.length > 0, `${at}: no metric found in ${rule.expr}`)
    const labels = new Set(target)
    for (const metric of metrics) {
      const metricLabels = known.get(metric)
      if (!metricLabels) problems.push(`${at}: ${metric} is not a metric the collector exposes`)
      for (const l of metricLabels ?? []) labels.add(l)
    }
    for (const l of [...selectorLabels, ...groupingLabels])
      if (!labels.has(l)) problems.push(`${at}: label ${l} is on none of ${metrics.join(', ')}`)
  }
  assert.deepEqual(problems, [])
})
