import assert from 'node:assert/strict'
import { access, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Worker } from 'node:worker_threads'
import { pino } from 'pino'
import { parseConfig } from '../../config/load.js'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { parseRecord } from '../../parse/index.js'
import { SNMP_POLL_CONTEXT } from '../../sources/snmp_poll/records.js'
import { createMetrics } from '../../telemetry/metrics.js'
import { EVENT_FEATURE_SPEC } from '../features/feature-spec.js'
import { MlStage } from '../ml-stage.js'
import { metricsObserver } from '../ml-observer.js'
import { ModelRegistry } from '../registry/model-registry.js'
import { importModel } from '../registry/train-model.js'
import { linearOnnxModel } from '../test-support/linear-model.js'
import { MlWorker, spawnMlThread } from './ml-worker.js'

const config = parseConfig('', 'test').ml

function syslog(n: number): SentinelEvent {
  const lines = [
    `<190>Nov 21 10:00:00 sw${n % 5} dhcpd: DHCPACK on 10.0.0.${n % 200} to 00:11:22:33:44:55 via eth0`,
    `<11>Nov 21 10:00:00 sw${n % 5} sshd[${n}]: fatal: out of memory`,
    `<134>1 2026-11-21T10:00:00.000Z fw1 filterlog - - - block in on igb0 from 198.51.100.${n % 250} port ${1000 + n}`,
  ]
  return parseRecord({
    data: Buffer.from(lines[n % lines.length] as string),
    receivedAt: Date.now(),
    peerAddress: '192.0.2.9',
    context: { sourceId: 'syslog_udp', transport: 'udp', format: 'auto', timezone: 'UTC' },
  })
}

function poll(): SentinelEvent {
  const data = {
    kind: 'metric',
    device: 'core1',
    address: '192.0.2.1',
    time_ms: Date.now(),
    duration_ms: 5,
    table: 'ifIndex',
    index: '3',
    labels: { ifIndex: '3' },
    metrics: { ifHCInOctets: 1e9, ifOperStatus: 1 },
    rates: { ifHCInOctets: 1000 },
  }
  return parseRecord({
    data: Buffer.from(JSON.stringify(data)),
    receivedAt: Date.now(),
    context: SNMP_POLL_CONTEXT,
  })
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-ml-worker-'))
  const registry = await ModelRegistry.open(join(dir, 'ml', 'models'))
  // sigmoid(features · 0.5 - 3): high enough for some events to be explained.
  const model = linearOnnxModel(EVENT_FEATURE_SPEC, { weight: 0.5, bias: -3 })
  const { version } = await importModel(registry, model, { name: 'soc.onnx', promote: 'active' })
  const lines: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'info', base: { service: 'sentinel' } },
    {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  )
  const metrics = createMetrics({ defaultMetrics: false })
  const workers: Worker[] = []
  const ml = new MlWorker(config, dir, {
    metrics,
    logger,
    spawn: (input) => {
      const worker = spawnMlThread(input)
      workers.push(worker)
      return worker
    },
  })
  t.after(async () => {
    await ml.stop()
    await rm(dir, { recursive: true, force: true })
  })
  return { dir, version, lines, metrics, ml, workers }
}

test('the ML stage in a worker thread annotates slices as the in-process stage does; its logs and metrics reach this thread', async (t) => {
  const { dir, version, lines, metrics, ml } = await setup(t)
  await ml.start()
  const events = [...Array.from({ length: 300 }, (_, n) => syslog(n)), poll()]
  await ml.annotate(events)

  // The same slice through an in-process stage on the same registry.
  const local = new MlStage(config, join(dir, 'local'), {
    observer: metricsObserver(createMetrics({ defaultMetrics: false })),
    logger: pino({ level: 'silent' }),
  })
  await local.start()
  const copies = [...Array.from({ length: 300 }, (_, n) => syslog(n)), poll()]
  await local.annotate(copies)
  await local.stop()

  for (let i = 0; i < 300; i++) {
    const event = events[i] as SentinelEvent
    assert.deepEqual(event.sentinel['template'], (copies[i] as SentinelEvent).sentinel['template'])
    const anomaly = event.sentinel['anomaly'] as { score: number; model_version: string }
    assert.equal(anomaly.model_version, version)
    assert.ok(anomaly.score >= 0 && anomaly.score <= 1)
  }
  assert.equal(
    new Set(events.slice(0, 300).map((e) => (e.sentinel['template'] as { id: string }).id)).size,
    3,
  )
  assert.ok(
    events.some((e) => (e.sentinel['anomaly'] as { top_features?: string[] }).top_features?.length),
    'high scores are explained',
  )
  assert.equal((events[300]?.sentinel['anomaly'] as { model_version: string }).model_version, 'series/v1')

  ml.sampleMetrics()
  const text = await metrics.registry.metrics()
  assert.match(text, /sentinel_anomaly_scored_events_total\{scorer="active"\} 300/)
  assert.match(text, /sentinel_anomaly_scored_events_total\{scorer="series"\} 1/)
  assert.match(text, new RegExp(`sentinel_anomaly_model_info\\{role="active",version="${version}"\\} 1`))
  assert.match(text, /sentinel_templates 3/)
  assert.match(text, /sentinel_anomaly_inference_seconds_count\{scorer="active"\} [1-9]/)
  const ready = lines.find((line) => line['msg'] === 'ML stage ready.')
  assert.ok(ready, "the worker's log line went through this thread's logger")
  assert.equal(ready['service'], 'sentinel')
  assert.equal(ready['active_model'], version)

  await ml.stop()
  await access(join(dir, 'ml', 'templates.json'))
})

test('a worker thread that dies is restarted; meanwhile events go on without ML fields and are counted', async (t) => {
  const { lines, metrics, ml, workers } = await setup(t)
  await ml.start()
  const before = syslog(1)
  await ml.annotate([before])
  assert.ok(before.sentinel['template'])

  await workers[0]?.terminate()
  const during = syslog(1)
  assert.equal(ml.annotate([during]), undefined, 'nothing to wait for while the worker is down')
  assert.equal(during.sentinel['template'], undefined)
  const text = await metrics.registry.metrics()
  assert.match(
    text,
    /sentinel_component_errors_total\{component_id="ml",error_type="unavailable",error_code="SNT_ERR_ML_WORKER"/,
  )
  assert.ok(lines.some((line) => String(line['msg']).startsWith('ML worker thread stopped')))

  // Restarted after a second.
  let after = syslog(1)
  for (let i = 0; i < 100 && after.sentinel['template'] === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    after = syslog(1)
    await ml.annotate([after])
  }
  assert.equal(workers.length, 2)
  assert.deepEqual(after.sentinel['template'], before.sentinel['template'])
  assert.ok(lines.some((line) => line['msg'] === 'ML worker thread restarted.'))
})
