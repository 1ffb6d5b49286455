/**
 * @module Capture server: a local HTTP server that records every request and answers as the
 * notification services Alertmanager delivers to would. It STANDS IN FOR SLACK AND PAGERDUTY,
 * which cannot run here (no internet, no on-premises edition): Alertmanager's `slack_api_url` /
 * `api_url` and PagerDuty `url` are pointed at it.
 *
 * | path | answers like | reply |
 * |---|---|---|
 * | `POST /v2/enqueue` | PagerDuty Events API v2 | 202 `{"status":"success","message":"Event processed","dedup_key":...}`; 400 `invalid event` when `routing_key`, `event_action` or (for `trigger`) `payload.summary/source/severity` is missing |
 * | `POST /services/...` | Slack incoming webhook | 200 `ok`; 400 `invalid_payload` for a body that is not JSON, 400 `no_text` without `text`, `attachments` or `blocks` |
 * | any other path | a plain webhook receiver (Alertmanager `webhook_configs`) | 200 `ok` |
 *
 * A test can override any answer with `respond` (e.g. to script a 500 or a 429).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as it arrived. */
export interface CapturedRequest {
  method: string
  /** Path without the query string, e.g. `/v2/enqueue`. */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  body: unknown
  rawBody: string
  /** ms since the epoch when the body had been read. */
  receivedAt: number
}

/** An answer: status, body (objects are sent as JSON) and extra headers. */
export interface CaptureAnswer {
  status: number
  body?: string | object
  headers?: Record<string, string>
}

export interface CaptureServerOptions {
  /** Answer instead of the built-in behaviour; return undefined to fall back to it. */
  respond?: (request: CapturedRequest) => CaptureAnswer | undefined
}

export interface CaptureServerHandle {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  /** A Slack incoming-webhook URL on this server (Alertmanager `slack_configs[].api_url`). */
  slackWebhookUrl: string
  /** The PagerDuty Events API v2 endpoint on this server (Alertmanager `pagerduty_configs[].url`). */
  pagerDutyUrl: string
  /** A plain webhook URL on this server (Alertmanager `webhook_configs[].url`). */
  webhookUrl: string
  /** Every request so far, oldest first. */
  readonly requests: readonly CapturedRequest[]
  /** Change the answers from now on (undefined: built-in behaviour). */
  setRespond(respond: CaptureServerOptions['respond']): void
  /**
   * The first request (already received or still to come) that `predicate` accepts. Rejects after
   * `timeoutMs` (default 30 s: a loaded CI machine delays notifications) with a message listing
   * every request that did arrive.
   */
  waitFor(predicate: (request: CapturedRequest) => boolean, timeoutMs?: number): Promise<CapturedRequest>
  /** Forget the requests received so far. */
  clear(): void
  close(): Promise<void>
}

/** Slack's webhook answers `ok` as text/html; Alertmanager only looks at the status. */
const SLACK_PATH = /^\/services\//
const PAGERDUTY_PATH = '/v2/enqueue'
const PAGERDUTY_ACTIONS = new Set(['trigger', 'acknowledge', 'resolve'])
const PAGERDUTY_SEVERITIES = new Set(['critical', 'error', 'warning', 'info'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The Events API v2 contract (developer.pagerduty.com "Send an Alert Event"), enough to catch a wrong payload. */
function pagerDutyAnswer(request: CapturedRequest): CaptureAnswer {
  const body = request.body
  const errors: string[] = []
  if (!isRecord(body)) errors.push('Event object is invalid')
  else {
    if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32)
      errors.push("'routing_key' is invalid or missing")
    if (typeof body.event_action !== 'string' || !PAGERDUTY_ACTIONS.has(body.event_action))
      errors.push("'event_action' is invalid or missing")
    if (body.event_action === 'trigger') {
      const payload = body.payload
      if (!isRecord(payload)) errors.push("'payload' is missing")
      else {
        if (typeof payload.summary !== 'string' || payload.summary === '')
          errors.push("'payload.summary' is missing")
        if (typeof payload.source !== 'string' || payload.source === '')
          errors.push("'payload.source' is missing")
        if (typeof payload.severity !== 'string' || !PAGERDUTY_SEVERITIES.has(payload.severity))
          errors.push("'payload.severity' is invalid or missing")
      }
    } else if (body.event_action !== undefined && typeof body.dedup_key !== 'string') {
      errors.push("'dedup_key' is required for acknowledge and resolve")
    }
  }
  if (errors.length > 0)
    return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } }
  const dedupKey =
    isRecord(body) && typeof body.dedup_key === 'string' ? body.dedup_key : randomUUID().replace(/-/g, '')
  return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } }
}

function slackAnswer(request: CapturedRequest): CaptureAnswer {
  const body = request.body
  const text = { 'content-type': 'text/html' }
  if (!isRecord(body)) return { status: 400, body: 'invalid_payload', headers: text }
  if (body.text === undefined && body.attachments === undefined && body.blocks === undefined)
    return { status: 400, body: 'no_text', headers: text }
  return { status: 200, body: 'ok', headers: text }
}

function builtInAnswer(request: CapturedRequest): CaptureAnswer {
  if (request.method === 'POST' && request.path === PAGERDUTY_PATH) return pagerDutyAnswer(request)
  if (request.method === 'POST' && SLACK_PATH.test(request.path)) return slackAnswer(request)
  return { status: 200, body: 'ok', headers: { 'content-type': 'text/plain' } }
}

function describeRequest(r: CapturedRequest): string {
  const body = r.rawBody.length > 300 ? `${r.rawBody.slice(0, 300)}...` : r.rawBody
  return `${new Date(r.receivedAt).toISOString()} ${r.method} ${r.path} ${body}`
}

interface Waiter {
  predicate: (request: CapturedRequest) => boolean
  resolve: (request: CapturedRequest) => void
}

/**
 * Start a capture server on a free loopback port.
 *
 * @example
 * const capture = await startCaptureServer()
 * after(() => capture.close())
 * // Alertmanager: slack_configs: [{ api_url: capture.slackWebhookUrl, channel: '#ops' }]
 * const hit = await capture.waitFor((r) => r.path === '/v2/enqueue', 10_000)
 */
export async function startCaptureServer(options: CaptureServerOptions = {}): Promise<CaptureServerHandle> {
  const requests: CapturedRequest[] = []
  const waiters = new Set<Waiter>()
  let respond = options.respond

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    let body: unknown
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody)
    } catch {
      body = undefined
    }
    const url = new URL(req.url ?? '/', 'http://capture.invalid')
    const request: CapturedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      receivedAt: Date.now(),
    }
    requests.push(request)
    for (const waiter of waiters) {
      if (waiter.predicate(request)) {
        waiters.delete(waiter)
        waiter.resolve(request)
      }
    }
    const answer = respond?.(request) ?? builtInAnswer(request)
    const isJson = typeof answer.body === 'object'
    const payload = isJson ? JSON.stringify(answer.body) : (answer.body ?? '')
    res.writeHead(answer.status, {
      'content-type': isJson ? 'application/json' : 'text/plain',
      ...answer.headers,
    })
    res.end(payload)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`

  return {
    url,
    port,
    slackWebhookUrl: `${url}/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`,
    pagerDutyUrl: `${url}${PAGERDUTY_PATH}`,
    webhookUrl: `${url}/hook`,
    get requests() {
      return requests
    },
    setRespond(next) {
      respond = next
    },
    waitFor(predicate, timeoutMs = 30_000) {
      const seen = requests.find(predicate)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (request) => {
            clearTimeout(timer)
            resolve(request)
          },
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          const arrived =
            requests.length === 0 ? ' none' : `\n  ${requests.map(describeRequest).join('\n  ')}`
          reject(
            new Error(
              `Capture server ${url}: no matching request within ${timeoutMs} ms; arrived (${requests.length}):${arrived}`,
            ),
          )
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    clear() {
      requests.length = 0
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
