/**
 * @module `sentinel setup elastic`: install the ILM policy, component templates and index
 * templates into a cluster, idempotently. Each object is read first and written only when it is
 * absent (`created`) or differs from what Sentinel would write (`updated`); otherwise it is
 * `unchanged`. Data streams are not created here: the first event written to
 * `logs-sentinel.syslog-<namespace>` creates its stream from the matching template.
 */
import { readFile } from 'node:fs/promises'
import { Client, errors, type ClientOptions } from '@elastic/elasticsearch'
import {
  comparableComponentTemplate,
  comparableDesiredIndexTemplate,
  comparableIndexTemplate,
  sameJson,
} from './compare.js'
import type { Properties } from './ecs-mappings.js'
import { ElasticSetupError, redactUrl } from './errors.js'
import { fieldTypesUsed, OPTIONAL_FIELD_TYPES, substituteFieldTypes } from './field-types.js'
import { DEFAULT_RETENTION_DAYS, ILM_POLICY_NAME, ilmPolicy } from './ilm.js'
import {
  componentTemplates,
  DATA_STREAMS,
  indexTemplates,
  templateName,
  type ComponentTemplateBody,
} from './templates.js'

/** Where and how to connect. Secrets are passed in, never read from flags here. */
export interface SetupElasticOptions {
  /** Cluster URL, e.g. `https://es.example.net:9200`. */
  url: string
  /** Encoded API key (`base64(id:key)`). Takes precedence over username/password. */
  apiKey?: string
  username?: string
  password?: string
  /** PEM CA bundle that signed the cluster's certificate. */
  caFile?: string
  /** Days indices are kept after rollover (ILM delete phase). Default 30. */
  retentionDays?: number
}

/** What setup did with one object. */
export type SetupAction = 'created' | 'updated' | 'unchanged' | 'skipped'

/** One line of the report. */
export interface SetupItem {
  kind: 'ilm_policy' | 'component_template' | 'index_template' | 'data_stream' | 'field_type'
  name: string
  action: SetupAction
  reason?: string
}

export interface SetupReport {
  /** The cluster URL, credentials stripped. */
  url: string
  /** Whether the cluster has the ILM API (and the policy was applied). */
  ilm: boolean
  items: SetupItem[]
}

/** The ILM API is missing (integ-test distribution, serverless): the policy is skipped. */
const ILM_ABSENT_STATUSES = [400, 404, 405, 410]

/**
 * Install Sentinel's ILM policy and templates into the cluster at `options.url`.
 *
 * Fails with an {@link ElasticSetupError} (`SNT_ERR_ELASTIC_*`) naming the URL when the cluster
 * cannot be reached, refuses the credentials (401) or the privileges (403), or rejects an object.
 *
 * @example
 * const report = await setupElastic({ url: 'https://es:9200', apiKey }, console.log)
 * report.items // [{ kind: 'ilm_policy', name: 'sentinel-logs', action: 'created' }, ...]
 */
export async function setupElastic(
  options: SetupElasticOptions,
  log: (line: string) => void = () => undefined,
): Promise<SetupReport> {
  const url = redactUrl(options.url)
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new ElasticSetupError('SNT_ERR_ELASTIC_OPTIONS', [
      `retentionDays must be a whole number of at least 1, not ${retentionDays}`,
    ])
  }
  const client = new Client(await clientOptions(options, url))
  const api = new Api(client, url)
  try {
    const items: SetupItem[] = []
    const record = (item: SetupItem) => {
      items.push(item)
      log(
        `${item.action} ${item.kind.replace('_', ' ')} ${item.name}${item.reason ? ` (${item.reason})` : ''}`,
      )
    }

    const ilm = await api.hasIlm()
    if (ilm.available) {
      record(await applyIlmPolicy(api, retentionDays))
    } else {
      record({ kind: 'ilm_policy', name: ILM_POLICY_NAME, action: 'skipped', reason: ilm.reason })
    }

    const components = componentTemplates({ ilm: ilm.available })
    const missing = await api.missingFieldTypes(components)
    for (const type of missing) {
      const optional = OPTIONAL_FIELD_TYPES[type]
      record({
        kind: 'field_type',
        name: type,
        action: 'skipped',
        reason: `this cluster lacks it (module ${optional?.module ?? 'unknown'}); mapped as ${optional?.substitute.type ?? '?'}`,
      })
    }
    for (const [name, body] of Object.entries(components)) {
      record(await applyComponentTemplate(api, name, adapt(body, missing)))
    }
    for (const [name, body] of Object.entries(indexTemplates())) {
      record(await applyIndexTemplate(api, name, body as unknown as Record<string, unknown>))
    }
    for (const stream of DATA_STREAMS) {
      record({
        kind: 'data_stream',
        name: `${templateName(stream)}-*`,
        action: 'skipped',
        reason: 'created by the first event written to it, from the index template',
      })
    }
    return { url, ilm: ilm.available, items }
  } finally {
    await client.close()
  }
}

async function clientOptions(options: SetupElasticOptions, url: string): Promise<ClientOptions> {
  const out: ClientOptions = { node: options.url, requestTimeout: 30_000, maxRetries: 2 }
  if (options.apiKey) out.auth = { apiKey: options.apiKey }
  else if (options.username !== undefined)
    out.auth = { username: options.username, password: options.password ?? '' }
  if (options.caFile) {
    try {
      out.tls = { ca: await readFile(options.caFile) }
    } catch (error) {
      throw new ElasticSetupError(
        'SNT_ERR_ELASTIC_OPTIONS',
        [`cannot read the CA file ${options.caFile} for ${url}: ${(error as Error).message}`],
        { cause: error },
      )
    }
  }
  return out
}

/** A component template with the field types the cluster lacks substituted. */
function adapt(body: ComponentTemplateBody, missing: ReadonlySet<string>): ComponentTemplateBody {
  const mappings = body.template.mappings as { properties?: Properties } | undefined
  if (missing.size === 0 || !mappings?.properties) return body
  return {
    ...body,
    template: {
      ...body.template,
      mappings: { ...mappings, properties: substituteFieldTypes(mappings.properties, missing) },
    },
  }
}

async function applyIlmPolicy(api: Api, retentionDays: number): Promise<SetupItem> {
  const desired = ilmPolicy(retentionDays)
  const path = `/_ilm/policy/${ILM_POLICY_NAME}`
  const current = await api.get<Record<string, { policy?: unknown }>>(
    path,
    `GET ILM policy ${ILM_POLICY_NAME}`,
  )
  const existing = current?.[ILM_POLICY_NAME]?.policy
  const action = decide(existing, () => sameJson(existing, desired.policy))
  if (action !== 'unchanged') await api.put(path, desired, `PUT ILM policy ${ILM_POLICY_NAME}`)
  return { kind: 'ilm_policy', name: ILM_POLICY_NAME, action }
}

async function applyComponentTemplate(
  api: Api,
  name: string,
  body: ComponentTemplateBody,
): Promise<SetupItem> {
  const path = `/_component_template/${encodeURIComponent(name)}`
  const current = await api.get<{
    component_templates?: Array<{ name: string; component_template: unknown }>
  }>(path, `GET component template ${name}`)
  const existing = current?.component_templates?.find((t) => t.name === name)?.component_template
  const action = decide(existing, () =>
    sameJson(comparableComponentTemplate(existing), comparableComponentTemplate(body)),
  )
  if (action !== 'unchanged') await api.put(path, body, `PUT component template ${name}`)
  return { kind: 'component_template', name, action }
}

async function applyIndexTemplate(api: Api, name: string, body: Record<string, unknown>): Promise<SetupItem> {
  const path = `/_index_template/${encodeURIComponent(name)}`
  const current = await api.get<{ index_templates?: Array<{ name: string; index_template: unknown }> }>(
    path,
    `GET index template ${name}`,
  )
  const existing = current?.index_templates?.find((t) => t.name === name)?.index_template
  const action = decide(existing, () =>
    sameJson(comparableIndexTemplate(existing, body), comparableDesiredIndexTemplate(body)),
  )
  if (action !== 'unchanged') await api.put(path, body, `PUT index template ${name}`)
  return { kind: 'index_template', name, action }
}

function decide(existing: unknown, same: () => boolean): SetupAction {
  if (existing === undefined) return 'created'
  return same() ? 'unchanged' : 'updated'
}

/** The few requests setup makes, with errors turned into {@link ElasticSetupError}s. */
class Api {
  constructor(
    private readonly client: Client,
    private readonly url: string,
  ) {}

  /** GET a JSON body; undefined on 404. */
  async get<T>(path: string, what: string): Promise<T | undefined> {
    const result = await this.call(what, () =>
      this.client.transport.request<T>({ method: 'GET', path }, { ignore: [404], meta: true }),
    )
    return result.statusCode === 404 ? undefined : result.body
  }

  async put(path: string, body: unknown, what: string): Promise<void> {
    await this.call(what, () =>
      this.client.transport.request(
        { method: 'PUT', path, body: body as Record<string, unknown> },
        { meta: true },
      ),
    )
  }

  /** Whether `GET _ilm/status` answers; the reason when it does not. */
  async hasIlm(): Promise<{ available: true } | { available: false; reason: string }> {
    const result = await this.call('GET _ilm/status', () =>
      this.client.transport.request<unknown>(
        { method: 'GET', path: '/_ilm/status' },
        { ignore: ILM_ABSENT_STATUSES, meta: true },
      ),
    )
    if (result.statusCode === 200) return { available: true }
    return {
      available: false,
      reason:
        `this cluster has no ILM API (GET _ilm/status answered ${result.statusCode ?? '?'}); ` +
        'indices are kept until deleted by hand',
    }
  }

  /**
   * Optional field types ({@link OPTIONAL_FIELD_TYPES}) the templates use and the cluster lacks,
   * found by simulating a template with one field of each type.
   */
  async missingFieldTypes(components: Record<string, ComponentTemplateBody>): Promise<Set<string>> {
    const used = new Set<string>()
    for (const body of Object.values(components)) {
      const properties = (body.template.mappings as { properties?: Properties } | undefined)?.properties
      if (properties) fieldTypesUsed(properties, used)
    }
    const missing = new Set<string>()
    for (const type of [...used].filter((t) => t in OPTIONAL_FIELD_TYPES).sort()) {
      const result = await this.call(`simulate a ${type} field`, () =>
        this.client.transport.request<unknown>(
          {
            method: 'POST',
            path: '/_index_template/_simulate',
            body: {
              index_patterns: ['sentinel-field-type-probe-*'],
              template: { mappings: { properties: { probe: { type } } } },
            },
          },
          { ignore: [400], meta: true },
        ),
      )
      if (result.statusCode === 400) {
        const text = JSON.stringify(result.body)
        if (!text.includes(`[${type}]`)) {
          throw new ElasticSetupError('SNT_ERR_ELASTIC_REJECTED', [
            this.url,
            `a template simulation`,
            '400',
            text.slice(0, 500),
          ])
        }
        missing.add(type)
      }
    }
    return missing
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw this.explain(error, what)
    }
  }

  private explain(error: unknown, what: string): ElasticSetupError {
    const url = this.url
    if (error instanceof errors.ResponseError) {
      const status = error.statusCode ?? 0
      if (status === 401) return new ElasticSetupError('SNT_ERR_ELASTIC_AUTH', [url], { cause: error })
      if (status === 403)
        return new ElasticSetupError('SNT_ERR_ELASTIC_FORBIDDEN', [url, what], { cause: error })
      const reason = reasonOf(error.body) ?? error.message
      return new ElasticSetupError('SNT_ERR_ELASTIC_REJECTED', [url, what, String(status), reason], {
        cause: error,
      })
    }
    if (error instanceof errors.ProductNotSupportedError) {
      return new ElasticSetupError('SNT_ERR_ELASTIC_NOT_ELASTICSEARCH', [url, error.message], {
        cause: error,
      })
    }
    if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError) {
      return new ElasticSetupError('SNT_ERR_ELASTIC_UNREACHABLE', [url, error.message], { cause: error })
    }
    if (error instanceof errors.ElasticsearchClientError) {
      return new ElasticSetupError('SNT_ERR_ELASTIC_UNREACHABLE', [url, error.message], { cause: error })
    }
    return new ElasticSetupError('SNT_ERR_ELASTIC_UNREACHABLE', [url, String(error)], { cause: error })
  }
}

/** `error.reason` (and the first root cause's, when different) of an Elasticsearch error body. */
function reasonOf(body: unknown): string | undefined {
  const e = (
    body as { error?: { type?: string; reason?: string; caused_by?: { reason?: string } } } | undefined
  )?.error
  if (!e) return undefined
  const parts = [e.type, e.reason, e.caused_by?.reason].filter((p): p is string => typeof p === 'string')
  return parts.join(': ')
}
