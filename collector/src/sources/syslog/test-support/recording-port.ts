/**
 * @module Test doubles for the syslog listener tests: a RecordPort that records what it is given and
 * can be made full, a logger that records lines, metric readers and a config builder. Test-only.
 */
import type { RawRecord } from '../../../event/raw-record.js'
import { createMetrics, type CollectorMetrics } from '../../../telemetry/metrics.js'
import type { RecordPort } from '../../source.js'
import type { SyslogSourceConfig } from '../config.js'
import type { SourceLogger } from '../../log-limiter.js'

interface Waiter {
  ready: () => boolean
  resolve: () => void
}

/** Resolves waiters whose condition became true; shared by the doubles below. */
class Conditions {
  readonly #waiters = new Set<Waiter>()

  wait(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.add({ ready, resolve }))
  }

  check(): void {
    for (const waiter of this.#waiters) {
      if (waiter.ready()) {
        this.#waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }
}

/** A RecordPort that keeps every batch; `full` makes push() return false and isFull() true. */
export class RecordingPort implements RecordPort {
  readonly batches: RawRecord[][] = []
  readonly records: RawRecord[] = []
  full = false
  /** Batches pushed while full. */
  pushesWhileFull = 0
  /** Times isFull() answered true. */
  fullAnswers = 0
  readonly #drainListeners = new Set<() => void>()
  readonly #conditions = new Conditions()

  push(records: RawRecord[]): boolean {
    this.batches.push(records)
    this.records.push(...records)
    if (this.full) this.pushesWhileFull++
    this.#conditions.check()
    return !this.full
  }

  isFull(): boolean {
    if (this.full) {
      this.fullAnswers++
      this.#conditions.check()
    }
    return this.full
  }

  /** Resolves once isFull() has answered true `count` times in all. */
  waitForFullAnswers(count: number): Promise<void> {
    return this.#conditions.wait(() => this.fullAnswers >= count)
  }

  onDrain(listener: () => void): () => void {
    this.#drainListeners.add(listener)
    this.#conditions.check()
    return () => {
      this.#drainListeners.delete(listener)
    }
  }

  get drainListeners(): number {
    return this.#drainListeners.size
  }

  /** Make room and tell the sources, as the pipeline does below its low-water mark. */
  release(): void {
    this.full = false
    for (const listener of [...this.#drainListeners]) listener()
  }

  /** The data of every record, as text. */
  texts(): string[] {
    return this.records.map((record) => record.data.toString('latin1'))
  }

  waitForRecords(count: number): Promise<void> {
    return this.#conditions.wait(() => this.records.length >= count)
  }

  waitForDrainListener(): Promise<void> {
    return this.#conditions.wait(() => this.#drainListeners.size > 0)
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error'
  fields: Record<string, unknown>
  msg: string
}

/** A logger that keeps its lines. */
export class RecordingLogger implements SourceLogger {
  readonly lines: LogLine[] = []
  readonly #conditions = new Conditions()

  info(fields: object, msg: string): void {
    this.#add('info', fields, msg)
  }

  warn(fields: object, msg: string): void {
    this.#add('warn', fields, msg)
  }

  error(fields: object, msg: string): void {
    this.#add('error', fields, msg)
  }

  waitFor(msg: string): Promise<void> {
    return this.#conditions.wait(() => this.lines.some((line) => line.msg === msg))
  }

  #add(level: LogLine['level'], fields: object, msg: string): void {
    this.lines.push({ level, fields: { ...fields }, msg })
    this.#conditions.check()
  }
}

/** A full listener config with test-friendly defaults. */
export function syslogConfig(overrides: Partial<SyslogSourceConfig> = {}): SyslogSourceConfig {
  return {
    type: 'syslog',
    listen: 'tcp:127.0.0.1:0',
    format: 'auto',
    timezone: 'UTC',
    max_length: 1024,
    framing: 'auto',
    max_connections: 100,
    ...overrides,
  }
}

/** A fresh metrics registry without process metrics. */
export function testMetrics(): CollectorMetrics {
  return createMetrics({ defaultMetrics: false })
}

/** The value of one series of a counter or gauge (0 when absent). */
export async function metricValue(
  metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get()
  const match = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
  return match?.value ?? 0
}
