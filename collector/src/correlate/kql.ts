/**
 * @module KQL (Kibana Query Language) for evidence queries: values quoted and escaped per Kibana's
 * grammar (kuery.peg), and and/or/not trees that simplify away parts with no KQL form. A clause KQL
 * cannot express (`matches`) stands for "true" where that widens the query and "false" where that
 * widens it under a `not`, so the query always finds at least the events the rule matched.
 */

export type Kql =
  | { readonly op: 'true' }
  | { readonly op: 'false' }
  | { readonly op: 'term'; readonly text: string }
  | { readonly op: 'and' | 'or'; readonly items: readonly Kql[] }
  | { readonly op: 'not'; readonly item: Kql }

export const KQL_TRUE: Kql = { op: 'true' }
export const KQL_FALSE: Kql = { op: 'false' }

/** A clause written as KQL text, e.g. `source.ip:"10.0.0.1"`. */
export function kqlTerm(text: string): Kql {
  return { op: 'term', text }
}

export function kqlAnd(items: readonly Kql[]): Kql {
  return combine('and', items)
}

export function kqlOr(items: readonly Kql[]): Kql {
  return combine('or', items)
}

export function kqlNot(item: Kql): Kql {
  if (item.op === 'true') return KQL_FALSE
  if (item.op === 'false') return KQL_TRUE
  if (item.op === 'not') return item.item
  return { op: 'not', item }
}

function combine(op: 'and' | 'or', items: readonly Kql[]): Kql {
  const identity = op === 'and' ? 'true' : 'false'
  const absorbing = op === 'and' ? 'false' : 'true'
  const kept: Kql[] = []
  for (const item of items) {
    if (item.op === absorbing) return item
    if (item.op === identity) continue
    if (item.op === op) kept.push(...item.items)
    else kept.push(item)
  }
  if (kept.length === 0) return op === 'and' ? KQL_TRUE : KQL_FALSE
  if (kept.length === 1) return kept[0] as Kql
  return { op, items: kept }
}

/**
 * KQL text; "true" is the empty query (everything), "false" a query nothing matches.
 *
 * @example renderKql(kqlAnd([kqlTerm('a:1'), kqlOr([kqlTerm('b:2'), kqlTerm('c:3')])])) // 'a:1 and (b:2 or c:3)'
 */
export function renderKql(query: Kql): string {
  switch (query.op) {
    case 'true':
      return ''
    case 'false':
      return 'not @timestamp:*'
    case 'term':
      return query.text
    case 'not':
      return `not ${nested(query.item)}`
    default:
      return query.items.map(nested).join(` ${query.op} `)
  }
}

function nested(query: Kql): string {
  const text = renderKql(query)
  return query.op === 'and' || query.op === 'or' ? `(${text})` : text
}

/** A quoted KQL string: backslash and double quote escaped, control whitespace as \t \r \n. */
export function quoteKql(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[\t\r\n]/g, escapeWhitespace)}"`
}

/**
 * A value for an unquoted position (around wildcards): special characters, the keywords and/or/not
 * and control whitespace escaped, so `*` added around it are the only wildcards.
 */
export function escapeKqlUnquoted(value: string): string {
  return value
    .replace(/[\\():<>"*{}]/g, '\\$&')
    .replace(/(\s)(and|or|not)(?=\s)/gi, '$1\\$2')
    .replace(/^not(?=\s)/i, '\\not')
    .replace(/[\t\r\n]/g, escapeWhitespace)
}

function escapeWhitespace(char: string): string {
  return char === '\t' ? '\\t' : char === '\r' ? '\\r' : '\\n'
}

/** A scalar as a KQL value: strings quoted, numbers and booleans bare. */
export function kqlValue(value: string | number | boolean): string {
  return typeof value === 'string' ? quoteKql(value) : String(value)
}
