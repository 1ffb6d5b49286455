/**
 * @module Elasticsearch sink, real Elasticsearch: syslog sent with util-linux `logger` ends up in
 * `logs-sentinel.syslog-default`, searchable by its ECS fields.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { sharedElasticsearch, esRequest } from '../../harness/elasticsearch.js'
import { runLogger, startCollector, waitFor } from '../../harness/index.js'
import { countDocs, installTemplates, sinkConfig } from './sink-support.js'

/** The fields of an indexed syslog document this test reads. */
interface IndexedSyslog {
  message?: string
  event?: { dataset?: string }
  data_stream?: unknown
}

test('logger over TCP -> collector -> Elasticsearch: searchable in logs-sentinel.syslog-default by ECS fields', async () => {
  const { url } = await sharedElasticsearch()
  await installTemplates(url)
  const collector = await startCollector({
    sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp' } },
    extra: sinkConfig(url),
  })
  after(() => collector.stop())
  const tag = `deliv${process.pid}${Date.now() % 100000}`
  await runLogger([
    '--rfc5424',
    '-T',
    '-n',
    '127.0.0.1',
    '-P',
    String(collector.port('syslog_tcp')),
    '-t',
    tag,
    '-p',
    'auth.warning',
    `login failed for admin ${tag}`,
  ])
  const index = 'logs-sentinel.syslog-default'
  const query = { bool: { filter: [{ term: { 'log.syslog.appname': tag } }] } }
  await waitFor(async () => (await countDocs(url, index, query)) === 1, {
    description: `the ${tag} event in ${index}`,
    timeoutMs: 30_000,
    intervalMs: 200,
  })
  const { body } = await esRequest<{
    hits: { hits: Array<{ _id: string; _index: string; _source: IndexedSyslog }> }
  }>(url, 'POST', `/${index}/_search`, {
    query: {
      bool: {
        filter: [
          { term: { 'log.syslog.appname': tag } },
          { term: { 'log.syslog.severity.name': 'warning' } },
        ],
      },
    },
  })
  const hit = body.hits.hits[0]
  assert.ok(hit, 'found by log.syslog.appname and log.syslog.severity.name')
  assert.match(hit._index, /^\.ds-logs-sentinel\.syslog-default-/, 'stored in the data stream')
  assert.match(hit._id, /^[^-]+-\d+$/, '_id is <spool id>-<seq>')
  assert.equal(hit._source.message, `login failed for admin ${tag}`)
  assert.equal(hit._source.event?.dataset, 'sentinel.syslog')
  assert.deepEqual(hit._source.data_stream, {
    type: 'logs',
    dataset: 'sentinel.syslog',
    namespace: 'default',
  })
  assert.equal(await collector.metric('sentinel_sink_sent_events_total', { sink: 'elasticsearch' }), 1)
  assert.equal(await collector.metric('sentinel_sink_up', { sink: 'elasticsearch' }), 1)
})
