/**
 * `setupKibana` against a stand-in for Kibana's saved-objects import API that enforces the documented
 * contract: `kbn-xsrf` header, credentials, a multipart `file` part named `*.ndjson`, NDJSON lines
 * with type/id/attributes, `overwrite`, missing-reference detection and spaces, answering
 * `{ success, successCount, successResults, errors }` as Kibana 8.x does.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { tlsMaterial } from '../../../test/harness/tls.js'
import { KibanaSetupError } from './errors.js'
import { SENTINEL_SAVED_OBJECTS } from './objects/index.js'
import { importEndpoint, parseImportResponse, setupKibana } from './setup.js'

const API_KEY = 'c2VudGluZWw6c2VjcmV0LWtleQ=='
const USER = 'sentinel_setup'
const PASSWORD = 'pa55-w0rd'

interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
}

interface StoredObject {
  type: string
  id: string
  attributes: Record<string, unknown>
  references: Array<{ type: string; id: string; name: string }>
}

interface StandIn {
  url: string
  requests: RecordedRequest[]
  /** space -> `type:id` -> object */
  spaces: Map<string, Map<string, StoredObject>>
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function badRequest(res: ServerResponse, message: string): void {
  send(res, 400, { statusCode: 400, error: 'Bad Request', message })
}

/** The parts of a multipart/form-data body (RFC 7578): headers and content. */
function multipartParts(body: Buffer, boundary: string): Array<{ headers: string; content: string }> {
  const text = body.toString('utf8')
  const delimiter = `--${boundary}`
  const sections = text.split(delimiter)
  assert.ok(
    sections.length >= 3 && sections.at(-1)?.startsWith('--'),
    'multipart body ends with the close delimiter',
  )
  return sections.slice(1, -1).map((section) => {
    const trimmed = section.replace(/^\r\n/, '').replace(/\r\n$/, '')
    const split = trimmed.indexOf('\r\n\r\n')
    return { headers: trimmed.slice(0, split), content: trimmed.slice(split + 4) }
  })
}

function authorised(headers: IncomingMessage['headers']): boolean {
  const auth = headers.authorization
  return (
    auth === `ApiKey ${API_KEY}` || auth === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
  )
}

function handleImport(
  standIn: StandIn,
  space: string,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): void {
  // Kibana authenticates first, then checks the XSRF header (onPostAuth), then validates the body.
  if (!authorised(req.headers)) {
    send(res, 401, {
      statusCode: 401,
      error: 'Unauthorized',
      message: '[security_exception]: unable to authenticate with provided credentials',
    })
    return
  }
  if (req.headers['kbn-xsrf'] === undefined) return badRequest(res, 'Request must contain a kbn-xsrf header.')
  const boundary = /^multipart\/form-data;\s*boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1]
  if (boundary === undefined) {
    send(res, 415, { statusCode: 415, error: 'Unsupported Media Type', message: 'Unsupported Media Type' })
    return
  }
  const file = multipartParts(body, boundary).find((p) => /name="file"/.test(p.headers))
  if (file === undefined)
    return badRequest(res, '[request body.file]: expected value of type [Stream] but got [undefined]')
  const filename = /filename="([^"]*)"/.exec(file.headers)?.[1] ?? ''
  if (!filename.endsWith('.ndjson'))
    return badRequest(res, `Invalid file extension ${filename.slice(filename.lastIndexOf('.'))}`)

  const objects: StoredObject[] = []
  for (const line of file.content.split('\n')) {
    if (line.trim() === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      return badRequest(res, `Unexpected token in JSON: ${line.slice(0, 40)}`)
    }
    const o = parsed as Partial<StoredObject>
    if (typeof o.type !== 'string' || typeof o.id !== 'string' || typeof o.attributes !== 'object') {
      return badRequest(res, 'Each line must be a saved object with type, id and attributes')
    }
    objects.push({ type: o.type, id: o.id, attributes: o.attributes, references: o.references ?? [] })
  }

  const overwrite = new URL(req.url ?? '/', 'http://x').searchParams.get('overwrite') === 'true'
  const stored = standIn.spaces.get(space) ?? new Map<string, StoredObject>()
  standIn.spaces.set(space, stored)
  const inFile = new Set(objects.map((o) => `${o.type}:${o.id}`))
  const successResults: unknown[] = []
  const errors: unknown[] = []
  for (const o of objects) {
    const key = `${o.type}:${o.id}`
    const meta = { title: String(o.attributes.title ?? o.id), icon: 'x' }
    const missing = o.references.filter(
      (r) => !inFile.has(`${r.type}:${r.id}`) && !stored.has(`${r.type}:${r.id}`),
    )
    if (missing.length > 0) {
      errors.push({
        id: o.id,
        type: o.type,
        meta,
        error: { type: 'missing_references', references: missing.map(({ type, id }) => ({ type, id })) },
      })
    } else if (stored.has(key) && !overwrite) {
      errors.push({ id: o.id, type: o.type, title: meta.title, meta, error: { type: 'conflict' } })
    } else {
      successResults.push({ type: o.type, id: o.id, meta, ...(stored.has(key) ? { overwrite: true } : {}) })
      stored.set(key, o)
    }
  }
  send(res, 200, {
    success: errors.length === 0,
    successCount: successResults.length,
    successResults,
    errors,
    warnings: [],
  })
}

function standInHandler(standIn: StandIn) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in')
      standIn.requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
      })
      const match = /^(?:\/s\/([a-z0-9_-]+))?\/api\/saved_objects\/_import$/.exec(url.pathname)
      if (req.method !== 'POST' || match === null) {
        send(res, 404, { statusCode: 404, error: 'Not Found', message: 'Not Found' })
        return
      }
      handleImport(standIn, match[1] ?? 'default', req, Buffer.concat(chunks), res)
    })
  }
}

async function listen(
  t: { after: (fn: () => Promise<void> | void) => void },
  server: Server,
  scheme: string,
): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function startStandIn(t: { after: (fn: () => Promise<void> | void) => void }): Promise<StandIn> {
  const standIn: StandIn = { url: '', requests: [], spaces: new Map() }
  standIn.url = await listen(t, createHttpServer(standInHandler(standIn)), 'http')
  return standIn
}

const TOTAL = SENTINEL_SAVED_OBJECTS.length

test('stand-in for Kibana: the first import creates every object, sending kbn-xsrf, auth and an .ndjson file part', async (t) => {
  const kibana = await startStandIn(t)
  const lines: string[] = []
  const report = await setupKibana({ url: kibana.url, apiKey: API_KEY }, (line) => lines.push(line))

  assert.equal(report.success, true)
  assert.equal(report.total, TOTAL)
  assert.equal(report.imported.length, TOTAL)
  assert.deepEqual(report.conflicts, [])
  assert.deepEqual(report.errors, [], 'the file is self-contained: no missing references')
  assert.ok(report.imported.every((o) => !o.overwritten))
  assert.deepEqual(
    report.imported.find((o) => o.id === 'sentinel-dashboard-overview'),
    { type: 'dashboard', id: 'sentinel-dashboard-overview', title: 'Sentinel overview', overwritten: false },
  )
  assert.equal(kibana.spaces.get('default')?.size, TOTAL)

  const [request] = kibana.requests
  assert.equal(kibana.requests.length, 1)
  assert.equal(request?.method, 'POST')
  assert.equal(request?.path, '/api/saved_objects/_import')
  assert.equal(request?.query.get('overwrite'), 'false')
  assert.equal(request?.headers['kbn-xsrf'], 'true', 'without kbn-xsrf Kibana answers 400')
  assert.equal(request?.headers.authorization, `ApiKey ${API_KEY}`)
  assert.match(String(request?.headers['content-type']), /^multipart\/form-data; boundary=/)
  assert.equal(lines.at(-1), `Imported ${TOTAL} of ${TOTAL} saved objects.`)
  assert.ok(
    lines.every((l) => !l.includes(API_KEY)),
    'the log never shows the API key',
  )
})

test('stand-in for Kibana: a second import without overwrite reports every object as a conflict', async (t) => {
  const kibana = await startStandIn(t)
  await setupKibana({ url: kibana.url, apiKey: API_KEY })
  const lines: string[] = []
  const report = await setupKibana({ url: kibana.url, apiKey: API_KEY }, (line) => lines.push(line))

  assert.equal(report.success, false)
  assert.deepEqual(report.imported, [])
  assert.equal(report.conflicts.length, TOTAL)
  assert.deepEqual(report.conflicts[0], {
    type: 'index-pattern',
    id: 'sentinel-logs',
    title: 'logs-sentinel.*',
  })
  assert.deepEqual(report.errors, [])
  assert.ok(lines.includes(`${TOTAL} objects already exist; run again with --overwrite to replace them.`))
  assert.ok(
    lines.includes(
      'Conflict: dashboard sentinel-dashboard-device-health (Device health) already exists and was left as it is.',
    ),
  )
})

test('stand-in for Kibana: with overwrite the second import replaces every object', async (t) => {
  const kibana = await startStandIn(t)
  await setupKibana({ url: kibana.url, username: USER, password: PASSWORD })
  const report = await setupKibana({ url: kibana.url, username: USER, password: PASSWORD, overwrite: true })

  assert.equal(report.success, true)
  assert.equal(report.imported.length, TOTAL)
  assert.ok(report.imported.every((o) => o.overwritten))
  assert.deepEqual(report.conflicts, [])
  assert.equal(kibana.requests.at(-1)?.query.get('overwrite'), 'true')
  assert.equal(
    kibana.requests.at(-1)?.headers.authorization,
    `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
  )
})

test('stand-in for Kibana: a space imports under /s/<space>/ and leaves the default space alone', async (t) => {
  const kibana = await startStandIn(t)
  const report = await setupKibana({ url: `${kibana.url}/`, apiKey: API_KEY, space: 'noc' })

  assert.equal(report.success, true)
  assert.equal(report.space, 'noc')
  assert.equal(report.endpoint, `${kibana.url}/s/noc/api/saved_objects/_import`)
  assert.equal(kibana.requests[0]?.path, '/s/noc/api/saved_objects/_import')
  assert.equal(kibana.spaces.get('noc')?.size, TOTAL)
  assert.equal(kibana.spaces.get('default'), undefined)
})

test('stand-in for Kibana: a request without kbn-xsrf is refused, so the header is what makes the import work', async (t) => {
  const kibana = await startStandIn(t)
  const response = await fetch(`${kibana.url}/api/saved_objects/_import`, {
    method: 'POST',
    headers: { authorization: `ApiKey ${API_KEY}` },
    body: new FormData(),
  })
  assert.equal(response.status, 400)
  assert.deepEqual(await response.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Request must contain a kbn-xsrf header.',
  })
  const report = await setupKibana({ url: kibana.url, apiKey: API_KEY })
  assert.equal(report.success, true)
  assert.equal(kibana.requests.at(-1)?.headers['kbn-xsrf'], 'true')
})

test('stand-in for Kibana: a wrong API key is a 401 error naming the URL, never the key', async (t) => {
  const kibana = await startStandIn(t)
  const secret = 'd3Jvbmc6a2V5LXRoYXQtbXVzdC1ub3QtbGVhaw=='
  const error = await setupKibana({ url: kibana.url, apiKey: secret }).then(
    () => assert.fail('the import should fail'),
    (e: unknown) => e,
  )
  assert.ok(error instanceof KibanaSetupError)
  assert.equal(error.code, 'SNT_ERR_KIBANA_AUTH')
  assert.equal(error.status, 401)
  assert.equal(
    error.message,
    `Kibana at ${kibana.url}/api/saved_objects/_import refused the credentials (HTTP 401): ` +
      '[security_exception]: unable to authenticate with provided credentials (check the API key or user and password)',
  )
  assert.ok(!error.message.includes(secret))
  assert.equal(kibana.spaces.size, 0)
})

test('stand-in for Kibana: the contract rejects a body that is not an .ndjson file part', async (t) => {
  const kibana = await startStandIn(t)
  const form = new FormData()
  form.append('file', new Blob(['{}\n']), 'objects.json')
  const response = await fetch(`${kibana.url}/api/saved_objects/_import`, {
    method: 'POST',
    headers: { authorization: `ApiKey ${API_KEY}`, 'kbn-xsrf': 'true' },
    body: form,
  })
  assert.equal(response.status, 400)
  assert.match(
    String(((await response.json()) as { message: string }).message),
    /Invalid file extension \.json/,
  )
})

test('an unreachable Kibana is a clear error naming the URL', async () => {
  // A port that was just free and is closed again refuses connections.
  const server = createHttpServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const error = await setupKibana({ url: `http://127.0.0.1:${port}`, apiKey: API_KEY }).catch(
    (e: unknown) => e,
  )
  assert.ok(error instanceof KibanaSetupError)
  assert.equal(error.code, 'SNT_ERR_KIBANA_UNREACHABLE')
  assert.match(
    error.message,
    new RegExp(
      `^Cannot reach Kibana at http://127\\.0\\.0\\.1:${port}/api/saved_objects/_import: .*ECONNREFUSED`,
    ),
  )
  assert.ok(!error.message.includes(API_KEY))
})

test('missing references and other per-object errors are reported apart from conflicts', () => {
  const report = parseImportResponse(
    {
      success: false,
      successCount: 1,
      successResults: [{ type: 'index-pattern', id: 'sentinel-logs', meta: { title: 'logs-sentinel.*' } }],
      errors: [
        { type: 'lens', id: 'a', meta: { title: 'A' }, error: { type: 'conflict' } },
        {
          type: 'dashboard',
          id: 'b',
          meta: { title: 'B' },
          error: { type: 'missing_references', references: [{ type: 'lens', id: 'gone' }] },
        },
        { type: 'x', id: 'c', meta: {}, error: { type: 'unsupported_type' } },
      ],
    },
    { endpoint: 'http://k/api/saved_objects/_import', space: 'default', overwrite: false, total: 4 },
  )
  assert.deepEqual(report.imported, [
    { type: 'index-pattern', id: 'sentinel-logs', title: 'logs-sentinel.*', overwritten: false },
  ])
  assert.deepEqual(report.conflicts, [{ type: 'lens', id: 'a', title: 'A' }])
  assert.deepEqual(report.errors, [
    { type: 'dashboard', id: 'b', title: 'B', errorType: 'missing_references', detail: 'missing lens gone' },
    { type: 'x', id: 'c', errorType: 'unsupported_type' },
  ])
  assert.throws(
    () =>
      parseImportResponse(
        { statusCode: 200 },
        { endpoint: 'http://k/x', space: 'default', overwrite: false, total: 1 },
      ),
    /Kibana at http:\/\/k\/x answered the import with an unexpected body: no success\/successCount/,
  )
})

test('other refusals name the status and Kibana’s message; options are checked before any request', async (t) => {
  const kibana = await startStandIn(t)
  const rejected = await setupKibana({ url: `${kibana.url}/wrong-base-path`, apiKey: API_KEY }).catch(
    (e: unknown) => e,
  )
  assert.ok(rejected instanceof KibanaSetupError)
  assert.equal(rejected.code, 'SNT_ERR_KIBANA_REJECTED')
  assert.equal(
    rejected.message,
    `Kibana at ${kibana.url}/wrong-base-path/api/saved_objects/_import rejected the saved-objects import (HTTP 404): Not Found`,
  )

  const cases: Array<[Parameters<typeof setupKibana>[0], RegExp]> = [
    [{ url: 'kibana:5601' }, /must be http\(s\)/],
    [{ url: 'not a url' }, /is not a URL/],
    [{ url: 'https://elastic:changeme@kibana:5601' }, /credentials in --url are not accepted/],
    [{ url: kibana.url, space: 'Bad Space' }, /not a Kibana space id/],
    [{ url: kibana.url, apiKey: API_KEY, username: USER, password: PASSWORD }, /not both/],
    [{ url: kibana.url, username: USER }, /no password for user sentinel_setup/],
    [{ url: kibana.url, caFile: '/nonexistent/ca.pem' }, /cannot read --ca-file \/nonexistent\/ca\.pem/],
  ]
  for (const [options, message] of cases) {
    const error = await setupKibana(options).catch((e: unknown) => e)
    assert.ok(error instanceof KibanaSetupError, `${JSON.stringify(options)} fails`)
    assert.equal(error.code, 'SNT_ERR_KIBANA_OPTIONS')
    assert.match(error.message, message)
    assert.ok(!error.message.includes('changeme') && !error.message.includes(PASSWORD))
  }
  assert.equal(kibana.requests.length, 1, 'only the wrong-base-path call reached the stand-in')
  assert.equal(
    importEndpoint({ url: 'https://k:5601/kibana/', space: 'default' }).href,
    'https://k:5601/kibana/api/saved_objects/_import?overwrite=false',
  )
})

test('stand-in for Kibana over HTTPS: --ca-file verifies its certificate', async (t) => {
  const tls = await tlsMaterial()
  const standIn: StandIn = { url: '', requests: [], spaces: new Map() }
  const server = createHttpsServer(
    { cert: await readFile(tls.serverCert), key: await readFile(tls.serverKey) },
    standInHandler(standIn),
  )
  const url = (await listen(t, server, 'https')).replace('127.0.0.1', 'localhost')

  const report = await setupKibana({ url, apiKey: API_KEY, caFile: tls.caCert })
  assert.equal(report.success, true)
  assert.equal(report.imported.length, TOTAL)

  const untrusted = await setupKibana({ url, apiKey: API_KEY }).catch((e: unknown) => e)
  assert.ok(untrusted instanceof KibanaSetupError)
  assert.equal(untrusted.code, 'SNT_ERR_KIBANA_UNREACHABLE')
  assert.match(untrusted.message, /certificate/i)
})
