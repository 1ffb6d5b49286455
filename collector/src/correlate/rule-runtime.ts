/**
 * @module Rule runtime: one rule at work. It tests each event against the rule's filters, keeps
 * the state of each group key (capped, least recently updated evicted first), fires, deduplicates,
 * suppresses and resolves alerts, and counts what it did in plain numbers. For an event the
 * filters reject it does nothing else and allocates nothing; the group key is built on a match.
 */
import type { Alert, AlertChange } from './alert.js'
import { alertId, alertLabels, deviceOf, siteOf, UNKNOWN_DEVICE } from './alert-labels.js'
import type { CompiledRule } from './compile-rule.js'
import type { Condition } from './condition.js'
import { CountingCondition } from './counting-condition.js'
import { DistinctCondition } from './distinct-condition.js'
import type { AlertSnapshot, KeySnapshot, RuleSnapshot } from './engine-snapshot.js'
import { EvidenceRing } from './evidence-ring.js'
import { discoverUrl, evidenceQuery } from './evidence-link.js'
import { firstScalar, firstText, splitFieldPath, type FieldPath, type Scalar } from './field-path.js'
import type { EventPredicate } from './filter.js'
import { GroupKey, GroupKeys, type Firing } from './group-keys.js'
import { SequenceCondition } from './sequence-condition.js'
import { renderTemplate } from './template.js'

/** Per-rule counters; the collector copies them into Prometheus metrics when scraped. */
export interface RuleStats {
  ruleId: string
  /** Events tested against the rule. */
  evaluated: number
  /** Events that passed the filter (any step or part) and had every group field. */
  matched: number
  fired: number
  resolved: number
  /** Alerts not raised because the key was within suppress_for of its last alert. */
  suppressed: number
  /** Group keys tracked now. */
  keys: number
  /** Keys forgotten to make room for a new one. */
  keysEvicted: number
  /** New keys not tracked because every tracked key had a firing alert. */
  keysDropped: number
}

export interface RuntimeOptions {
  readonly maxKeys: number
  readonly evidenceEvents: number
  readonly kibanaUrl: string | undefined
  readonly onChange: (change: AlertChange) => void
}

/** What the engine needs of a rule at work, whatever the state its kind keeps. */
export interface RuleRuntime {
  readonly rule: CompiledRule
  /** The engine's first moment: absence rules start watching their `expect` keys. */
  start(now: number): void
  observe(event: object, id: string, arrival: number): void
  tick(now: number): void
  alerts(): Alert[]
  alert(id: string): Alert | undefined
  stats(evaluated: number): RuleStats
  save(): RuleSnapshot
  /** Check saved state and return what installs it; throws an Error naming the bad path. */
  load(saved: RuleSnapshot): () => void
}

// Joins the values of several group fields; a control character no field value is expected to hold.
const KEY_SEPARATOR = '\u001f'

/** absence keeps nothing but the arrival of the last match (GroupKey.lastUpdate). */
const SILENCE: Condition<null> = {
  create: () => null,
  add: () => false,
  clearedAt: () => undefined,
  firingCount: 0,
  added: () => 0,
  save: () => null,
  load(json) {
    if (json !== null) throw new Error('expected null')
    return null
  },
}

/** @example createRuleRuntime(rule, { maxKeys: 10_000, evidenceEvents: 20, kibanaUrl: undefined, onChange }) */
export function createRuleRuntime(rule: CompiledRule, options: RuntimeOptions): RuleRuntime {
  switch (rule.kind) {
    case 'threshold':
    case 'join':
      return new KeyedRule(rule, new CountingCondition(minCounts(rule), rule.window), options)
    case 'distinct_count':
      return new KeyedRule(
        rule,
        new DistinctCondition(splitFieldPath(rule.distinct ?? ''), rule.threshold, rule.window),
        options,
      )
    case 'sequence':
      return new KeyedRule(rule, new SequenceCondition(rule.parts.length, rule.window), options)
    case 'absence':
      return new KeyedRule(rule, SILENCE, options)
  }
}

function minCounts(rule: CompiledRule): number[] {
  return rule.parts.map((part) => part.minCount)
}

class KeyedRule<S> implements RuleRuntime {
  readonly rule: CompiledRule
  readonly #condition: Condition<S>
  readonly #options: RuntimeOptions
  readonly #tests: readonly EventPredicate[]
  readonly #groupPaths: readonly FieldPath[]
  readonly #fieldPaths: readonly FieldPath[]
  readonly #absence: boolean
  #keys = new GroupKeys<S>()
  #firing = new Set<GroupKey<S>>()
  #byAlertId = new Map<string, GroupKey<S>>()
  /** absence: whether the `expect` keys are watched yet. */
  #watching = false
  #matched = 0
  #fired = 0
  #resolved = 0
  #suppressed = 0
  #evicted = 0
  #dropped = 0

  constructor(rule: CompiledRule, condition: Condition<S>, options: RuntimeOptions) {
    this.rule = rule
    this.#condition = condition
    this.#options = options
    this.#tests = rule.parts.map((part) => part.filter.test)
    this.#groupPaths = rule.groupBy.map(splitFieldPath)
    this.#fieldPaths = rule.summary.eventFields.map(splitFieldPath)
    this.#absence = rule.kind === 'absence'
  }

  start(now: number): void {
    if (!this.#absence || this.#watching) return
    this.#watching = true
    for (const value of this.rule.expect) if (this.#keys.get(value) === undefined) this.#newKey(value, now)
  }

  observe(event: object, id: string, arrival: number): void {
    let parts = 0
    let bit = 1
    for (const test of this.#tests) {
      if (test(event)) parts |= bit
      bit <<= 1
    }
    if (parts === 0) return
    const key = this.#keyOf(event)
    if (key === undefined) return
    this.#matched++
    let entry = this.#keys.get(key)
    if (entry === undefined) {
      entry = this.#newKey(key, arrival)
      if (entry === undefined) return
    } else {
      this.#keys.touch(entry, arrival)
    }
    entry.lastUpdate = arrival
    entry.evidence.push(id, arrival)
    const fieldPaths = this.#fieldPaths
    for (let i = 0; i < fieldPaths.length; i++) {
      entry.fields[i] = firstScalar(event, fieldPaths[i] as FieldPath)
    }

    if (this.#absence) {
      entry.device = deviceOf(event)
      entry.site = siteOf(event)
      entry.suppressCounted = false // the silence ended
      if (entry.firing !== undefined) this.#resolve(entry, arrival)
      return
    }
    const holds = this.#condition.add(entry.state, parts, event, arrival)
    if (entry.firing !== undefined) {
      entry.firing.count++
    } else if (!holds) {
      entry.suppressCounted = false // a later hold is a new burst
    } else if (!this.#suppressedAt(entry, arrival)) {
      this.#fire(entry, arrival, deviceOf(event), siteOf(event))
    }
  }

  tick(now: number): void {
    const cleared: { entry: GroupKey<S>; at: number; id: string }[] = []
    for (const entry of this.#firing) {
      const at = this.#condition.clearedAt(entry.state, now)
      if (at !== undefined && entry.firing) cleared.push({ entry, at, id: entry.firing.id })
    }
    // In the order the conditions cleared: the same whatever order the alerts were restored in.
    cleared.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    for (const { entry, at } of cleared) this.#resolve(entry, at)
    const horizon = now - this.rule.window
    let entry = this.#keys.oldest
    // Past the first key moved inside the window, every key has an event inside it (group-keys.ts).
    while (entry !== undefined && entry.movedAt <= horizon) {
      const next = entry.newer
      if (entry.lastUpdate <= horizon) this.#lapse(entry, now)
      entry = next
    }
  }

  /** A key with no event inside the window: absence fires, other kinds forget it. */
  #lapse(entry: GroupKey<S>, now: number): void {
    if (entry.firing !== undefined) return
    if (this.#absence) {
      if (this.#suppressedAt(entry, now)) return
      const silentFrom = entry.lastUpdate + this.rule.window
      this.#fire(entry, Math.max(silentFrom, entry.suppressedUntil), entry.device, entry.site)
    } else if (entry.suppressedUntil <= now) {
      this.#keys.remove(entry)
    }
  }

  /** Oldest first (then by id), the same after a restore. */
  alerts(): Alert[] {
    const alerts: Alert[] = []
    for (const entry of this.#firing) if (entry.firing) alerts.push(this.#report(entry, entry.firing))
    return alerts.sort((a, b) => a.startsAt - b.startsAt || (a.id < b.id ? -1 : 1))
  }

  alert(id: string): Alert | undefined {
    const entry = this.#byAlertId.get(id)
    return entry?.firing === undefined ? undefined : this.#report(entry, entry.firing)
  }

  stats(evaluated: number): RuleStats {
    return {
      ruleId: this.rule.id,
      evaluated,
      matched: this.#matched,
      fired: this.#fired,
      resolved: this.#resolved,
      suppressed: this.#suppressed,
      keys: this.#keys.size,
      keysEvicted: this.#evicted,
      keysDropped: this.#dropped,
    }
  }

  #keyOf(event: object): string | undefined {
    let key: string | undefined
    for (const path of this.#groupPaths) {
      const value = firstText(event, path)
      if (value === undefined) return undefined
      key = key === undefined ? value : key + KEY_SEPARATOR + value
    }
    return key ?? ''
  }

  #newKey(key: string, now: number): GroupKey<S> | undefined {
    if (this.#keys.size >= this.#options.maxKeys && !this.#evictOne()) {
      this.#dropped++
      return undefined
    }
    const entry = new GroupKey(
      key,
      this.#valuesOf(key),
      this.#condition.create(),
      new EvidenceRing(this.#options.evidenceEvents),
      now,
    )
    this.#keys.add(entry)
    return entry
  }

  #valuesOf(key: string): string[] {
    const fields = this.#groupPaths.length
    return fields === 0 ? [] : fields === 1 ? [key] : key.split(KEY_SEPARATOR)
  }

  /** Forget the least recently updated key without a firing alert; false when every key fires. */
  #evictOne(): boolean {
    if (this.#firing.size >= this.#keys.size) return false
    for (let entry = this.#keys.oldest; entry !== undefined; entry = entry.newer) {
      if (entry.firing !== undefined) continue
      this.#keys.remove(entry)
      this.#evicted++
      return true
    }
    return false
  }

  /** Whether an alert for the key is suppressed at `time` (counted once per burst that would fire). */
  #suppressedAt(entry: GroupKey<S>, time: number): boolean {
    if (entry.suppressedUntil <= time) return false
    if (!entry.suppressCounted) {
      this.#suppressed++
      entry.suppressCounted = true
    }
    return true
  }

  #fire(entry: GroupKey<S>, at: number, device: string | undefined, site: string | undefined): void {
    const rule = this.rule
    const firing: Firing = {
      id: alertId(rule.id, entry.key),
      startsAt: at,
      labels: alertLabels(rule, entry.values, device, site),
      triggeredByArrival: at,
      query: evidenceQuery(rule, entry.values),
      // absence: the last events before the silence are the evidence, however old.
      evidenceAfter: this.#absence ? -Infinity : at - rule.window,
      addedAtFire: this.#condition.added(entry.state),
      count: this.#condition.firingCount,
    }
    entry.firing = firing
    this.#firing.add(entry)
    this.#byAlertId.set(firing.id, entry)
    this.#fired++
    this.#options.onChange({ type: 'firing', alert: this.#report(entry, firing) })
  }

  #resolve(entry: GroupKey<S>, at: number): void {
    const firing = entry.firing
    if (firing === undefined) return
    entry.firing = undefined
    this.#firing.delete(entry)
    this.#byAlertId.delete(firing.id)
    entry.suppressedUntil = at + this.rule.suppressFor
    entry.suppressCounted = false
    this.#resolved++
    this.#options.onChange({ type: 'resolved', alert: this.#report(entry, firing, at) })
  }

  /** The alert as reported: a fresh object, annotations rendered now. */
  #report(entry: GroupKey<S>, firing: Firing, endsAt?: number): Alert {
    const rule = this.rule
    const evidence = entry.evidence.since(firing.evidenceAfter)
    const from = evidence?.from ?? firing.startsAt
    const to = evidence?.to ?? firing.startsAt
    const annotations: Record<string, string> = {
      summary: renderTemplate(rule.summary, {
        count: firing.count,
        distinct: rule.threshold + this.#condition.added(entry.state) - firing.addedAtFire,
        window: rule.windowText,
        ruleName: rule.name,
        device: firing.labels.device ?? UNKNOWN_DEVICE,
        group: entry.values,
        fields: entry.fields,
      }),
    }
    if (rule.description !== undefined) annotations.description = rule.description
    if (rule.runbookUrl !== undefined) annotations.runbook_url = rule.runbookUrl
    annotations.evidence_query = firing.query
    const kibanaUrl = this.#options.kibanaUrl
    if (kibanaUrl !== undefined) {
      annotations.evidence_url = discoverUrl(kibanaUrl, firing.query, from, endsAt ?? to)
    }
    return {
      id: firing.id,
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      status: endsAt === undefined ? 'firing' : 'resolved',
      labels: { ...firing.labels },
      annotations,
      groupKey: Object.fromEntries(rule.groupBy.map((field, i) => [field, entry.values[i] ?? ''])),
      startsAt: firing.startsAt,
      ...(endsAt === undefined ? {} : { endsAt }),
      count: firing.count,
      evidence: { eventIds: evidence?.ids ?? [], query: firing.query, from, to },
      triggeredByArrival: firing.triggeredByArrival,
    }
  }

  save(): RuleSnapshot {
    const keys: KeySnapshot[] = []
    for (const entry of this.#keys) {
      keys.push({
        values: [...entry.values],
        lastUpdate: entry.lastUpdate,
        movedAt: entry.movedAt,
        suppressedUntil: Number.isFinite(entry.suppressedUntil) ? entry.suppressedUntil : null,
        suppressCounted: entry.suppressCounted,
        device: entry.device ?? null,
        site: entry.site ?? null,
        fields: entry.fields.map((value) => (value as Scalar | undefined) ?? null),
        evidence: entry.evidence.entries(),
        state: this.#condition.save(entry.state),
        alert: entry.firing === undefined ? null : saveFiring(entry.firing),
      })
    }
    return { ruleId: this.rule.id, hash: this.rule.hash, watching: this.#watching, keys }
  }

  load(saved: RuleSnapshot): () => void {
    const keys = new GroupKeys<S>()
    const firing = new Set<GroupKey<S>>()
    const byAlertId = new Map<string, GroupKey<S>>()
    saved.keys.forEach((item, i) => {
      const entry = this.#loadKey(item, `/keys/${i}`)
      if (keys.get(entry.key) !== undefined) throw new Error(`/keys/${i}/values: the same group key twice`)
      keys.add(entry)
      if (entry.firing !== undefined) {
        firing.add(entry)
        byAlertId.set(entry.firing.id, entry)
      }
    })
    // A smaller cap than when saved: forget the stalest keys without an alert.
    for (let entry = keys.oldest; entry !== undefined && keys.size > this.#options.maxKeys;) {
      const next = entry.newer
      if (entry.firing === undefined) keys.remove(entry)
      entry = next
    }
    return () => {
      this.#keys = keys
      this.#firing = firing
      this.#byAlertId = byAlertId
      this.#watching = saved.watching
    }
  }

  #loadKey(item: KeySnapshot, at: string): GroupKey<S> {
    if (item.values.length !== this.#groupPaths.length) {
      throw new Error(`${at}/values: expected ${this.#groupPaths.length} group values`)
    }
    const { ids, times } = item.evidence
    if (ids.length !== times.length) throw new Error(`${at}/evidence: as many times as ids expected`)
    if (item.fields.length > this.#fieldPaths.length) {
      throw new Error(`${at}/fields: expected at most ${this.#fieldPaths.length} values`)
    }
    let state: S
    try {
      state = this.#condition.load(item.state)
    } catch (error) {
      throw new Error(`${at}/state: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      })
    }
    const key = item.values.join(KEY_SEPARATOR)
    const entry = new GroupKey(
      key,
      item.values,
      state,
      EvidenceRing.of(this.#options.evidenceEvents, ids, times),
      item.lastUpdate,
    )
    entry.movedAt = item.movedAt
    entry.fields.push(...item.fields.map((value) => value ?? undefined))
    entry.suppressedUntil = item.suppressedUntil ?? -Infinity
    entry.suppressCounted = item.suppressCounted
    entry.device = item.device ?? undefined
    entry.site = item.site ?? undefined
    if (item.alert !== null) {
      if (item.alert.id !== alertId(this.rule.id, key)) {
        throw new Error(`${at}/alert/id: not the id of this rule and group key`)
      }
      entry.firing = loadFiring(item.alert)
    }
    return entry
  }
}

function saveFiring(firing: Firing): AlertSnapshot {
  return {
    id: firing.id,
    startsAt: firing.startsAt,
    labels: { ...firing.labels },
    triggeredByArrival: firing.triggeredByArrival,
    query: firing.query,
    evidenceAfter: Number.isFinite(firing.evidenceAfter) ? firing.evidenceAfter : null,
    addedAtFire: firing.addedAtFire,
    count: firing.count,
  }
}

function loadFiring(saved: AlertSnapshot): Firing {
  return { ...saved, labels: { ...saved.labels }, evidenceAfter: saved.evidenceAfter ?? -Infinity }
}
