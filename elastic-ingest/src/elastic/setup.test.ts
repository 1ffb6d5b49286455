/**
 * @module setupElastic against a stand-in: a small local HTTP receiver that implements the ILM
 * policy API (`GET _ilm/status`, `GET`/`PUT _ilm/policy/<name>`) and the template APIs the way
 * Elasticsearch answers them. The integ-test distribution the real-cluster test runs has no ILM,
 * so the ILM apply path is only exercised here. Real cluster: test/integration/elasticsearch/.
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import { ElasticSetupError } from './errors.js'
import { setupElastic } from './setup.js'

interface StandIn {
  url: string
  /** Stored objects by path (`/_ilm/policy/sentinel-logs`). */
  stored: Map<string, unknown>
  puts: string[]
}

/** A stand-in Elasticsearch with ILM; `status` forces every answer's status (401, 403). */
async function standIn(t: TestContext, options: { status?: number; apiKey?: string } = {}): Promise<StandIn> {
  const stored = new Map<string, unknown>()
  const puts: string[] = []
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
    res.end(JSON.stringify(body))
  }
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let text = ''
    for await (const chunk of req) text += String(chunk)
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '')
    if (options.status)
      return send(res, options.status, { error: { type: 'security_exception' }, status: options.status })
    if (options.apiKey && req.headers.authorization !== `ApiKey ${options.apiKey}`) {
      return send(res, 401, {
        error: { type: 'security_exception', reason: 'unable to authenticate' },
        status: 401,
      })
    }
    if (path === '/_ilm/status') return send(res, 200, { operation_mode: 'RUNNING' })
    if (path === '/_index_template/_simulate') return send(res, 200, { template: {}, overlapping: [] })
    const [, api, name] = /^\/(_ilm\/policy|_component_template|_index_template)\/(.+)$/.exec(path) ?? []
    if (!api || !name) return send(res, 400, { error: `no handler found for uri [${path}]` })
    if (req.method === 'PUT') {
      stored.set(path, JSON.parse(text))
      puts.push(path)
      return send(res, 200, { acknowledged: true })
    }
    const body = stored.get(path) as Record<string, unknown> | undefined
    if (body === undefined)
      return send(res, 404, { error: { type: 'resource_not_found_exception' }, status: 404 })
    // Answer in Elasticsearch's GET shapes.
    if (api === '_ilm/policy') {
      return send(res, 200, {
        [name]: { version: 1, modified_date: '2026-11-21T12:00:00Z', ...body, in_use_by: {} },
      })
    }
    if (api === '_component_template')
      return send(res, 200, { component_templates: [{ name, component_template: body }] })
    const indexTemplate = { ...body, data_stream: { hidden: false, allow_custom_routing: false } }
    return send(res, 200, { index_templates: [{ name, index_template: indexTemplate }] })
  }
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stored, puts }
}

test('ILM apply path (stand-in _ilm/policy receiver): created, then unchanged, then updated when retention changes', async (t) => {
  const es = await standIn(t)
  const first = await setupElastic({ url: es.url })
  assert.equal(first.ilm, true)
  assert.deepEqual(
    first.items.filter((i) => i.kind !== 'data_stream').map((i) => `${i.action} ${i.name}`),
    [
      'created sentinel-logs',
      'created sentinel@settings',
      'created sentinel-ecs@mappings',
      'created sentinel@mappings',
      'created logs-sentinel.syslog',
      'created logs-sentinel.snmp_trap',
      'created metrics-sentinel.snmp',
      'created logs-sentinel.alert',
      'created logs-sentinel.deadletter',
      'created logs-sentinel.generic',
    ],
  )
  const policy = es.stored.get('/_ilm/policy/sentinel-logs') as {
    policy: { phases: { delete: { min_age: string } } }
  }
  assert.equal(policy.policy.phases.delete.min_age, '30d')
  const settings = es.stored.get('/_component_template/sentinel@settings') as {
    template: { settings: { index: { lifecycle?: { name: string } } } }
  }
  assert.deepEqual(settings.template.settings.index.lifecycle, { name: 'sentinel-logs' })

  es.puts.length = 0
  const second = await setupElastic({ url: es.url })
  assert.deepEqual(
    second.items.filter((i) => i.action !== 'unchanged').map((i) => i.kind),
    second.items.filter((i) => i.kind === 'data_stream').map(() => 'data_stream'),
  )
  assert.deepEqual(es.puts, [])

  const lines: string[] = []
  const third = await setupElastic({ url: es.url, retentionDays: 7 }, (line) => lines.push(line))
  assert.equal(third.items[0]?.action, 'updated')
  assert.deepEqual(es.puts, ['/_ilm/policy/sentinel-logs'])
  assert.ok(lines.includes('updated ilm policy sentinel-logs'), lines.join('\n'))
})

test('a 401 is SNT_ERR_ELASTIC_AUTH naming the URL and never the API key', async (t) => {
  const es = await standIn(t, { apiKey: 'right-key' })
  await assert.rejects(setupElastic({ url: es.url, apiKey: 'c2VjcmV0LWtleQ==' }), (error: unknown) => {
    assert.ok(error instanceof ElasticSetupError)
    assert.equal(error.code, 'SNT_ERR_ELASTIC_AUTH')
    assert.ok(error.message.includes(es.url), error.message)
    assert.ok(!error.message.includes('c2VjcmV0LWtleQ=='))
    return true
  })
})

test('a 403 is SNT_ERR_ELASTIC_FORBIDDEN naming the privileges needed', async (t) => {
  const es = await standIn(t, { status: 403 })
  await assert.rejects(
    setupElastic({ url: es.url, username: 'u', password: 'hunter2' }),
    (error: unknown) => {
      assert.ok(error instanceof ElasticSetupError)
      assert.equal(error.code, 'SNT_ERR_ELASTIC_FORBIDDEN')
      assert.match(error.message, /manage_index_templates/)
      assert.ok(!error.message.includes('hunter2'))
      return true
    },
  )
})

test('an unreachable cluster is SNT_ERR_ELASTIC_UNREACHABLE naming the URL without its credentials', async (t) => {
  const es = await standIn(t)
  const closed = es.url
    .replace('127.0.0.1', 'user:pw@127.0.0.1')
    .replace(/:(\d+)$/, (_, p: string) => `:${Number(p) === 1 ? 2 : 1}`)
  await assert.rejects(setupElastic({ url: closed }), (error: unknown) => {
    assert.ok(error instanceof ElasticSetupError)
    assert.equal(error.code, 'SNT_ERR_ELASTIC_UNREACHABLE')
    assert.match(error.message, /Cannot reach Elasticsearch at http:\/\/127\.0\.0\.1:\d+/)
    assert.ok(!error.message.includes('pw'))
    return true
  })
})
