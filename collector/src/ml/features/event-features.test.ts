import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { TemplateMiner } from '../template-miner.js'
import {
  deviceKey,
  EventFeatureExtractor,
  logEventFacts,
  type EventFeatureOptions,
} from './event-features.js'
import { EVENT_FEATURES, type EventFeatureName } from './feature-spec.js'

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0)
const MINUTE = 60_000

function event(
  host: string,
  message: string,
  extra: Partial<SentinelEvent> = {},
  severity = 6,
): SentinelEvent {
  return {
    '@timestamp': new Date(T0).toISOString(),
    ecs: { version: '9.4.0' },
    sentinel: {},
    host: { name: host },
    message,
    log: { syslog: { severity: { code: severity } } },
    ...extra,
  }
}

/** Feeds events through a miner and an extractor; returns each event's features by name. */
function harness(options: Partial<EventFeatureOptions> = {}) {
  const miner = new TemplateMiner()
  const extractor = new EventFeatureExtractor({ hourOfDay: (ms) => new Date(ms).getUTCHours(), ...options })
  const rows = new Float32Array(extractor.dims)
  return {
    extractor,
    add(e: SentinelEvent, now: number): Record<EventFeatureName, number> {
      const match = miner.add(e.message as string, now)
      extractor.extract(logEventFacts(e), match, miner.stats().messages, now, rows, 0)
      return Object.fromEntries(EVENT_FEATURES.map((name, i) => [name, rows[i] as number])) as Record<
        EventFeatureName,
        number
      >
    },
  }
}

test('a template never seen before is rare and new; a repeated one grows common and old', () => {
  const h = harness()
  for (let i = 0; i < 200; i++)
    h.add(event('fw01', `session ${i} closed by peer after idle timeout expired`), T0 + i)
  const common = h.add(event('fw01', 'session 9999 closed by peer after idle timeout expired'), T0 + 10_000)
  const novel = h.add(event('fw01', 'power supply 2 failed on chassis'), T0 + 10_000)
  assert.ok(common.template_rarity < 0.05, `common rarity ${common.template_rarity}`)
  assert.ok(novel.template_rarity > 0.8, `novel rarity ${novel.template_rarity}`)
  assert.ok(Math.abs(common.template_age - Math.log1p(10)) < 1e-5)
  assert.equal(novel.template_age, 0)
  assert.equal(common.device_template_count, Math.fround(Math.log1p(201)))
  assert.equal(novel.device_template_share, Math.fround(1 / 202))
  assert.equal(novel.device_distinct_templates, Math.fround(Math.log1p(2)))
})

test('window counts are per device and expire after the window', () => {
  const h = harness({ windowSecs: 120 })
  for (let i = 0; i < 10; i++) h.add(event('r1', 'link up on port 1'), T0)
  const other = h.add(event('r2', 'link up on port 1'), T0)
  assert.equal(other.device_template_count, Math.fround(Math.log1p(1)))
  const sameMinuteLater = h.add(event('r1', 'link up on port 1'), T0 + 1 * MINUTE)
  assert.equal(sameMinuteLater.device_template_count, Math.fround(Math.log1p(11)))
  // Two minutes on, the first minute's ten events have left a two-minute window.
  const afterWindow = h.add(event('r1', 'link up on port 1'), T0 + 2 * MINUTE)
  assert.equal(afterWindow.device_template_count, Math.fround(Math.log1p(2)))
})

test('severity mix, distinct peers and ports', () => {
  const h = harness()
  h.add(event('fw', 'deny tcp from peer', { source: { ip: '10.0.0.1' }, destination: { port: 22 } }, 3), T0)
  h.add(event('fw', 'deny tcp from peer', { source: { ip: '10.0.0.2' }, destination: { port: 23 } }, 6), T0)
  const f = h.add(
    event('fw', 'deny tcp from peer', { source: { ip: '10.0.0.1' }, destination: { port: 24 } }, 2),
    T0,
  )
  assert.equal(f.severity, 2)
  assert.equal(f.device_error_share, Math.fround(2 / 3))
  assert.equal(f.device_distinct_peers, Math.fround(Math.log1p(2)))
  assert.equal(f.device_distinct_ports, Math.fround(Math.log1p(3)))
})

test('time of day lies on a circle', () => {
  const h = harness()
  const sixAm = h.add(event('a', 'x happened'), Date.UTC(2026, 10, 21, 6, 0, 0))
  assert.ok(Math.abs(sixAm.hour_sin - 1) < 1e-6 && Math.abs(sixAm.hour_cos) < 1e-6)
  const midnight = h.add(event('a', 'x happened'), Date.UTC(2026, 10, 22, 0, 0, 0))
  assert.ok(Math.abs(midnight.hour_sin) < 1e-6 && Math.abs(midnight.hour_cos - 1) < 1e-6)
})

test('a burst stands out against the device baseline; a new device has no baseline yet', () => {
  const h = harness()
  let first: Record<EventFeatureName, number> | undefined
  let steady: Record<EventFeatureName, number> | undefined
  // An hour of a steady 10 events per minute, one every six seconds.
  for (let m = 0; m < 60; m++) {
    for (let i = 0; i < 10; i++) {
      steady = h.add(event('sw', 'port security ok'), T0 + m * MINUTE + i * 6000)
      first ??= steady
    }
  }
  assert.equal(first?.device_rate_vs_baseline, 0)
  assert.ok(steady)
  assert.ok(Math.abs(steady.device_rate_vs_baseline) < 0.5, `steady ${steady.device_rate_vs_baseline}`)
  let burst = steady
  for (let i = 0; i < 300; i++) burst = h.add(event('sw', 'port security ok'), T0 + 61 * MINUTE + 30_000)
  assert.ok(burst.device_rate_vs_baseline > 4, `burst ${burst.device_rate_vs_baseline}`)
  assert.ok(burst.device_rate > steady.device_rate)
})

test('devices are bounded: the least recently active is forgotten', () => {
  const h = harness({ maxDevices: 2 })
  h.add(event('a', 'm one'), T0)
  h.add(event('b', 'm one'), T0)
  h.add(event('a', 'm one'), T0 + MINUTE) // a is now the more recently active
  assert.equal(h.add(event('c', 'm one'), T0 + MINUTE).device_template_count, Math.fround(Math.log1p(1)))
  assert.deepEqual(h.extractor.stats(), { devices: 2, evictedDevices: 1 })
  // a survived (b was evicted): its two events are still counted.
  assert.equal(h.add(event('a', 'm one'), T0 + MINUTE).device_template_count, Math.fround(Math.log1p(3)))
  // b starts over: its earlier event is no longer counted.
  assert.equal(h.add(event('b', 'm one'), T0 + MINUTE).device_template_count, Math.fround(Math.log1p(1)))
})

test('deviceKey falls back from host.name to the sender address', () => {
  const base = event('', 'x')
  assert.equal(deviceKey({ ...base, host: { name: 'core1' } }), 'core1')
  assert.equal(deviceKey({ ...base, host: {}, sentinel: { peer: { ip: '192.0.2.1' } } }), '192.0.2.1')
  assert.equal(deviceKey({ ...base, host: {} }), 'unknown')
})

test('rejects a window that is not whole minutes', () => {
  assert.throws(() => new EventFeatureExtractor({ windowSecs: 90 }), RangeError)
})
