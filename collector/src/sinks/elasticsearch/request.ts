/**
 * @module Elasticsearch requests: builds the official client from the sink config (endpoints,
 * auth, TLS) and sends prebuilt `_bulk` bodies without serialising them again. The client never
 * retries on its own; retry.ts and sink.ts decide.
 */
import { readFile } from 'node:fs/promises'
import { Client, errors, type ClientOptions } from '@elastic/elasticsearch'
import type { BulkItemError, RequestFailure } from './retry.js'
import type { ElasticsearchSinkConfig } from './config.js'

/** One item of a bulk answer (only the fields read). */
export interface BulkItemResult {
  status: number
  error?: BulkItemError
}

export type BulkOutcome =
  { ok: true; items: BulkItemResult[] } | ({ ok: false; message: string } & RequestFailure)

/** What the sink needs of a connection to Elasticsearch. */
export interface BulkSender {
  /** POST `body` to `_bulk`; resolves with per-item results or the request's failure (never rejects). */
  bulk(body: Buffer, itemCount: number, signal?: AbortSignal): Promise<BulkOutcome>
  /** The cluster's version when it answers, for the start-up log. */
  info(signal?: AbortSignal): Promise<{ version: string; clusterName: string }>
  close(): Promise<void>
}

/** Client options for the config; reads the CA file. */
export async function clientOptions(config: ElasticsearchSinkConfig): Promise<ClientOptions> {
  const options: ClientOptions = {
    nodes: config.endpoints,
    maxRetries: 0,
    requestTimeout: Math.round(config.request_timeout_secs * 1000),
    compression: false,
    name: 'sentinel',
  }
  const auth = config.auth
  if (auth?.api_key !== undefined) options.auth = { apiKey: auth.api_key }
  else if (auth?.username !== undefined)
    options.auth = { username: auth.username, password: auth.password ?? '' }
  if (config.tls !== undefined) {
    options.tls = { rejectUnauthorized: config.tls.verify_certificate }
    if (config.tls.ca_file !== undefined) options.tls.ca = await readFile(config.tls.ca_file)
  }
  return options
}

/**
 * A {@link BulkSender} over the official client.
 *
 * @example
 * const sender = await createBulkSender(config)
 * const outcome = await sender.bulk(bulkBody(events), events.length)
 */
export async function createBulkSender(config: ElasticsearchSinkConfig): Promise<BulkSender> {
  const client = new Client(await clientOptions(config))
  return {
    async bulk(body, itemCount, signal) {
      try {
        const response = (await client.transport.request(
          {
            method: 'POST',
            path: '/_bulk',
            bulkBody: body,
            querystring: { filter_path: 'errors,items.*.status,items.*.error' },
          },
          { signal, maxRetries: 0 },
        )) as { errors?: boolean; items?: Array<Record<string, BulkItemResult | undefined>> }
        return { ok: true, items: bulkItems(response, itemCount) }
      } catch (error) {
        return { ok: false, ...describeFailure(error) }
      }
    },
    async info(signal) {
      const info = await client.info({}, { signal })
      return { version: info.version.number, clusterName: info.cluster_name }
    },
    close: () => client.close(),
  }
}

/** Per-item results in request order; a response without items (errors: false, filtered) means all succeeded. */
export function bulkItems(
  response: { errors?: boolean; items?: Array<Record<string, BulkItemResult | undefined>> },
  itemCount: number,
): BulkItemResult[] {
  const items = response.items
  if (items === undefined || items.length === 0) {
    if (response.errors === false) return Array.from({ length: itemCount }, () => ({ status: 201 }))
    return Array.from({ length: itemCount }, () => ({ status: 500, error: { type: 'missing_bulk_items' } }))
  }
  return Array.from({ length: itemCount }, (_, i) => {
    const entry = items[i]
    const result = entry === undefined ? undefined : Object.values(entry)[0]
    // A short answer would be a server bug: retry what it did not mention.
    return result ?? { status: 500, error: { type: 'missing_bulk_item' } }
  })
}

function describeFailure(error: unknown): { message: string } & RequestFailure {
  if (error instanceof errors.TimeoutError) return { cause: 'timeout', message: error.message }
  if (error instanceof errors.ResponseError) {
    const status = error.meta.statusCode ?? 0
    return { cause: 'status', status, message: responseReason(error) }
  }
  if (error instanceof errors.ProductNotSupportedError) {
    return { cause: 'status', status: 502, message: 'the server at the endpoint is not Elasticsearch' }
  }
  return { cause: 'network', message: error instanceof Error ? error.message : String(error) }
}

function responseReason(error: InstanceType<typeof errors.ResponseError>): string {
  const body = error.meta.body as { error?: { type?: string; reason?: string } | string } | undefined
  const inner = body?.error
  if (typeof inner === 'string') return inner
  if (inner?.type !== undefined) return `${inner.type}: ${inner.reason ?? ''}`
  return `HTTP ${error.meta.statusCode ?? '?'}`
}
