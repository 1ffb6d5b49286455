/**
 * @module `sentinel setup elastic` against a real Elasticsearch (the 8.x integ-test distribution
 * the harness runs: no ILM, no mapper-extras / wildcard / constant-keyword modules). Templates are
 * installed, re-runs are idempotent, a drifted template is put back, and a parsed event indexed
 * into `logs-sentinel.syslog-default` gets the ECS field types and is found by term and range
 * queries.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { before, test } from 'node:test'
import { setupElastic, type SetupReport } from '@sentinel/elastic-ingest'
import { demoMessage } from '../../../collector/src/cli/demo-traffic.js'
import type { RawRecord } from '../../../collector/src/event/raw-record.js'
import type { SentinelEvent } from '../../../collector/src/event/sentinel-event.js'
import { parseRecord } from '../../../collector/src/parse/index.js'
import { esRequest, sharedElasticsearch } from '../../harness/index.js'

const COMPONENTS = ['sentinel@settings', 'sentinel-ecs@mappings', 'sentinel@mappings']
const INDEX_TEMPLATES = [
  'logs-sentinel.syslog',
  'logs-sentinel.snmp_trap',
  'metrics-sentinel.snmp',
  'logs-sentinel.alert',
  'logs-sentinel.deadletter',
  'logs-sentinel.generic',
]

type Props = Record<string, { type?: string; properties?: Props }>

let url = ''
let first: SetupReport
/** Templates another test file had installed on the shared cluster before this file ran. */
const preexisting = new Set<string>()

before(async () => {
  url = (await sharedElasticsearch()).url
  for (const name of COMPONENTS) {
    if ((await esRequest(url, 'GET', `/_component_template/${encodeURIComponent(name)}`)).status === 200)
      preexisting.add(name)
  }
  for (const name of INDEX_TEMPLATES) {
    if ((await esRequest(url, 'GET', `/_index_template/${name}`)).status === 200) preexisting.add(name)
  }
  first = await setupElastic({ url })
})

function actions(report: SetupReport, kind: string): Record<string, string> {
  return Object.fromEntries(report.items.filter((i) => i.kind === kind).map((i) => [i.name, i.action]))
}

function record(line: string | Buffer): RawRecord {
  return {
    data: typeof line === 'string' ? Buffer.from(line) : line,
    receivedAt: Date.now(),
    peerAddress: '127.0.0.1',
    peerPort: 51514,
    context: { sourceId: 'syslog_tcp', transport: 'tcp', format: 'auto', timezone: 'UTC' },
  }
}

function withDataStream(event: SentinelEvent, namespace: string): Record<string, unknown> {
  return { ...event, data_stream: { type: 'logs', dataset: 'sentinel.syslog', namespace } }
}

async function bulkCreate(index: string, docs: ReadonlyArray<[string, unknown]>) {
  const body = docs.map(
    ([id, doc]) => `${JSON.stringify({ create: { _index: index, _id: id } })}\n${JSON.stringify(doc)}\n`,
  )
  return esRequest<{ errors: boolean; items: Array<{ create: { status: number; error?: unknown } }> }>(
    url,
    'POST',
    '/_bulk?refresh=true',
    body.join(''),
  )
}

test('first run installs every component and index template; GET shows them', async () => {
  // Other files install the same templates on the shared cluster, possibly between the check in
  // before() and this run: a template absent then is `created` here, or `unchanged` when another
  // file got there first; never `updated` (that would mean this run's templates differ).
  const fits = (name: string, action: string | undefined) =>
    preexisting.has(name) ? action === 'unchanged' : action === 'created' || action === 'unchanged'
  for (const [kind, names] of [
    ['component_template', COMPONENTS],
    ['index_template', INDEX_TEMPLATES],
  ] as const) {
    const got = actions(first, kind)
    assert.deepEqual(Object.keys(got).sort(), [...names].sort(), kind)
    for (const name of names) assert.ok(fits(name, got[name]), `${kind} ${name}: ${got[name]}`)
  }
  for (const name of COMPONENTS) {
    const got = await esRequest<{
      component_templates: Array<{ component_template: { _meta: { managed_by: string } } }>
    }>(url, 'GET', `/_component_template/${encodeURIComponent(name)}`)
    assert.equal(got.status, 200, name)
    assert.equal(got.body.component_templates[0]?.component_template._meta.managed_by, 'sentinel')
  }
  const syslog = await esRequest<{
    index_templates: Array<{
      index_template: { index_patterns: string[]; priority: number; data_stream: object }
    }>
  }>(url, 'GET', '/_index_template/logs-sentinel.syslog')
  const template = syslog.body.index_templates[0]?.index_template
  assert.deepEqual(template?.index_patterns, ['logs-sentinel.syslog-*'])
  assert.ok((template?.priority ?? 0) > 100)
  assert.ok(template?.data_stream)
})

test('this distribution has no ILM: the policy is skipped with its reason, and the settings carry no lifecycle', async () => {
  assert.equal(first.ilm, false)
  const ilm = first.items.find((i) => i.kind === 'ilm_policy')
  assert.equal(ilm?.action, 'skipped')
  assert.match(ilm?.reason ?? '', /no ILM API/)
  const settings = await esRequest<{
    component_templates: Array<{ component_template: { template: { settings: object } } }>
  }>(url, 'GET', '/_component_template/sentinel@settings')
  const index = settings.body.component_templates[0]?.component_template.template.settings as {
    index?: object
  }
  assert.ok(index.index, 'sentinel@settings has index settings')
  assert.equal('lifecycle' in index.index, false)
  // Field types from modules this distribution lacks are substituted, and said so.
  assert.deepEqual(Object.keys(actions(first, 'field_type')).sort(), [
    'constant_keyword',
    'match_only_text',
    'wildcard',
  ])
})

test('a second run changes nothing; a drifted template is reported updated and put back', async () => {
  const second = await setupElastic({ url })
  const changed = second.items.filter((i) => i.action !== 'unchanged' && i.action !== 'skipped')
  assert.deepEqual(changed, [])

  const got = await esRequest<{ index_templates: Array<{ index_template: Record<string, unknown> }> }>(
    url,
    'GET',
    '/_index_template/logs-sentinel.generic',
  )
  const drifted = { ...got.body.index_templates[0]?.index_template, priority: 150 }
  assert.equal((await esRequest(url, 'PUT', '/_index_template/logs-sentinel.generic', drifted)).status, 200)
  const third = await setupElastic({ url })
  assert.deepEqual(
    third.items.filter((i) => i.action === 'updated').map((i) => i.name),
    ['logs-sentinel.generic'],
  )
  const restored = await esRequest<{ index_templates: Array<{ index_template: { priority: number } }> }>(
    url,
    'GET',
    '/_index_template/logs-sentinel.generic',
  )
  assert.equal(restored.body.index_templates[0]?.index_template.priority, 200)
})

test('a parsed RFC 5424 event lands in logs-sentinel.syslog-default with ECS field types; term and range queries find it', async () => {
  const host = `setup-test-${randomUUID().slice(0, 8)}`
  const line = `<134>1 2026-11-21T10:17:01.250Z ${host} sshd 4242 AUTH [origin ip="192.0.2.44"] CEF:0|OpenBSD|sshd|9.6|4|Failed password|5|src=203.0.113.7 spt=50022 dst=10.1.2.10 dpt=22 suser=root`
  const event = parseRecord(record(line))
  assert.equal(event.error, undefined, JSON.stringify(event.error))
  const result = await bulkCreate('logs-sentinel.syslog-default', [
    [`${host}-1`, withDataStream(event, 'default')],
  ])
  assert.equal(result.body.items[0]?.create.status, 201, JSON.stringify(result.body))
  // A replay of the same _id is a 409, never a second copy.
  const replay = await bulkCreate('logs-sentinel.syslog-default', [
    [`${host}-1`, withDataStream(event, 'default')],
  ])
  assert.equal(replay.body.items[0]?.create.status, 409)

  const mapping = await esRequest<Record<string, { mappings: { dynamic?: string; properties: Props } }>>(
    url,
    'GET',
    '/logs-sentinel.syslog-default/_mapping',
  )
  const [backing, index] = Object.entries(mapping.body)[0] ?? []
  assert.match(backing ?? '', /^\.ds-logs-sentinel\.syslog-default-/)
  const type = (path: string) => {
    let level: Props | undefined = index?.mappings.properties
    const parts = path.split('.')
    for (const part of parts.slice(0, -1)) level = level?.[part]?.properties
    return level?.[parts[parts.length - 1] ?? '']?.type
  }
  assert.equal(type('source.ip'), 'ip')
  assert.equal(type('@timestamp'), 'date')
  assert.equal(type('log.syslog.priority'), 'long')
  assert.equal(type('log.syslog.structured_data'), 'flattened')
  assert.equal(type('host.name'), 'keyword')
  assert.equal(type('sentinel.peer.ip'), 'ip')
  // match_only_text where the cluster has it; this distribution lacks mapper-extras (reported above).
  const messageType = actions(first, 'field_type').match_only_text === 'skipped' ? 'text' : 'match_only_text'
  assert.equal(type('message'), messageType)
  assert.equal(index?.mappings.dynamic, 'false')

  const term = await esRequest<{
    hits: { total: { value: number }; hits: Array<{ _source: SentinelEvent }> }
  }>(url, 'POST', '/logs-sentinel.syslog-default/_search', { query: { term: { 'host.name': host } } })
  assert.equal(term.body.hits.total.value, 1)
  assert.equal(term.body.hits.hits[0]?._source.source?.ip, '203.0.113.7')
  const range = await esRequest<{ hits: { total: { value: number } } }>(
    url,
    'POST',
    '/logs-sentinel.syslog-default/_search',
    {
      query: {
        bool: {
          filter: [
            { term: { 'host.name': host } },
            { range: { '@timestamp': { gte: '2026-11-21T10:17:01.000Z', lt: '2026-11-21T10:17:02.000Z' } } },
          ],
        },
      },
    },
  )
  assert.equal(range.body.hits.total.value, 1)
  const outside = await esRequest<{ hits: { total: { value: number } } }>(
    url,
    'POST',
    '/logs-sentinel.syslog-default/_search',
    {
      query: {
        bool: {
          filter: [
            { term: { 'host.name': host } },
            { range: { '@timestamp': { lt: '2026-11-21T10:17:01.000Z' } } },
          ],
        },
      },
    },
  )
  assert.equal(outside.body.hits.total.value, 0)
})

test('the demo traffic mix (every format, malformed lines included) indexes without a single refused document', async () => {
  const namespace = `coverage${randomUUID().slice(0, 8)}`
  const index = `logs-sentinel.syslog-${namespace}`
  const now = new Date()
  const docs: Array<[string, unknown]> = []
  for (let n = 0; n < 200; n++)
    docs.push([`demo-${n}`, withDataStream(parseRecord(record(demoMessage(n, now))), namespace)])
  docs.push([
    'invalid-utf8',
    withDataStream(
      parseRecord(record(Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0xff, 0xfe, 0x20, 0x68, 0x69]))),
      namespace,
    ),
  ])
  const result = await bulkCreate(index, docs)
  const refused = result.body.items.filter((i) => i.create.status !== 201)
  assert.deepEqual(refused, [], 'documents Elasticsearch refused')
  const count = await esRequest<{ count: number }>(url, 'GET', `/${index}/_count`)
  assert.equal(count.body.count, docs.length)
})
