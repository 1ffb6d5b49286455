/**
 * @module Anomaly scoring end to end, as an operator runs it: two ONNX models registered with the
 * real `sentinel ml import`, the real collector process started on that data_dir, syslog lines
 * from util-linux `logger`, and the events read back from the collector's API with their template
 * and score. `sentinel ml promote` / `rollback` against the running collector's config switch the
 * model it scores with, without a restart. A restart keeps the template ids.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { EVENT_FEATURE_SPEC, EVENT_FEATURES } from '../../../collector/src/ml/features/feature-spec.js'
import { IsolationForest } from '../../../collector/src/ml/forest/isolation-forest.js'
import { exportForestToOnnx } from '../../../collector/src/ml/onnx/onnx-export.js'
import {
  deferInReverse,
  makeWorkDir,
  runLogger,
  startCollector,
  waitFor,
  type ApiEvent,
  type CollectorHandle,
} from '../../harness/index.js'
import { REPO_ROOT } from '../../harness/work-dir.js'

const BIN = join(REPO_ROOT, 'collector', 'bin', 'sentinel.js')

interface MlFields {
  template?: { id?: string; text?: string }
  anomaly?: { score?: number; model_version?: string }
}

function sentinel(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** An ONNX model as an operator might bring one: a forest over plausible feature rows. */
async function modelFile(dir: string, seed: number): Promise<string> {
  const dims = EVENT_FEATURES.length
  const rows = new Float32Array(2000 * dims)
  let state = seed
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  for (let i = 0; i < rows.length; i++) rows[i] = random() * 3
  const forest = IsolationForest.train(rows, dims, { seed })
  const file = join(dir, `model-${seed}.onnx`)
  await writeFile(
    file,
    exportForestToOnnx(forest, { featureSpec: EVENT_FEATURE_SPEC, modelVersion: `site-${seed}` }),
  )
  return file
}

async function imported(dataDir: string, file: string, promote: string): Promise<string> {
  const result = await sentinel(['ml', 'import', file, '--data-dir', dataDir, '--promote', promote])
  assert.equal(result.code, 0, result.stderr)
  const version = /as (v\d{4}-\S+)/.exec(result.stdout)?.[1]
  assert.ok(version, result.stdout)
  return version
}

/** Sends one line with a unique marker (masked as a variable) and returns its event once the collector has it. */
async function sendAndRead(collector: CollectorHandle, text: string): Promise<ApiEvent & { ml: MlFields }> {
  // A key=value with digits: the miner masks it, so the marker does not split templates.
  const marker = `ref=${Date.now()}${Math.floor(Math.random() * 1e6)}`
  await runLogger([
    '-n',
    '127.0.0.1',
    '-P',
    String(collector.port('syslog_udp')),
    '-d',
    '--rfc3164',
    `${text} ${marker}`,
  ])
  const [event] = await waitFor(
    async () => {
      const events = await collector.events({ q: marker, limit: 1 })
      return events.length > 0 ? events : undefined
    },
    { description: `the event with ${marker}`, timeoutMs: 15_000 },
  )
  assert.ok(event)
  return { ...event, ml: event.event.sentinel as MlFields }
}

test('imported models score logger lines in the real collector; promote and rollback apply live', async (t) => {
  const defer = deferInReverse(t)
  const work = await makeWorkDir('ml-e2e')
  const dataDir = join(work, 'data')
  await mkdir(dataDir, { recursive: true })
  const first = await imported(dataDir, await modelFile(work, 11), 'active')
  const second = await imported(dataDir, await modelFile(work, 23), 'none')

  const start = () =>
    startCollector({
      sources: { syslog_udp: { type: 'syslog', protocol: 'udp', timezone: 'UTC' } },
      // The worker thread, whatever this machine's cores (inline is what `auto` picks on small ones).
      extra: { data_dir: dataDir, ml: { thread: 'worker' } },
    })
  let collector = await start()
  defer(() => collector.stop())

  const a = await sendAndRead(collector, 'session opened for user alice by sshd uid 0')
  const b = await sendAndRead(collector, 'session opened for user bob by sshd uid 0')
  assert.match(a.ml.template?.id ?? '', /^[0-9a-f]{8}/)
  assert.equal(b.ml.template?.id, a.ml.template?.id)
  assert.equal(b.ml.template?.text?.startsWith('session opened for user <*> by sshd uid <*>'), true)
  for (const event of [a, b]) {
    assert.equal(event.ml.anomaly?.model_version, first)
    const score = event.ml.anomaly?.score ?? -1
    assert.ok(score >= 0 && score <= 1, `score ${score}`)
  }
  const models = await sentinel(['ml', 'models', '--config', collector.setup.configFile])
  assert.equal(models.code, 0, models.stderr)
  assert.match(models.stdout, new RegExp(`${first}.*ACTIVE`))

  // The operator promotes the second model; the running collector follows within seconds.
  const promoted = await sentinel(['ml', 'promote', second, '--config', collector.setup.configFile])
  assert.equal(promoted.code, 0, promoted.stderr)
  await waitFor(
    async () => {
      const event = await sendAndRead(collector, 'link state changed on port 7')
      return event.ml.anomaly?.model_version === second ? event : undefined
    },
    { description: `events scored by ${second}`, timeoutMs: 30_000 },
  )
  const metrics = await collector.metrics()
  assert.match(metrics, new RegExp(`sentinel_anomaly_model_info\\{role="active",version="${second}"\\} 1`))
  // Every slice's round trip through the worker is timed: the latency the stage adds.
  const slicesTimed = Number(/^sentinel_anomaly_stage_seconds_count (\d+)$/m.exec(metrics)?.[1])
  assert.ok(slicesTimed > 0, 'sentinel_anomaly_stage_seconds counts the annotated slices')

  const rolledBack = await sentinel(['ml', 'rollback', '--config', collector.setup.configFile])
  assert.equal(rolledBack.code, 0, rolledBack.stderr)
  await waitFor(
    async () => {
      const event = await sendAndRead(collector, 'link state changed on port 8')
      return event.ml.anomaly?.model_version === first ? event : undefined
    },
    { description: `events scored by ${first} again`, timeoutMs: 30_000 },
  )

  // After a restart the miner's state is back: the same message shape keeps its template id.
  const stopped = await collector.stop()
  assert.equal(stopped.code, 0)
  collector = await start()
  const c = await sendAndRead(collector, 'session opened for user carol by sshd uid 0')
  assert.equal(c.ml.template?.id, a.ml.template?.id)
  assert.equal(c.ml.anomaly?.model_version, first)
})
