/**
 * @module The SNMP poller: polls every configured device on an interval with a concurrency limit,
 * keeps the latest samples and per-second counter rates, exposes them as Prometheus text
 * (snmp_exporter names) and records sentinel_snmp_* self-metrics. A device that stops answering
 * is logged once on the up -> down change (and once on recovery), not once per poll.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { renderExposition } from './exposition.js'
import { resolveProfiles, type Profile } from './profiles.js'
import { RateTracker, type RateOptions, type RateResult } from './rates.js'
import {
  mapLimit,
  pollDevice,
  SnmpRequestError,
  type DevicePoll,
  type SessionOptions,
  type SnmpDevice,
} from './walker.js'

/** pino-compatible subset. */
export interface PollerLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface SnmpPollerOptions extends SessionOptions {
  devices: readonly SnmpDevice[]
  /** Between the starts of two poll rounds. Default 60 000. */
  intervalMs?: number
  /** Devices polled at once. Default 16. */
  concurrency?: number
  /** Self-metrics go here (sentinel_snmp_*). */
  registry?: Registry
  logger?: PollerLogger
  rates?: RateOptions
  now?: () => number
  /** Custom profiles by name, besides the shipped ones. */
  profiles?: Readonly<Record<string, Profile>>
  /** Called after every successful poll of a device, with its counter rates. */
  onPoll?: (poll: DevicePoll, rates: readonly CounterRate[], device: SnmpDevice) => void
  /** Called when a device goes down (after up or unknown) or comes back up (after down). */
  onStateChange?: (change: StateChange) => void
}

export interface StateChange {
  device: SnmpDevice
  state: 'up' | 'down'
  previous: DeviceState
  error?: string
  timeMs: number
}

export type DeviceState = 'unknown' | 'up' | 'down'

export interface CounterRate {
  metric: string
  labels: Record<string, string>
  result: RateResult
}

export interface DeviceStatus {
  device: string
  state: DeviceState
  /** The latest successful poll. */
  last?: DevicePoll
  /** Rates computed from the latest successful poll against the one before. */
  rates: CounterRate[]
  lastError?: string
  /** When the latest poll, successful or not, ended (ms since epoch). */
  lastAttemptMs?: number
}

interface SelfMetrics {
  duration: Histogram<'device'>
  errors: Counter<'device' | 'reason'>
  timeouts: Counter<'device'>
  up: Gauge<'device'>
}

function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make()
}

function selfMetrics(registry: Registry): SelfMetrics {
  const registers = [registry]
  return {
    duration: metric(
      registry,
      'sentinel_snmp_poll_duration_seconds',
      () =>
        new Histogram({
          name: 'sentinel_snmp_poll_duration_seconds',
          help: 'Duration of one SNMP poll of a device, successful or not.',
          labelNames: ['device'],
          buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers,
        }),
    ),
    errors: metric(
      registry,
      'sentinel_snmp_poll_errors_total',
      () =>
        new Counter({
          name: 'sentinel_snmp_poll_errors_total',
          help: 'SNMP polls of a device that failed, by reason (timeout, error).',
          labelNames: ['device', 'reason'],
          registers,
        }),
    ),
    timeouts: metric(
      registry,
      'sentinel_snmp_poll_timeouts_total',
      () =>
        new Counter({
          name: 'sentinel_snmp_poll_timeouts_total',
          help: 'SNMP polls of a device that timed out (after retries).',
          labelNames: ['device'],
          registers,
        }),
    ),
    up: metric(
      registry,
      'sentinel_snmp_device_up',
      () =>
        new Gauge({
          name: 'sentinel_snmp_device_up',
          help: '1 when the last SNMP poll of the device succeeded, else 0.',
          labelNames: ['device'],
          registers,
        }),
    ),
  }
}

export class SnmpPoller {
  private devices: ReadonlyArray<{ device: SnmpDevice; profiles: Profile[] }>
  /** When each device is next due (ms since epoch). */
  private readonly due = new Map<string, number>()
  private readonly status = new Map<string, DeviceStatus>()
  private readonly tracker: RateTracker
  private readonly metrics: SelfMetrics | undefined
  private timer: NodeJS.Timeout | undefined
  private round: Promise<void> | undefined

  constructor(private readonly options: SnmpPollerOptions) {
    this.tracker = new RateTracker(options.rates)
    this.metrics = options.registry ? selfMetrics(options.registry) : undefined
    this.devices = []
    this.setDevices(options.devices)
  }

  /**
   * Replace the device list (inventory change): devices kept by name keep their state and rates;
   * new ones are due at once; removed ones are forgotten (and their device_up series removed).
   */
  setDevices(devices: readonly SnmpDevice[]): void {
    const names = new Set<string>()
    const next = devices.map((device) => {
      if (names.has(device.name)) throw new Error(`duplicate SNMP device name "${device.name}"`)
      names.add(device.name)
      return { device, profiles: resolveProfiles(device.profiles, this.options.profiles) }
    })
    for (const name of [...this.status.keys()]) {
      if (names.has(name)) continue
      this.status.delete(name)
      this.due.delete(name)
      this.metrics?.up.remove({ device: name })
    }
    for (const { device } of next) {
      if (!this.status.has(device.name)) {
        this.status.set(device.name, { device: device.name, state: 'unknown', rates: [] })
      }
    }
    this.devices = next
  }

  /** Poll every device once (concurrency-limited); resolves when all answered or failed. */
  async pollOnce(): Promise<DeviceStatus[]> {
    await mapLimit(this.devices, this.options.concurrency ?? 16, ({ device, profiles }) =>
      this.pollOne(device, profiles),
    )
    return this.statuses()
  }

  private async pollOne(device: SnmpDevice, profiles: Profile[]): Promise<void> {
    const now = this.options.now ?? Date.now
    const started = now()
    const status = this.status.get(device.name) as DeviceStatus
    let poll: DevicePoll
    try {
      poll = await pollDevice(device, profiles, { ...this.options, now })
    } catch (error) {
      const reason = error instanceof SnmpRequestError ? error.reason : 'error'
      this.metrics?.duration.observe({ device: device.name }, (now() - started) / 1000)
      this.metrics?.errors.inc({ device: device.name, reason })
      if (reason === 'timeout') this.metrics?.timeouts.inc({ device: device.name })
      status.lastError = error instanceof Error ? error.message : String(error)
      status.lastAttemptMs = now()
      this.transition(status, 'down', device)
      return
    }
    // A device removed while it was being polled is not reported.
    if (this.status.get(device.name) !== status) return
    this.metrics?.duration.observe({ device: device.name }, poll.durationMs / 1000)
    status.rates = this.computeRates(poll)
    status.last = poll
    status.lastError = undefined
    status.lastAttemptMs = poll.timeMs
    this.transition(status, 'up', device)
    try {
      this.options.onPoll?.(poll, status.rates, device)
    } catch (error) {
      this.options.logger?.warn({ device: device.name, error: String(error) }, 'SNMP poll consumer failed')
    }
  }

  private transition(status: DeviceStatus, next: 'up' | 'down', device: SnmpDevice): void {
    if (this.status.get(status.device) !== status) return
    this.metrics?.up.set({ device: status.device }, next === 'up' ? 1 : 0)
    const previous = status.state
    if (previous === next) return
    status.state = next
    if (next === 'down' || previous === 'down') {
      const now = this.options.now ?? Date.now
      this.options.onStateChange?.({
        device,
        state: next,
        previous,
        ...(status.lastError === undefined ? {} : { error: status.lastError }),
        timeMs: now(),
      })
    }
    const log = this.options.logger
    if (next === 'down') {
      log?.warn(
        { device: status.device, previous, error: status.lastError },
        `SNMP device ${status.device} is not answering`,
      )
    } else if (previous === 'down') {
      log?.info({ device: status.device, previous }, `SNMP device ${status.device} answers again`)
    }
  }

  private computeRates(poll: DevicePoll): CounterRate[] {
    const rates: CounterRate[] = []
    for (const sample of poll.samples) {
      if (sample.metric.type !== 'counter' || sample.counterBits === undefined) continue
      const value = typeof sample.value === 'bigint' ? sample.value : BigInt(Math.trunc(sample.value))
      const result = this.tracker.update(`${poll.device}\u0000${sample.metric.name}\u0000${sample.index}`, {
        value,
        bits: sample.counterBits,
        timeMs: poll.timeMs,
        uptimeTicks: poll.uptimeTicks,
      })
      rates.push({ metric: sample.metric.name, labels: sample.labels, result })
    }
    return rates
  }

  statuses(): DeviceStatus[] {
    return [...this.status.values()]
  }

  deviceStatus(device: string): DeviceStatus | undefined {
    return this.status.get(device)
  }

  /** Prometheus text of the latest successful poll of every device (a down device keeps its last values out). */
  exposition(): string {
    return renderExposition(this.statuses().flatMap((s) => (s.state === 'up' && s.last ? [s.last] : [])))
  }

  /**
   * Poll every device now and then each on its interval (`device.intervalMs`, else `intervalMs`):
   * a timer ticks at the shortest interval (at most every second) and polls the devices that are
   * due; a round still running when the next tick comes is not overlapped.
   */
  start(): void {
    if (this.timer) return
    const now = this.options.now ?? Date.now
    const tick = (): void => {
      if (this.round) return
      const at = now()
      const due = this.devices.filter(({ device }) => (this.due.get(device.name) ?? 0) <= at + 50)
      if (due.length === 0) return
      for (const { device } of due) this.due.set(device.name, at + this.intervalOf(device))
      this.round = mapLimit(due, this.options.concurrency ?? 16, ({ device, profiles }) =>
        this.pollOne(device, profiles),
      ).then(
        () => undefined,
        () => undefined,
      )
      void this.round.finally(() => (this.round = undefined))
    }
    tick()
    const shortest = Math.min(
      this.options.intervalMs ?? 60_000,
      ...this.devices.map(({ device }) => this.intervalOf(device)),
    )
    this.timer = setInterval(tick, Math.max(250, Math.min(shortest, 1000)))
    this.timer.unref()
  }

  private intervalOf(device: SnmpDevice): number {
    return device.intervalMs ?? this.options.intervalMs ?? 60_000
  }

  /** Stop the interval and wait for a running round. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.round
  }
}
