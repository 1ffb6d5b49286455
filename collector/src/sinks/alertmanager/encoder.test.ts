import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Alert } from '../../correlate/alert.js'
import { exampleAlert } from '../../correlate/test-support/example-alert.js'
import { encodeAlert, invalidReason } from './encoder.js'

const NOW = Date.parse('2026-03-01T12:00:00.000Z')

const fixture = exampleAlert(NOW)
// An empty label value (no site) is one the encoder must leave out.
const alert: Alert = { ...fixture, labels: { ...fixture.labels, site: '' } }

test('a firing alert ends 4 re-send intervals from now; empty label values are left out', () => {
  const encoded = encodeAlert({ alert, status: 'firing', changedAt: NOW }, NOW, 60_000, 'http://s:9464/a')
  assert.deepEqual(encoded, {
    labels: {
      alertname: 'BruteForceLogin',
      severity: 'critical',
      rule_id: 'brute_force_login',
      device: 'fw1',
    },
    annotations: alert.annotations,
    startsAt: '2026-03-01T11:59:00.000Z',
    endsAt: '2026-03-01T12:04:00.000Z',
    generatorURL: 'http://s:9464/a',
  })
})

test('a resolved alert ends at its endsAt, else at the change time, never before it started', () => {
  const done = { ...alert, status: 'resolved' as const, endsAt: NOW - 1_000 }
  const at = (a: Alert, changedAt: number) =>
    encodeAlert({ alert: a, status: 'resolved', changedAt }, NOW, 60_000, undefined).endsAt
  assert.equal(at(done, NOW), '2026-03-01T11:59:59.000Z')
  assert.equal(at({ ...alert, status: 'resolved' }, NOW - 2_000), '2026-03-01T11:59:58.000Z')
  assert.equal(at({ ...alert, status: 'resolved', endsAt: NOW - 120_000 }, NOW), '2026-03-01T11:59:00.000Z')
  assert.equal(
    'generatorURL' in encodeAlert({ alert, status: 'firing', changedAt: NOW }, NOW, 1, undefined),
    false,
  )
})

test('alerts Alertmanager 0.25 would refuse are named with the reason', () => {
  assert.equal(invalidReason(alert), undefined)
  assert.equal(invalidReason({ ...alert, labels: { 'bad-name': 'x' } }), 'invalid label name "bad-name"')
  assert.equal(
    invalidReason({ ...alert, labels: { alertname: '' } }),
    'no labels (at least one label pair is required)',
  )
  assert.equal(invalidReason({ ...alert, annotations: { '1st': 'x' } }), 'invalid annotation name "1st"')
})
