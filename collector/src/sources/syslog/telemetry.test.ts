import { RECEIVE_ERRORS } from '../../errors/codes.js'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SourceContext } from '../../event/raw-record.js'
import { metricValue, testMetrics } from './test-support/recording-port.js'
import { emitKernelDrops, emitRecordsDiscarded, emitRecordsReceived, emitSourceError } from './telemetry.js'

const ctx: SourceContext = { sourceId: 'syslog_udp', transport: 'udp', format: 'auto', timezone: 'UTC' }

test('emitters add whole batches to the bounded label sets', async () => {
  const metrics = testMetrics()
  emitRecordsReceived(metrics, ctx, 3, 120)
  emitRecordsReceived(metrics, ctx, 0, 0)
  emitRecordsDiscarded(metrics, ctx, 'pipeline_full', 2)
  emitSourceError(metrics, 'syslog_udp', 'framing', 'SNT_FRAMING_OCTET_COUNT')
  emitKernelDrops(metrics, 'syslog_udp', 5)
  emitKernelDrops(metrics, 'syslog_udp', 0)
  const id = { component_id: 'syslog_udp' }
  assert.equal(await metricValue(metrics.receivedEvents, { ...id, transport: 'udp' }), 3)
  assert.equal(await metricValue(metrics.receivedBytes, { ...id, transport: 'udp' }), 120)
  assert.equal(
    await metricValue(metrics.discardedEvents, { ...id, reason: 'pipeline_full', intentional: 'false' }),
    2,
  )
  assert.equal(await metricValue(metrics.errors, { ...id, error_type: 'framing', stage: 'receiving' }), 1)
  assert.equal(await metricValue(metrics.udpKernelDrops, id), 5)
})

test('every source error code has a description', () => {
  for (const [code, text] of Object.entries(RECEIVE_ERRORS)) {
    assert.match(code, /^SNT_(FRAMING|SOURCE)_[A-Z_]+$/)
    assert.ok(text.length > 10)
  }
})
