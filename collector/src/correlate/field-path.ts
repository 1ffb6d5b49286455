/**
 * @module Field paths: dotted ECS paths (`source.ip`) split once into segments and read from nested
 * event objects without allocating. Lists on the way and at the end are searched element by element,
 * as Elasticsearch treats multi-valued fields.
 */

/** A field path split into its segments. */
export type FieldPath = readonly string[]

export type Scalar = string | number | boolean

/** Tests one value found at a path; never called with undefined or null. */
export type ValueTest = (value: unknown) => boolean

const FIELD_PATH = /^[A-Za-z_@][A-Za-z0-9_@-]*(?:\.[A-Za-z0-9_@-]+)*$/

// Names every plain object inherits: a path through them would read the prototype, not the event.
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype))

/** Why `text` is not a usable field path, or undefined when it is one. */
export function fieldPathProblem(text: string): string | undefined {
  if (!FIELD_PATH.test(text)) {
    return `${JSON.stringify(text)} is not a field path (expected dotted names such as source.ip)`
  }
  const inherited = text.split('.').find((segment) => INHERITED.has(segment))
  if (inherited !== undefined) return `${JSON.stringify(text)}: "${inherited}" cannot be a field name`
  return undefined
}

/** @example splitFieldPath('source.ip') // ['source', 'ip'] */
export function splitFieldPath(text: string): FieldPath {
  return text.split('.')
}

/**
 * Whether any value at `path` satisfies `test`. `from` is the segment to start at (for recursion
 * into lists met on the way).
 *
 * @example someValue({ host: { ip: ['10.0.0.1'] } }, ['host', 'ip'], (v) => v === '10.0.0.1') // true
 */
export function someValue(node: unknown, path: FieldPath, test: ValueTest, from = 0): boolean {
  let value = node
  for (let i = from; i < path.length; i++) {
    if (typeof value !== 'object' || value === null) return false
    if (Array.isArray(value)) {
      for (const element of value) if (someValue(element, path, test, i)) return true
      return false
    }
    value = (value as Record<string, unknown>)[path[i] as string]
  }
  if (value === undefined || value === null) return false
  if (Array.isArray(value)) {
    for (const element of value) if (someValue(element, path, test, path.length)) return true
    return false
  }
  return test(value)
}

/**
 * The first scalar at `path` (the first element of a list), or undefined. Group keys, labels and
 * template values use it.
 *
 * @example firstScalar({ source: { port: 22 } }, ['source', 'port']) // 22
 */
export function firstScalar(node: unknown, path: FieldPath): Scalar | undefined {
  let value = node
  for (const segment of path) {
    while (Array.isArray(value)) value = value[0]
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  while (Array.isArray(value)) value = value[0]
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? value
    : undefined
}

/** `firstScalar` as text: what group keys and labels hold. */
export function firstText(node: unknown, path: FieldPath): string | undefined {
  const value = firstScalar(node, path)
  return typeof value === 'string' ? value : value === undefined ? undefined : String(value)
}
