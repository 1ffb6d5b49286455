import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Alert, AlertChange } from '../correlate/alert.js'
import { alertRecord } from '../correlate/alert-record.js'
import { exampleAlert } from '../correlate/test-support/example-alert.js'
import { parseRecord } from './index.js'

const alert: Alert = exampleAlert(Date.UTC(2026, 10, 21, 10, 1, 0))

test('a firing alert becomes an ECS alert document for logs-sentinel.alert-*', () => {
  const event = parseRecord(alertRecord({ type: 'firing', alert }, alert.startsAt + 5))
  assert.equal(event.event?.kind, 'alert')
  assert.equal(event.event?.dataset, 'sentinel.alert')
  assert.equal(event.event?.action, 'alert-firing')
  assert.equal(event.event?.severity, 3)
  assert.equal(event.event?.original, undefined)
  assert.equal(event['@timestamp'], '2026-11-21T10:00:00.000Z')
  assert.equal(event.message, alert.annotations.summary)
  assert.deepEqual(event.rule, {
    id: 'brute_force_login',
    name: 'Brute-force login',
    ruleset: 'sentinel',
    description: alert.annotations.description,
  })
  assert.deepEqual(event.host, { name: 'fw1' })
  const own = event.sentinel.alert as Record<string, unknown>
  assert.equal(own.status, 'firing')
  assert.deepEqual(own.evidence, {
    event_ids: alert.evidence.eventIds,
    query: alert.evidence.query,
    url: alert.annotations.evidence_url,
  })
})

test('a resolved alert is stamped with its end; an unknown device sets no host', () => {
  const endsAt = alert.startsAt + 60_000
  const resolved: AlertChange = {
    type: 'resolved',
    alert: { ...alert, status: 'resolved', endsAt, labels: { ...alert.labels, device: 'unknown' } },
  }
  const event = parseRecord(alertRecord(resolved, endsAt))
  assert.equal(event.event?.action, 'alert-resolved')
  assert.equal(event['@timestamp'], new Date(endsAt).toISOString())
  assert.equal(event.event?.end, new Date(endsAt).toISOString())
  assert.equal(event.host, undefined)
})

test('a malformed alert record becomes an error event that keeps the original', () => {
  const record = { ...alertRecord({ type: 'firing', alert }, 0), data: Buffer.from('{"type":"firing"}') }
  const event = parseRecord(record)
  assert.equal(event.event?.kind, 'pipeline_error')
  assert.equal(event.event?.original, '{"type":"firing"}')
  assert.match(String(event.error?.message), /not an alert change/)
})
