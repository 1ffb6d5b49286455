/**
 * @module Event features: turns each log event, with its template, into the row of numbers the
 * anomaly model scores (columns: EVENT_FEATURE_SPEC). Per-device state is a ring of one-minute
 * buckets covering the window, with running window totals that each expiring bucket is
 * subtracted from, so an event costs a few map updates whatever the window or the rate. Memory is
 * bounded: devices (least recently active evicted), and templates, peers and ports per device.
 */
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { EVENT_FEATURES, type EventFeatureName } from './feature-spec.js'
import { RecentKeys } from './recent-keys.js'

export interface EventFeatureOptions {
  /** The per-device window, in seconds (whole minutes). */
  windowSecs: number
  /** Devices tracked; beyond it the least recently active one is forgotten. */
  maxDevices: number
  /** Templates, peers and ports tracked per device window; beyond it new ones are not counted. */
  maxDistinctPerDevice: number
  /** Hour of day (0 <= h < 24, fractional) of a time; the collector's local clock by default. */
  hourOfDay: (ms: number) => number
}

export const EVENT_FEATURE_DEFAULTS: Readonly<EventFeatureOptions> = Object.freeze({
  windowSecs: 300,
  maxDevices: 10_000,
  maxDistinctPerDevice: 1024,
  hourOfDay: (ms: number) => {
    const date = new Date(ms)
    return date.getHours() + date.getMinutes() / 60
  },
})

/** What the extractor needs to know of the event's template (the miner's match). */
export interface TemplateUse {
  id: string
  /** Messages the template has matched, this one included. */
  count: number
  /** ms since the epoch. */
  firstSeen: number
}

/** The per-minute moving average spans about half an hour (EWMA weight 1/30). */
const BASELINE_WEIGHT = 1 / 30
const MINUTE_MS = 60_000
/** Syslog severity of events that carry none (informational). */
const DEFAULT_SEVERITY = 6
const COLUMN = Object.fromEntries(EVENT_FEATURES.map((name, i) => [name, i])) as Record<
  EventFeatureName,
  number
>

interface Bucket {
  count: number
  errors: number
  templates: Map<string, number>
}

interface DeviceWindow {
  /** Minute (ms / 60,000) of the newest bucket. */
  minute: number
  buckets: Bucket[]
  count: number
  errors: number
  templates: Map<string, number>
  /** Peer addresses and destination ports seen in the window. */
  peers: RecentKeys<string>
  ports: RecentKeys<number>
  /** Moving average of events per minute; undefined until the device's first minute completes. */
  baseline: number | undefined
}

/** What the extractor reads of a log event (all it needs, so events can be scored in another thread). */
export interface LogEventFacts {
  /** The device the event is counted against (deviceKey). */
  device: string
  /** Syslog severity code; informational (6) when the event has none. */
  severity: number
  /** source.ip, when the event has one. */
  sourceIp: string | undefined
  /** destination.port, when the event has one. */
  port: number | undefined
}

/** The device an event is counted against: its host name, else the address it came from. */
export function deviceKey(event: SentinelEvent): string {
  const name = event.host?.name
  if (typeof name === 'string' && name !== '') return name
  const peer = (event.sentinel['peer'] as { ip?: unknown } | undefined)?.ip
  return typeof peer === 'string' ? peer : 'unknown'
}

export function logEventFacts(event: SentinelEvent): LogEventFacts {
  const ip = event.source?.ip
  const port = event.destination?.port
  return {
    device: deviceKey(event),
    severity: event.log?.syslog?.severity?.code ?? DEFAULT_SEVERITY,
    sourceIp: typeof ip === 'string' ? ip : undefined,
    port: typeof port === 'number' ? port : undefined,
  }
}

export class EventFeatureExtractor {
  readonly options: Readonly<EventFeatureOptions>
  readonly dims = EVENT_FEATURES.length
  readonly #windowMinutes: number
  readonly #devices = new Map<string, DeviceWindow>()
  #evictedDevices = 0
  #hourMinute = Number.NaN
  #hourSin = 0
  #hourCos = 1

  constructor(options: Partial<EventFeatureOptions> = {}) {
    this.options = Object.freeze({ ...EVENT_FEATURE_DEFAULTS, ...options })
    const { windowSecs, maxDevices, maxDistinctPerDevice } = this.options
    if (!(windowSecs >= 60 && windowSecs % 60 === 0)) {
      throw new RangeError('windowSecs must be a whole number of minutes')
    }
    if (!(maxDevices >= 1 && maxDistinctPerDevice >= 1)) throw new RangeError('caps must be at least 1')
    this.#windowMinutes = windowSecs / 60
  }

  stats(): { devices: number; evictedDevices: number } {
    return { devices: this.#devices.size, evictedDevices: this.#evictedDevices }
  }

  /**
   * Counts the event into its device's window and writes its features to `rows` at `row`
   * (row-major, `dims` columns). `messages` is how many messages the template miner has seen;
   * `now` is the arrival time in ms.
   */
  extract(
    event: LogEventFacts,
    template: TemplateUse,
    messages: number,
    now: number,
    rows: Float32Array,
    row: number,
  ): void {
    const minute = Math.floor(now / MINUTE_MS)
    const device = this.#device(event.device, minute)
    const bucket = device.buckets[minute % this.#windowMinutes] as Bucket
    const severity = event.severity
    const cap = this.options.maxDistinctPerDevice

    bucket.count++
    device.count++
    if (severity <= 3) {
      bucket.errors++
      device.errors++
    }
    let templateCount = 0
    if (device.templates.size < cap || device.templates.has(template.id)) {
      templateCount = (device.templates.get(template.id) ?? 0) + 1
      device.templates.set(template.id, templateCount)
      bucket.templates.set(template.id, (bucket.templates.get(template.id) ?? 0) + 1)
    }
    if (event.sourceIp !== undefined) device.peers.add(event.sourceIp, minute)
    if (event.port !== undefined) device.ports.add(event.port, minute)

    // Events in the last sixty seconds: this minute so far plus the unexpired part of the last.
    const intoMinute = (now - minute * MINUTE_MS) / MINUTE_MS
    const previous = device.buckets[(minute + this.#windowMinutes - 1) % this.#windowMinutes] as Bucket
    const rate = bucket.count + previous.count * (1 - intoMinute)
    this.#updateHour(now, minute)

    const at = row * this.dims
    rows[at + COLUMN.template_rarity] =
      messages > 1 ? 1 - Math.log1p(template.count) / Math.log1p(messages) : 0
    rows[at + COLUMN.template_age] = Math.log1p(Math.max(0, now - template.firstSeen) / 1000)
    rows[at + COLUMN.device_template_count] = Math.log1p(templateCount)
    rows[at + COLUMN.device_template_share] = templateCount / device.count
    rows[at + COLUMN.device_distinct_templates] = Math.log1p(device.templates.size)
    rows[at + COLUMN.severity] = severity
    rows[at + COLUMN.device_error_share] = device.errors / device.count
    rows[at + COLUMN.device_distinct_peers] = Math.log1p(device.peers.count)
    rows[at + COLUMN.device_distinct_ports] = Math.log1p(device.ports.count)
    rows[at + COLUMN.hour_sin] = this.#hourSin
    rows[at + COLUMN.hour_cos] = this.#hourCos
    rows[at + COLUMN.device_rate] = Math.log1p(rate)
    rows[at + COLUMN.device_rate_vs_baseline] =
      device.baseline === undefined ? 0 : Math.log2((rate + 1) / (device.baseline + 1))
  }

  /** The device's window moved on to `minute`, created (evicting the stalest) when new. */
  #device(key: string, minute: number): DeviceWindow {
    let device = this.#devices.get(key)
    if (device === undefined) {
      if (this.#devices.size >= this.options.maxDevices) {
        const stalest = this.#devices.keys().next().value as string
        this.#devices.delete(stalest)
        this.#evictedDevices++
      }
      device = newDevice(minute, this.#windowMinutes, this.options.maxDistinctPerDevice)
      this.#devices.set(key, device)
    } else if (device.minute < minute) {
      this.#advance(device, minute)
      // Re-inserting once a minute keeps the map in least-recently-active order at no per-event cost.
      this.#devices.delete(key)
      this.#devices.set(key, device)
    }
    return device
  }

  /** Expires the buckets that left the window and folds completed minutes into the baseline. */
  #advance(device: DeviceWindow, minute: number): void {
    const size = this.#windowMinutes
    const elapsed = minute - device.minute
    // The minute just completed, then empty minutes up to the new one (closed form past an hour).
    const completed = (device.buckets[device.minute % size] as Bucket).count
    let baseline =
      device.baseline === undefined
        ? completed
        : device.baseline + BASELINE_WEIGHT * (completed - device.baseline)
    baseline *= (1 - BASELINE_WEIGHT) ** (elapsed - 1)
    device.baseline = baseline
    for (let m = device.minute + 1; m <= minute && m <= device.minute + size; m++) {
      const bucket = device.buckets[m % size] as Bucket
      device.count -= bucket.count
      device.errors -= bucket.errors
      for (const [id, n] of bucket.templates) {
        const left = (device.templates.get(id) ?? n) - n
        if (left > 0) device.templates.set(id, left)
        else device.templates.delete(id)
      }
      bucket.count = 0
      bucket.errors = 0
      bucket.templates.clear()
    }
    device.peers.advance(minute)
    device.ports.advance(minute)
    device.minute = minute
  }

  #updateHour(now: number, minute: number): void {
    if (minute === this.#hourMinute) return
    this.#hourMinute = minute
    const angle = (2 * Math.PI * this.options.hourOfDay(now)) / 24
    this.#hourSin = Math.sin(angle)
    this.#hourCos = Math.cos(angle)
  }
}

function newDevice(minute: number, size: number, cap: number): DeviceWindow {
  return {
    minute,
    buckets: Array.from({ length: size }, () => ({ count: 0, errors: 0, templates: new Map() })),
    count: 0,
    errors: 0,
    templates: new Map(),
    peers: new RecentKeys(size, cap, minute),
    ports: new RecentKeys(size, cap, minute),
    baseline: undefined,
  }
}
