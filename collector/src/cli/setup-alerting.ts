/**
 * @module `sentinel setup alerting`: install the shipped Prometheus rules and Alertmanager config
 * (alerting/) into an existing Prometheus and Alertmanager, or check an installation. Files are
 * only rewritten when they differ; the tools' own checkers (promtool, amtool) validate what is on
 * disk when they are installed; given the servers' URLs, both are reloaded and asked whether they
 * now run Sentinel's rule groups and receivers. Secrets stay in files the operator writes: the
 * config only names them.
 */
import { execFile } from 'node:child_process'
import { access, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { parse, parseDocument } from 'yaml'
import { SHIPPED_ALERTING_DIR } from '../correlate/shipped.js'
import { SentinelError } from '../errors/codes.js'

/** The secret-file directory alertmanager.yml names; installs rewrite only this prefix. */
export const DEFAULT_SECRETS_DIR = '/etc/sentinel/alerting'
const SHIPPED_SECRETS_PREFIX = `${DEFAULT_SECRETS_DIR}/`
const PROMETHEUS_RULE_FILES = ['sentinel-collector.rules.yml', 'sentinel-snmp.rules.yml'] as const
const TEMPLATE_FILES = ['sentinel.tmpl'] as const

export interface AlertingSetupOptions {
  /** Directory of Prometheus rule files (listed under `rule_files` in prometheus.yml). */
  prometheusRulesDir?: string
  /** Directory for alertmanager.yml and templates/. */
  alertmanagerDir?: string
  /** Where the Slack URL and PagerDuty key files are (default /etc/sentinel/alerting). */
  secretsDir?: string
  /** Events API v2 endpoint instead of PagerDuty's (e.g. a proxy). */
  pagerDutyUrl?: string
  /** Reload and verify (needs --web.enable-lifecycle on Prometheus). */
  prometheusUrl?: string
  alertmanagerUrl?: string
  /** Compare and validate only; write nothing, reload nothing. */
  check?: boolean
}

export interface SetupItem {
  action:
    | 'created'
    | 'updated'
    | 'unchanged'
    | 'differs'
    | 'missing'
    | 'checked'
    | 'reloaded'
    | 'verified'
    | 'skipped'
    | 'failed'
  kind: 'file' | 'secret' | 'promtool' | 'amtool' | 'prometheus' | 'alertmanager'
  name: string
  reason?: string
}

export interface AlertingSetupReport {
  items: SetupItem[]
  /** False when an item failed, or (with check) a file differs or is missing. */
  ok: boolean
}

/**
 * The shipped alertmanager.yml with its secret files under `secretsDir` and, optionally, another
 * PagerDuty endpoint and route timings (tests shorten group_wait). Comments are kept.
 */
export function renderAlertmanagerConfig(
  shipped: string,
  options: { secretsDir?: string; pagerDutyUrl?: string; route?: Record<string, string> } = {},
): string {
  const secretsDir = (options.secretsDir ?? DEFAULT_SECRETS_DIR).replace(/\/+$/, '')
  const doc = parseDocument(shipped.replaceAll(SHIPPED_SECRETS_PREFIX, `${secretsDir}/`))
  if (options.pagerDutyUrl !== undefined) doc.setIn(['global', 'pagerduty_url'], options.pagerDutyUrl)
  for (const [key, value] of Object.entries(options.route ?? {})) doc.setIn(['route', key], value)
  return doc.toString({ lineWidth: 0 })
}

/** The secret file paths a rendered alertmanager.yml reads (every `*_file` setting). */
export function secretFilesOf(config: string): string[] {
  const found = new Set<string>()
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (node === null || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith('_file') && typeof value === 'string') found.add(value)
      else walk(value)
    }
  }
  walk(parse(config))
  return [...found].sort()
}

/**
 * Install or check; every step is reported through `print` as it happens.
 *
 * @example
 * const report = await setupAlerting({ prometheusRulesDir: '/etc/prometheus/rules', prometheusUrl: 'http://127.0.0.1:9090' }, console.log)
 */
export async function setupAlerting(
  options: AlertingSetupOptions,
  print: (line: string) => void = () => undefined,
): Promise<AlertingSetupReport> {
  const items: SetupItem[] = []
  const report = (item: SetupItem): void => {
    items.push(item)
    print(`${item.action.padEnd(9)} ${item.kind} ${item.name}${item.reason ? ` (${item.reason})` : ''}`)
  }
  if (options.prometheusRulesDir === undefined && options.alertmanagerDir === undefined) {
    throw new SentinelError('SNT_ERR_SETUP_ALERTING', [
      'give --prometheus-rules-dir, --alertmanager-dir or both',
    ])
  }
  const check = options.check ?? false
  if (options.prometheusRulesDir !== undefined) {
    const dir = options.prometheusRulesDir
    const files = PROMETHEUS_RULE_FILES.map((name) => join(dir, name))
    for (const name of PROMETHEUS_RULE_FILES) {
      const shipped = await readFile(join(SHIPPED_ALERTING_DIR, 'prometheus', name), 'utf8')
      report(await place(join(dir, name), shipped, check))
    }
    report(await runChecker('promtool', ['check', 'rules', ...files], dir))
    if (options.prometheusUrl !== undefined && !check) {
      report(await reload('prometheus', options.prometheusUrl))
      report(await verifyPrometheus(options.prometheusUrl, await shippedRuleGroups()))
    }
  }
  if (options.alertmanagerDir !== undefined) {
    const dir = options.alertmanagerDir
    const shipped = await readFile(join(SHIPPED_ALERTING_DIR, 'alertmanager', 'alertmanager.yml'), 'utf8')
    const config = renderAlertmanagerConfig(shipped, {
      ...(options.secretsDir === undefined ? {} : { secretsDir: options.secretsDir }),
      ...(options.pagerDutyUrl === undefined ? {} : { pagerDutyUrl: options.pagerDutyUrl }),
    })
    const configFile = join(dir, 'alertmanager.yml')
    report(await place(configFile, config, check))
    for (const name of TEMPLATE_FILES) {
      const template = await readFile(join(SHIPPED_ALERTING_DIR, 'alertmanager', 'templates', name), 'utf8')
      report(await place(join(dir, 'templates', name), template, check))
    }
    for (const secret of secretFilesOf(config)) {
      const present = await access(secret).then(
        () => true,
        () => false,
      )
      report(
        present
          ? { action: 'checked', kind: 'secret', name: secret }
          : {
              action: 'missing',
              kind: 'secret',
              name: secret,
              reason:
                'write it before alerts fire: Alertmanager loads the config without it, then fails to notify',
            },
      )
    }
    report(await runChecker('amtool', ['check-config', configFile], dir))
    if (options.alertmanagerUrl !== undefined && !check) {
      report(await reload('alertmanager', options.alertmanagerUrl))
      report(await verifyAlertmanager(options.alertmanagerUrl, receiversOf(config)))
    }
  }
  const ok = items.every(
    (i) => i.action !== 'failed' && !(check && (i.action === 'differs' || i.action === 'missing')),
  )
  return { items, ok }
}

/** Write `content` to `path` unless it is already there (with check: only compare). */
async function place(path: string, content: string, check: boolean): Promise<SetupItem> {
  const current = await readFile(path, 'utf8').catch(() => undefined)
  if (current === content) return { action: 'unchanged', kind: 'file', name: path }
  if (check) return { action: current === undefined ? 'missing' : 'differs', kind: 'file', name: path }
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, content)
  return { action: current === undefined ? 'created' : 'updated', kind: 'file', name: path }
}

/** Run promtool/amtool when installed; their verdict on the files as written. */
async function runChecker(tool: 'promtool' | 'amtool', args: string[], cwd: string): Promise<SetupItem> {
  try {
    await promisify(execFile)(tool, args, { cwd, timeout: 60_000 })
    return { action: 'checked', kind: tool, name: args.slice(-1)[0] ?? tool }
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string }
    if (failure.code === 'ENOENT') {
      return {
        action: 'skipped',
        kind: tool,
        name: args.slice(-1)[0] ?? tool,
        reason: `${tool} not installed`,
      }
    }
    const output = `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim().replace(/\s+/g, ' ')
    return { action: 'failed', kind: tool, name: args.join(' '), reason: output.slice(0, 2000) }
  }
}

async function reload(kind: 'prometheus' | 'alertmanager', url: string): Promise<SetupItem> {
  const target = new URL('/-/reload', url).toString()
  try {
    const response = await fetch(target, { method: 'POST', signal: AbortSignal.timeout(30_000) })
    if (response.ok) return { action: 'reloaded', kind, name: url }
    const body = (await response.text()).trim()
    const hint =
      kind === 'prometheus' && response.status === 403 ? '; start it with --web.enable-lifecycle' : ''
    return { action: 'failed', kind, name: target, reason: `HTTP ${response.status} ${body}${hint}` }
  } catch (error) {
    return { action: 'failed', kind, name: target, reason: (error as Error).message }
  }
}

async function shippedRuleGroups(): Promise<string[]> {
  const names: string[] = []
  for (const file of PROMETHEUS_RULE_FILES) {
    const doc = parse(await readFile(join(SHIPPED_ALERTING_DIR, 'prometheus', file), 'utf8')) as {
      groups: { name: string }[]
    }
    names.push(...doc.groups.map((g) => g.name))
  }
  return names
}

function receiversOf(config: string): string[] {
  const doc = parse(config) as { receivers?: { name: string }[] }
  return (doc.receivers ?? []).map((r) => r.name)
}

async function verifyPrometheus(url: string, groups: readonly string[]): Promise<SetupItem> {
  try {
    const response = await fetch(new URL('/api/v1/rules', url), { signal: AbortSignal.timeout(30_000) })
    const body = (await response.json()) as { data?: { groups?: { name: string }[] } }
    const loaded = new Set((body.data?.groups ?? []).map((g) => g.name))
    const absent = groups.filter((g) => !loaded.has(g))
    if (absent.length === 0)
      return { action: 'verified', kind: 'prometheus', name: `rule groups ${groups.join(', ')}` }
    return {
      action: 'failed',
      kind: 'prometheus',
      name: url,
      reason: `not loaded: ${absent.join(', ')}; does rule_files in prometheus.yml cover the rules directory?`,
    }
  } catch (error) {
    return { action: 'failed', kind: 'prometheus', name: url, reason: (error as Error).message }
  }
}

async function verifyAlertmanager(url: string, receivers: readonly string[]): Promise<SetupItem> {
  try {
    const response = await fetch(new URL('/api/v2/status', url), { signal: AbortSignal.timeout(30_000) })
    const body = (await response.json()) as { config?: { original?: string } }
    const running = receiversOf(body.config?.original ?? '')
    const absent = receivers.filter((r) => !running.includes(r))
    if (absent.length === 0)
      return { action: 'verified', kind: 'alertmanager', name: `receivers ${receivers.join(', ')}` }
    return {
      action: 'failed',
      kind: 'alertmanager',
      name: url,
      reason: `running config lacks receivers ${absent.join(', ')}; is --config.file the file written here?`,
    }
  } catch (error) {
    return { action: 'failed', kind: 'alertmanager', name: url, reason: (error as Error).message }
  }
}
