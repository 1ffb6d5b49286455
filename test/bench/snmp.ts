/**
 * @module SNMP benchmark, against one real snmpd on loopback (pinned to core 1):
 * - poller: Sentinel's SnmpPoller polls the agent as N devices (the same address under N names,
 *   if_mib profile) for a fixed number of rounds, in a child process pinned to core 0
 *   (`taskset -c 0`), which measures its own CPU time with process.cpuUsage(). Reports samples
 *   (OID values, what the profile turns into metrics) per second of wall time and per CPU second,
 *   devices per minute, and the devices one core could poll every 60 s (CPU bound: 60 s over the
 *   CPU seconds per device poll; the agent's own answer time does not count, because a real
 *   fleet's latency is spread over many agents while one snmpd answers serially here).
 * - snmp_exporter: 0.21.0 pinned to core 0, scraping the same agent N times per round
 *   (`/snmp?target=...&module=if_mib`, same concurrency, same OIDs), samples counted in each
 *   answer (its own snmp_scrape_* lines left out); its CPU time from /proc. Ratio per OID.
 * - traps: the built collector (pinned to core 0) receiving v2c traps from a net-snmp sender in
 *   another process (core 1) as fast as it can send; traps/s that reached the spool.
 *
 * Run alone: `node --import tsx test/bench/snmp.ts` (BENCH_SCALE as for run-bench). The same file
 * is the child process of the poller and trap phases (`--poll-worker`, `--trap-sender`).
 */
import { execFileSync, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { SnmpPoller } from '../../collector/src/sources/snmp_poll/poller.js'
import type { SnmpDevice } from '../../collector/src/sources/snmp_poll/walker.js'
import { startCollector, type CollectorHandle } from '../harness/collector.js'
import { startSnmpExporter, type SnmpExporterHandle } from '../harness/snmp-exporter.js'
import { startSnmpd } from '../harness/snmpd.js'
import { REPO_ROOT } from '../harness/work-dir.js'
import { cpuSeconds, peakRssBytes } from './process-stats.js'

const THIS_FILE = fileURLToPath(import.meta.url)
const MEASURED_CORE = '0'
const OTHER_CORE = '1'
/** The target: 2,000 devices of 50 OIDs each every 60 s on one core. */
const TARGET_DEVICES = 2000
const TARGET_OIDS_PER_DEVICE = 50
const INTERVAL_S = 60

function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

function pin(pid: number, core: string): void {
  execFileSync('taskset', ['-a', '-cp', core, String(pid)], { stdio: 'ignore' })
}

/** Run this file as a child (pinned with taskset), resolve its last stdout line as JSON. */
function child<T>(core: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn('taskset', ['-c', core, process.execPath, '--import', 'tsx', THIS_FILE, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${args[0]} exited ${code}`))
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as T)
    })
  })
}

interface PollWorkerResult {
  devices: number
  rounds: number
  concurrency: number
  polls: number
  failedPolls: number
  samples: number
  wallSeconds: number
  cpuSeconds: number
  peakRssMb: number
}

/** Child: poll `devices` names of one agent for `rounds` rounds after one warm-up round. */
async function pollWorker(port: number, devices: number, rounds: number, concurrency: number) {
  const list: SnmpDevice[] = Array.from({ length: devices }, (_, i) => ({
    name: `bench-${i}`,
    address: '127.0.0.1',
    port,
    version: '2c',
    community: 'public',
    profiles: ['if_mib'],
  }))
  const poller = new SnmpPoller({ devices: list, concurrency, timeoutMs: 5000, retries: 1 })
  await poller.pollOnce() // warm-up: JIT, first sessions
  let samples = 0
  let polls = 0
  let failedPolls = 0
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  for (let r = 0; r < rounds; r++) {
    for (const status of await poller.pollOnce()) {
      polls++
      if (status.state !== 'up' || !status.last) failedPolls++
      else samples += status.last.samples.length
    }
  }
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  const result: PollWorkerResult = {
    devices,
    rounds,
    concurrency,
    polls,
    failedPolls,
    samples,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: round(peakRssBytes(process.pid) / 1024 ** 2, 1),
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

/** Child: send `count` v2c linkDown traps to the collector as fast as net-snmp can. */
async function trapSender(port: number, count: number, inFlight: number, rate: number) {
  const snmp = createRequire(import.meta.url)('net-snmp') as {
    createSession(
      target: string,
      community: string,
      options: Record<string, unknown>,
    ): {
      trap(oid: string, varbinds: unknown[], cb: (error: Error | null) => void): void
      close(): void
    }
    Version2c: number
    ObjectType: Record<string, number>
  }
  const session = snmp.createSession('127.0.0.1', 'public', {
    port: 0,
    trapPort: port,
    version: snmp.Version2c,
  })
  const varbinds = [
    { oid: '1.3.6.1.2.1.2.2.1.1.3', type: snmp.ObjectType.Integer, value: 3 },
    { oid: '1.3.6.1.2.1.2.2.1.7.3', type: snmp.ObjectType.Integer, value: 2 },
    { oid: '1.3.6.1.2.1.2.2.1.8.3', type: snmp.ObjectType.Integer, value: 2 },
  ]
  let sent = 0
  let errors = 0
  const startedAt = Date.now()
  const one = () =>
    new Promise<void>((resolve) =>
      session.trap('1.3.6.1.6.3.1.1.5.3', varbinds, (error) => {
        if (error) errors++
        else sent++
        resolve()
      }),
    )
  let next = 0
  /** With a rate: no trap before its time slot (startedAt + i / rate). */
  const worker = async () => {
    while (next < count) {
      const i = next++
      if (rate > 0) {
        const due = startedAt + (i * 1000) / rate
        const wait = due - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      }
      await one()
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  const seconds = (Date.now() - startedAt) / 1000
  session.close()
  process.stdout.write(`${JSON.stringify({ sent, errors, seconds, startedAt, rate: sent / seconds })}\n`)
}

/** Scrape the exporter `devices` times per round with `concurrency` in flight; count samples. */
async function exporterRounds(url: string, target: string, devices: number, concurrency: number) {
  let samples = 0
  let failed = 0
  const scrape = async () => {
    const response = await fetch(`${url}/snmp?target=${encodeURIComponent(target)}&module=if_mib`)
    const text = await response.text()
    if (response.status !== 200) {
      failed++
      return
    }
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#') || line.startsWith('snmp_scrape_')) continue
      samples++
    }
  }
  const round1 = async () => {
    let next = 0
    const worker = async () => {
      while (next < devices) {
        next++
        await scrape()
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, devices) }, worker))
  }
  return { round: round1, counts: () => ({ samples, failed }) }
}

async function waitForSpool(collector: CollectorHandle, target: number) {
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    const count = await collector.metric('sentinel_spool_appended_events_total')
    const now = Date.now()
    if (count >= target) return { count, at: now }
    if (count !== last) [last, lastChange] = [count, now]
    else if (now - lastChange > 3000) return { count, at: lastChange }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function trapPhase(collector: CollectorHandle, count: number, rate: number) {
  const metric = (name: string) => collector.metric(name)
  const cpu0 = cpuSeconds(collector.process.pid)
  const base = await metric('sentinel_spool_appended_events_total')
  const kernel0 = await metric('sentinel_udp_kernel_receive_drops_total')
  const discarded0 = await metric('sentinel_component_discarded_events_total')
  const load = await child<{
    sent: number
    errors: number
    seconds: number
    startedAt: number
    rate: number
  }>(OTHER_CORE, ['--trap-sender', String(collector.port('traps')), String(count), '64', String(rate)])
  const done = await waitForSpool(collector, base + load.sent)
  const cpu = cpuSeconds(collector.process.pid) - cpu0
  const spooled = done.count - base
  const seconds = (done.at - load.startedAt) / 1000
  return {
    offeredPerSecond: rate === 0 ? 'as fast as the sender can' : rate,
    sent: load.sent,
    senderTrapsPerSecond: Math.round(load.rate),
    spooled,
    lossPercent: round((100 * (load.sent - spooled)) / Math.max(1, load.sent), 3),
    kernelDrops: (await metric('sentinel_udp_kernel_receive_drops_total')) - kernel0,
    pipelineDiscarded: (await metric('sentinel_component_discarded_events_total')) - discarded0,
    trapsPerSecondToSpool: Math.round(spooled / seconds),
    collectorCpuMicrosPerTrap: round((cpu * 1e6) / Math.max(1, spooled), 1),
    trapsPerCpuSecond: Math.round(spooled / Math.max(cpu, 0.01)),
  }
}

async function trapScenario(scale: number) {
  const collector = await startCollector({
    sources: {
      traps: {
        type: 'snmp_trap',
        protocol: 'udp',
        communities: ['public'],
        receive_buffer_bytes: 32 * 1024 * 1024,
      },
    },
    spool: { max_bytes: 4 * 1024 ** 3, when_full: 'block', fsync_interval_ms: 1000 },
    logLevel: 'warn',
  })
  try {
    pin(collector.process.pid, MEASURED_CORE)
    const phases = []
    // Rate 0: as fast as the sender can; then fixed rates below that, to find a loss-free rate.
    for (const rate of [0, 10_000, 20_000]) {
      const count = Math.max(2000, Math.round((rate === 0 ? 100_000 : rate * 5) * scale))
      phases.push(await trapPhase(collector, count, rate))
    }
    return { phases, peakRssMb: round(peakRssBytes(collector.process.pid) / 1024 ** 2, 1) }
  } finally {
    await collector.stop()
    await rm(collector.workDir, { recursive: true, force: true })
  }
}

async function measureExporter(
  exporter: SnmpExporterHandle,
  agentPort: number,
  devices: number,
  rounds: number,
  concurrency: number,
) {
  const run = await exporterRounds(exporter.url, `127.0.0.1:${agentPort}`, devices, concurrency)
  await run.round() // warm-up
  const base = run.counts()
  const cpu0 = cpuSeconds(exporter.service.process.pid)
  const t0 = Date.now()
  for (let r = 0; r < rounds; r++) await run.round()
  const wall = (Date.now() - t0) / 1000
  const cpu = cpuSeconds(exporter.service.process.pid) - cpu0
  const { samples, failed } = run.counts()
  const n = samples - base.samples
  return {
    concurrency,
    scrapes: devices * rounds,
    failedScrapes: failed - base.failed,
    samples: n,
    samplesPerDevice: round(n / (devices * rounds), 1),
    wallSeconds: round(wall),
    cpuSeconds: round(cpu),
    oidsPerSecond: Math.round(n / wall),
    oidsPerCpuSecond: Math.round(n / Math.max(cpu, 0.01)),
    devicesPerMinute: Math.round(((devices * rounds) / wall) * 60),
    peakRssMb: round(peakRssBytes(exporter.service.process.pid) / 1024 ** 2, 1),
  }
}

/** The SNMP benchmark (see the module doc). */
export async function benchSnmp(scale: number) {
  const devices = Math.max(20, Math.round(200 * scale))
  const rounds = Math.max(2, Math.round(10 * scale))
  const agent = await startSnmpd()
  const exporter = await startSnmpExporter()
  try {
    pin(agent.service.process.pid, OTHER_CORE)
    pin(exporter.service.process.pid, MEASURED_CORE)

    const poller: Array<ReturnType<typeof summarisePoller>> = []
    for (const concurrency of [16, 64]) {
      const r = await child<PollWorkerResult>(MEASURED_CORE, [
        '--poll-worker',
        String(agent.port),
        String(devices),
        String(rounds),
        String(concurrency),
      ])
      poller.push(summarisePoller(r))
    }

    const exporterResults: Array<Awaited<ReturnType<typeof measureExporter>>> = []
    for (const concurrency of [16, 64])
      exporterResults.push(await measureExporter(exporter, agent.port, devices, rounds, concurrency))

    const ratios = poller.map((p, i) => {
      const e = exporterResults[i] as (typeof exporterResults)[number]
      return {
        concurrency: p.concurrency,
        wallOidsPerSecondRatio: round(p.oidsPerSecond / e.oidsPerSecond),
        cpuOidsPerSecondRatio: round(p.oidsPerCpuSecond / e.oidsPerCpuSecond),
      }
    })
    const best = poller.reduce((a, b) => (b.oidsPerCpuSecond > a.oidsPerCpuSecond ? b : a))
    return {
      agent: 'one snmpd 5.9.3 on udp:127.0.0.1 (core 1); the same agent polled as N devices',
      profile: 'if_mib (8 columns + ifName/ifDescr lookups, GETBULK max-repetitions 25)',
      devices,
      rounds,
      poller,
      snmpExporter: exporterResults,
      sentinelOverSnmpExporterPerOid: ratios,
      target: {
        devices: TARGET_DEVICES,
        oidsPerDevice: TARGET_OIDS_PER_DEVICE,
        intervalSeconds: INTERVAL_S,
        oidsPerSecondNeeded: round((TARGET_DEVICES * TARGET_OIDS_PER_DEVICE) / INTERVAL_S, 0),
        projectedDevicesOf50OidsPerCore: best.projectedDevicesOf50OidsPerCore,
        met: best.projectedDevicesOf50OidsPerCore >= TARGET_DEVICES,
      },
      traps: {
        sender:
          'net-snmp session.trap (v2c linkDown, 3 varbinds) in a separate process on core 1, 64 in flight',
        collector: 'built collector, snmp_trap source, pinned to core 0, 32 MiB receive buffer',
        ...(await trapScenario(scale)),
      },
    }
  } finally {
    await exporter.stop()
    await agent.stop()
  }
}

function summarisePoller(r: PollWorkerResult) {
  const cpuPerPoll = r.cpuSeconds / Math.max(1, r.polls)
  const samplesPerPoll = r.samples / Math.max(1, r.polls - r.failedPolls)
  const oidsPerCpuSecond = r.samples / Math.max(r.cpuSeconds, 0.001)
  return {
    concurrency: r.concurrency,
    polls: r.polls,
    failedPolls: r.failedPolls,
    samples: r.samples,
    samplesPerDevice: round(samplesPerPoll, 1),
    wallSeconds: round(r.wallSeconds),
    cpuSeconds: round(r.cpuSeconds),
    oidsPerSecond: Math.round(r.samples / r.wallSeconds),
    oidsPerCpuSecond: Math.round(oidsPerCpuSecond),
    devicesPerMinute: Math.round((r.polls / r.wallSeconds) * 60),
    cpuMsPerDevicePoll: round(cpuPerPoll * 1000, 3),
    /** Devices of this profile one core could poll every 60 s (CPU bound). */
    projectedDevicesPerCoreAt60s: Math.round(INTERVAL_S / cpuPerPoll),
    /** The same CPU cost per OID, for devices of 50 OIDs each. */
    projectedDevicesOf50OidsPerCore: Math.round((oidsPerCpuSecond * INTERVAL_S) / TARGET_OIDS_PER_DEVICE),
    peakRssMb: r.peakRssMb,
  }
}

if (process.argv[1] === THIS_FILE) {
  const [mode, ...args] = process.argv.slice(2)
  if (mode === '--poll-worker') {
    const [port, devices, rounds, concurrency] = args.map(Number) as [number, number, number, number]
    await pollWorker(port, devices, rounds, concurrency)
  } else if (mode === '--trap-sender') {
    const [port, count, inFlight, rate] = args.map(Number) as [number, number, number, number]
    await trapSender(port, count, inFlight, rate)
  } else {
    const report = await benchSnmp(Number(process.env.BENCH_SCALE ?? '1'))
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  }
}
