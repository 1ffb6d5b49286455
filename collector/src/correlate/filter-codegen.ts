/**
 * @module Filter code generation: a filter's clause tree becomes one JavaScript function. Each
 * field clause gets its own small function walking the path with plain property reads, so every
 * call site is monomorphic and V8 inlines the value tests; shared closures combining closures
 * measured several times slower. Nothing from a rule file is spliced into the source as code:
 * field names are emitted as JSON string literals and every value test is passed in as an argument.
 */
import { someValue, type FieldPath, type ValueTest } from './field-path.js'

export type FilterNode =
  | {
      readonly kind: 'field'
      readonly path: FieldPath
      readonly test: ValueTest
      /** The only texts the test accepts, when it is an equality on strings (the engine indexes rules by them). */
      readonly texts?: readonly string[]
    }
  | { readonly kind: 'all' | 'any'; readonly items: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly item: FilterNode }
  | { readonly kind: 'never' }

export type EventPredicate = (event: object) => boolean

/**
 * @example
 * const test = generatePredicate({ kind: 'field', path: ['event', 'outcome'], test: (v) => v === 'failure' })
 * test({ event: { outcome: 'failure' } }) // true
 */
export function generatePredicate(node: FilterNode): EventPredicate {
  const paths: FieldPath[] = []
  const tests: ValueTest[] = []
  const functions: string[] = []
  const emit = (node: FilterNode): string => {
    switch (node.kind) {
      case 'never':
        return 'false'
      case 'not':
        return `!${emit(node.item)}`
      case 'all':
      case 'any':
        return `(${node.items.map(emit).join(node.kind === 'all' ? ' && ' : ' || ')})`
      case 'field': {
        const i = paths.length
        paths.push(node.path)
        tests.push(node.test)
        functions.push(fieldFunction(i, node.path, node.texts))
        return `f${i}(e)`
      }
    }
  }
  const body = emit(node)
  const source = [
    '"use strict"',
    ...paths.map((_, i) => `const p${i} = paths[${i}], t${i} = tests[${i}]`),
    ...functions,
    `return function filter(e) { return ${body} }`,
  ].join('\n')
  const factory = new Function('paths', 'tests', 'someValue', source) as (
    paths: readonly FieldPath[],
    tests: readonly ValueTest[],
    some: typeof someValue,
  ) => EventPredicate
  return factory(paths, tests, someValue)
}

/** Texts compared inline (literals are internalized: usually a pointer comparison); more use the test's set. */
const INLINE_TEXTS = 4

/** Whether some value at path `p<i>` passes `t<i>`; lists met on the way go to someValue. */
function fieldFunction(i: number, path: FieldPath, texts: readonly string[] | undefined): string {
  const lines = [`function f${i}(e) {`, '  let v = e']
  path.forEach((segment, depth) => {
    if (depth > 0) {
      lines.push('  if (typeof v !== "object" || v === null) return false')
      lines.push(`  if (Array.isArray(v)) return someValue(v, p${i}, t${i}, ${depth})`)
    }
    lines.push(`  v = v[${JSON.stringify(segment)}]`)
  })
  lines.push('  if (v === undefined || v === null) return false')
  lines.push(`  if (Array.isArray(v)) return someValue(v, p${i}, t${i}, ${path.length})`)
  if (texts !== undefined && texts.length <= INLINE_TEXTS) {
    // For a string the test is exactly equality with one of the texts.
    const equal = texts.map((text) => `v === ${JSON.stringify(text)}`).join(' || ')
    lines.push(`  if (typeof v === "string") return ${equal}`)
  }
  lines.push(`  return t${i}(v)`, '}')
  return lines.join('\n')
}
