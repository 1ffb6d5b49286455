/**
 * @module Shared pieces of the Elasticsearch sink integration tests: installing the templates,
 * counting documents, sending syslog over TCP, and the collector's sink config.
 */
import { connect } from 'node:net'
import { setupElastic } from '@sentinel/elastic-ingest'
import { esRequest } from '../../harness/elasticsearch.js'
import { octetFrame } from '../../harness/index.js'

/** Install Sentinel's index templates, as an operator would with `sentinel setup elastic`. */
export async function installTemplates(url: string): Promise<void> {
  await setupElastic({ url })
}

/** Documents in `index` after a refresh (0 when it does not exist yet). */
export async function countDocs(url: string, index: string, query?: unknown): Promise<number> {
  await esRequest(url, 'POST', `/${index}/_refresh`)
  const { status, body } = await esRequest<{ count?: number }>(
    url,
    'POST',
    `/${index}/_count`,
    query === undefined ? undefined : { query },
  )
  if (status === 404) return 0
  if (status !== 200) throw new Error(`_count ${index}: ${status} ${JSON.stringify(body)}`)
  return body.count ?? 0
}

/** Send `messages` as octet-counted RFC 5424 frames over one TCP connection and close it. */
export async function sendTcp(port: number, messages: readonly string[]): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const frames = Buffer.concat(messages.map((m) => octetFrame(m)))
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.end(frames, resolve)
  })
}

/** RFC 5424 lines `<tag>-<i>` for i in [from, to). */
export function syslogLines(tag: string, from: number, to: number): string[] {
  return Array.from(
    { length: to - from },
    (_, i) => `<14>1 2026-01-01T00:00:00.000Z router-1 ${tag} - - - ${tag}-${from + i}`,
  )
}

/** The `sinks:` section for an Elasticsearch at `url`: small batches and short backoffs for tests. */
export function sinkConfig(url: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sinks: {
      elasticsearch: {
        endpoints: [url],
        batch: { max_events: 200, timeout_secs: 0.2 },
        retry: { initial_backoff_ms: 100, max_backoff_ms: 1000 },
        request_timeout_secs: 10,
        ...overrides,
      },
    },
  }
}
