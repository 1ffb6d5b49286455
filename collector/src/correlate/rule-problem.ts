/** @module Rule problems: what is wrong where in a rule, collected so loading can report all at once. */

export interface RuleProblem {
  /** JSON pointer inside the rule, e.g. `/filter/source.ip/cidr`. */
  readonly path: string
  readonly message: string
}

/** `parent/key` as a JSON pointer (RFC 6901: `~` and `/` escaped). */
export function childPath(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`
}

/** A short description of a value for messages: JSON, cut to a readable length. */
export function describeValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value))
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
