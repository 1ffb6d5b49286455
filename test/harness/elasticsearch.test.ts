/** @module The Elasticsearch harness: a dedicated instance takes settings, survives kill -9 with its data. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startElasticsearch } from './elasticsearch.js'

test('a dedicated Elasticsearch takes a one-slot write queue and keeps its data across kill -9 and restart', async (t) => {
  const es = await startElasticsearch({ writeQueueSize: 1, heapMb: 384 })
  t.after(() => es.stop())

  const settings = await es.request<{ nodes: Record<string, { settings: { thread_pool?: unknown } }> }>(
    'GET',
    '/_nodes/_local/settings?filter_path=nodes.*.settings.thread_pool',
  )
  assert.equal(settings.status, 200)
  assert.deepEqual(Object.values(settings.body.nodes)[0]?.settings.thread_pool, {
    write: { queue_size: '1', size: '1' },
  })

  const put = await es.request('PUT', '/harness-probe/_doc/1?refresh=true', { message: 'kept' })
  assert.equal(put.status, 201)
  await es.kill9()
  assert.equal(es.service.process.running, false)
  await es.restart()
  const got = await es.request<{ _source: { message: string } }>('GET', '/harness-probe/_doc/1')
  assert.equal(got.status, 200)
  assert.equal(got.body._source.message, 'kept')
})
