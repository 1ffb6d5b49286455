/**
 * @module The rule packs in alerting/rules/. Their format (docs/correlation-rules.md) is checked by
 * the collector's own loader, as `correlate.packs` loads them: every pack compiles and ids are
 * unique across packs. Checked here is what the loader cannot know: every field a rule reads or
 * shows is an ECS field or a mapped `sentinel.*` field, every ECS categorisation value it compares
 * with is an allowed value, team and scope are ones Alertmanager routes, and every runbook link
 * has its section in alerting/README.md.
 */
import assert from 'node:assert/strict'
import { basename } from 'node:path'
import { test } from 'node:test'
import { EcsFlat } from '@elastic/ecs'
import { compileRuleFile, loadRules, type CompiledRule } from '../collector/src/correlate/load-rules.js'
import { SentinelError } from '../collector/src/errors/codes.js'
import type { Properties } from '../elastic-ingest/src/elastic/ecs-mappings.js'
import { sentinelProperties } from '../elastic-ingest/src/elastic/sentinel-fields.js'
import { REPO_DIR, TEAMS, readmeAnchors, rulePackFiles } from './test-support.js'

/** ECS fields whose values must be among ECS's allowed values. */
const CATEGORISATION_FIELDS = new Set(['event.kind', 'event.category', 'event.type', 'event.outcome'])
/** `correlate.packs` names a pack by its file name without .yml. */
const PACK_FILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}\.yml$/
const SENTINEL_MAPPING = sentinelProperties()

type Filter = Record<string, unknown>

/** True when `path` is a mapped field of `properties` (a dynamic or flattened parent covers its children). */
function mapped(properties: Properties, path: string[]): boolean {
  const [head, ...rest] = path
  if (head === undefined) return true
  const field = properties[head]
  if (field === undefined) return false
  if (rest.length === 0) return true
  if (field.type === 'flattened' || field.dynamic === true) return true
  return field.properties !== undefined && mapped(field.properties, rest)
}

/** Why a rule may not read `path`, or undefined when it is an ECS field or a mapped `sentinel.*` field. */
function fieldProblem(path: string): string | undefined {
  if (path.startsWith('sentinel.'))
    return mapped(SENTINEL_MAPPING, path.split('.')) ? undefined : `${path} is not a mapped sentinel.* field`
  return Object.hasOwn(EcsFlat, path) ? undefined : `${path} is not an ECS field`
}

/** The ECS allowed values of a categorisation field. */
function allowedValues(path: string): Set<string> {
  const field = (EcsFlat as Record<string, { allowed_values?: { name: string }[] }>)[path]
  return new Set((field?.allowed_values ?? []).map((v) => v.name))
}

/** The filters of a rule: its steps (sequence), its parts (join), or its one filter. */
function ruleFilters(definition: CompiledRule['definition']): Filter[] {
  if (definition.kind === 'sequence') return definition.steps.map((step) => step.filter)
  if (definition.kind === 'join') return definition.parts.map((part) => part.filter)
  return [definition.filter]
}

/** Adds every field `filter` reads to `compared`, with the values it is compared with (bare, eq, ne, in). */
function readFields(filter: Filter, compared: Map<string, unknown[]>): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === 'all' || key === 'any') for (const inner of condition as Filter[]) readFields(inner, compared)
    else if (key === 'not') readFields(condition as Filter, compared)
    else compared.set(key, [...(compared.get(key) ?? []), ...comparedValues(condition)])
  }
}

function comparedValues(condition: unknown): unknown[] {
  if (Array.isArray(condition)) return condition
  if (typeof condition !== 'object' || condition === null) return [condition]
  const { eq, ne, in: list = [] } = condition as { eq?: unknown; ne?: unknown; in?: unknown[] }
  return [eq, ne, ...list].filter((value) => value !== undefined)
}

/** What is wrong with a rule that the loader accepted, each line naming the file and the rule. */
function packProblems(rule: CompiledRule, anchors: Set<string>): string[] {
  const at = `${basename(rule.file)} ${rule.id}`
  const problems: string[] = []
  const compared = new Map<string, unknown[]>()
  for (const filter of ruleFilters(rule.definition)) readFields(filter, compared)
  const distinct = rule.distinct === undefined ? [] : [rule.distinct]
  for (const field of new Set([
    ...compared.keys(),
    ...rule.groupBy,
    ...distinct,
    ...rule.summary.eventFields,
  ])) {
    const problem = fieldProblem(field)
    if (problem) problems.push(`${at}: ${problem}`)
  }
  for (const [field, values] of compared) {
    if (!CATEGORISATION_FIELDS.has(field)) continue
    const allowed = allowedValues(field)
    for (const value of values)
      if (!allowed.has(String(value)))
        problems.push(`${at}: ${field}: "${String(value)}" is not an ECS allowed value`)
  }
  // The routing tree sends teams it does not know to the platform channel: a typo would hide there.
  if (!TEAMS.has(rule.team ?? ''))
    problems.push(`${at}: team ${rule.team}, expected one of ${[...TEAMS].join(', ')}`)
  const scope = rule.labels.scope
  if (scope !== undefined && scope !== 'interface')
    problems.push(`${at}: labels.scope ${scope}: only "interface" is routed`)
  // Runbook: the section named after the alert.
  const anchor = rule.alertname.toLowerCase()
  if (rule.runbookUrl !== `alerting/README.md#${anchor}`)
    problems.push(`${at}: runbook_url ${rule.runbookUrl}, expected alerting/README.md#${anchor}`)
  if (!anchors.has(anchor)) problems.push(`${at}: no "### ${rule.alertname}" section in alerting/README.md`)
  return problems
}

/** Every pack through the collector's loader; it throws, listing every problem, when any does not load. */
async function loadPacks(): Promise<CompiledRule[]> {
  return loadRules(await rulePackFiles(), { baseDir: REPO_DIR })
}

test('every rule pack loads through the collector loader, with ids unique across packs', async () => {
  const files = (await rulePackFiles()).map((file) => basename(file))
  assert.ok(files.length >= 9, `packs: ${files.join(', ')}`)
  assert.deepEqual(
    files.filter((name) => !PACK_FILE_NAME.test(name)),
    [],
    'file names correlate.packs can name',
  )
  const rules = await loadPacks()
  assert.deepEqual(new Set(rules.map((rule) => basename(rule.file))), new Set(files))
})

test('every rule pack reads ECS or mapped sentinel.* fields, compares with allowed values, routes and has its runbook', async () => {
  const anchors = await readmeAnchors()
  const problems = (await loadPacks()).flatMap((rule) => packProblems(rule, anchors))
  assert.deepEqual(problems, [])
})

test('the pack checks find the mistakes they are there for', async () => {
  const broken = `rules:
  - id: broken_rule
    name: Broken
    kind: threshold
    severity: warning
    window: 10 minutes
    threshold: 5
    filter: { source.ip: { near: 10.0.0.1 } }
`
  assert.throws(
    () => compileRuleFile(broken, 'broken.yml'),
    (error) =>
      error instanceof SentinelError &&
      /broken\.yml: rule broken_rule: \/window: /.test(error.message) &&
      /broken\.yml: rule broken_rule: \/filter\/source\.ip\/near: /.test(error.message),
    'the loader rejects a structurally broken rule, naming the file, the rule and the key',
  )
  const [mistaken] = compileRuleFile(
    `rules:
  - id: mistaken_rule
    name: Mistaken
    kind: distinct_count
    severity: warning
    team: netowrk
    labels: { scope: device }
    filter:
      event.categroy: authentication
      any:
        - event.outcome: failed
        - event.type: { in: [start, begin] }
        - not: { sentinel.nope: 1, sentinel.anomaly.score: { gte: 0.5 } }
    group_by: [source.ip]
    distinct: user.nmae
    window: 10m
    threshold: 5
    summary: '{{source.ip}} on {{host.nmae}}'
    runbook_url: alerting/README.md#nowhere
`,
    'mistaken.yml',
  )
  assert.ok(mistaken, 'the loader accepts what only the pack checks know is wrong')
  assert.deepEqual(packProblems(mistaken, await readmeAnchors()), [
    'mistaken.yml mistaken_rule: event.categroy is not an ECS field',
    'mistaken.yml mistaken_rule: sentinel.nope is not a mapped sentinel.* field',
    'mistaken.yml mistaken_rule: user.nmae is not an ECS field',
    'mistaken.yml mistaken_rule: host.nmae is not an ECS field',
    'mistaken.yml mistaken_rule: event.outcome: "failed" is not an ECS allowed value',
    'mistaken.yml mistaken_rule: event.type: "begin" is not an ECS allowed value',
    'mistaken.yml mistaken_rule: team netowrk, expected one of network, security, platform',
    'mistaken.yml mistaken_rule: labels.scope device: only "interface" is routed',
    'mistaken.yml mistaken_rule: runbook_url alerting/README.md#nowhere, expected alerting/README.md#mistakenrule',
    'mistaken.yml mistaken_rule: no "### MistakenRule" section in alerting/README.md',
  ])
})
