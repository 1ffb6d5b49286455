/**
 * @module Correlation engine: runs the loaded rules over every spooled event in arrival order and
 * reports alerts as they fire and resolve. Time is what the caller says (event arrival, tick time),
 * never the clock, so a replay gives the same alerts. Its state can be saved and restored across
 * restarts, rule by rule, for rules whose definition did not change.
 */
import { Ajv } from 'ajv'
import { SentinelError } from '../errors/codes.js'
import type { Alert, AlertChange } from './alert.js'
import type { CompiledRule } from './compile-rule.js'
import { EngineSnapshot } from './engine-snapshot.js'
import { buildRuleIndexes, type Observer, type RuleIndex } from './rule-index.js'
import { createRuleRuntime, type RuleRuntime, type RuleStats } from './rule-runtime.js'

export type { RuleStats } from './rule-runtime.js'
export type { EngineSnapshot } from './engine-snapshot.js'

export interface EngineOptions {
  /** Group keys each rule tracks at once; at the cap the stalest key without an alert is evicted. */
  maxKeysPerRule: number
  /** Ids of the newest matching events an alert keeps as evidence. */
  evidenceEvents: number
  /** Kibana base URL: alerts then carry an `evidence_url` into Discover. */
  kibanaUrl?: string
  /** Called synchronously for every alert that starts firing or resolves. */
  onChange: (change: AlertChange) => void
}

/** `event.dataset` of the alert history, which the engine must not correlate on. */
const ALERT_DATASET = 'sentinel.alert'

const ajv = new Ajv({ allErrors: false, strict: false })
const validateSnapshot = ajv.compile<EngineSnapshot>(EngineSnapshot)

export class CorrelationEngine {
  readonly #runtimes: readonly RuleRuntime[]
  readonly #byRuleId: ReadonlyMap<string, RuleRuntime>
  readonly #indexes: readonly RuleIndex[]
  readonly #unindexed: readonly Observer[]
  #evaluated = 0
  #started = false

  /**
   * @example
   * const engine = new CorrelationEngine(await loadRules(['rules/*.yml'], { baseDir: '.' }), {
   *   maxKeysPerRule: 10_000, evidenceEvents: 20, onChange: (change) => send(change),
   * })
   */
  constructor(rules: readonly CompiledRule[], options: EngineOptions) {
    for (const [name, value] of [
      ['maxKeysPerRule', options.maxKeysPerRule],
      ['evidenceEvents', options.evidenceEvents],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`CorrelationEngine: ${name} must be an integer >= 1 (got ${value})`)
      }
    }
    const byRuleId = new Map<string, RuleRuntime>()
    for (const rule of rules) {
      if (!rule.enabled) continue
      if (byRuleId.has(rule.id)) throw new RangeError(`CorrelationEngine: duplicate rule id ${rule.id}`)
      byRuleId.set(
        rule.id,
        createRuleRuntime(rule, {
          maxKeys: options.maxKeysPerRule,
          evidenceEvents: options.evidenceEvents,
          kibanaUrl: options.kibanaUrl,
          onChange: options.onChange,
        }),
      )
    }
    this.#byRuleId = byRuleId
    this.#runtimes = [...byRuleId.values()]
    const { indexes, unindexed } = buildRuleIndexes(this.#runtimes)
    this.#indexes = indexes
    this.#unindexed = unindexed
  }

  /** One spooled event, in arrival order; `id` is its `<spool id>-<seq>`, `arrivalMs` when it was read. */
  observe(event: object, id: string, arrivalMs: number): void {
    if ((event as { event?: { dataset?: unknown } }).event?.dataset === ALERT_DATASET) return
    if (!this.#started) this.#start(arrivalMs)
    const seq = ++this.#evaluated
    for (const index of this.#indexes) index.observe(event, id, arrivalMs, seq)
    for (const runtime of this.#unindexed) runtime.observe(event, id, arrivalMs)
  }

  /** Let time pass: alerts whose condition cleared resolve, silent keys fire (absence), idle keys go. */
  tick(nowMs: number): void {
    if (!this.#started) this.#start(nowMs)
    for (const runtime of this.#runtimes) runtime.tick(nowMs)
  }

  /** Firing alerts, freshly built (annotations rendered now). */
  active(): Alert[] {
    return this.#runtimes.flatMap((runtime) => runtime.alerts())
  }

  /** A firing alert by id. */
  get(alertId: string): Alert | undefined {
    return this.#byRuleId.get(alertId.slice(0, alertId.lastIndexOf(':')))?.alert(alertId)
  }

  stats(): RuleStats[] {
    return this.#runtimes.map((runtime) => runtime.stats(this.#evaluated))
  }

  /** The state of every rule, JSON-safe. */
  snapshot(): EngineSnapshot {
    return { version: 1, rules: this.#runtimes.map((runtime) => runtime.save()) }
  }

  /**
   * Restore a snapshot: rules whose definition is unchanged (same hash) get their saved state,
   * active alerts included; the others are skipped and start empty. A malformed snapshot changes
   * nothing and throws SentinelError SNT_ERR_RULES_STATE naming the bad path.
   */
  restore(snapshot: unknown): { restored: string[]; skipped: string[] } {
    if (!validateSnapshot(snapshot)) {
      const [error] = validateSnapshot.errors ?? []
      throw new SentinelError('SNT_ERR_RULES_STATE', [
        `${error?.instancePath || '/'}: ${error?.message ?? 'not a rule engine snapshot'}`,
      ])
    }
    const restored: string[] = []
    const skipped: string[] = []
    const installs: (() => void)[] = []
    snapshot.rules.forEach((saved, i) => {
      if (restored.includes(saved.ruleId) || skipped.includes(saved.ruleId)) {
        throw new SentinelError('SNT_ERR_RULES_STATE', [`/rules/${i}/ruleId: ${saved.ruleId} appears twice`])
      }
      const runtime = this.#byRuleId.get(saved.ruleId)
      if (runtime === undefined || runtime.rule.hash !== saved.hash) {
        skipped.push(saved.ruleId)
        return
      }
      try {
        installs.push(runtime.load(saved))
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new SentinelError('SNT_ERR_RULES_STATE', [`/rules/${i}${reason}`], { cause: error })
      }
      restored.push(saved.ruleId)
    })
    for (const install of installs) install()
    return { restored, skipped }
  }

  #start(now: number): void {
    this.#started = true
    for (const runtime of this.#runtimes) runtime.start(now)
  }
}
