import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pino } from 'pino'
import { parseConfig } from '../config/load.js'
import type { RawRecord, SourceContext } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { parseRecord } from '../parse/index.js'
import { SNMP_POLL_CONTEXT } from '../sources/snmp_poll/records.js'
import { createMetrics } from '../telemetry/metrics.js'
import { EVENT_FEATURES } from './features/feature-spec.js'
import { metricsObserver } from './ml-observer.js'
import { MlStage } from './ml-stage.js'
import { ModelRegistry } from './registry/model-registry.js'
import { importModel } from './registry/train-model.js'
import { linearOnnxModel } from './test-support/linear-model.js'
import { EVENT_FEATURE_SPEC } from './features/feature-spec.js'

const context: SourceContext = { sourceId: 'syslog_udp', transport: 'udp', format: 'auto', timezone: 'UTC' }
const T0 = Date.UTC(2026, 10, 21, 10, 0, 0)

interface Anomaly {
  score: number
  model_version: string
  top_features?: string[]
  shadow?: { score: number; model_version: string }
}

function parse(line: string, at: number): SentinelEvent {
  const record: RawRecord = { data: Buffer.from(line), receivedAt: at, peerAddress: '192.0.2.9', context }
  return parseRecord(record)
}

/** Ordinary traffic: a handful of templates from ten hosts, spread over time. */
function ordinary(n: number, at: number): SentinelEvent {
  const host = `sw${n % 10}`
  const lines = [
    `<190>Nov 21 10:00:00 ${host} dhcpd: DHCPACK on 10.0.${n % 250}.${n % 200} to 00:11:22:33:44:${(n % 90) + 10} via eth0`,
    `<189>Nov 21 10:00:00 ${host} ntpd[311]: time reset +0.00${n % 9} s`,
    `<190>Nov 21 10:00:00 ${host} CRON[${1000 + n}]: (root) CMD (run-parts /etc/cron.hourly)`,
  ]
  return parse(lines[n % lines.length] as string, at)
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, yaml = '') {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-ml-stage-'))
  const config = parseConfig(
    `ml:\n  training:\n    min_events: 300\n    min_period_secs: 60\n${yaml}`,
    'test',
  ).ml
  let now = T0
  const stages: MlStage[] = []
  const open = async () => {
    const metrics = createMetrics({ defaultMetrics: false })
    const stage = new MlStage(config, dir, {
      observer: metricsObserver(metrics),
      logger: pino({ level: 'silent' }),
      now: () => now,
    })
    await stage.start()
    stages.push(stage)
    return { stage, metrics }
  }
  t.after(async () => {
    for (const stage of stages) await stage.stop().catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  })
  return { dir, open, tick: (ms: number) => (now += ms), at: () => now }
}

async function feed(stage: MlStage, events: SentinelEvent[]): Promise<void> {
  for (let from = 0; from < events.length; from += 100) await stage.annotate(events.slice(from, from + 100))
}

/** Ordinary traffic as it arrives: one event every `gap` ms from `from` on, a slice per event. */
async function feedOrdinary(
  stage: MlStage,
  clock: { tick: (ms: number) => number; at: () => number },
  count: number,
  from = 0,
  gap = 250,
): Promise<SentinelEvent[]> {
  const events: SentinelEvent[] = []
  for (let n = from; n < from + count; n++) {
    clock.tick(gap)
    const event = ordinary(n, clock.at())
    await stage.annotate([event])
    events.push(event)
  }
  return events
}

/** The first model is trained in the background once min_events were seen: wait for it. */
async function firstModel(stage: MlStage): Promise<string> {
  for (let i = 0; i < 250 && stage.stats().active === null; i++) await new Promise((r) => setTimeout(r, 20))
  const version = stage.stats().active
  assert.ok(version, 'a first model became active')
  return version
}

test('templates on every log event; after min_events and min_period a model is trained and events carry scores', async (t) => {
  const clock = await setup(t)
  const { stage, metrics } = await clock.open()
  // 299 events over 75 s: enough time, not enough events.
  const warmup = await feedOrdinary(stage, clock, 299)
  assert.ok(warmup.every((e) => typeof (e.sentinel['template'] as { id?: unknown }).id === 'string'))
  assert.ok(
    warmup.every((e) => e.sentinel['anomaly'] === undefined),
    'no model yet, no score',
  )
  assert.equal(stage.stats().active, null)

  // The 300th event starts the first training; the next slices are scored by it.
  await feedOrdinary(stage, clock, 1, 299)
  const version = await firstModel(stage)

  const normal = await feedOrdinary(stage, clock, 50, 1000)
  const odd = parse(
    '<10>Nov 21 10:00:00 sw3 kernel: power supply 2 failed; chassis temperature 91 C, shutting down',
    clock.at(),
  )
  const burst = Array.from({ length: 200 }, () =>
    parse('<11>Nov 21 10:00:00 edge9 sshd[77]: fatal: out of memory', clock.at()),
  )
  await feed(stage, [odd, ...burst])
  const score = (e: SentinelEvent) => (e.sentinel['anomaly'] as Anomaly).score
  for (const e of [...normal, odd, ...burst]) {
    const anomaly = e.sentinel['anomaly'] as Anomaly
    assert.equal(anomaly.model_version, version)
    assert.ok(anomaly.score >= 0 && anomaly.score <= 1)
  }
  const typical = normal.map(score).sort((a, b) => a - b)[25] as number
  assert.ok(score(odd) > typical + 0.1, `odd ${score(odd)} vs typical ${typical}`)
  // High scores say why, in feature names.
  const explained = [odd, ...burst].find((e) => (e.sentinel['anomaly'] as Anomaly).top_features)
  assert.ok(explained, 'some high-scoring event is explained')
  // Slices of 100 here: at most the top 7 of each (one in 16) are explained, however many score high.
  const explainedInBurst = burst.filter((e) => (e.sentinel['anomaly'] as Anomaly).top_features).length
  const highInBurst = burst.filter((e) => score(e) >= 0.6).length
  assert.ok(explainedInBurst > 0 && explainedInBurst <= 7 + 7 + 1, `${explainedInBurst} explained`)
  assert.ok(highInBurst > explainedInBurst, `${highInBurst} scored high, all explained`)
  for (const name of (explained.sentinel['anomaly'] as Anomaly).top_features ?? []) {
    assert.ok((EVENT_FEATURES as readonly string[]).includes(name), name)
  }
  const text = await metrics.registry.metrics()
  assert.match(text, /sentinel_anomaly_scored_events_total\{scorer="active"\} 251/)
  assert.match(text, new RegExp(`sentinel_anomaly_model_info\\{role="active",version="${version}"\\} 1`))
  assert.match(text, /sentinel_anomaly_trainings_total\{outcome="registered"\} 1/)
})

test('template ids, first-seen times and the model survive a restart', async (t) => {
  const { open, tick, at } = await setup(t)
  const first = await open()
  await feed(
    first.stage,
    Array.from({ length: 299 }, (_, n) => ordinary(n, at())),
  )
  tick(60_000)
  await feed(first.stage, [ordinary(299, at())])
  const version = await firstModel(first.stage)
  const before = ordinary(7, at())
  await feed(first.stage, [before])
  await first.stage.stop()

  const second = await open()
  assert.equal(second.stage.stats().active, version)
  const after = ordinary(7, at())
  await feed(second.stage, [after])
  assert.deepEqual(after.sentinel['template'], before.sentinel['template'])
  assert.equal((after.sentinel['anomaly'] as Anomaly).model_version, version)
})

test('a shadow model is scored beside the active one; promote and rollback by registry are followed', async (t) => {
  const { dir, open, tick, at } = await setup(t)
  const { stage } = await open()
  await feed(
    stage,
    Array.from({ length: 299 }, (_, n) => ordinary(n, at())),
  )
  tick(60_000)
  await feed(stage, [ordinary(299, at())])
  const v1 = await firstModel(stage)
  tick(60_000)
  await feed(
    stage,
    Array.from({ length: 300 }, (_, n) => ordinary(n + 7, at())),
  )
  const v2 = await stage.train('shadow')
  assert.ok(v1 && v2 && v1 !== v2)
  const event = ordinary(3, at())
  await feed(stage, [event])
  const anomaly = event.sentinel['anomaly'] as Anomaly
  assert.equal(anomaly.model_version, v1)
  assert.equal(anomaly.shadow?.model_version, v2)

  // An operator promotes the shadow with the CLI (another process): the stage follows.
  const registry = await ModelRegistry.open(join(dir, 'ml', 'models'))
  await registry.promote(v2)
  await stage.followRegistry()
  const promoted = ordinary(4, at())
  await feed(stage, [promoted])
  assert.equal((promoted.sentinel['anomaly'] as Anomaly).model_version, v2)
  assert.equal((promoted.sentinel['anomaly'] as Anomaly).shadow, undefined)

  await registry.rollback()
  await stage.followRegistry()
  const rolledBack = ordinary(5, at())
  await feed(stage, [rolledBack])
  assert.equal((rolledBack.sentinel['anomaly'] as Anomaly).model_version, v1)
})

test('retraining on schedule: a new model after training.interval_secs, active or shadow as configured', async (t) => {
  const clock = await setup(t, '    interval_secs: 3600\n    promote: shadow\n')
  const { stage } = await clock.open()
  await feedOrdinary(stage, clock, 300)
  const first = await firstModel(stage)
  await feedOrdinary(stage, clock, 400, 300)
  await stage.trainIfDue()
  assert.equal(stage.stats().shadow, null, 'not due yet: an hour has not passed')
  clock.tick(3600_000)
  await feedOrdinary(stage, clock, 300, 700)
  await stage.trainIfDue()
  const { active, shadow } = stage.stats()
  assert.equal(active, first)
  assert.ok(shadow && shadow !== first, 'the scheduled model runs as the shadow')
})

test("an operator's imported model scores events; its high scores are explained by the features furthest from usual", async (t) => {
  const clock = await setup(t)
  const registry = await ModelRegistry.open(join(clock.dir, 'ml', 'models'))
  // sigmoid(features · 0.5 - 8): ordinary events score low, events with large features high.
  const model = linearOnnxModel(EVENT_FEATURE_SPEC, { weight: 0.5, bias: -8 })
  const { version } = await importModel(registry, model, { name: 'soc.onnx', promote: 'active' })
  const { stage } = await clock.open()
  assert.equal(stage.stats().active, version)
  await feedOrdinary(stage, clock, 200)
  const burst = Array.from({ length: 300 }, () =>
    parse('<11>Nov 21 10:00:00 sw1 sshd[77]: fatal: out of memory', clock.at()),
  )
  await feed(stage, burst)
  const last = burst.at(-1)?.sentinel['anomaly'] as Anomaly
  assert.equal(last.model_version, version)
  assert.ok(last.score > 0.6, `score ${last.score}`)
  // The burst's device window is full of one template at an error severity: those stand out.
  assert.ok(last.top_features?.length, 'explained')
  for (const name of last.top_features ?? [])
    assert.ok((EVENT_FEATURES as readonly string[]).includes(name), name)
})

test('SNMP poll values are scored by their series detectors', async (t) => {
  const { open, at } = await setup(t)
  const { stage } = await open()
  const poll = (i: number, octets: number) =>
    parseRecord({
      data: Buffer.from(
        JSON.stringify({
          kind: 'metric',
          device: 'core1',
          address: '192.0.2.1',
          time_ms: at() + i * 300_000,
          duration_ms: 5,
          table: 'ifIndex',
          index: '3',
          labels: { ifIndex: '3', ifName: 'ge-0/0/3' },
          metrics: { ifHCInOctets: 1e9 + i, ifOperStatus: 1 },
          rates: { ifHCInOctets: octets },
        }),
      ),
      receivedAt: at(),
      context: SNMP_POLL_CONTEXT,
    })
  // Two days of five-minute polls (the detectors learn for a day before they score), then a spike.
  const steady = Array.from({ length: 576 }, (_, i) => poll(i, 1000 + (i % 5) * 10))
  await feed(stage, steady)
  const spike = poll(576, 900_000)
  await feed(stage, [spike])
  const last = steady.at(-1)?.sentinel['anomaly'] as Anomaly
  const peak = spike.sentinel['anomaly'] as Anomaly
  assert.equal(peak.model_version, 'series/v1')
  assert.ok(peak.score > last.score, `spike ${peak.score} vs steady ${last.score}`)
  assert.equal((peak as Anomaly & { flagged?: boolean }).flagged, true)
  assert.deepEqual(peak.top_features, ['ifHCInOctets'])
  assert.equal(stage.stats().series, 2)
})

test('a slice with nothing to annotate gives the pipeline nothing to wait for', async (t) => {
  const { open } = await setup(t)
  const { stage } = await open()
  assert.equal(stage.annotate([]), undefined)
  // A malformed line becomes an error event: it keeps its original, and the stage leaves it alone.
  const broken = parse('<999>not syslog at all', T0)
  assert.equal(broken.event?.kind, 'pipeline_error')
  assert.equal(stage.annotate([broken]), undefined)
  const event = ordinary(1, T0)
  await stage.annotate([event])
  assert.match(String((event.sentinel['template'] as { id?: unknown }).id), /^[0-9a-f]{8}/)
})
