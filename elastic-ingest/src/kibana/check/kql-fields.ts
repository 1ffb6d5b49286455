/**
 * @module The field names a KQL query refers to, for checking saved objects against the index
 * templates. Follows Kibana's KQL grammar (kuery.peggy) as far as field references go: a field is
 * an unquoted literal followed by `:` or a range operator; quoted strings and escapes are values.
 */

/** One field reference in a query. */
export interface KqlFieldUse {
  field: string
  /** `>`, `>=`, `<` or `<=` (needs a numeric, date or ip field), else `:`. */
  operator: ':' | '>' | '>=' | '<' | '<='
}

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'quoted' }
  | { kind: 'operator'; text: KqlFieldUse['operator'] }
  | { kind: 'open' | 'close' }

const SPECIAL = new Set(['(', ')', ':', '<', '>', '"', '{', '}'])

function tokenize(query: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < query.length) {
    const c = query.charAt(i)
    if (/\s/.test(c)) {
      i++
    } else if (c === '(' || c === '{') {
      tokens.push({ kind: 'open' })
      i++
    } else if (c === ')' || c === '}') {
      tokens.push({ kind: 'close' })
      i++
    } else if (c === ':') {
      tokens.push({ kind: 'operator', text: ':' })
      i++
    } else if (c === '<' || c === '>') {
      const withEquals = query.charAt(i + 1) === '='
      tokens.push({ kind: 'operator', text: withEquals ? (c === '<' ? '<=' : '>=') : c })
      i += withEquals ? 2 : 1
    } else if (c === '"') {
      i++
      while (i < query.length && query.charAt(i) !== '"') i += query.charAt(i) === '\\' ? 2 : 1
      if (i >= query.length) throw new SyntaxError(`Unterminated quoted string in KQL: ${query}`)
      i++
      tokens.push({ kind: 'quoted' })
    } else {
      let text = ''
      while (i < query.length && !/\s/.test(query.charAt(i)) && !SPECIAL.has(query.charAt(i))) {
        if (query.charAt(i) === '\\') i++
        text += query.charAt(i)
        i++
      }
      tokens.push({ kind: 'word', text })
    }
  }
  return tokens
}

/**
 * Every field `query` names, in order, with the operator it is used with. Throws a SyntaxError for
 * an unterminated string, unbalanced parentheses, or an operator without a field.
 * @example kqlFields('event.outcome: failure and sentinel.anomaly.score >= 0.8')
 * // [{ field: 'event.outcome', operator: ':' }, { field: 'sentinel.anomaly.score', operator: '>=' }]
 */
export function kqlFields(query: string): KqlFieldUse[] {
  const tokens = tokenize(query)
  const uses: KqlFieldUse[] = []
  let depth = 0
  tokens.forEach((token, n) => {
    if (token.kind === 'open') depth++
    else if (token.kind === 'close' && --depth < 0) throw new SyntaxError(`Unbalanced ")" in KQL: ${query}`)
    else if (token.kind === 'operator') {
      const before = tokens[n - 1]
      if (before?.kind !== 'word')
        throw new SyntaxError(`"${token.text}" without a field name in KQL: ${query}`)
      uses.push({ field: before.text, operator: token.text })
    }
  })
  if (depth !== 0) throw new SyntaxError(`Unbalanced "(" in KQL: ${query}`)
  return uses
}
