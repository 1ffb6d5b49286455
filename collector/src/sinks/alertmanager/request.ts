/**
 * @module Alertmanager requests: one keep-alive agent per Alertmanager and a request that never
 * throws, returning either the answer or why there was none. Built on node:http(s) rather than
 * fetch because Node's fetch takes no CA file or verification switch without the undici package.
 */
import { readFileSync } from 'node:fs'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { SentinelError } from '../../errors/codes.js'
import type { AlertmanagerSinkConfig } from './config.js'
import type { RequestOutcome } from './retry.js'

/** Bytes of an answer kept for logs: Alertmanager's errors are one JSON string. */
const MAX_ANSWER_BYTES = 8_192

/** One configured Alertmanager. */
export interface AlertmanagerEndpoint {
  /** Bounded metric label: host:port, plus the path prefix when there is one. */
  label: string
  /** `<base>/api/v2/alerts` */
  alertsUrl: URL
  /** `<base>/api/v2/status` */
  statusUrl: URL
  agent: HttpAgent
}

/**
 * The `alertmanager` metric label of a base URL: host and port (the scheme's default made
 * explicit) and the path prefix, e.g. `am.example.net:9093` or `proxy:443/alertmanager`.
 */
export function endpointLabel(base: URL): string {
  const port = base.port || (base.protocol === 'https:' ? '443' : '80')
  const prefix = base.pathname.replace(/\/+$/, '')
  return `${base.hostname}:${port}${prefix}`
}

/**
 * One endpoint per configured URL; throws SNT_ERR_CONFIG_INVALID / SNT_ERR_TLS_CONFIG for settings
 * that cannot work (both auth kinds, an unreadable CA file).
 */
export function createEndpoints(config: AlertmanagerSinkConfig): AlertmanagerEndpoint[] {
  if (config.basic_auth !== undefined && config.bearer_token !== undefined)
    throw new SentinelError('SNT_ERR_CONFIG_INVALID', [
      'sinks.alertmanager: set basic_auth or bearer_token, not both',
    ])
  let ca: Buffer | undefined
  if (config.tls?.ca_file !== undefined) {
    try {
      ca = readFileSync(config.tls.ca_file)
    } catch (error) {
      throw new SentinelError('SNT_ERR_TLS_CONFIG', [
        'sinks.alertmanager',
        `cannot read tls.ca_file ${config.tls.ca_file}: ${error instanceof Error ? error.message : String(error)}`,
      ])
    }
  }
  const rejectUnauthorized = config.tls?.verify_certificate ?? true
  return config.urls.map((raw) => {
    const base = new URL(raw)
    const prefix = base.pathname.replace(/\/+$/, '')
    const at = (path: string) => new URL(`${base.protocol}//${base.host}${prefix}${path}`)
    const agent =
      base.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, maxSockets: 2, ca, rejectUnauthorized })
        : new HttpAgent({ keepAlive: true, maxSockets: 2 })
    return {
      label: endpointLabel(base),
      alertsUrl: at('/api/v2/alerts'),
      statusUrl: at('/api/v2/status'),
      agent,
    }
  })
}

/** The `Authorization` header the config asks for, if any. */
export function authorizationHeader(config: AlertmanagerSinkConfig): string | undefined {
  if (config.basic_auth)
    return `Basic ${Buffer.from(`${config.basic_auth.username}:${config.basic_auth.password}`).toString('base64')}`
  if (config.bearer_token !== undefined) return `Bearer ${config.bearer_token}`
  return undefined
}

export interface SendOptions {
  method: 'GET' | 'POST'
  body?: string
  headers: Record<string, string>
  timeoutMs: number
  /** Aborts the request early (the sender stopping); reported as a network failure. */
  signal?: AbortSignal
}

/**
 * Send one request and read the answer; resolves with the outcome, never rejects.
 *
 * @example const outcome = await send(endpoint, endpoint.alertsUrl, { method: 'POST', body, headers, timeoutMs: 10_000 })
 */
export function send(
  endpoint: AlertmanagerEndpoint,
  url: URL,
  options: SendOptions,
): Promise<RequestOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve) => {
    let settled = false
    const settle = (outcome: RequestOutcome) => {
      if (settled) return
      settled = true
      resolve(outcome)
    }
    const fail = (error: unknown) => {
      const cause = timeout.aborted ? 'timeout' : 'network'
      const message =
        cause === 'timeout'
          ? `no answer within ${options.timeoutMs} ms`
          : error instanceof Error
            ? error.message
            : String(error)
      settle({ kind: 'failed', cause, message })
    }
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = String(Buffer.byteLength(options.body))
    }
    const req = request(url, { method: options.method, agent: endpoint.agent, headers, signal }, (res) => {
      readAnswer(res).then(
        (body) => settle({ kind: 'answered', status: res.statusCode ?? 0, body }),
        (error: unknown) => fail(error),
      )
    })
    req.once('error', fail)
    req.end(options.body)
  })
}

/** The answer's body, truncated to {@link MAX_ANSWER_BYTES}; the rest is read and discarded. */
async function readAnswer(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res) {
    const buffer = chunk as Buffer
    if (size < MAX_ANSWER_BYTES) chunks.push(buffer)
    size += buffer.length
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text.length > MAX_ANSWER_BYTES ? `${text.slice(0, MAX_ANSWER_BYTES)}...` : text
}
