/**
 * Behaviour of the Alertmanager sender against a stand-in for the Alertmanager v2 API (a local HTTP
 * server that records each POST /api/v2/alerts and answers as a script says): batching, newest
 * state wins, retries, permanent errors, the queue cap, re-sends, stop, auth and TLS. The real
 * Alertmanager is exercised in test/integration/alerting/.
 */
import assert from 'node:assert/strict'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { test, type TestContext } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { tlsMaterial } from '../../../../test/harness/tls.js'
import { waitFor } from '../../../../test/harness/wait-for.js'
import type { Alert, AlertChange } from '../../correlate/alert.js'
import { SentinelError } from '../../errors/codes.js'
import { createLogger } from '../../telemetry/logger.js'
import { createMetrics, type CollectorMetrics } from '../../telemetry/metrics.js'
import { AlertmanagerSinkConfig } from './config.js'
import type { PostableAlert } from './encoder.js'
import { AlertmanagerSender, type AlertmanagerSenderDeps } from './sender.js'

const NOW = Date.parse('2026-03-01T12:00:00.000Z')

interface Posted {
  n: number
  alerts: PostableAlert[]
  headers: IncomingMessage['headers']
}
/** A status and body, `'drop'` to cut the connection, or `'hang'` to never answer. */
type Answer = { status: number; body?: string } | 'drop' | 'hang'

/** Stand-in for Alertmanager's v2 API. */
class FakeAlertmanager {
  readonly posts: Posted[] = []
  respond: (post: Posted) => Answer = () => ({ status: 200 })
  readonly server: Server
  readonly #hanging: ServerResponse[] = []

  constructor(server?: Server) {
    this.server = server ?? createHttpServer()
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res))
  }

  get url(): string {
    const scheme = 'cert' in this.server ? 'https' : 'http'
    return `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return this
  }

  /** Every alert posted, in order, with the POST it came in. */
  get alerts(): (PostableAlert & { n: number })[] {
    return this.posts.flatMap((p) => p.alerts.map((a) => ({ ...a, n: p.n })))
  }

  close(): Promise<void> {
    for (const res of this.#hanging.splice(0)) res.destroy()
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (req.method === 'GET' && req.url === '/api/v2/status') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ versionInfo: { version: 'stand-in' } }))
      return
    }
    if (req.method !== 'POST' || req.url !== '/api/v2/alerts') {
      res.writeHead(404).end()
      return
    }
    const post: Posted = {
      n: this.posts.length + 1,
      alerts: JSON.parse(Buffer.concat(chunks).toString()) as PostableAlert[],
      headers: req.headers,
    }
    this.posts.push(post)
    const answer = this.respond(post)
    if (answer === 'drop') {
      req.socket.destroy()
      return
    }
    if (answer === 'hang') {
      this.#hanging.push(res)
      return
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' })
    res.end(answer.body ?? '')
  }
}

async function fakeAlertmanager(t: TestContext): Promise<FakeAlertmanager> {
  const fake = await new FakeAlertmanager().listen()
  t.after(() => fake.close())
  return fake
}

function makeAlert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    ruleId: id.split(':')[0] ?? id,
    ruleName: 'Interface down',
    severity: 'warning',
    status: 'firing',
    labels: { alertname: 'InterfaceDown', severity: 'warning', rule_id: 'if_down', device: id },
    annotations: { summary: `Interface down on ${id}`, description: '3 linkDown traps' },
    groupKey: { 'host.name': id },
    startsAt: NOW - 5_000,
    count: 3,
    evidence: { eventIds: ['s-1'], query: `host.name:"${id}"`, from: NOW - 6_000, to: NOW - 5_000 },
    triggeredByArrival: NOW - 5_250,
    ...overrides,
  }
}

function firing(alert: Alert): AlertChange {
  return { type: 'firing', alert }
}
function resolved(alert: Alert, endsAt: number): AlertChange {
  return { type: 'resolved', alert: { ...alert, status: 'resolved', endsAt } }
}

function config(urls: string[], extra: Record<string, unknown> = {}): AlertmanagerSinkConfig {
  const value = Value.Default(AlertmanagerSinkConfig, {
    urls,
    ...extra,
    retry: { initial_backoff_ms: 1, max_backoff_ms: 5, ...(extra.retry as object | undefined) },
  })
  assert.ok(
    Value.Check(AlertmanagerSinkConfig, value),
    [...Value.Errors(AlertmanagerSinkConfig, value)][0]?.message,
  )
  return value
}

interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

interface Harness {
  sender: AlertmanagerSender
  metrics: CollectorMetrics
  logs: LogLine[]
  accepted: { id: string; status: string; at: number }[]
}

/** A sender with a pinned clock, zero jitter, captured logs; stopped after the test. */
function makeSender(
  t: TestContext,
  cfg: AlertmanagerSinkConfig,
  deps: Partial<AlertmanagerSenderDeps> = {},
): Harness {
  const metrics = createMetrics({ defaultMetrics: false })
  const logs: LogLine[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString()) as LogLine)
      done()
    },
  })
  const accepted: Harness['accepted'] = []
  const sender = new AlertmanagerSender(cfg, {
    metrics,
    logger: createLogger('debug', destination),
    generatorUrl: (a) => `http://sentinel.example:9464/api/v1/alerts/${encodeURIComponent(a.id)}`,
    now: () => NOW,
    random: () => 0,
    onAccepted: (alert, at) => accepted.push({ id: alert.id, status: alert.status, at }),
    ...deps,
  })
  t.after(() => sender.stop())
  return { sender, metrics, logs, accepted }
}

async function value(
  metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get()
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0)
}

async function latency(metrics: CollectorMetrics, part: 'count' | 'sum'): Promise<number> {
  const { values } = await metrics.alertLatency.get()
  return values.find((v) => v.metricName === `sentinel_alert_latency_seconds_${part}`)?.value ?? 0
}

test('a firing alert is posted with its labels, annotations, ISO times, endsAt 4 re-send intervals ahead and generatorURL', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender, metrics, accepted } = makeSender(t, config([am.url]))
  const label = sender.alertmanagers[0] ?? ''
  sender.send(firing(makeAlert('if_down:edge-1')))
  sender.start()
  await waitFor(() => am.posts.length === 1, { description: 'one POST' })
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 1, { description: 'counted' })

  assert.deepEqual(am.posts[0]?.alerts, [
    {
      labels: {
        alertname: 'InterfaceDown',
        severity: 'warning',
        rule_id: 'if_down',
        device: 'if_down:edge-1',
      },
      annotations: { summary: 'Interface down on if_down:edge-1', description: '3 linkDown traps' },
      startsAt: '2026-03-01T11:59:55.000Z',
      endsAt: '2026-03-01T12:04:00.000Z',
      generatorURL: 'http://sentinel.example:9464/api/v1/alerts/if_down%3Aedge-1',
    },
  ])
  assert.equal(am.posts[0]?.headers['content-type'], 'application/json')
  assert.equal(am.posts[0]?.headers.authorization, undefined)
  assert.match(label, /^127\.0\.0\.1:\d+$/)
  assert.equal(await value(metrics.alertmanagerSentAlerts, { alertmanager: label, status: 'firing' }), 1)
  assert.equal(await value(metrics.alertmanagerUp, { alertmanager: label }), 1)
  assert.equal(await value(metrics.alertmanagerQueueAlerts, { alertmanager: label }), 0)
  // Latency: from the triggering event's arrival (NOW - 5250) to acceptance (NOW).
  assert.deepEqual(accepted, [{ id: 'if_down:edge-1', status: 'firing', at: NOW }])
  assert.equal(await latency(metrics, 'count'), 1)
  assert.equal(await latency(metrics, 'sum'), 5.25)
})

test('every alert goes to every configured Alertmanager (an HA pair), each counted under its own label', async (t) => {
  const [a, b] = [await fakeAlertmanager(t), await fakeAlertmanager(t)]
  const { sender, metrics } = makeSender(t, config([a.url, b.url]))
  sender.start()
  sender.send(firing(makeAlert('if_down:edge-1')))
  sender.send(firing(makeAlert('if_down:edge-2')))
  for (const am of [a, b])
    await waitFor(() => am.alerts.length === 2, { description: `2 alerts at ${am.url}` })
  assert.equal(new Set(sender.alertmanagers).size, 2)
  for (const label of sender.alertmanagers)
    await waitFor(async () => (await value(metrics.alertmanagerSentAlerts, { alertmanager: label })) === 2, {
      description: `2 sent to ${label}`,
    })
})

test('newest state wins: a resolution queued before delivery replaces the firing state of the same alert', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender, metrics, accepted } = makeSender(t, config([am.url]))
  const alert = makeAlert('if_down:edge-1')
  sender.send(firing(alert))
  sender.send(firing(makeAlert('if_down:edge-2')))
  sender.send(resolved(alert, NOW - 1_000))
  assert.equal(await value(metrics.alertmanagerQueueAlerts), 2)
  sender.start()
  await waitFor(() => am.alerts.length === 2, { description: 'two alerts posted' })
  const [first, second] = am.alerts
  // The re-queued alert went to the back of the queue; its only state sent is the resolution.
  assert.equal(first?.labels.device, 'if_down:edge-2')
  assert.equal(second?.labels.device, 'if_down:edge-1')
  assert.equal(second?.endsAt, '2026-03-01T11:59:59.000Z')
  await waitFor(() => accepted.length === 2, { description: 'both accepted' })
  assert.deepEqual(
    accepted.map((a) => `${a.id} ${a.status}`),
    ['if_down:edge-2 firing', 'if_down:edge-1 resolved'],
  )
  assert.equal(await value(metrics.alertmanagerSentAlerts, { status: 'resolved' }), 1)
})

test('retries a dropped connection, 503 and 429 with backoff, then delivers; each failure counted by reason', async (t) => {
  const am = await fakeAlertmanager(t)
  const script: Answer[] = ['drop', { status: 503, body: '"cannot store"' }, { status: 429 }, { status: 200 }]
  am.respond = (post) => script[post.n - 1] ?? { status: 200 }
  const { sender, metrics, logs } = makeSender(t, config([am.url]))
  const label = sender.alertmanagers[0] ?? ''
  sender.start()
  sender.send(firing(makeAlert('if_down:edge-1')))
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 1, { description: 'delivered' })

  assert.equal(am.posts.length, 4)
  assert.ok(am.posts.every((p) => p.alerts[0]?.labels.device === 'if_down:edge-1' && p.alerts.length === 1))
  assert.equal(await value(metrics.alertmanagerErrors, { alertmanager: label, reason: 'network' }), 1)
  assert.equal(await value(metrics.alertmanagerErrors, { alertmanager: label, reason: 'status_5xx' }), 1)
  assert.equal(await value(metrics.alertmanagerErrors, { alertmanager: label, reason: 'status_429' }), 1)
  assert.equal(await value(metrics.alertmanagerDroppedAlerts), 0)
  assert.equal(await value(metrics.alertmanagerUp, { alertmanager: label }), 1)
  // One warning for the outage (the clock stands still, so the repeat is held back), one recovery line.
  assert.equal(logs.filter((l) => l.msg.startsWith('Alertmanager is unavailable')).length, 1)
  assert.equal(logs.filter((l) => l.msg.startsWith('Alertmanager answers again')).length, 1)
})

test('a 400 is permanent: the batch is dropped after one try and logged with the answer; later alerts still go', async (t) => {
  const am = await fakeAlertmanager(t)
  am.respond = (post) => (post.n === 1 ? { status: 400, body: '"invalid label set: bad"' } : { status: 200 })
  const { sender, metrics, logs } = makeSender(t, config([am.url]))
  sender.start()
  sender.send(firing(makeAlert('if_down:edge-1')))
  await waitFor(async () => (await value(metrics.alertmanagerDroppedAlerts, { reason: 'rejected' })) === 1, {
    description: 'rejected batch dropped',
  })
  sender.send(firing(makeAlert('if_down:edge-2')))
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 1, {
    description: 'next delivered',
  })

  assert.deepEqual(
    am.alerts.map((a) => a.labels.device),
    ['if_down:edge-1', 'if_down:edge-2'],
  )
  assert.equal(await value(metrics.alertmanagerErrors, { reason: 'status_4xx' }), 1)
  const errors = logs.filter((l) => l.msg.startsWith('Alertmanager rejected alerts'))
  assert.equal(errors.length, 1)
  assert.equal(errors[0]?.answer, '"invalid label set: bad"')
  assert.equal(errors[0]?.status, 400)
  assert.equal(errors[0]?.level, 50) // pino ERROR: alerts were lost
})

test('an alert Alertmanager would refuse is dropped before sending and does not spoil its batch', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender, metrics, logs } = makeSender(t, config([am.url]))
  const bad = makeAlert('if_down:bad', { labels: { alertname: 'InterfaceDown', 'host-name': 'x' } })
  sender.send(firing(bad))
  sender.send(firing(makeAlert('if_down:good')))
  sender.send(firing({ ...bad, id: 'if_down:bad2' }))
  sender.start()
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 1, {
    description: 'good one sent',
  })
  assert.deepEqual(
    am.alerts.map((a) => a.labels.device),
    ['if_down:good'],
  )
  assert.equal(await value(metrics.alertmanagerDroppedAlerts, { reason: 'invalid' }), 2)
  const lines = logs.filter((l) => l.msg.startsWith('Alertmanager would refuse'))
  assert.equal(lines.length, 1, 'logged once per rule')
  assert.equal(lines[0]?.reason, 'invalid label name "host-name"')
})

test('the queue holds at most max_queued_alerts distinct alerts, dropping the oldest and counting it', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender, metrics, logs } = makeSender(t, config([am.url], { max_queued_alerts: 2 }))
  sender.send(firing(makeAlert('if_down:a')))
  sender.send(firing(makeAlert('if_down:b')))
  sender.send(firing(makeAlert('if_down:c')))
  sender.send(resolved(makeAlert('if_down:c'), NOW)) // same id: replaces, drops nothing
  assert.equal(await value(metrics.alertmanagerDroppedAlerts, { reason: 'queue_full' }), 1)
  assert.equal(await value(metrics.alertmanagerQueueAlerts), 2)
  assert.equal(logs.filter((l) => l.msg.startsWith('Alertmanager queue is full')).length, 1)
  sender.start()
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 2, { description: 'two sent' })
  assert.deepEqual(
    am.alerts.map((a) => a.labels.device),
    ['if_down:b', 'if_down:c'],
  )
})

test('batches hold at most max_batch_alerts alerts, oldest first', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender, metrics } = makeSender(t, config([am.url], { max_batch_alerts: 2 }))
  for (const id of ['a', 'b', 'c', 'd', 'e']) sender.send(firing(makeAlert(`if_down:${id}`)))
  sender.start()
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 5, { description: 'all sent' })
  assert.deepEqual(
    am.posts.map((p) => p.alerts.map((a) => a.labels.device?.slice(-1)).join('')),
    ['ab', 'cd', 'e'],
  )
})

test('after max_retries the batch is dropped and counted; the next alert is tried afresh', async (t) => {
  const am = await fakeAlertmanager(t)
  am.respond = (post) => (post.alerts[0]?.labels.device === 'if_down:a' ? { status: 503 } : { status: 200 })
  const { sender, metrics, logs } = makeSender(t, config([am.url], { retry: { max_retries: 2 } }))
  sender.start()
  sender.send(firing(makeAlert('if_down:a')))
  await waitFor(
    async () => (await value(metrics.alertmanagerDroppedAlerts, { reason: 'retries_exhausted' })) === 1,
    {
      description: 'dropped after retries',
    },
  )
  sender.send(firing(makeAlert('if_down:b')))
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 1, { description: 'b sent' })
  assert.equal(am.alerts.filter((a) => a.labels.device === 'if_down:a').length, 3, 'first try + 2 retries')
  assert.equal(await value(metrics.alertmanagerErrors, { reason: 'status_5xx' }), 3)
  assert.equal(logs.filter((l) => l.msg.startsWith('Alertmanager did not take alerts')).length, 1)
})

test('firing alerts are re-sent every resend interval, resolved ones are not; re-sends do not count as latency', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender, metrics, accepted } = makeSender(t, config([am.url], { resend_interval_secs: 0.02 }))
  sender.start()
  const a = makeAlert('if_down:a')
  const b = makeAlert('if_down:b')
  sender.send(firing(a))
  sender.send(firing(b))
  await waitFor(() => am.alerts.some((x) => x.labels.device === 'if_down:b'), {
    description: 'b firing sent',
  })
  sender.send(resolved(b, NOW))
  const resolvedAt = await waitFor(
    () =>
      am.alerts.find((x) => x.labels.device === 'if_down:b' && x.endsAt === new Date(NOW).toISOString())?.n,
    { description: 'b resolution sent' },
  )
  await waitFor(
    () => am.alerts.filter((x) => x.labels.device === 'if_down:a' && x.n > resolvedAt).length >= 3,
    {
      description: 'a re-sent 3 times after b resolved',
    },
  )
  assert.deepEqual(
    am.alerts.filter((x) => x.labels.device === 'if_down:b' && x.n > resolvedAt),
    [],
    'b not re-sent after its resolution',
  )
  assert.deepEqual(
    accepted.map((x) => `${x.id} ${x.status}`),
    ['if_down:a firing', 'if_down:b firing', 'if_down:b resolved'],
  )
  assert.equal(await latency(metrics, 'count'), 2)
})

test('with setActive, re-sends take the firing alerts (and their current annotations) from the provider', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender } = makeSender(t, config([am.url]))
  const a = makeAlert('if_down:a')
  let active: Alert[] = [{ ...a, annotations: { ...a.annotations, description: '7 linkDown traps' } }]
  sender.setActive(() => active)
  sender.start()
  sender.send(firing(a))
  await waitFor(() => am.alerts.length === 1, { description: 'a sent' })
  sender.resendFiring()
  await waitFor(() => am.alerts.some((x) => x.annotations.description === '7 linkDown traps'), {
    description: 're-send with the updated annotation',
  })
  active = []
  sender.resendFiring()
  sender.send(firing(makeAlert('if_down:marker')))
  await waitFor(() => am.alerts.some((x) => x.labels.device === 'if_down:marker'), {
    description: 'marker sent',
  })
  assert.deepEqual(
    am.alerts.map((x) => x.labels.device),
    ['if_down:a', 'if_down:a', 'if_down:marker'],
    'nothing re-sent once the provider lists no firing alert',
  )
})

test('stop() cuts a backoff wait short and delivers the resolution that replaced the failing firing state', async (t) => {
  const am = await fakeAlertmanager(t)
  am.respond = (post) => (post.n === 1 ? { status: 503 } : { status: 200 })
  const cfg = config([am.url], { retry: { initial_backoff_ms: 600_000, max_backoff_ms: 600_000 } })
  const { sender, metrics } = makeSender(t, cfg, { random: () => 1 })
  const alert = makeAlert('if_down:a')
  sender.start()
  sender.send(firing(alert))
  await waitFor(async () => (await value(metrics.alertmanagerErrors)) === 1, {
    description: 'first try failed',
  })
  sender.send(resolved(alert, NOW))
  await sender.stop()
  assert.equal(am.posts.length, 2)
  assert.deepEqual(
    am.posts[1]?.alerts.map((a) => a.endsAt),
    [new Date(NOW).toISOString()],
  )
  assert.equal(await value(metrics.alertmanagerSentAlerts, { status: 'resolved' }), 1)
  assert.equal(await value(metrics.alertmanagerQueueAlerts), 0)
  sender.send(firing(makeAlert('if_down:late')))
  assert.equal(await value(metrics.alertmanagerQueueAlerts), 0, 'changes after stop are ignored')
})

test('stop() gives up after timeout_ms when Alertmanager never answers, counting what it dropped', async (t) => {
  const am = await fakeAlertmanager(t)
  am.respond = () => 'hang'
  const { sender, metrics, logs } = makeSender(t, config([am.url], { timeout_ms: 200 }))
  sender.send(resolved(makeAlert('if_down:a'), NOW))
  sender.send(resolved(makeAlert('if_down:b'), NOW))
  await sender.stop()
  assert.equal(await value(metrics.alertmanagerDroppedAlerts, { reason: 'shutdown' }), 2)
  assert.equal(await value(metrics.alertmanagerErrors, { reason: 'timeout' }), 1)
  assert.equal(logs.filter((l) => l.msg.startsWith('Could not deliver alerts')).length, 1)
})

test('sends basic auth or a bearer token; both at once is a configuration error', async (t) => {
  const am = await fakeAlertmanager(t)
  const basic = makeSender(t, config([am.url], { basic_auth: { username: 'sentinel', password: 's3cret' } }))
  basic.sender.send(firing(makeAlert('if_down:a')))
  basic.sender.start()
  const bearer = makeSender(t, config([am.url], { bearer_token: 'tok' }))
  bearer.sender.send(firing(makeAlert('if_down:b')))
  bearer.sender.start()
  await waitFor(() => am.posts.length === 2, { description: 'both posted' })
  const auth = (device: string) =>
    am.posts.find((p) => p.alerts[0]?.labels.device === device)?.headers.authorization
  assert.equal(auth('if_down:a'), `Basic ${Buffer.from('sentinel:s3cret').toString('base64')}`)
  assert.equal(auth('if_down:b'), 'Bearer tok')
  assert.throws(
    () =>
      makeSender(t, config([am.url], { bearer_token: 'tok', basic_auth: { username: 'u', password: 'p' } })),
    (error: unknown) => error instanceof SentinelError && error.code === 'SNT_ERR_CONFIG_INVALID',
  )
})

test('https: the configured CA verifies Alertmanager; an unknown CA fails unless verification is off', async (t) => {
  const tls = await tlsMaterial()
  const server = createHttpsServer({
    cert: await readFile(tls.serverCert),
    key: await readFile(tls.serverKey),
  })
  const am = await new FakeAlertmanager(server).listen()
  t.after(() => am.close())
  assert.match(am.url, /^https:/)

  const trusted = makeSender(t, config([am.url], { tls: { ca_file: tls.caCert } }))
  trusted.sender.send(firing(makeAlert('if_down:trusted')))
  trusted.sender.start()
  const unverified = makeSender(t, config([am.url], { tls: { verify_certificate: false } }))
  unverified.sender.send(firing(makeAlert('if_down:unverified')))
  unverified.sender.start()
  const unknown = makeSender(t, config([am.url], { retry: { max_retries: 0 } }))
  unknown.sender.send(firing(makeAlert('if_down:unknown')))
  unknown.sender.start()

  await waitFor(async () => (await value(trusted.metrics.alertmanagerSentAlerts)) === 1, {
    description: 'CA',
  })
  await waitFor(async () => (await value(unverified.metrics.alertmanagerSentAlerts)) === 1, {
    description: 'off',
  })
  await waitFor(async () => (await value(unknown.metrics.alertmanagerDroppedAlerts)) === 1, {
    description: 'bad',
  })
  assert.equal(await value(unknown.metrics.alertmanagerErrors, { reason: 'network' }), 1)
  assert.equal(await value(unknown.metrics.alertmanagerUp), 0)
  assert.ok(!am.alerts.some((a) => a.labels.device === 'if_down:unknown'))
  assert.throws(
    () => makeSender(t, config([am.url], { tls: { ca_file: '/nonexistent/ca.pem' } })),
    (error: unknown) => error instanceof SentinelError && error.code === 'SNT_ERR_TLS_CONFIG',
  )
})

test('the config takes defaults for everything but urls and rejects unknown keys', () => {
  const cfg = Value.Default(AlertmanagerSinkConfig, { urls: ['http://am:9093'] }) as AlertmanagerSinkConfig
  assert.ok(Value.Check(AlertmanagerSinkConfig, cfg))
  assert.equal(cfg.resend_interval_secs, 60)
  assert.equal(cfg.timeout_ms, 10_000)
  assert.deepEqual(cfg.retry, { max_retries: 10, initial_backoff_ms: 500, max_backoff_ms: 30_000 })
  assert.ok(!Value.Check(AlertmanagerSinkConfig, { ...cfg, url: 'http://am:9093' }))
  assert.ok(!Value.Check(AlertmanagerSinkConfig, { ...cfg, urls: [] }))
  assert.ok(!Value.Check(AlertmanagerSinkConfig, { ...cfg, urls: ['am:9093'] }))
})

test('a generatorURL that is no absolute URL is left out (Alertmanager would refuse the batch), logged once', async (t) => {
  const am = await fakeAlertmanager(t)
  const { sender, metrics, logs } = makeSender(t, config([am.url]), {
    generatorUrl: () => '/api/v1/alerts/x',
  })
  sender.send(firing(makeAlert('if_down:a')))
  sender.send(firing(makeAlert('if_down:b')))
  sender.start()
  await waitFor(async () => (await value(metrics.alertmanagerSentAlerts)) === 2, { description: 'both sent' })
  assert.deepEqual(
    am.alerts.map((a) => a.generatorURL),
    [undefined, undefined],
  )
  assert.equal(logs.filter((l) => l.msg.startsWith('The generatorURL of an alert is not')).length, 1)
})
