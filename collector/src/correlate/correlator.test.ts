import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { Spool } from '../spool/spool.js'
import { createLogger } from '../telemetry/logger.js'
import type { AlertChange } from './alert.js'
import { CorrelateConfig } from './config.js'
import { Correlator } from './correlator.js'
import { compileRuleFile } from './load-rules.js'
import { Value } from '@sinclair/typebox/value'

const RULES = compileRuleFile(
  `rules:
  - id: brute_force_login
    name: Brute-force login
    kind: threshold
    severity: critical
    window: 1h
    threshold: 3
    group_by: [source.ip]
    filter: { event.outcome: failure }
`,
  'test.yml',
)

const config: CorrelateConfig = Value.Default(CorrelateConfig, {}) as CorrelateConfig
const logger = createLogger('silent')

function failure(ip: string, at: number): SentinelEvent {
  const created = new Date(at).toISOString()
  return {
    '@timestamp': created,
    ecs: { version: '9.4.0' },
    event: { kind: 'event', dataset: 'sentinel.syslog', created, outcome: 'failure' },
    source: { ip },
    host: { name: 'fw1' },
    sentinel: {},
  }
}

const record = (at: number): RawRecord => ({
  data: Buffer.alloc(0),
  receivedAt: at,
  context: { sourceId: 't', transport: 'tcp', format: 'auto', timezone: 'UTC' },
})

async function harness(dir: string) {
  const spool = await Spool.open({
    dir: join(dir, 'spool'),
    maxBytes: 64 << 20,
    segmentBytes: 1 << 20,
    whenFull: 'block',
    fsyncIntervalMs: 0,
  })
  const changes: AlertChange[] = []
  const pushed: RawRecord[] = []
  const correlator = new Correlator(config, RULES, dir, {
    spool,
    push: (records) => pushed.push(...records),
    onChange: (change) => changes.push(change),
    logger,
  })
  /** Spool events and show them to the correlator with their seqs, as the pipeline does. */
  const ingest = async (events: SentinelEvent[], observe = true) => {
    const { firstSeq } = await spool.append(events.map((e) => Buffer.from(JSON.stringify(e))))
    if (!observe) return
    events.forEach((event, i) =>
      correlator.observe(firstSeq + i, event, record(Date.parse(String(event.event?.created)))),
    )
  }
  return { spool, correlator, changes, pushed, ingest }
}

test('rule state survives a restart: the snapshot plus the events spooled after it fire as without the restart', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'correlator-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const now = Date.now()

  const first = await harness(dir)
  await first.correlator.start()
  await first.ingest([failure('203.0.113.7', now), failure('203.0.113.7', now + 1000)])
  await first.correlator.save()
  // Spooled after the last snapshot, and then the process dies before the engine saw it.
  await first.ingest([failure('203.0.113.7', now + 2000)], false)
  assert.equal(first.changes.length, 0)
  await first.spool.close()

  const second = await harness(dir)
  await second.correlator.start()
  assert.deepEqual(
    second.changes.map((c) => c.type),
    ['firing'],
  )
  const alert = second.changes[0]?.alert
  assert.equal(alert?.count, 3)
  assert.deepEqual(
    alert?.evidence.eventIds,
    [0, 1, 2].map((seq) => `${second.spool.id}-${seq}`),
  )
  assert.equal(second.pushed.length, 1, 'the alert history record goes back into the pipeline')
  assert.equal(second.pushed[0]?.context.format, 'alert')
  await second.correlator.stop()
  await second.spool.close()

  // The firing alert itself survives the next restart, and is not reported again.
  const third = await harness(dir)
  await third.correlator.start()
  assert.equal(third.changes.length, 0)
  assert.deepEqual(
    third.correlator.active().map((a) => a.id),
    [alert?.id],
  )
  await third.correlator.stop()
  await third.spool.close()
})

test('an unusable snapshot is logged and ignored: the engine starts empty instead of failing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'correlator-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const h = await harness(dir)
  await h.correlator.start()
  await h.correlator.stop()
  await writeFile(
    join(dir, 'correlate', 'state.json'),
    '{"version":1,"next_seq":0,"engine":{"nonsense":true}',
  )
  const again = new Correlator(config, RULES, dir, { spool: h.spool, push: () => undefined, logger })
  await again.start()
  assert.deepEqual(again.active(), [])
  await again.stop()
  await h.spool.close()
})
