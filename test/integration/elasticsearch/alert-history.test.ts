/**
 * @module Alert history, real Elasticsearch: a correlation alert raised by the collector is indexed
 * in logs-sentinel.alert-default with its rule, device, status and evidence typed by the
 * templates, and the evidence ids are the `_id`s of the events that raised it.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { esRequest, sharedElasticsearch } from '../../harness/elasticsearch.js'
import { makeWorkDir, startCollector, waitFor } from '../../harness/index.js'
import { countDocs, installTemplates, sendTcp, sinkConfig } from './sink-support.js'

interface AlertDoc {
  rule?: { id?: string; name?: string }
  host?: { name?: string }
  event?: { kind?: string; action?: string; severity?: number }
  message?: string
  sentinel?: {
    alert?: { status?: string; severity?: string; evidence?: { event_ids?: string[]; query?: string } }
  }
}

test('a correlation alert lands in logs-sentinel.alert-default, typed, with evidence ids that are real _ids', async () => {
  const { url } = await sharedElasticsearch()
  await installTemplates(url)
  const dir = await makeWorkDir('alert-history')
  const rules = join(dir, 'rules.yml')
  const tag = `hist${process.pid}${Date.now() % 100000}`
  await writeFile(
    rules,
    `rules:
  - id: ${tag}_errors
    name: Router errors
    kind: threshold
    severity: warning
    window: 1m
    threshold: 3
    group_by: [host.name]
    filter: { log.syslog.appname: ${tag} }
    summary: "{{count}} errors on {{device}}"
`,
  )
  const collector = await startCollector({
    sources: { syslog_tcp: { type: 'syslog', protocol: 'tcp' } },
    extra: { ...sinkConfig(url), correlate: { packs: [], rule_files: [rules] } },
  })
  after(() => collector.stop())
  await sendTcp(
    collector.port('syslog_tcp'),
    [1, 2, 3].map((i) => `<11>1 2026-01-01T00:00:00.000Z router-7 ${tag} - - - interface error ${i}`),
  )
  const index = 'logs-sentinel.alert-default'
  const query = { term: { 'rule.id': `${tag}_errors` } }
  await waitFor(async () => (await countDocs(url, index, query)) === 1, {
    description: `the ${tag} alert in ${index}`,
    timeoutMs: 30_000,
    intervalMs: 200,
  })
  const { body } = await esRequest<{ hits: { hits: { _source: AlertDoc }[] } }>(
    url,
    'POST',
    `/${index}/_search`,
    {
      query: {
        bool: {
          filter: [
            query,
            { term: { 'host.name': 'router-7' } },
            { term: { 'sentinel.alert.status': 'firing' } },
            { range: { 'event.severity': { gte: 2 } } },
          ],
        },
      },
    },
  )
  const doc = body.hits.hits[0]?._source
  assert.ok(doc, 'found by rule.id, host.name, sentinel.alert.status and event.severity (typed fields)')
  assert.equal(doc.event?.kind, 'alert')
  assert.equal(doc.message, '3 errors on router-7')
  const ids = doc.sentinel?.alert?.evidence?.event_ids ?? []
  assert.equal(ids.length, 3)
  // Data streams take no GET by _id: an ids query finds them (after a refresh).
  await countDocs(url, 'logs-sentinel.syslog-default')
  const events = await esRequest<{ hits: { hits: { _id: string; _source: { message?: string } }[] } }>(
    url,
    'POST',
    '/logs-sentinel.syslog-default/_search',
    { query: { ids: { values: ids } }, sort: [{ '@timestamp': 'asc' }] },
  )
  assert.deepEqual(events.body.hits.hits.map((h) => h._source.message).sort(), [
    'interface error 1',
    'interface error 2',
    'interface error 3',
  ])
  const mapping = await esRequest<Record<string, { mappings: { properties: Record<string, unknown> } }>>(
    url,
    'GET',
    `/${index}/_mapping/field/sentinel.alert.evidence.event_ids,rule.id`,
  )
  assert.match(JSON.stringify(mapping.body), /"type":"keyword"/)
})
