/**
 * @module Rule index: most rules require one of a few texts in some field (`event.dataset: sentinel.snmp`,
 * `event.category: authentication`). For each such field shared by several rules the engine reads
 * the field once per event and runs only the rules whose texts it holds, instead of testing every
 * rule's filter. Rules without such a clause run on every event.
 */
import type { CompiledRule } from './compile-rule.js'
import { someValue, splitFieldPath, type FieldPath } from './field-path.js'
import type { FilterNode } from './filter-codegen.js'

/** What an index runs: a rule at work. */
export interface Observer {
  readonly rule: CompiledRule
  observe(event: object, id: string, arrival: number): void
}

/** An indexed rule, marked with the last event it ran on (a list field can name it twice). */
class Entry {
  readonly observer: Observer
  lastSeq = 0

  constructor(observer: Observer) {
    this.observer = observer
  }
}

const NO_EVENT = {}

export class RuleIndex {
  readonly field: string
  readonly #path: FieldPath
  readonly #byText = new Map<string, Entry[]>()
  // The event being dispatched, for #visit (set per call, so dispatching allocates nothing).
  #event: object = NO_EVENT
  #id = ''
  #arrival = 0
  #seq = 0
  readonly #visit = (value: unknown): boolean => {
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : undefined
    const entries = text === undefined ? undefined : this.#byText.get(text)
    if (entries === undefined) return false
    for (const entry of entries) {
      if (entry.lastSeq === this.#seq) continue
      entry.lastSeq = this.#seq
      entry.observer.observe(this.#event, this.#id, this.#arrival)
    }
    return false
  }

  constructor(field: string, rules: readonly { observer: Observer; texts: readonly string[] }[]) {
    this.field = field
    this.#path = splitFieldPath(field)
    for (const { observer, texts } of rules) {
      const entry = new Entry(observer)
      for (const text of texts) {
        const entries = this.#byText.get(text)
        if (entries === undefined) this.#byText.set(text, [entry])
        else if (!entries.includes(entry)) entries.push(entry)
      }
    }
  }

  /** Run the rules the event's field values name; `seq` is unique per event. */
  observe(event: object, id: string, arrival: number, seq: number): void {
    this.#event = event
    this.#id = id
    this.#arrival = arrival
    this.#seq = seq
    someValue(event, this.#path, this.#visit)
    this.#event = NO_EVENT
  }
}

/**
 * Split observers into indexes (greedily by the field most rules require texts of, while at least
 * two share it) and the rest, which run on every event.
 *
 * @example const { indexes, unindexed } = buildRuleIndexes(runtimes)
 */
export function buildRuleIndexes(observers: readonly Observer[]): {
  indexes: RuleIndex[]
  unindexed: Observer[]
} {
  let remaining = observers.map((observer) => ({ observer, guards: ruleGuards(observer.rule) }))
  const indexes: RuleIndex[] = []
  for (;;) {
    const counts = new Map<string, number>()
    for (const { guards } of remaining)
      for (const field of guards.keys()) counts.set(field, (counts.get(field) ?? 0) + 1)
    const [best] = [...counts].filter(([, n]) => n >= 2).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    if (best === undefined) break
    const [field] = best
    const chosen = remaining.filter(({ guards }) => guards.has(field))
    indexes.push(
      new RuleIndex(
        field,
        chosen.map(({ observer, guards }) => ({ observer, texts: guards.get(field) ?? [] })),
      ),
    )
    remaining = remaining.filter(({ guards }) => !guards.has(field))
  }
  return { indexes, unindexed: remaining.map(({ observer }) => observer) }
}

/** Field -> texts one of which every matching event holds there (over all steps or parts). */
function ruleGuards(rule: CompiledRule): Map<string, string[]> {
  const perPart = rule.parts.map((part) => nodeGuards(part.filter.node))
  const [first, ...others] = perPart
  const guards = new Map<string, string[]>()
  for (const [field, texts] of first ?? []) {
    if (!others.every((guard) => guard.has(field))) continue
    guards.set(field, [...new Set([texts, ...others.map((guard) => guard.get(field) ?? [])].flat())])
  }
  return guards
}

function nodeGuards(node: FilterNode): Map<string, readonly string[]> {
  const guards = new Map<string, readonly string[]>()
  for (const item of node.kind === 'all' ? node.items : [node]) {
    if (item.kind !== 'field' || item.texts === undefined) continue
    const field = item.path.join('.')
    if (!guards.has(field)) guards.set(field, item.texts)
  }
  return guards
}
