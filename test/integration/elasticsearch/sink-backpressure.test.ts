/**
 * @module Elasticsearch sink, real Elasticsearch: a write thread pool of one thread and a queue
 * of one answers a burst with 429s; the sink retries those items and ends with exactly N.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { startElasticsearch } from '../../harness/elasticsearch.js'
import { startCollector, waitFor } from '../../harness/index.js'
import { countDocs, installTemplates, sendTcp, sinkConfig, syslogLines } from './sink-support.js'

const N = 20_000
const INDEX = 'logs-sentinel.syslog-default'

test('write queue of 1 under a burst: 429s are retried (status_429 counted) and exactly N documents arrive', async () => {
  const es = await startElasticsearch({ writeQueueSize: 1 })
  after(() => es.stop())
  await installTemplates(es.url)
  const collector = await startCollector({
    sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp' } },
    extra: sinkConfig(es.url, {
      batch: { max_events: 50, timeout_secs: 0.05 },
      max_in_flight: 16,
      retry: { initial_backoff_ms: 20, max_backoff_ms: 500 },
    }),
  })
  after(() => collector.stop())
  await sendTcp(collector.port('syslog_tcp'), syslogLines('burst', 0, N))
  await waitFor(async () => (await countDocs(es.url, INDEX)) === N || undefined, {
    description: `${N} documents in ${INDEX}`,
    timeoutMs: 180_000,
    intervalMs: 500,
  })
  const retries429 = await collector.metric('sentinel_sink_retries_total', {
    sink: 'elasticsearch',
    reason: 'status_429',
  })
  assert.ok(
    retries429 > 0,
    `429s were answered and retried (sentinel_sink_retries_total{reason="status_429"} = ${retries429})`,
  )
  assert.equal(await collector.metric('sentinel_sink_deadletter_events_total'), 0)
  assert.equal(await countDocs(es.url, INDEX), N)
})
