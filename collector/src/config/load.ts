/**
 * @module Config loading: YAML text -> secrets resolved -> defaults applied -> validated. Every
 * problem is reported at once, each naming its path and what was expected.
 */
import { readFile } from 'node:fs/promises'
import { Ajv, type ErrorObject } from 'ajv'
import { parseDocument } from 'yaml'
import { SentinelError } from '../errors/codes.js'
import type { SnmpTrapSourceConfig } from '../sources/snmp_trap/config.js'
import { checkSnmp, normaliseSnmpVersions } from '../sources/snmp_poll/inventory.js'
import { parseListen } from '../sources/listen.js'
import { usmSecurityProblems } from '../sources/snmp-usm.js'
import { CollectorConfig, DEFAULT_SOURCES } from './schema.js'
import { resolveSecretReferences } from './secrets.js'

/** Upper bound of an ECS document's size relative to its raw line. */
const EVENT_EXPANSION = 16

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false, discriminator: true })
const validateSchema = ajv.compile<CollectorConfig>(CollectorConfig)

/** Read and validate a config file; without a path, the embedded defaults. */
export async function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  if (path === undefined) return parseConfig('', '(embedded defaults)', env)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new SentinelError('SNT_ERR_CONFIG_READ', [
      path,
      error instanceof Error ? error.message : String(error),
    ])
  }
  return parseConfig(text, path, env)
}

/**
 * Parse config YAML; throws SentinelError SNT_ERR_CONFIG_INVALID listing every problem.
 *
 * @example
 * parseConfig('sources:\n  fw:\n    type: syslog\n    listen: udp:0.0.0.0:514\n', 'inline')
 */
export function parseConfig(
  text: string,
  origin: string,
  env: NodeJS.ProcessEnv = process.env,
): CollectorConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    const details = document.errors.map((e) => e.message.split('\n')[0]).join('; ')
    throw new SentinelError('SNT_ERR_CONFIG_INVALID', [`${origin}: not valid YAML: ${details}`])
  }
  const raw: unknown = document.toJS() ?? {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SentinelError('SNT_ERR_CONFIG_INVALID', [`${origin}: expected a mapping at the top level`])
  }
  const resolved = resolveSecretReferences(raw, env) as Record<string, unknown>
  if (!('sources' in resolved)) resolved.sources = structuredClone(DEFAULT_SOURCES)
  normaliseSnmpVersions(resolved.snmp)

  if (!validateSchema(resolved)) {
    throw invalid(origin, describeSchemaErrors(validateSchema.errors ?? []))
  }
  const problems = [...checkSemantics(resolved), ...checkSnmp(resolved.snmp)]
  if (problems.length > 0) throw invalid(origin, problems)
  return resolved
}

function invalid(origin: string, problems: string[]): SentinelError {
  return new SentinelError('SNT_ERR_CONFIG_INVALID', [`${origin}:\n  - ${problems.join('\n  - ')}`])
}

/** Checks JSON Schema cannot express: time zones, TLS presence, duplicate listeners. */
function checkSemantics(config: CollectorConfig): string[] {
  const problems: string[] = []
  if (config.pipeline.batch_max_bytes > config.spool.segment_bytes) {
    problems.push(
      `pipeline.batch_max_bytes: must be at most spool.segment_bytes (${config.spool.segment_bytes}) (got ${config.pipeline.batch_max_bytes})`,
    )
  }
  if (config.spool.max_bytes < 2 * config.spool.segment_bytes) {
    problems.push(
      `spool.max_bytes: must be at least twice spool.segment_bytes (${2 * config.spool.segment_bytes}) so a full segment can be freed while the next fills (got ${config.spool.max_bytes})`,
    )
  }
  // Worst case, one event's document is many times its line (event.original and message escaped,
  // base64 of invalid UTF-8); any single event must fit the quota or the pipeline could never write it.
  const largest = Math.max(
    0,
    ...Object.values(config.sources).map((source) => (source.type === 'syslog' ? source.max_length : 0)),
  )
  if (largest * EVENT_EXPANSION > config.spool.max_bytes / 2) {
    problems.push(
      `spool.max_bytes: must be at least ${2 * largest * EVENT_EXPANSION} so the largest event (max_length ${largest}) fits (got ${config.spool.max_bytes})`,
    )
  }
  const seen = new Map<string, string>()
  for (const [id, source] of Object.entries(config.sources)) {
    const path = `sources.${id}`
    const listen = parseListen(source.listen)
    if (source.type === 'snmp_trap') {
      if (!listen || listen.protocol !== 'udp') {
        problems.push(`${path}.listen: expected udp:<host>:<port> for SNMP traps (got "${source.listen}")`)
        continue
      }
      problems.push(...checkTrapSource(path, source))
      const key = `udp:${listen.host}:${listen.port}`
      const other = seen.get(key)
      if (other && listen.port !== 0) problems.push(`${path}.listen: same address as sources.${other}.listen`)
      seen.set(key, id)
      continue
    }
    if (!listen) {
      problems.push(
        `${path}.listen: expected <udp|tcp|tls>:<host>:<port> with a port up to 65535 (got "${source.listen}")`,
      )
    } else {
      if (listen.protocol === 'tls' && !source.tls)
        problems.push(`${path}.tls: required when listen is tls:...`)
      if (listen.protocol !== 'tls' && source.tls)
        problems.push(`${path}.tls: only valid with a tls: listener`)
      // UDP and TCP may share a port number; two listeners of one protocol may not.
      const key = `${listen.protocol === 'udp' ? 'udp' : 'tcp'}:${listen.host}:${listen.port}`
      const other = seen.get(key)
      if (other && listen.port !== 0) problems.push(`${path}.listen: same address as sources.${other}.listen`)
      seen.set(key, id)
    }
    if (!isTimeZone(source.timezone)) {
      problems.push(
        `${path}.timezone: expected an IANA time zone such as UTC or Europe/Berlin (got "${source.timezone}")`,
      )
    }
  }
  return problems
}

/** v3 users: the keys and protocols their level needs, no duplicate names. */
function checkTrapSource(path: string, source: SnmpTrapSourceConfig): string[] {
  const problems: string[] = []
  const names = new Set<string>()
  source.users.forEach((user, i) => {
    const at = `${path}.users.${i}`
    if (names.has(user.name)) problems.push(`${at}.name: duplicate user "${user.name}"`)
    names.add(user.name)
    problems.push(...usmSecurityProblems(at, user))
  })
  if (source.communities.length === 0 && source.users.length === 0) {
    problems.push(`${path}: accepts no trap: give communities (v1/v2c) or users (v3)`)
  }
  return problems
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** Turn ajv errors into `path: expected ... (got ...)` lines, one per problem. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): string[] {
  // A union of literals reports one `const` error per member plus the `anyOf`; keep the anyOf.
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath))
  const lines: string[] = []
  for (const error of errors) {
    if (error.keyword === 'const' && unionPaths.has(error.instancePath)) continue
    const line = describeError(error)
    if (!lines.includes(line)) lines.push(line)
  }
  return lines
}

function describeError(error: ErrorObject): string {
  const path = toDottedPath(error.instancePath)
  const at = (child: string) => (path ? `${path}.${child}` : child)
  const got = ` (got ${JSON.stringify(error.data)})`
  const schema = (error.parentSchema ?? {}) as {
    description?: string
    anyOf?: { const?: unknown }[]
    properties?: object
  }
  switch (error.keyword) {
    case 'required':
      return `${at(String(error.params.missingProperty))}: required`
    case 'additionalProperties': {
      const known = schema.properties ? Object.keys(schema.properties) : []
      const hint = known.length > 0 ? ` (expected one of: ${known.join(', ')})` : ''
      return `${at(String(error.params.additionalProperty))}: unknown key${hint}`
    }
    case 'anyOf': {
      const options = (schema.anyOf ?? []).map((s) => JSON.stringify(s.const))
      return `${path}: expected one of ${options.join(', ')}${got}`
    }
    case 'discriminator': {
      const tag = String(error.params.tag)
      const options = tag === 'version' ? '"2c", "3"' : '"syslog", "snmp_trap"'
      return error.params.error === 'mapping'
        ? `${at(tag)}: expected one of ${options} (got ${JSON.stringify(error.params.tagValue)})`
        : `${at(tag)}: required`
    }
    case 'pattern':
      return `${path}: expected ${schema.description ?? `a string matching ${String(error.params.pattern)}`}${got}`
    case 'type':
      return `${path}: expected ${String(error.params.type)}${got}`
    default:
      return `${path || '(top level)'}: ${error.message ?? error.keyword}${got}`
  }
}

function toDottedPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}
