/**
 * @module SNMP traps all the way into Elasticsearch: a real `snmptrap` linkDown through the
 * collector's trap source and its Elasticsearch sink lands in `logs-sentinel.snmp_trap-default`
 * with ECS fields searchable, and the community string is nowhere in the stored document.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { setupElastic } from '@sentinel/elastic-ingest'
import {
  deferInReverse,
  esRequest,
  makeWorkDir,
  requireBinary,
  sharedElasticsearch,
  startCollector,
  waitFor,
} from '../../harness/index.js'

const run = promisify(execFile)
const COMMUNITY = 'n0c-Trap-Secret'
const INDEX = 'logs-sentinel.snmp_trap-traptest'

test('a linkDown trap is searchable in logs-sentinel.snmp_trap-* by event.action and host.name', async (t) => {
  const defer = deferInReverse(t)
  const { url } = await sharedElasticsearch()
  await setupElastic({ url })
  const snmptrap = await requireBinary('snmptrap')
  const collector = await startCollector({
    sources: { traps: { type: 'snmp_trap', protocol: 'udp', communities: [COMMUNITY] } },
    extra: {
      sinks: {
        elasticsearch: {
          endpoints: [url],
          namespace: 'traptest',
          batch: { max_events: 50, timeout_secs: 0.2 },
        },
      },
    },
  })
  defer(() => collector.stop())

  const persist = await mkdtemp(join(await makeWorkDir('snmp-persist'), 'p-'))
  await run(
    snmptrap,
    [
      '-m',
      '',
      '-v2c',
      '-c',
      COMMUNITY,
      `127.0.0.1:${collector.port('traps')}`,
      '',
      '1.3.6.1.6.3.1.1.5.3',
      '1.3.6.1.2.1.2.2.1.1.7',
      'i',
      '7',
      '1.3.6.1.2.1.2.2.1.8.7',
      'i',
      '2',
    ],
    { env: { ...process.env, SNMP_PERSISTENT_DIR: persist, MIBS: '' }, timeout: 15_000 },
  )

  const query = {
    query: {
      bool: { filter: [{ term: { 'event.action': 'linkDown' } }, { term: { 'host.name': '127.0.0.1' } }] },
    },
  }
  const hit = await waitFor(
    async () => {
      await esRequest(url, 'POST', `/${INDEX}/_refresh`)
      const { status, body } = await esRequest<{
        hits?: { hits?: Array<{ _source: Record<string, unknown> }> }
      }>(url, 'POST', `/${INDEX}/_search`, query)
      return status === 200 && body.hits?.hits?.[0]?._source
    },
    { timeoutMs: 30_000, description: `the trap in ${INDEX}` },
  )
  const source = hit as {
    event: { dataset: string; kind: string }
    observer: { ingress: { interface: { id: string } } }
    sentinel: { snmp: { trap_name: string; values: Record<string, unknown> } }
    data_stream: { type: string; dataset: string }
  }
  assert.equal(source.event.dataset, 'sentinel.snmp_trap')
  assert.deepEqual(source.data_stream, { type: 'logs', dataset: 'sentinel.snmp_trap', namespace: 'traptest' })
  assert.equal(source.sentinel.snmp.trap_name, 'linkDown')
  assert.equal(source.observer.ingress.interface.id, '7')
  assert.equal(JSON.stringify(hit).includes(COMMUNITY), false, 'the community string is not stored')
  const mapping = await esRequest<Record<string, { mappings: { properties: Record<string, unknown> } }>>(
    url,
    'GET',
    `/${INDEX}/_mapping/field/sentinel.snmp.interface.index,sentinel.snmp.trap_name`,
  )
  assert.match(JSON.stringify(mapping.body), /"trap_name":\{"type":"keyword"/)
})
