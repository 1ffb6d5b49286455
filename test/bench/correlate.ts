/**
 * @module Correlation benchmark:
 * - engine: the rule engine alone, in a child process pinned to core 0 (`taskset -c 0`), measuring
 *   its own CPU time: 50 active rules (the shipped packs plus generated rules of every kind) over a
 *   stream of already-parsed ECS events (a mix of ordinary syslog, failed and accepted logins,
 *   firewall denies, link changes, configuration changes and SNMP poll documents from many hosts
 *   and addresses). Events per CPU second, alerts raised, keys tracked, heap.
 * - alert latency: the built collector receiving syslog over TCP and a real Alertmanager 0.25;
 *   a trigger rule fires on each failed login from a new address. A relay in this process between
 *   collector and Alertmanager notes when Alertmanager answered 2xx for each alert; latency is that
 *   instant minus when this process sent the login line. Measured idle and under 20,000 events/s of
 *   other syslog. Alertmanager's own group_wait comes after this (see the README).
 *
 * Run alone: `node --import tsx test/bench/correlate.ts` (BENCH_SCALE as for run-bench).
 */
import { spawn } from 'node:child_process'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import type { AlertChange } from '../../collector/src/correlate/alert.js'
import { CorrelationEngine } from '../../collector/src/correlate/engine.js'
import { compileRuleFile, type CompiledRule } from '../../collector/src/correlate/load-rules.js'
import type { RawRecord, SourceContext } from '../../collector/src/event/raw-record.js'
import type { SentinelEvent } from '../../collector/src/event/sentinel-event.js'
import { parseRecord } from '../../collector/src/parse/index.js'
import { startAlertmanager } from '../harness/alertmanager.js'
import { startCollector } from '../harness/collector.js'
import { makeWorkDir, REPO_ROOT } from '../harness/work-dir.js'
import { rfc5424Message } from './messages.js'

const THIS_FILE = fileURLToPath(import.meta.url)
const RULE_COUNT = 50
const scale = Number(process.env.BENCH_SCALE ?? '1')

function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

// ---------- engine throughput ----------

/** Generated rules, one kind after another, until the shipped packs plus these make 50. */
function generatedRules(count: number): Record<string, unknown>[] {
  const rules: Record<string, unknown>[] = []
  for (let i = 0; rules.length < count; i++) {
    const base = { name: `Bench rule ${i}`, severity: 'warning', window: '5m' }
    switch (i % 5) {
      case 0:
        rules.push({
          ...base,
          id: `bench_errors_${i}`,
          kind: 'threshold',
          filter: { 'log.syslog.appname': `app${i % 40}`, 'log.syslog.severity.code': { lte: 3 } },
          group_by: ['host.name'],
          threshold: 500,
        })
        break
      case 1:
        rules.push({
          ...base,
          id: `bench_users_${i}`,
          kind: 'distinct_count',
          filter: {
            'event.category': 'authentication',
            'event.outcome': 'failure',
            'host.name': { prefix: 'fw' },
          },
          group_by: ['host.name'],
          distinct: 'user.name',
          threshold: 50 + i,
        })
        break
      case 2:
        rules.push({
          ...base,
          id: `bench_sequence_${i}`,
          kind: 'sequence',
          group_by: ['source.ip'],
          steps: [
            { name: 'failed', filter: { 'event.category': 'authentication', 'event.outcome': 'failure' } },
            { name: 'accepted', filter: { 'event.category': 'authentication', 'event.outcome': 'success' } },
            {
              name: 'changed',
              filter: { 'event.category': 'configuration', message: { icontains: `vty${i}` } },
            },
          ],
        })
        break
      case 3:
        rules.push({
          ...base,
          id: `bench_absence_${i}`,
          kind: 'absence',
          filter: { 'event.dataset': 'sentinel.snmp', 'host.name': { matches: `^sw${i % 10}[0-9]*$` } },
          group_by: ['host.name'],
          window: '10m',
        })
        break
      default:
        rules.push({
          ...base,
          id: `bench_join_${i}`,
          kind: 'join',
          group_by: ['host.name'],
          parts: [
            { name: 'down', filter: { 'event.action': 'link-down' } },
            {
              name: 'errors',
              filter: { 'log.syslog.severity.code': { lte: 3 }, 'log.syslog.appname': `app${i % 40}` },
            },
            { name: 'denied', filter: { 'event.type': 'denied', 'source.ip': { cidr: '198.51.100.0/24' } } },
          ],
        })
    }
  }
  return rules
}

async function benchRules(): Promise<CompiledRule[]> {
  const packDir = join(REPO_ROOT, 'alerting', 'rules')
  const rules: CompiledRule[] = []
  for (const name of (await readdir(packDir)).filter((n) => n.endsWith('.yml')).sort()) {
    const file = join(packDir, name)
    rules.push(...compileRuleFile(await readFile(file, 'utf8'), file))
  }
  const extra = stringify({ rules: generatedRules(RULE_COUNT - rules.length) })
  rules.push(...compileRuleFile(extra, 'bench-generated.yml'))
  return rules
}

const CONTEXT: SourceContext = { sourceId: 'bench', transport: 'tcp', format: 'auto', timezone: 'UTC' }

/** A pool of parsed events in a realistic mix; most match no rule at all. */
function eventPool(size: number): SentinelEvent[] {
  const now = new Date()
  const parse = (line: string): SentinelEvent =>
    parseRecord({ data: Buffer.from(line), receivedAt: now.getTime(), context: CONTEXT } as RawRecord)
  const ip = (i: number) => `203.0.${(i >> 8) & 255}.${i & 255}`
  const events: SentinelEvent[] = []
  for (let i = 0; i < size; i++) {
    const pick = i % 100
    const host = `fw${i % 50}`
    let line: string
    if (pick < 8)
      line = `<38>Nov 21 10:00:00 ${host} sshd[1]: Failed password for user${i % 300} from ${ip(i % 2000)} port 4242 ssh2`
    else if (pick < 10)
      line = `<38>Nov 21 10:00:00 ${host} sshd[1]: Accepted password for user${i % 300} from ${ip(i % 2000)} port 4242 ssh2`
    else if (pick < 15)
      line = `<164>Nov 21 10:00:00 ${host} %ASA-4-106023: Deny tcp src outside:198.51.100.${i % 250}/5${i % 1000} dst inside:10.0.0.5/${i % 1024} by access-group "outside_in"`
    else if (pick < 17)
      line = `<187>Nov 21 10:00:00 sw${i % 100} 12: %LINK-3-UPDOWN: Interface GigabitEthernet0/${i % 48}, changed state to ${i % 2 ? 'up' : 'down'}`
    else if (pick < 18)
      line = `<189>Nov 21 10:00:00 sw${i % 100} 13: %SYS-5-CONFIG_I: Configured from console by admin on vty${i % 5} (10.1.1.1)`
    else line = rfc5424Message(i, now)
    events.push(parse(line))
  }
  // SNMP poll documents: the absence and join rules watch these.
  for (let i = 0; i < size / 20; i++) {
    events[i * 20 + 19] = {
      '@timestamp': now.toISOString(),
      ecs: { version: '9.4.0' },
      event: { kind: 'metric', dataset: 'sentinel.snmp', created: now.toISOString() },
      host: { name: `sw${i % 100}` },
      sentinel: { snmp: { device: `sw${i % 100}`, rates: { ifInErrors: i % 7 === 0 ? 1 : 0 } } },
    } as SentinelEvent
  }
  return events
}

interface EngineResult {
  rules: number
  rulesByKind: Record<string, number>
  events: number
  cpuSeconds: number
  eventsPerCpuSecond: number
  nsPerEventPerRule: number
  alertsFired: number
  keysTracked: number
  heapUsedMb: number
}

/** Child: run `events` through the engine on a simulated clock of 100k events/s. */
async function engineWorker(total: number): Promise<EngineResult> {
  const rules = await benchRules()
  let fired = 0
  const engine = new CorrelationEngine(rules, {
    maxKeysPerRule: 10_000,
    evidenceEvents: 20,
    onChange: (change: AlertChange) => {
      if (change.type === 'firing') fired++
    },
  })
  const pool = eventPool(50_000)
  let clock = Date.now()
  const run = (count: number): void => {
    for (let i = 0; i < count; i++) {
      clock += 0.01
      engine.observe(pool[i % pool.length] as SentinelEvent, `bench-${i}`, Math.floor(clock))
      if ((i & 1023) === 0) engine.tick(Math.floor(clock))
    }
  }
  run(Math.min(200_000, total)) // warm-up: JIT and steady-state key counts
  fired = 0
  const before = process.cpuUsage()
  run(total)
  const used = process.cpuUsage(before)
  const cpu = (used.user + used.system) / 1e6
  const kinds: Record<string, number> = {}
  for (const rule of rules) kinds[rule.kind] = (kinds[rule.kind] ?? 0) + 1
  return {
    rules: rules.length,
    rulesByKind: kinds,
    events: total,
    cpuSeconds: round(cpu, 3),
    eventsPerCpuSecond: Math.round(total / cpu),
    nsPerEventPerRule: round((cpu * 1e9) / total / rules.length, 1),
    alertsFired: fired,
    keysTracked: engine.stats().reduce((sum, s) => sum + s.keys, 0),
    heapUsedMb: round(process.memoryUsage().heapUsed / 1024 ** 2, 1),
  }
}

function engineChild(total: number): Promise<EngineResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      'taskset',
      ['-c', '0', process.execPath, '--import', 'tsx', THIS_FILE, '--engine-worker', String(total)],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`engine worker exited ${code}`))
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as EngineResult)
    })
  })
}

// ---------- alert latency ----------

/** Relays POST /api/v2/alerts to Alertmanager and notes when it accepted each source_ip's alert. */
function acceptingRelay(
  target: string,
  accepted: Map<string, number>,
): Promise<{ url: string; close(): void }> {
  const upstream = new URL(target)
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          const parts: Buffer[] = []
          answer.on('data', (c: Buffer) => parts.push(c))
          answer.on('end', () => {
            const at = Date.now()
            if (req.method === 'POST' && (answer.statusCode ?? 500) < 300) {
              for (const alert of JSON.parse(body.toString()) as {
                labels: Record<string, string>
                endsAt?: string
              }[]) {
                const ip = alert.labels.source_ip
                if (ip !== undefined && !accepted.has(ip)) accepted.set(ip, at)
              }
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            res.end(Buffer.concat(parts))
          })
        },
      )
      forward.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      forward.end(body)
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() })
    }),
  )
}

function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number
}

interface LatencyPhase {
  background: string
  triggers: number
  accepted: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

async function alertLatency(): Promise<LatencyPhase[]> {
  const dir = await makeWorkDir('bench-correlate')
  const ruleFile = join(dir, 'trigger.yml')
  // Fires on the first failed login from an address: every trigger line raises one alert.
  await writeFile(
    ruleFile,
    stringify({
      rules: [
        {
          id: 'bench_trigger',
          name: 'Bench trigger',
          kind: 'threshold',
          severity: 'warning',
          filter: { 'event.category': 'authentication', 'event.outcome': 'failure' },
          group_by: ['source.ip'],
          window: '10m',
          threshold: 1,
        },
      ],
    }),
  )
  const alertmanager = await startAlertmanager()
  const accepted = new Map<string, number>()
  const relay = await acceptingRelay(alertmanager.url, accepted)
  const collector = await startCollector({
    sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp' } },
    extra: {
      correlate: { packs: ['*'], rule_files: [ruleFile] },
      sinks: { alertmanager: { urls: [relay.url] } },
    },
  })
  const port = collector.port('syslog_tcp')
  const phases: LatencyPhase[] = []
  try {
    for (const [background, rate] of [
      ['idle', 0],
      ['20000 events/s', 20_000],
    ] as const) {
      const triggers = Math.max(20, Math.round(200 * scale))
      const load =
        rate > 0
          ? spawn(
              'taskset',
              [
                '-c',
                '1',
                process.execPath,
                '--import',
                'tsx',
                join(REPO_ROOT, 'test/bench/load-generator.ts'),
                'tcp',
                '127.0.0.1',
                String(port),
                'rfc5424',
                String(Math.round(rate * (triggers / 20 + 4))),
                String(rate),
              ],
              { cwd: REPO_ROOT, stdio: 'ignore' },
            )
          : undefined
      if (load) await new Promise((r) => setTimeout(r, 2000)) // reach the steady rate first
      const sentAt = new Map<string, number>()
      const socket = connect({ host: '127.0.0.1', port })
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      for (let i = 0; i < triggers; i++) {
        const ip = `198.18.${background === 'idle' ? 1 : 2}.${i % 250}`
        const line = `<38>Nov 21 10:00:00 fw1 sshd[1]: Failed password for root from ${ip} port 22 ssh2\n`
        sentAt.set(ip, Date.now())
        socket.write(line)
        await new Promise((r) => setTimeout(r, 50))
      }
      socket.end()
      const deadline = Date.now() + 15_000
      while (Date.now() < deadline && [...sentAt.keys()].some((ip) => !accepted.has(ip))) {
        await new Promise((r) => setTimeout(r, 100))
      }
      load?.kill()
      const latencies = [...sentAt]
        .filter(([ip]) => accepted.has(ip))
        .map(([ip, at]) => (accepted.get(ip) as number) - at)
        .sort((a, b) => a - b)
      phases.push({
        background,
        triggers,
        accepted: latencies.length,
        p50Ms: quantileOf(latencies, 0.5),
        p99Ms: quantileOf(latencies, 0.99),
        maxMs: latencies[latencies.length - 1] ?? Number.NaN,
      })
    }
  } finally {
    await collector.stop()
    relay.close()
    await alertmanager.stop()
  }
  return phases
}

export async function benchCorrelation(benchScale = scale) {
  const engine = await engineChild(Math.round(2_000_000 * benchScale))
  return {
    engine,
    targetEventsPerSecond: 100_000,
    alertLatency: await alertLatency(),
    targetP99Ms: 1000,
  }
}

if (process.argv[2] === '--engine-worker') {
  process.stdout.write(`${JSON.stringify(await engineWorker(Number(process.argv[3])))}\n`)
} else if (process.argv[1] === THIS_FILE) {
  process.stdout.write(`${JSON.stringify(await benchCorrelation(), null, 2)}\n`)
}
