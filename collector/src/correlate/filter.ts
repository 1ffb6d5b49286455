/**
 * @module Filters: the rule filter language (docs/correlation-rules.md) compiled once into a clause
 * tree, from which filter-codegen.ts generates the event predicate, and into KQL for the evidence
 * query. The predicate allocates nothing per event: paths are split at compile time, lists are
 * precomputed into sets, regular expressions and CIDR blocks are built once, and the clauses of an
 * AND or OR run cheapest first.
 *
 * Equality is as loose as Elasticsearch's term query: `22` matches the field values 22 and "22", and
 * `true` matches true and "true".
 */
import { CidrMatcher, isCidrBlock } from './cidr.js'
import { generatePredicate, type EventPredicate, type FilterNode } from './filter-codegen.js'
import { fieldPathProblem, splitFieldPath } from './field-path.js'
import type { FieldPath, Scalar, ValueTest } from './field-path.js'
import {
  escapeKqlUnquoted,
  KQL_FALSE,
  KQL_TRUE,
  kqlAnd,
  kqlNot,
  kqlOr,
  kqlTerm,
  kqlValue,
  quoteKql,
  type Kql,
} from './kql.js'
import { childPath, describeValue, type RuleProblem } from './rule-problem.js'

export type { EventPredicate } from './filter-codegen.js'

/** A compiled clause: its tree (for the predicate) and its KQL. */
interface Clause {
  readonly node: FilterNode
  /** KQL that finds at least every event the clause accepts. */
  readonly kql: Kql
  /** KQL that finds no event the clause rejects (what a `not` around it turns into `kql`). */
  readonly kqlNarrow: Kql
  /** Relative cost of testing; an AND or OR runs its cheapest clauses first. */
  readonly cost: number
}

export interface CompiledFilter extends Clause {
  readonly test: EventPredicate
}

const OPERATORS = [
  'eq',
  'ne',
  'in',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
  'contains',
  'icontains',
  'prefix',
  'matches',
  'cidr',
] as const
type Operator = (typeof OPERATORS)[number]

const COMPARISONS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

// An ISO 8601 date, or date and time with an explicit zone (a zone-less time would be read as local).
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/

/** What a clause with a problem compiles to, so compilation can go on and report every problem. */
const INVALID: Clause = { node: { kind: 'never' }, kql: KQL_FALSE, kqlNarrow: KQL_FALSE, cost: 0 }

/**
 * Compile a filter (a map of field path to condition, plus `all`, `any`, `not`). Problems are added
 * to `problems` with their path under `at`; the result is only meaningful when none were added.
 *
 * @example
 * const problems: RuleProblem[] = []
 * const filter = compileFilter({ 'event.outcome': 'failure' }, '/filter', problems)
 * filter.test({ event: { outcome: 'failure' } }) // true
 * renderKql(filter.kql) // 'event.outcome:"failure"'
 */
export function compileFilter(spec: unknown, at: string, problems: RuleProblem[]): CompiledFilter {
  return withTest(compileMap(spec, at, problems))
}

function compileMap(spec: unknown, at: string, problems: RuleProblem[]): Clause {
  if (!isMap(spec)) {
    problems.push({
      path: at,
      message: `expected a map of field paths to conditions (got ${describeValue(spec)})`,
    })
    return INVALID
  }
  const keys = Object.keys(spec)
  if (keys.length === 0) {
    problems.push({ path: at, message: 'expected at least one condition (got an empty map)' })
    return INVALID
  }
  return and(keys.map((key) => compileEntry(key, spec[key], childPath(at, key), problems)))
}

function compileEntry(key: string, value: unknown, at: string, problems: RuleProblem[]): Clause {
  if (key === 'all') return and(compileList(value, at, problems))
  if (key === 'any') return or(compileList(value, at, problems))
  if (key === 'not') return negate(compileMap(value, at, problems))
  const problem = fieldPathProblem(key)
  if (problem !== undefined) {
    problems.push({ path: at, message: `${problem}; the other keys are all, any and not` })
    return INVALID
  }
  return compileCondition(key, value, at, problems)
}

function compileList(value: unknown, at: string, problems: RuleProblem[]): Clause[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ path: at, message: `expected a non-empty list of filters (got ${describeValue(value)})` })
    return [INVALID]
  }
  return value.map((item, i) => compileMap(item, childPath(at, i), problems))
}

function compileCondition(field: string, value: unknown, at: string, problems: RuleProblem[]): Clause {
  const path = splitFieldPath(field)
  if (isScalar(value)) return equals(field, path, value)
  if (Array.isArray(value)) return oneOf(field, path, value, at, problems)
  if (!isMap(value)) {
    problems.push({
      path: at,
      message: `expected a value, a list of values or a map of operators (got ${describeValue(value)})`,
    })
    return INVALID
  }
  const operators = Object.keys(value)
  if (operators.length === 0) {
    problems.push({ path: at, message: `expected one or more of ${OPERATORS.join(', ')} (got an empty map)` })
    return INVALID
  }
  return and(
    operators.map((operator) => {
      const opAt = childPath(at, operator)
      if (!isOperator(operator)) {
        problems.push({
          path: opAt,
          message: `unknown operator (expected one of ${OPERATORS.join(', ')})`,
        })
        return INVALID
      }
      return compileOperator(field, path, operator, value[operator], opAt, problems)
    }),
  )
}

function compileOperator(
  field: string,
  path: FieldPath,
  operator: Operator,
  value: unknown,
  at: string,
  problems: RuleProblem[],
): Clause {
  const fail = (expected: string): Clause => {
    problems.push({ path: at, message: `expected ${expected} (got ${describeValue(value)})` })
    return INVALID
  }
  switch (operator) {
    case 'eq':
    case 'ne': {
      if (!isScalar(value)) return fail('a string, number or boolean')
      const filter = equals(field, path, value)
      return operator === 'eq' ? filter : negate(filter)
    }
    case 'in':
      return Array.isArray(value) ? oneOf(field, path, value, at, problems) : fail('a list of values')
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(field, path, operator, value, at, problems)
    case 'exists': {
      if (typeof value !== 'boolean') return fail('true or false')
      const filter = exists(splitFieldPath(field), field)
      return value ? filter : negate(filter)
    }
    case 'contains':
    case 'icontains':
    case 'prefix': {
      if (typeof value !== 'string' || value === '') return fail('a non-empty string')
      return substring(field, path, operator, value)
    }
    case 'matches': {
      if (typeof value !== 'string') return fail('a regular expression as a string')
      let regex: RegExp
      try {
        regex = new RegExp(value)
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/^.*: /, '') : String(error)
        problems.push({
          path: at,
          message: `${describeValue(value)} is not a valid regular expression: ${reason}`,
        })
        return INVALID
      }
      const test: ValueTest = (v) => typeof v === 'string' && regex.test(v)
      // KQL has no regular expressions: the clause widens to "anything" (see kql.ts).
      return {
        node: { kind: 'field', path, test },
        kql: KQL_TRUE,
        kqlNarrow: KQL_FALSE,
        cost: path.length + 8,
      }
    }
    case 'cidr':
      return cidr(field, path, value, at, problems)
  }
}

/** The field is present (not null, not an empty list). */
export function fieldExists(field: string): CompiledFilter {
  return withTest(exists(splitFieldPath(field), field))
}

function exists(path: FieldPath, field: string): Clause {
  return fieldClause(path, () => true, `${field}:*`, 1)
}

function equals(field: string, path: FieldPath, expected: Scalar): Clause {
  const clause = fieldClause(path, equalsTest(expected), `${field}:${kqlValue(expected)}`, 1)
  return typeof expected === 'string' ? withTexts(clause, [expected]) : clause
}

/** Record that a clause accepts exactly these texts (as text; numbers and booleans by their text). */
function withTexts(clause: Clause, texts: readonly string[]): Clause {
  return clause.node.kind === 'field' ? { ...clause, node: { ...clause.node, texts } } : clause
}

function equalsTest(expected: Scalar): ValueTest {
  if (typeof expected === 'number') {
    return (v) => (typeof v === 'number' ? v === expected : typeof v === 'string' && toNumber(v) === expected)
  }
  if (typeof expected === 'boolean') {
    const text = String(expected)
    return (v) => v === expected || v === text
  }
  const asNumber = canonicalNumber(expected)
  const asBoolean = booleanText(expected)
  return (v) => v === expected || (typeof v === 'number' ? v === asNumber : v === asBoolean)
}

/** `in` and a plain list: any of the values, by the same loose equality as `eq`. */
function oneOf(
  field: string,
  path: FieldPath,
  values: unknown[],
  at: string,
  problems: RuleProblem[],
): Clause {
  if (values.length === 0 || !values.every(isScalar)) {
    problems.push({
      path: at,
      message: `expected a non-empty list of strings, numbers or booleans (got ${describeValue(values)})`,
    })
    return INVALID
  }
  const scalars = values as Scalar[]
  if (scalars.length === 1) return equals(field, path, scalars[0] as Scalar)
  const texts = new Set<string>()
  const numbers = new Set<number>()
  const numbersOfTexts = new Set<number>()
  const booleans = new Set<boolean>()
  for (const value of scalars) {
    if (typeof value === 'string') {
      texts.add(value)
      const asNumber = canonicalNumber(value)
      if (!Number.isNaN(asNumber)) numbersOfTexts.add(asNumber)
      const asBoolean = booleanText(value)
      if (asBoolean !== undefined) booleans.add(asBoolean)
    } else if (typeof value === 'number') {
      numbers.add(value)
      numbersOfTexts.add(value)
    } else {
      booleans.add(value)
      texts.add(String(value))
    }
  }
  const test: ValueTest = (v) => {
    if (typeof v === 'string') return texts.has(v) || (numbers.size > 0 && numbers.has(toNumber(v)))
    if (typeof v === 'number') return numbersOfTexts.has(v)
    return typeof v === 'boolean' && booleans.has(v)
  }
  const clause = fieldClause(path, test, `${field}:(${scalars.map(kqlValue).join(' or ')})`, 2)
  return scalars.every(isString) ? withTexts(clause, scalars as string[]) : clause
}

function compare(
  field: string,
  path: FieldPath,
  operator: keyof typeof COMPARISONS,
  value: unknown,
  at: string,
  problems: RuleProblem[],
): Clause {
  let bound = typeof value === 'number' ? value : typeof value === 'string' ? toNumber(value) : NaN
  let time = false
  if (typeof value === 'string' && Number.isNaN(bound) && ISO_TIME.test(value)) {
    bound = Date.parse(value)
    time = true
  }
  if (!Number.isFinite(bound)) {
    problems.push({
      path: at,
      message: `expected a number or an ISO 8601 time such as 2024-05-01T00:00:00Z (got ${describeValue(value)})`,
    })
    return INVALID
  }
  const read = time ? timeOf : numberOf
  const test: ValueTest =
    operator === 'gt'
      ? (v) => read(v) > bound
      : operator === 'gte'
        ? (v) => read(v) >= bound
        : operator === 'lt'
          ? (v) => read(v) < bound
          : (v) => read(v) <= bound
  const kqlBound = time ? quoteKql(String(value)) : String(bound)
  return fieldClause(path, test, `${field} ${COMPARISONS[operator]} ${kqlBound}`, 2)
}

function substring(
  field: string,
  path: FieldPath,
  operator: 'contains' | 'icontains' | 'prefix',
  value: string,
): Clause {
  const escaped = escapeKqlUnquoted(value)
  if (operator === 'prefix') {
    return fieldClause(path, (v) => typeof v === 'string' && v.startsWith(value), `${field}:${escaped}*`, 2)
  }
  if (operator === 'contains') {
    return fieldClause(path, (v) => typeof v === 'string' && v.includes(value), `${field}:*${escaped}*`, 3)
  }
  // A case-insensitive regular expression tests without lower-casing (allocating) each value.
  const regex = new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu')
  return fieldClause(path, (v) => typeof v === 'string' && regex.test(v), `${field}:*${escaped}*`, 4)
}

function cidr(field: string, path: FieldPath, value: unknown, at: string, problems: RuleProblem[]): Clause {
  const blocks: unknown = typeof value === 'string' ? [value] : value
  if (!Array.isArray(blocks) || blocks.length === 0 || !blocks.every(isString)) {
    problems.push({
      path: at,
      message: `expected a CIDR block such as 10.0.0.0/8 or a list of them (got ${describeValue(value)})`,
    })
    return INVALID
  }
  const bad = blocks.flatMap((block, i) => (isCidrBlock(block) ? [] : [{ block, i }]))
  for (const { block, i } of bad) {
    const where = typeof value === 'string' ? at : childPath(at, i)
    problems.push({ path: where, message: `${JSON.stringify(block)} is not a CIDR block` })
  }
  if (bad.length > 0) return INVALID
  const matcher = new CidrMatcher(blocks)
  const quoted = blocks.map(quoteKql)
  const kql = quoted.length === 1 ? quoted.join('') : `(${quoted.join(' or ')})`
  return fieldClause(path, (v) => typeof v === 'string' && matcher.matches(v), `${field}:${kql}`, 4)
}

function fieldClause(path: FieldPath, test: ValueTest, kql: string, cost: number): Clause {
  const term = kqlTerm(kql)
  return { node: { kind: 'field', path, test }, kql: term, kqlNarrow: term, cost: path.length + cost }
}

/** Filters that must all hold (cheapest tested first), as one compiled filter. */
export function allOf(filters: readonly CompiledFilter[]): CompiledFilter {
  return withTest(and(filters))
}

function withTest(clause: Clause): CompiledFilter {
  return { ...clause, test: generatePredicate(clause.node) }
}

function and(clauses: readonly Clause[]): Clause {
  return combine('all', clauses, kqlAnd)
}

function or(clauses: readonly Clause[]): Clause {
  return combine('any', clauses, kqlOr)
}

function combine(kind: 'all' | 'any', clauses: readonly Clause[], kql: (items: Kql[]) => Kql): Clause {
  if (clauses.length === 1) return clauses[0] as Clause
  const items = [...clauses].sort((a, b) => a.cost - b.cost).map((c) => c.node)
  return {
    node: { kind, items },
    kql: kql(clauses.map((c) => c.kql)),
    kqlNarrow: kql(clauses.map((c) => c.kqlNarrow)),
    cost: clauses.reduce((sum, c) => sum + c.cost, 0),
  }
}

function negate(inner: Clause): Clause {
  return {
    node: { kind: 'not', item: inner.node },
    kql: kqlNot(inner.kqlNarrow),
    kqlNarrow: kqlNot(inner.kql),
    cost: inner.cost,
  }
}

function isOperator(key: string): key is Operator {
  return (OPERATORS as readonly string[]).includes(key)
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  )
}

/** A field's text as a number ("" is not 0). */
function toNumber(text: string): number {
  return text === '' ? NaN : Number(text)
}

/** The number a rule's string stands for when it is written as JavaScript writes that number. */
function canonicalNumber(text: string): number {
  const value = Number(text)
  return text !== '' && String(value) === text ? value : NaN
}

function booleanText(text: string): boolean | undefined {
  return text === 'true' ? true : text === 'false' ? false : undefined
}

function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? toNumber(value) : NaN
}

function timeOf(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN
}
