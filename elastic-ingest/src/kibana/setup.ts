/**
 * @module `setupKibana`: imports Sentinel's saved objects (data views, searches, Lens charts,
 * dashboards) through Kibana's saved-objects import API, `POST [/s/<space>]/api/saved_objects/_import`
 * with the NDJSON file as the `file` part of a multipart form and a `kbn-xsrf` header.
 */
import { readFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { KibanaSetupError } from './errors.js'
import { multipartFile } from './multipart.js'
import { renderSavedObjects, SENTINEL_SAVED_OBJECTS } from './objects/index.js'

/** Where Kibana is and how to authenticate. */
export interface KibanaSetupOptions {
  /** Kibana's base URL, with its `server.basePath` if it has one: `https://kibana.example:5601`. */
  url: string
  /** Encoded API key (`id:key` base64), sent as `Authorization: ApiKey <key>`. */
  apiKey?: string
  /** Basic auth user (with `password`). */
  username?: string
  password?: string
  /** PEM CA bundle that signed Kibana's certificate. */
  caFile?: string
  /** Space id to import into; the default space when absent. */
  space?: string
  /** Replace objects that already exist (same type and id); default false. */
  overwrite?: boolean
}

/** One object in the report. */
export interface ImportedObject {
  type: string
  id: string
  title?: string
}

/** An object Kibana did not import. */
export interface ImportError extends ImportedObject {
  /** Kibana's `error.type`: `conflict`, `ambiguous_conflict`, `missing_references`, `unsupported_type`, `unknown`. */
  errorType: string
  /** What was wrong, for errors other than conflicts (missing references, Kibana's message). */
  detail?: string
}

/** What the import did. */
export interface KibanaImportReport {
  /** The import endpoint that was called (no credentials). */
  endpoint: string
  space: string
  overwrite: boolean
  /** True when every object was imported. */
  success: boolean
  /** How many objects the file holds. */
  total: number
  /** Objects Kibana imported (created, or replaced when `overwritten`). */
  imported: Array<ImportedObject & { overwritten: boolean }>
  /** Objects that exist already and were left alone: re-run with overwrite to replace them. */
  conflicts: ImportedObject[]
  /** Objects that failed for another reason. */
  errors: ImportError[]
}

const IMPORT_FILENAME = 'sentinel.ndjson'
const REQUEST_TIMEOUT_MS = 60_000
/** Kibana space ids: lower-case letters, digits, `_` and `-`. */
const SPACE_ID = /^[a-z0-9_-]+$/

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The import endpoint for `options`, checked; the URL carries no credentials. */
export function importEndpoint(options: Pick<KibanaSetupOptions, 'url' | 'space' | 'overwrite'>): URL {
  let base: URL
  try {
    base = new URL(options.url)
  } catch {
    throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', [`--url is not a URL: ${options.url}`])
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', [`--url must be http(s), not ${base.protocol}`])
  }
  if (base.username !== '' || base.password !== '') {
    throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', [
      'credentials in --url are not accepted; use --api-key-file or --username with --password-file',
    ])
  }
  const space = options.space
  if (space !== undefined && !SPACE_ID.test(space)) {
    throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', [
      `space "${space}" is not a Kibana space id (a-z, 0-9, "_", "-")`,
    ])
  }
  const prefix = space !== undefined && space !== 'default' ? `/s/${space}` : ''
  const endpoint = new URL(
    `${base.origin}${base.pathname.replace(/\/+$/, '')}${prefix}/api/saved_objects/_import`,
  )
  endpoint.searchParams.set('overwrite', options.overwrite === true ? 'true' : 'false')
  return endpoint
}

function authorization(options: KibanaSetupOptions): string | undefined {
  if (options.apiKey !== undefined && options.username !== undefined) {
    throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', [
      'give an API key or a username and password, not both',
    ])
  }
  if (options.apiKey !== undefined) return `ApiKey ${options.apiKey}`
  if (options.username !== undefined) {
    if (options.password === undefined) {
      throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', [`no password for user ${options.username}`])
    }
    return `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`
  }
  if (options.password !== undefined) {
    throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', ['a password was given without a username'])
  }
  return undefined
}

async function readCa(caFile: string | undefined): Promise<Buffer | undefined> {
  if (caFile === undefined) return undefined
  try {
    return await readFile(caFile)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new KibanaSetupError('SNT_ERR_KIBANA_OPTIONS', [`cannot read --ca-file ${caFile}: ${reason}`])
  }
}

interface HttpAnswer {
  status: number
  body: string
}

function post(
  endpoint: URL,
  headers: Record<string, string>,
  body: Buffer,
  ca: Buffer | undefined,
): Promise<HttpAnswer> {
  const shown = `${endpoint.origin}${endpoint.pathname}`
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
      response.on('error', (error) =>
        reject(new KibanaSetupError('SNT_ERR_KIBANA_UNREACHABLE', [shown, error.message], { cause: error })),
      )
    }
    const requestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
      timeout: REQUEST_TIMEOUT_MS,
    }
    const req =
      endpoint.protocol === 'https:'
        ? httpsRequest(endpoint, { ...requestOptions, ...(ca !== undefined ? { ca } : {}) }, onResponse)
        : httpRequest(endpoint, requestOptions, onResponse)
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)))
    req.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code !== undefined && !error.message.includes(error.code)
          ? `${error.code} ${error.message}`
          : error.message
      reject(new KibanaSetupError('SNT_ERR_KIBANA_UNREACHABLE', [shown, reason], { cause: error }))
    })
    req.end(body)
  })
}

/** Kibana's error body (`{ statusCode, error, message }`), or the start of whatever it sent. */
function errorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body)
    if (isRecord(parsed) && typeof parsed.message === 'string') return parsed.message
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  const text = body.replace(/\s+/g, ' ').trim()
  return text === '' ? '(empty body)' : text.length > 200 ? `${text.slice(0, 200)}...` : text
}

function titleOf(entry: Record<string, unknown>): string | undefined {
  if (isRecord(entry.meta) && typeof entry.meta.title === 'string') return entry.meta.title
  return typeof entry.title === 'string' ? entry.title : undefined
}

function objectOf(entry: Record<string, unknown>): ImportedObject {
  const title = titleOf(entry)
  return { type: String(entry.type), id: String(entry.id), ...(title !== undefined ? { title } : {}) }
}

function errorDetail(error: Record<string, unknown>): string | undefined {
  if (Array.isArray(error.references)) {
    const missing = error.references.filter(isRecord).map((r) => `${String(r.type)} ${String(r.id)}`)
    return `missing ${missing.join(', ')}`
  }
  return typeof error.message === 'string' ? error.message : undefined
}

/** Turns Kibana's `{ success, successCount, successResults, errors }` into a report. */
export function parseImportResponse(
  body: unknown,
  context: { endpoint: string; space: string; overwrite: boolean; total: number },
): KibanaImportReport {
  if (!isRecord(body) || typeof body.success !== 'boolean' || typeof body.successCount !== 'number') {
    throw new KibanaSetupError('SNT_ERR_KIBANA_RESPONSE', [context.endpoint, 'no success/successCount'])
  }
  const report: KibanaImportReport = {
    ...context,
    success: body.success,
    imported: [],
    conflicts: [],
    errors: [],
  }
  for (const entry of Array.isArray(body.successResults) ? body.successResults : []) {
    if (isRecord(entry)) report.imported.push({ ...objectOf(entry), overwritten: entry.overwrite === true })
  }
  for (const entry of Array.isArray(body.errors) ? body.errors : []) {
    if (!isRecord(entry)) continue
    const error = isRecord(entry.error) ? entry.error : {}
    const errorType = typeof error.type === 'string' ? error.type : 'unknown'
    if (errorType === 'conflict') report.conflicts.push(objectOf(entry))
    else {
      const detail = errorDetail(error)
      report.errors.push({ ...objectOf(entry), errorType, ...(detail !== undefined ? { detail } : {}) })
    }
  }
  return report
}

function describe(o: ImportedObject): string {
  return `${o.type} ${o.id}${o.title !== undefined ? ` (${o.title})` : ''}`
}

/**
 * Imports Sentinel's saved objects into Kibana and reports what happened. Objects that exist are
 * conflicts unless `overwrite` is set; conflicts and per-object errors are in the report, not
 * thrown. Throws a `KibanaSetupError` when Kibana cannot be reached, refuses the credentials
 * (401/403) or rejects the request.
 * @example
 * const report = await setupKibana({ url: 'https://kibana:5601', apiKey, caFile: 'ca.pem', overwrite: true }, console.log)
 * if (!report.success) process.exitCode = 1
 */
export async function setupKibana(
  options: KibanaSetupOptions,
  log: (line: string) => void = () => {},
): Promise<KibanaImportReport> {
  const endpoint = importEndpoint(options)
  const shown = `${endpoint.origin}${endpoint.pathname}`
  const auth = authorization(options)
  const ca = await readCa(options.caFile)
  const overwrite = options.overwrite === true
  const space = options.space ?? 'default'
  const total = SENTINEL_SAVED_OBJECTS.length
  const { body, contentType } = multipartFile(
    'file',
    IMPORT_FILENAME,
    renderSavedObjects(),
    'application/ndjson',
  )
  const headers: Record<string, string> = {
    'kbn-xsrf': 'true',
    'content-type': contentType,
    accept: 'application/json',
    ...(auth !== undefined ? { authorization: auth } : {}),
  }

  log(`Importing ${total} saved objects into Kibana at ${shown} (space ${space}, overwrite ${overwrite}).`)
  const answer = await post(endpoint, headers, body, ca)
  if (answer.status === 401 || answer.status === 403) {
    const hint =
      answer.status === 401
        ? 'check the API key or user and password'
        : 'the user needs the saved objects management privilege in this space'
    throw new KibanaSetupError(
      'SNT_ERR_KIBANA_AUTH',
      [shown, answer.status, `${errorMessage(answer.body)} (${hint})`],
      {
        status: answer.status,
      },
    )
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new KibanaSetupError('SNT_ERR_KIBANA_REJECTED', [shown, answer.status, errorMessage(answer.body)], {
      status: answer.status,
    })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(answer.body)
  } catch {
    throw new KibanaSetupError('SNT_ERR_KIBANA_RESPONSE', [shown, errorMessage(answer.body)], {
      status: answer.status,
    })
  }
  const report = parseImportResponse(parsed, { endpoint: shown, space, overwrite, total })

  for (const o of report.imported) log(`${o.overwritten ? 'Replaced' : 'Imported'} ${describe(o)}.`)
  for (const o of report.conflicts) log(`Conflict: ${describe(o)} already exists and was left as it is.`)
  for (const o of report.errors)
    log(`Failed: ${describe(o)}: ${o.errorType}${o.detail !== undefined ? ` (${o.detail})` : ''}.`)
  if (report.conflicts.length > 0) {
    log(`${report.conflicts.length} objects already exist; run again with --overwrite to replace them.`)
  }
  log(
    `Imported ${report.imported.length} of ${total} saved objects${report.success ? '.' : '; the import is incomplete.'}`,
  )
  return report
}
