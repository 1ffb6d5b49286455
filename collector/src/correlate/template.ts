/**
 * @module Summary templates: `{{source.ip}}`, `{{count}}` and friends, parsed once at load into
 * literal text and placeholders, rendered when an alert is reported.
 */
import { fieldPathProblem } from './field-path.js'
import type { RuleProblem } from './rule-problem.js'

const BUILT_INS = ['count', 'distinct', 'window', 'rule.name', 'device'] as const
type BuiltIn = (typeof BUILT_INS)[number]

type Part =
  | string
  | { readonly builtIn: BuiltIn }
  | { readonly group: number }
  /** Index into `eventFields`. */
  | { readonly field: number }

export interface CompiledTemplate {
  readonly parts: readonly Part[]
  /** Event fields the template shows (besides group fields): the engine keeps their latest values. */
  readonly eventFields: readonly string[]
}

/** What a template is rendered with. */
export interface TemplateValues {
  readonly count: number
  readonly distinct: number
  readonly window: string
  readonly ruleName: string
  readonly device: string
  readonly group: readonly string[]
  /** Latest values of `eventFields`, by index. */
  readonly fields: readonly unknown[]
}

/** What a placeholder shows when its field was not in the event. */
export const MISSING_VALUE = 'unknown'

/**
 * Parse `text`; problems are added under `at`. `{{distinct}}` is only known to distinct_count rules.
 *
 * @example compileTemplate('{{count}} failures from {{source.ip}}', { groupBy: ['source.ip'], distinct: false }, '/summary', [])
 */
export function compileTemplate(
  text: string,
  context: { readonly groupBy: readonly string[]; readonly distinct: boolean },
  at: string,
  problems: RuleProblem[],
): CompiledTemplate {
  const parts: Part[] = []
  const eventFields: string[] = []
  let rest = text
  while (rest !== '') {
    const open = rest.indexOf('{{')
    if (open < 0) break
    const close = rest.indexOf('}}', open + 2)
    if (close < 0) {
      problems.push({ path: at, message: `"{{" without a closing "}}" in ${JSON.stringify(text)}` })
      break
    }
    if (open > 0) parts.push(rest.slice(0, open))
    const name = rest.slice(open + 2, close).trim()
    rest = rest.slice(close + 2)
    if ((BUILT_INS as readonly string[]).includes(name)) {
      if (name === 'distinct' && !context.distinct) {
        problems.push({ path: at, message: '{{distinct}} is only known to distinct_count rules' })
      }
      parts.push({ builtIn: name as BuiltIn })
      continue
    }
    const group = context.groupBy.indexOf(name)
    if (group >= 0) {
      parts.push({ group })
      continue
    }
    const problem = fieldPathProblem(name)
    if (problem !== undefined) {
      problems.push({
        path: at,
        message: `{{${name}}}: ${problem}, or one of ${BUILT_INS.join(', ')}`,
      })
      continue
    }
    if (!eventFields.includes(name)) eventFields.push(name)
    parts.push({ field: eventFields.indexOf(name) })
  }
  if (rest !== '') parts.push(rest)
  return { parts, eventFields }
}

/** @example renderTemplate(template, { count: 5, ..., group: ['10.0.0.1'] }) // '5 failures from 10.0.0.1' */
export function renderTemplate(template: CompiledTemplate, values: TemplateValues): string {
  let out = ''
  for (const part of template.parts) {
    if (typeof part === 'string') out += part
    else if ('builtIn' in part) out += builtIn(part.builtIn, values)
    else if ('group' in part) out += values.group[part.group] ?? MISSING_VALUE
    else out += text(values.fields[part.field])
  }
  return out
}

function builtIn(name: BuiltIn, values: TemplateValues): string {
  switch (name) {
    case 'count':
      return String(values.count)
    case 'distinct':
      return String(values.distinct)
    case 'window':
      return values.window
    case 'rule.name':
      return values.ruleName
    case 'device':
      return values.device
  }
}

function text(value: unknown): string {
  return value === undefined || value === null ? MISSING_VALUE : String(value)
}
