import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RecentEvents } from '../pipeline/recent-events.js'
import { createMetrics } from '../telemetry/metrics.js'
import { buildApi } from './server.js'
import type { Readiness } from './health.js'

async function api(readiness: Readiness = { ready: true }) {
  const metrics = createMetrics({ defaultMetrics: false })
  const recent = new RecentEvents(10)
  let scrapes = 0
  const app = await buildApi({
    version: '0.0.0-test',
    registry: metrics.registry,
    recent,
    spoolId: () => 'spool1',
    beforeScrape: () => {
      scrapes++
    },
    readiness: () => readiness,
  })
  return { app, metrics, recent, scrapes: () => scrapes }
}

test('liveness always answers 200; readiness answers 503 with a code, and Retry-After when it will clear', async (t) => {
  const ok = await api()
  t.after(() => ok.app.close())
  assert.equal((await ok.app.inject('/health/live')).statusCode, 200)
  assert.deepEqual((await ok.app.inject('/health/ready')).json(), { status: 'ready' })

  const full = await api({ ready: false, reason: 'spool is full', retryAfterSecs: 5 })
  t.after(() => full.app.close())
  const reply = await full.app.inject('/health/ready')
  assert.equal(reply.statusCode, 503)
  assert.equal(reply.headers['retry-after'], '5')
  assert.deepEqual(reply.json(), {
    status: 'not_ready',
    code: 'SNT_ERR_API_NOT_READY',
    message: 'Not ready: spool is full',
  })
})

test('/metrics refreshes sampled values first and serves the Prometheus text format', async (t) => {
  const { app, metrics, scrapes } = await api()
  t.after(() => app.close())
  metrics.spoolAppendedEvents.inc(42)
  const reply = await app.inject('/metrics')
  assert.equal(reply.statusCode, 200)
  assert.match(String(reply.headers['content-type']), /^text\/plain; version=0\.0\.4/)
  assert.match(reply.body, /^sentinel_spool_appended_events_total 42$/m)
  assert.equal(scrapes(), 1)
})

test('/api/v1/events returns ids derived from the spool position, newest first, filtered', async (t) => {
  const { app, recent } = await api()
  t.after(() => app.close())
  const doc = (n: number, host: string) =>
    Buffer.from(
      JSON.stringify({
        '@timestamp': '2026-11-21T10:00:00.000Z',
        message: `m${n}`,
        host: { name: host },
        sentinel: {},
      }),
    )
  recent.add(7, [doc(0, 'a'), doc(1, 'b'), doc(2, 'a')])
  const reply = await app.inject('/api/v1/events?host.name=a&limit=5')
  assert.equal(reply.statusCode, 200)
  const body = reply.json() as {
    events: { id: string; seq: number; event: { message: string } }[]
    window: number
  }
  assert.deepEqual(
    body.events.map((e) => [e.id, e.seq, e.event.message]),
    [
      ['spool1-9', 9, 'm2'],
      ['spool1-7', 7, 'm0'],
    ],
  )
  assert.equal(body.window, 3)
})

test('bad requests get a 400 with a code and the reason; unknown routes a coded 404', async (t) => {
  const { app } = await api()
  t.after(() => app.close())
  const tooMany = await app.inject('/api/v1/events?limit=5000')
  assert.equal(tooMany.statusCode, 400)
  assert.equal(tooMany.json().code, 'SNT_ERR_API_BAD_REQUEST')
  assert.match(tooMany.json().message, /limit/)
  const unknownFilter = await app.inject('/api/v1/events?colour=red')
  assert.equal(unknownFilter.statusCode, 400)
  const badDate = await app.inject('/api/v1/events?since=yesterday')
  assert.equal(badDate.statusCode, 400)
  const missing = await app.inject('/nope')
  assert.equal(missing.statusCode, 404)
  assert.deepEqual(missing.json(), { code: 'SNT_ERR_API_NOT_FOUND', message: 'No route GET /nope' })
})

test('/openapi.json describes every route with its schemas', async (t) => {
  const { app } = await api()
  t.after(() => app.close())
  const doc = (await app.inject('/openapi.json')).json() as {
    openapi: string
    paths: Record<string, unknown>
  }
  assert.equal(doc.openapi, '3.0.3')
  assert.deepEqual(Object.keys(doc.paths).sort(), [
    '/api/v1/alerts',
    '/api/v1/alerts/{id}',
    '/api/v1/events',
    '/health/live',
    '/health/ready',
    '/metrics',
    '/metrics/snmp',
  ])
  const events = doc.paths['/api/v1/events'] as { get: { parameters: { name: string }[] } }
  assert.ok(events.get.parameters.some((p) => p.name === 'host.name'))
})
