/**
 * @module Elasticsearch sink, real Elasticsearch: an event the mapping refuses is written to
 * `logs-sentinel.deadletter-<namespace>` with its reason and the original event, never dropped.
 *
 * The conflict is made explicit: a test-only index template (higher priority than Sentinel's) maps
 * `message` as `long` for the namespace `dlqtest`, so every syslog message with text is refused.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { esRequest, sharedElasticsearch } from '../../harness/elasticsearch.js'
import { startCollector, waitFor } from '../../harness/index.js'
import { countDocs, installTemplates, sendTcp, sinkConfig, syslogLines } from './sink-support.js'

const NAMESPACE = 'dlqtest'

/** The dead-letter document's fields this test reads. */
interface DeadletterDoc {
  '@timestamp': string
  event: { original: string }
  error: { type: string; message: string }
  sentinel: { deadletter: { reason: string; status: number; index: string; event_id: string } }
  data_stream: unknown
}

test('a mapping conflict lands in logs-sentinel.deadletter-<ns> with reason, status and the original event', async () => {
  const { url } = await sharedElasticsearch()
  await installTemplates(url)
  const template = await esRequest(url, 'PUT', '/_index_template/sentinel-test-conflict', {
    index_patterns: [`logs-sentinel.syslog-${NAMESPACE}`],
    data_stream: {},
    priority: 10_000,
    template: { mappings: { properties: { '@timestamp': { type: 'date' }, message: { type: 'long' } } } },
  })
  assert.equal(template.status, 200, JSON.stringify(template.body))
  after(async () => {
    await esRequest(
      url,
      'DELETE',
      `/_data_stream/logs-sentinel.syslog-${NAMESPACE},logs-sentinel.deadletter-${NAMESPACE}`,
    )
    await esRequest(url, 'DELETE', '/_index_template/sentinel-test-conflict')
  })
  const collector = await startCollector({
    sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp' } },
    extra: sinkConfig(url, { namespace: NAMESPACE }),
  })
  after(() => collector.stop())
  const [line] = syslogLines('conflict', 0, 1)
  assert.ok(line)
  await sendTcp(collector.port('syslog_tcp'), [line])

  const deadletterIndex = `logs-sentinel.deadletter-${NAMESPACE}`
  await waitFor(async () => (await countDocs(url, deadletterIndex)) === 1, {
    description: `the refused event in ${deadletterIndex}`,
    timeoutMs: 30_000,
    intervalMs: 200,
  })
  const { body } = await esRequest<{ hits: { hits: Array<{ _id: string; _source: DeadletterDoc }> } }>(
    url,
    'POST',
    `/${deadletterIndex}/_search`,
    {},
  )
  const doc = body.hits.hits[0]?._source
  assert.ok(doc)
  assert.equal(doc.sentinel.deadletter.reason, 'mapping')
  assert.equal(doc.sentinel.deadletter.status, 400)
  assert.equal(doc.sentinel.deadletter.index, `logs-sentinel.syslog-${NAMESPACE}`)
  assert.equal(doc.sentinel.deadletter.event_id, body.hits.hits[0]?._id)
  assert.match(doc.error.type, /parsing_exception/)
  assert.match(doc.error.message, /message/)
  const original = JSON.parse(doc.event.original) as { message: string; event: { original: string } }
  assert.equal(original.message, 'conflict-0')
  assert.equal(original.event.original, line)
  assert.deepEqual(doc.data_stream, { type: 'logs', dataset: 'sentinel.deadletter', namespace: NAMESPACE })
  assert.ok(Number.isFinite(Date.parse(doc['@timestamp'])))

  assert.equal(await collector.metric('sentinel_sink_deadletter_events_total', { reason: 'mapping' }), 1)
  assert.equal(
    await collector.metric('sentinel_component_discarded_events_total', { component_id: 'elasticsearch' }),
    0,
  )
  assert.equal(await countDocs(url, `logs-sentinel.syslog-${NAMESPACE}`), 0)
  await waitFor(
    async () => (await collector.metric('sentinel_sink_backlog_events', { sink: 'elasticsearch' })) === 0,
    {
      description: 'the cursor past the dead-lettered event',
    },
  )
})
