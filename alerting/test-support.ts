/**
 * @module What the alerting tests share: where the files are, the Prometheus and Alertmanager
 * binaries (installed by the harness when missing), running them, the rule files as data, the
 * runbook anchors of alerting/README.md, and an installed copy of the Alertmanager config with its
 * secret files written where a test says.
 */
import { execFile } from 'node:child_process'
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { DEFAULT_SECRETS_DIR, renderAlertmanagerConfig } from '../collector/src/cli/setup-alerting.js'
import { binary, ensureInstalled, requireBinary } from '../test/harness/index.js'

export const ALERTING_DIR = fileURLToPath(new URL('.', import.meta.url))
export const REPO_DIR = join(ALERTING_DIR, '..')
export const PROMETHEUS_DIR = join(ALERTING_DIR, 'prometheus')
export const PROMETHEUS_TESTS_DIR = join(PROMETHEUS_DIR, 'tests')
export const ALERTMANAGER_DIR = join(ALERTING_DIR, 'alertmanager')
export const ALERTMANAGER_CONFIG = join(ALERTMANAGER_DIR, 'alertmanager.yml')
export const TEMPLATES_DIR = join(ALERTMANAGER_DIR, 'templates')
export const RULE_PACKS_DIR = join(ALERTING_DIR, 'rules')
export const README = join(ALERTING_DIR, 'README.md')
export const PROMETHEUS_RULE_FILES = ['sentinel-collector.rules.yml', 'sentinel-snmp.rules.yml'].map((f) =>
  join(PROMETHEUS_DIR, f),
)

/** Where alertmanager.yml expects its secret files; an installation rewrites only this prefix. */
export const SECRETS_PREFIX = `${DEFAULT_SECRETS_DIR}/`
/** The secret files alertmanager.yml reads, by file name. */
export const SECRET_FILES = [
  'slack-platform.url',
  'slack-network.url',
  'slack-security.url',
  'pagerduty.key',
] as const
export type SecretFile = (typeof SECRET_FILES)[number]

/** The values `severity` and `team` may take: the routing tree knows exactly these. */
export const SEVERITIES = new Set(['critical', 'warning', 'info'])
export const TEAMS = new Set(['network', 'security', 'platform'])

/** promtool (Debian `prometheus`) and amtool (Debian `prometheus-alertmanager`), installed when missing. */
export async function ensureTools(): Promise<void> {
  await ensureInstalled([binary('promtool', 'prometheus'), binary('amtool', 'prometheus-alertmanager')])
}

export interface ToolResult {
  code: number
  /** stdout and stderr together, for failure messages. */
  output: string
  stdout: string
}

/** Run a tool to completion; never rejects on a non-zero exit (the caller asserts on `code`). */
export async function runTool(name: 'promtool' | 'amtool', args: readonly string[]): Promise<ToolResult> {
  const path = await requireBinary(name)
  return new Promise((resolve, reject) => {
    execFile(path, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error)
      const code = error ? Number(error.code) : 0
      resolve({ code, stdout, output: `$ ${name} ${args.join(' ')}\n${stdout}${stderr}` })
    })
  })
}

/** A Prometheus alerting rule as the rule files hold it. */
export interface PrometheusRule {
  alert: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** Every alerting rule of one Prometheus rule file. */
export async function prometheusRules(file: string): Promise<PrometheusRule[]> {
  const doc = parse(await readFile(file, 'utf8')) as { groups: { rules: PrometheusRule[] }[] }
  return doc.groups.flatMap((g) => g.rules)
}

/** Paths of the promtool test files. */
export async function prometheusTestFiles(): Promise<string[]> {
  const names = (await readdir(PROMETHEUS_TESTS_DIR)).filter((n) => n.endsWith('.test.yml')).sort()
  return names.map((n) => join(PROMETHEUS_TESTS_DIR, n))
}

/** Paths of the rule packs. */
export async function rulePackFiles(): Promise<string[]> {
  const names = (await readdir(RULE_PACKS_DIR)).filter((n) => n.endsWith('.yml')).sort()
  return names.map((n) => join(RULE_PACKS_DIR, n))
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The anchors of every heading in alerting/README.md. */
export async function readmeAnchors(): Promise<Set<string>> {
  const text = await readFile(README, 'utf8')
  const anchors = new Set<string>()
  for (const match of text.matchAll(/^#{1,6} (.+)$/gm)) anchors.add(headingAnchor(match[1] ?? ''))
  return anchors
}

export interface InstallOptions {
  /** Contents of the secret files, by file name (default: placeholders of the right shape). */
  secrets?: Partial<Record<SecretFile, string>>
  /** global.pagerduty_url. */
  pagerDutyUrl?: string
  /** Route settings to override (tests shorten group_wait and group_interval). */
  route?: Record<string, string>
}

/**
 * Install alertmanager.yml and its templates into `dir` as an operator would: the secret files in
 * `dir/secrets/` with the config's `/etc/sentinel/alerting/` prefix rewritten to it, and
 * optionally another PagerDuty endpoint. Returns the config file's path.
 *
 * @example const config = await installAlertmanagerConfig(dir, { pagerDutyUrl: capture.pagerDutyUrl })
 */
export async function installAlertmanagerConfig(dir: string, options: InstallOptions = {}): Promise<string> {
  const secretsDir = join(dir, 'secrets')
  await mkdir(secretsDir, { recursive: true })
  const defaults: Record<SecretFile, string> = {
    'slack-platform.url': 'https://hooks.slack.com/services/T0/B0/platform',
    'slack-network.url': 'https://hooks.slack.com/services/T0/B0/network',
    'slack-security.url': 'https://hooks.slack.com/services/T0/B0/security',
    'pagerduty.key': '0123456789abcdef0123456789abcdef',
  }
  for (const name of SECRET_FILES) {
    await writeFile(join(secretsDir, name), options.secrets?.[name] ?? defaults[name], { mode: 0o600 })
  }
  const text = renderAlertmanagerConfig(await readFile(ALERTMANAGER_CONFIG, 'utf8'), {
    secretsDir,
    ...(options.pagerDutyUrl === undefined ? {} : { pagerDutyUrl: options.pagerDutyUrl }),
    ...(options.route === undefined ? {} : { route: options.route }),
  })
  await cp(TEMPLATES_DIR, join(dir, 'templates'), { recursive: true })
  const file = join(dir, 'alertmanager.yml')
  await writeFile(file, text)
  return file
}
