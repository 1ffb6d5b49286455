/**
 * @module Elasticsearch sink, real Elasticsearch: an outage mid-stream (kill -9, then restart)
 * loses nothing and duplicates nothing; a replay of everything is answered with 409s, counted as
 * duplicates.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { startElasticsearch } from '../../harness/elasticsearch.js'
import { startCollector, waitFor } from '../../harness/index.js'
import { countDocs, installTemplates, sendTcp, sinkConfig, syslogLines } from './sink-support.js'

const N = 4000
const INDEX = 'logs-sentinel.syslog-default'

test('Elasticsearch killed (-9) and restarted mid-stream: exactly N documents, replays count as duplicates', async () => {
  const es = await startElasticsearch()
  after(() => es.stop())
  await installTemplates(es.url)
  const collector = await startCollector({
    sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp' } },
    extra: sinkConfig(es.url, { batch: { max_events: 100, timeout_secs: 0.1 } }),
  })
  after(() => collector.stop())
  const port = collector.port('syslog_tcp')
  const sent = (): Promise<number> =>
    collector.metric('sentinel_sink_sent_events_total', { sink: 'elasticsearch' })

  await sendTcp(port, syslogLines('outage', 0, N / 2))
  await waitFor(async () => (await sent()) > 0, { description: 'first documents indexed', timeoutMs: 30_000 })
  await es.kill9()
  await sendTcp(port, syslogLines('outage', N / 2, N))
  await waitFor(async () => (await collector.metric('sentinel_spool_appended_events_total')) === N, {
    description: 'all N events in the spool',
    timeoutMs: 30_000,
  })
  await waitFor(async () => (await collector.metric('sentinel_sink_up', { sink: 'elasticsearch' })) === 0, {
    description: 'sink_up 0 during the outage',
    timeoutMs: 30_000,
  })
  assert.ok((await collector.metric('sentinel_sink_backlog_events', { sink: 'elasticsearch' })) > 0)

  await es.restart()
  await waitFor(async () => (await countDocs(es.url, INDEX)) === N || undefined, {
    description: `${N} documents in ${INDEX}`,
    timeoutMs: 120_000,
    intervalMs: 500,
  })
  await waitFor(
    async () => (await collector.metric('sentinel_sink_backlog_events', { sink: 'elasticsearch' })) === 0,
    {
      description: 'backlog drained',
      timeoutMs: 30_000,
    },
  )
  assert.equal(await collector.metric('sentinel_sink_up', { sink: 'elasticsearch' }), 1)

  // Replay everything from seq 0: Elasticsearch already has every _id, so all N come back as 409.
  await collector.stop()
  await writeFile(join(collector.spoolDir, 'readers', 'elasticsearch.cursor'), '{"position":0}\n')
  await collector.restart()
  await waitFor(
    async () =>
      (await collector.metric('sentinel_sink_duplicate_events_total', { sink: 'elasticsearch' })) === N,
    { description: `${N} duplicates reported after the replay`, timeoutMs: 60_000 },
  )
  assert.equal(await countDocs(es.url, INDEX), N, 'the replay added no document')
})
