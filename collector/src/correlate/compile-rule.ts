/**
 * @module Rule compilation: a validated rule definition -> what the engine runs (filters compiled,
 * durations in ms, the summary template parsed, labels checked), with every problem named by its
 * path inside the rule.
 */
import { createHash } from 'node:crypto'
import { parseDuration } from './duration.js'
import { fieldPathProblem } from './field-path.js'
import { allOf, compileFilter, fieldExists, type CompiledFilter } from './filter.js'
import { kqlOr, type Kql } from './kql.js'
import { childPath, type RuleProblem } from './rule-problem.js'
import type { RuleDefinition, RuleKind } from './rule-schema.js'
import { compileTemplate, type CompiledTemplate } from './template.js'

/** A step of a sequence, a part of a join, or the one filter of the other kinds. */
export interface RulePart {
  readonly name: string
  readonly filter: CompiledFilter
  /** join: matching events this part needs within the window; threshold: the threshold. */
  readonly minCount: number
}

export interface CompiledRule {
  readonly id: string
  readonly name: string
  readonly kind: RuleKind
  readonly severity: 'critical' | 'warning' | 'info'
  readonly alertname: string
  readonly description: string | undefined
  readonly team: string | undefined
  readonly runbookUrl: string | undefined
  readonly labels: Readonly<Record<string, string>>
  readonly groupBy: readonly string[]
  /** Label names of the group fields (dots and other characters labels cannot hold become `_`). */
  readonly groupLabels: readonly string[]
  readonly window: number
  /** The window as written, for `{{window}}`. */
  readonly windowText: string
  readonly suppressFor: number
  readonly enabled: boolean
  /** One per step (sequence) or part (join); a single one for the other kinds. */
  readonly parts: readonly RulePart[]
  /** threshold and distinct_count: the count that fires. */
  readonly threshold: number
  /** distinct_count: the field whose distinct values are counted. */
  readonly distinct: string | undefined
  /** absence: group-key values watched from the start. */
  readonly expect: readonly string[]
  readonly summary: CompiledTemplate
  /** KQL for the rule's events; each alert adds its group values. */
  readonly query: Kql
  /** The file the rule came from, as the loader names it. */
  readonly file: string
  /** Hash of the definition: saved engine state is restored only into an unchanged rule. */
  readonly hash: string
  readonly definition: RuleDefinition
}

/** Labels the engine sets itself; a rule's `labels` and group fields may not redefine them. */
export const ENGINE_LABELS = ['alertname', 'severity', 'rule_id', 'device', 'team', 'site'] as const

/**
 * Compile one schema-valid rule; problems are added with paths inside the rule (`/window`).
 *
 * @example compileRule(definition, 'alerting/rules/auth.yml', problems).alertname // 'BruteForceLogin'
 */
export function compileRule(definition: RuleDefinition, file: string, problems: RuleProblem[]): CompiledRule {
  const groupBy = definition.group_by ?? []
  groupBy.forEach((field, i) => {
    const problem = fieldPathProblem(field)
    if (problem !== undefined) problems.push({ path: childPath('/group_by', i), message: problem })
  })
  const window = duration(definition.window, '/window', problems)
  if (window === 0) problems.push({ path: '/window', message: 'must be longer than 0s' })
  const parts = compileParts(definition, problems)
  const expect = definition.kind === 'absence' ? (definition.expect ?? []) : []
  if (expect.length > 0 && groupBy.length !== 1) {
    problems.push({
      path: '/expect',
      message: `needs exactly one group_by field to name the values of (got ${groupBy.length})`,
    })
  }
  const groupLabels = groupBy.map(labelName)
  checkLabels(definition.labels ?? {}, groupBy, groupLabels, problems)
  const summary = compileTemplate(
    definition.summary ?? defaultSummary(definition),
    { groupBy, distinct: definition.kind === 'distinct_count' },
    '/summary',
    problems,
  )
  return {
    id: definition.id,
    name: definition.name,
    kind: definition.kind,
    severity: definition.severity,
    alertname: definition.alertname ?? pascalCase(definition.id),
    description: definition.description,
    team: definition.team,
    runbookUrl: definition.runbook_url,
    labels: definition.labels ?? {},
    groupBy,
    groupLabels,
    window,
    windowText: definition.window,
    suppressFor: duration(definition.suppress_for, '/suppress_for', problems),
    enabled: definition.enabled,
    parts,
    threshold:
      definition.kind === 'threshold' || definition.kind === 'distinct_count' ? definition.threshold : 1,
    distinct: definition.kind === 'distinct_count' ? definition.distinct : undefined,
    expect,
    summary,
    query: kqlOr(parts.map((part) => part.filter.kql)),
    file,
    hash: definitionHash(definition),
    definition,
  }
}

function compileParts(definition: RuleDefinition, problems: RuleProblem[]): RulePart[] {
  switch (definition.kind) {
    case 'sequence':
    case 'join': {
      const key = definition.kind === 'sequence' ? '/steps' : '/parts'
      const names = new Set<string>()
      const items: readonly { name: string; filter: Record<string, unknown>; min_count?: number }[] =
        definition.kind === 'sequence' ? definition.steps : definition.parts
      return items.map((item, i) => {
        const at = childPath(key, i)
        if (names.has(item.name)) {
          problems.push({
            path: childPath(at, 'name'),
            message: `duplicate name ${JSON.stringify(item.name)}`,
          })
        }
        names.add(item.name)
        return {
          name: item.name,
          filter: compileFilter(item.filter, childPath(at, 'filter'), problems),
          minCount: item.min_count ?? 1,
        }
      })
    }
    case 'distinct_count': {
      const filter = compileFilter(definition.filter, '/filter', problems)
      const problem = fieldPathProblem(definition.distinct)
      if (problem !== undefined) problems.push({ path: '/distinct', message: problem })
      // Events without the counted field cannot count: they do not match (nor show as evidence).
      return [{ name: 'filter', filter: allOf([filter, fieldExists(definition.distinct)]), minCount: 1 }]
    }
    default:
      return [
        {
          name: 'filter',
          filter: compileFilter(definition.filter, '/filter', problems),
          minCount: definition.kind === 'threshold' ? definition.threshold : 1,
        },
      ]
  }
}

/** The duration in ms; NaN (after adding a problem) when it is not one. */
function duration(text: string, path: string, problems: RuleProblem[]): number {
  try {
    return parseDuration(text)
  } catch (error) {
    problems.push({ path, message: error instanceof Error ? error.message : String(error) })
    return NaN
  }
}

function checkLabels(
  labels: Readonly<Record<string, string>>,
  groupBy: readonly string[],
  groupLabels: readonly string[],
  problems: RuleProblem[],
): void {
  const taken = new Map<string, string>(ENGINE_LABELS.map((name) => [name, 'the engine sets it']))
  groupLabels.forEach((label, i) => {
    const owner = taken.get(label)
    if (owner !== undefined) {
      problems.push({
        path: childPath('/group_by', i),
        message: `${JSON.stringify(groupBy[i])} becomes the label "${label}", which ${owner}`,
      })
    }
    taken.set(label, `group field ${JSON.stringify(groupBy[i])} sets it`)
  })
  for (const name of Object.keys(labels)) {
    const owner = taken.get(name)
    if (owner !== undefined) {
      problems.push({ path: childPath('/labels', name), message: `reserved label: ${owner}` })
    }
  }
}

/** `source.ip` -> `source_ip`: a Prometheus label name. */
function labelName(field: string): string {
  const name = field.replace(/[^A-Za-z0-9_]/g, '_')
  return /^[0-9]/.test(name) ? `_${name}` : name
}

/** @example pascalCase('brute_force_login') // 'BruteForceLogin' */
export function pascalCase(id: string): string {
  return id
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}

function defaultSummary(definition: RuleDefinition): string {
  const group = (definition.group_by ?? []).map((field) => `${field} {{${field}}}`).join(', ')
  const suffix = group === '' ? '' : ` (${group})`
  switch (definition.kind) {
    case 'threshold':
      return `{{rule.name}}: {{count}} events within {{window}}${suffix}`
    case 'distinct_count':
      return `{{rule.name}}: {{distinct}} distinct ${literal(definition.distinct)} within {{window}}${suffix}`
    case 'sequence':
      return `{{rule.name}}: ${definition.steps.map((s) => literal(s.name)).join(', then ')} within {{window}}${suffix}`
    case 'absence':
      return `{{rule.name}}: no event for {{window}}${suffix}`
    case 'join':
      return `{{rule.name}}: ${definition.parts.map((p) => literal(p.name)).join(' and ')} within {{window}}${suffix}`
  }
}

/** Text for the default template that cannot open a placeholder. */
function literal(text: string): string {
  return text.replace(/[{}]/g, '')
}

/** A short hash of the definition with keys sorted, so key order in the file does not matter. */
function definitionHash(definition: RuleDefinition): string {
  return createHash('sha256').update(stableJson(definition)).digest('hex').slice(0, 16)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
