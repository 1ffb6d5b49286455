/**
 * @module Rule loading: rule files (YAML) -> validated against the schema with defaults applied ->
 * compiled. Every problem of every file is reported at once, each as
 * `<file>: rule <id>: <path in the rule>: <what is wrong>`, in one SNT_ERR_RULES_INVALID error.
 */
import { readFile } from 'node:fs/promises'
import { Ajv, type ErrorObject } from 'ajv'
import { parseDocument } from 'yaml'
import { SentinelError } from '../errors/codes.js'
import { compileRule, type CompiledRule } from './compile-rule.js'
import { childPath, describeValue, type RuleProblem } from './rule-problem.js'
import { expandRulePatterns } from './rule-files.js'
import { RuleFile } from './rule-schema.js'

export type { CompiledRule } from './compile-rule.js'

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false, discriminator: true })
const validateRuleFile = ajv.compile<RuleFile>(RuleFile)

/**
 * Parse, validate and compile the rules of one file; `file` names it in messages. Throws
 * SentinelError SNT_ERR_RULES_INVALID listing every problem.
 *
 * @example compileRuleFile(await readFile('alerting/rules/auth.yml', 'utf8'), 'alerting/rules/auth.yml')
 */
export function compileRuleFile(text: string, file: string): CompiledRule[] {
  const { rules, problems } = checkRuleFile(text, file)
  if (problems.length > 0) throw rulesInvalid(problems)
  return rules
}

/**
 * Load the rules of every file the patterns name (paths or `*` globs, relative to `baseDir`). Rule
 * ids must be unique across all files.
 *
 * @example await loadRules(['alerting/rules/*.yml'], { baseDir: process.cwd() })
 */
export async function loadRules(
  patterns: readonly string[],
  options: { baseDir: string },
): Promise<CompiledRule[]> {
  let files
  try {
    files = await expandRulePatterns(patterns, options.baseDir)
  } catch (error) {
    throw rulesInvalid([error instanceof Error ? error.message : String(error)])
  }
  const rules: CompiledRule[] = []
  const problems: string[] = []
  const owners = new Map<string, string>()
  for (const { path, display } of files) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      problems.push(`${display}: cannot read: ${error instanceof Error ? error.message : String(error)}`)
      continue
    }
    const checked = checkRuleFile(text, display)
    problems.push(...checked.problems)
    for (const rule of checked.rules) {
      const owner = owners.get(rule.id)
      if (owner !== undefined) {
        problems.push(`${display}: rule ${rule.id}: /id: duplicate id, also in ${owner}`)
        continue
      }
      owners.set(rule.id, display)
      rules.push(rule)
    }
  }
  if (problems.length > 0) throw rulesInvalid(problems)
  return rules
}

function rulesInvalid(problems: readonly string[]): SentinelError {
  const detail = problems.length === 1 ? (problems[0] as string) : `\n  - ${problems.join('\n  - ')}`
  return new SentinelError('SNT_ERR_RULES_INVALID', [detail])
}

/** The compiled rules of a file and its problems as message lines (no rules when there are any). */
function checkRuleFile(text: string, file: string): { rules: CompiledRule[]; problems: string[] } {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    const details = document.errors.map((e) => e.message.split('\n')[0]?.replace(/:$/, '')).join('; ')
    return { rules: [], problems: [`${file}: not valid YAML: ${details}`] }
  }
  const raw: unknown = document.toJS() ?? { rules: [] }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      rules: [],
      problems: [`${file}: expected a mapping with a rules: list (got ${describeValue(raw)})`],
    }
  }
  if (!validateRuleFile(raw)) {
    return { rules: [], problems: schemaProblems(raw, validateRuleFile.errors ?? [], file) }
  }
  const problems: string[] = []
  const rules: CompiledRule[] = []
  const first = new Map<string, number>()
  raw.rules.forEach((definition, i) => {
    const label = `${file}: rule ${definition.id}`
    const ruleProblems: RuleProblem[] = []
    const rule = compileRule(definition, file, ruleProblems)
    const earlier = first.get(definition.id)
    if (earlier !== undefined) {
      ruleProblems.push({ path: '/id', message: `duplicate id, also rule #${earlier + 1} of this file` })
    } else first.set(definition.id, i)
    problems.push(...ruleProblems.map((p) => `${label}: ${p.path}: ${p.message}`))
    rules.push(rule)
  })
  return problems.length > 0 ? { rules: [], problems } : { rules, problems }
}

/** Schema errors as `file: rule <id>: <path>: <message>` lines, each once. */
function schemaProblems(raw: object, errors: readonly ErrorObject[], file: string): string[] {
  const rules = (raw as { rules?: unknown }).rules
  const lines: string[] = []
  for (const error of errors) {
    const { path, message } = describeError(error)
    const inRule = /^\/rules\/(\d+)(.*)$/.exec(path)
    let line: string
    if (inRule) {
      const index = Number(inRule[1])
      const rule: unknown = Array.isArray(rules) ? rules[index] : undefined
      const id = (rule as { id?: unknown } | undefined)?.id
      const label = typeof id === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(id) ? id : `#${index + 1}`
      line = `${file}: rule ${label}: ${inRule[2] || '/'}: ${message}`
    } else {
      line = `${file}: ${path || '/'}: ${message}`
    }
    if (!lines.includes(line)) lines.push(line)
  }
  return lines
}

function describeError(error: ErrorObject): RuleProblem {
  const at = error.instancePath
  const got = ` (got ${describeValue(error.data)})`
  const schema = (error.parentSchema ?? {}) as {
    description?: string
    properties?: object
    patternProperties?: object
  }
  switch (error.keyword) {
    case 'required':
      return { path: childPath(at, String(error.params.missingProperty)), message: 'required' }
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty)
      if (schema.patternProperties) {
        return {
          path: childPath(at, key),
          message: `invalid key (expected ${schema.description ?? 'a valid name'})`,
        }
      }
      const known = Object.keys(schema.properties ?? {})
      return { path: childPath(at, key), message: `unknown key (expected one of: ${known.join(', ')})` }
    }
    case 'discriminator': {
      const tag = String(error.params.tag)
      return error.params.error === 'mapping'
        ? {
            path: childPath(at, tag),
            message: `expected one of threshold, distinct_count, sequence, absence, join (got ${describeValue(error.params.tagValue)})`,
          }
        : { path: childPath(at, tag), message: 'required' }
    }
    case 'enum':
      return {
        path: at,
        message: `expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`,
      }
    case 'pattern':
      return {
        path: at,
        message: `expected ${schema.description ?? `a string matching ${String(error.params.pattern)}`}${got}`,
      }
    case 'type':
      return { path: at, message: `expected ${String(error.params.type)}${got}` }
    case 'minItems':
      return { path: at, message: `expected at least ${String(error.params.limit)} items${got}` }
    case 'maxItems':
      return { path: at, message: `expected at most ${String(error.params.limit)} items${got}` }
    case 'minimum':
    case 'maximum':
      return {
        path: at,
        message: `expected a number ${String(error.params.comparison)} ${String(error.params.limit)}${got}`,
      }
    case 'minLength':
      return { path: at, message: `expected a non-empty string${got}` }
    case 'uniqueItems':
      return {
        path: at,
        message: `items ${String(error.params.j)} and ${String(error.params.i)} are the same${got}`,
      }
    default:
      return { path: at, message: `${error.message ?? error.keyword}${got}` }
  }
}
