/**
 * @module Alertmanager sender: delivers the rule engine's alert changes to every configured
 * Alertmanager with `POST /api/v2/alerts`, as Prometheus' notifier does, and keeps firing alerts
 * alive there by sending them again every `resend_interval_secs`.
 *
 * Each Alertmanager has its own queue and loop, so a dead member of an HA pair never delays the
 * other. A queue holds one state per alert id (the newest wins: a resolution replaces a firing
 * state still waiting), is capped at `max_queued_alerts`, and is sent in batches of
 * `max_batch_alerts`, one request at a time. Failed requests are retried with backoff (retry.ts,
 * ../backoff.ts); 4xx answers drop the batch. Alerts live in memory: the engine re-reports what
 * still fires after a restart, and Alertmanager expires what nobody renews.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Alert, AlertChange } from '../../correlate/alert.js'
import { LogRateLimit } from '../../telemetry/log-rate-limit.js'
import type { Logger } from '../../telemetry/logger.js'
import type { CollectorMetrics } from '../../telemetry/metrics.js'
import { backoffDelayMs } from '../backoff.js'
import type { AlertmanagerSinkConfig } from './config.js'
import { encodeAlert, invalidReason, type AlertState } from './encoder.js'
import { AlertmanagerHealth } from './health.js'
import { authorizationHeader, createEndpoints, send, type AlertmanagerEndpoint } from './request.js'
import { classifyOutcome, meansDown, type FailureReason, type RequestOutcome } from './retry.js'

export interface AlertmanagerSenderDeps {
  metrics: CollectorMetrics
  logger: Logger
  /** The link back to the alert's evidence (postableAlert `generatorURL`), e.g. from `public_url`. */
  generatorUrl: (alert: Alert) => string
  /** Clock for startsAt/endsAt and acceptance times (ms); tests pin it. */
  now?: () => number
  /**
   * Called once per reported change (firing or resolved), when the first Alertmanager accepts it;
   * never for re-sends. `acceptedAtMs` minus `alert.triggeredByArrival` is the alert latency.
   */
  onAccepted?: (alert: Alert, acceptedAtMs: number) => void
  /** Jitter source for backoff; tests pin it. */
  random?: () => number
}

/** One alert state on its way to the Alertmanagers; shared by their queues. */
interface Delivery {
  state: AlertState
  /** A periodic re-send of a firing alert, not a reported change. */
  resend: boolean
  /** Some Alertmanager accepted it already (latency observed, onAccepted called). */
  accepted: boolean
}

/** One Alertmanager's queue and loop. */
interface Target {
  endpoint: AlertmanagerEndpoint
  health: AlertmanagerHealth
  /** Waiting states by alert id, oldest first. */
  pending: Map<string, Delivery>
  /** The batch in flight or waiting for its retry. */
  batch: Delivery[]
  /** Resolves the loop's wait for work. */
  wake: (() => void) | undefined
  loop: Promise<void> | undefined
  /** Queue-overflow lines: one per interval, with the count held back. */
  queueFullLog: LogRateLimit
}

/** How often a queue overflow is logged again. */
const QUEUE_FULL_LOG_INTERVAL_MS = 30_000

/**
 * Sends alert changes to Alertmanager.
 *
 * @example
 * const sender = new AlertmanagerSender(config.sinks.alertmanager, {
 *   metrics, logger, generatorUrl: (a) => `${publicUrl}/api/v1/alerts/${encodeURIComponent(a.id)}`,
 * })
 * sender.setActive(() => engine.activeAlerts())
 * sender.start()
 * engine.onChange((change) => sender.send(change))
 * // on shutdown:
 * await sender.stop()
 */
export class AlertmanagerSender {
  readonly #config: AlertmanagerSinkConfig
  readonly #deps: AlertmanagerSenderDeps
  readonly #now: () => number
  readonly #targets: Target[]
  readonly #headers: Record<string, string>
  /** Firing alerts as reported by send(), for re-sends when no setActive() provider is given. */
  readonly #firing = new Map<string, Alert>()
  readonly #stopSignal = new AbortController()
  /** Rule ids whose invalid alerts were logged already. */
  readonly #invalidLogged = new Set<string>()
  #active: (() => Alert[]) | undefined
  #badLinkLogged = false
  #resendTimer: NodeJS.Timeout | undefined
  #probes: Promise<void>[] = []
  #started = false
  #stopping = false
  #stopped: Promise<void> | undefined

  /** Throws SNT_ERR_CONFIG_INVALID / SNT_ERR_TLS_CONFIG for settings that cannot work. */
  constructor(config: AlertmanagerSinkConfig, deps: AlertmanagerSenderDeps) {
    this.#config = config
    this.#deps = deps
    this.#now = deps.now ?? Date.now
    const authorization = authorizationHeader(config)
    this.#headers = { 'user-agent': 'Sentinel-Collector', ...(authorization ? { authorization } : {}) }
    this.#targets = createEndpoints(config).map((endpoint) => ({
      endpoint,
      health: new AlertmanagerHealth({
        alertmanager: endpoint.label,
        logger: deps.logger,
        now: this.#now,
        setUp: (up) => deps.metrics.alertmanagerUp.set({ alertmanager: endpoint.label }, up),
      }),
      pending: new Map(),
      batch: [],
      wake: undefined,
      loop: undefined,
      queueFullLog: new LogRateLimit(QUEUE_FULL_LOG_INTERVAL_MS),
    }))
    for (const target of this.#targets) this.#updateQueueGauge(target)
  }

  /** The `alertmanager` label of each configured URL, in config order. */
  get alertmanagers(): string[] {
    return this.#targets.map((t) => t.endpoint.label)
  }

  /**
   * Queue an alert change for every Alertmanager; returns at once. A state still waiting for the
   * same alert id is replaced. Changes reported after stop() are ignored.
   */
  send(change: AlertChange): void {
    if (this.#stopping) return
    const { alert } = change
    if (change.type === 'firing') this.#firing.set(alert.id, alert)
    else this.#firing.delete(alert.id)
    if (!this.#valid(alert)) return
    const delivery: Delivery = {
      state: { alert, status: change.type, changedAt: this.#now() },
      resend: false,
      accepted: false,
    }
    for (const target of this.#targets) this.#enqueue(target, delivery)
  }

  /**
   * Where re-sends get the firing alerts from (the engine's view, which also carries updated
   * annotations). Without it, the sender re-sends the alerts whose last change was `firing`.
   */
  setActive(alerts: () => Alert[]): void {
    this.#active = alerts
  }

  /** Start the delivery loops and the re-send timer, and check each Alertmanager answers. Idempotent. */
  start(): void {
    if (this.#started || this.#stopping) return
    this.#started = true
    for (const target of this.#targets) {
      target.loop = this.#run(target).catch((error: unknown) => {
        // Not expected (the loop handles every outcome); logged so that a silent stop cannot happen.
        this.#deps.logger.error(
          {
            alertmanager: target.endpoint.label,
            error: error instanceof Error ? error.stack : String(error),
          },
          'Alertmanager delivery loop failed; alerts for this Alertmanager are no longer sent.',
        )
      })
      this.#probes.push(this.#probe(target))
    }
    this.#resendTimer = setInterval(() => this.resendFiring(), this.#config.resend_interval_secs * 1000)
    this.#resendTimer.unref()
  }

  /**
   * Stop the loops (cutting off a request in flight or a backoff wait), then try once to deliver
   * whatever still waits (resolutions above all), bounded by `timeout_ms`; what does not make it is
   * counted as dropped (`shutdown`). Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown()
    return this.#stopped
  }

  /** Queue every firing alert again (unless a state for it already waits); the re-send timer calls this. */
  resendFiring(): void {
    if (this.#stopping) return
    let alerts: Alert[]
    try {
      alerts = this.#active ? this.#active() : [...this.#firing.values()]
    } catch (error) {
      this.#deps.logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        'Cannot list the firing alerts to re-send to Alertmanager.',
      )
      return
    }
    const changedAt = this.#now()
    for (const alert of alerts) {
      if (alert.status !== 'firing' || invalidReason(alert) !== undefined) continue
      const delivery: Delivery = {
        state: { alert, status: 'firing', changedAt },
        resend: true,
        accepted: true,
      }
      for (const target of this.#targets) {
        if (target.pending.has(alert.id) || target.batch.some((d) => d.state.alert.id === alert.id)) continue
        this.#enqueue(target, delivery)
      }
    }
  }

  #valid(alert: Alert): boolean {
    const reason = invalidReason(alert)
    if (reason === undefined) return true
    for (const target of this.#targets)
      this.#deps.metrics.alertmanagerDroppedAlerts.inc({
        alertmanager: target.endpoint.label,
        reason: 'invalid',
      })
    if (!this.#invalidLogged.has(alert.ruleId)) {
      this.#invalidLogged.add(alert.ruleId)
      this.#deps.logger.error(
        { rule_id: alert.ruleId, alert_id: alert.id, reason },
        'Alertmanager would refuse the alerts of this rule; they are dropped. Fix the rule labels.',
      )
    }
    return false
  }

  #enqueue(target: Target, delivery: Delivery): void {
    const id = delivery.state.alert.id
    if (target.pending.has(id)) {
      target.pending.delete(id) // The newer state replaces it, and queues as the newest.
    } else if (target.pending.size >= this.#config.max_queued_alerts) {
      const oldest = target.pending.keys().next()
      if (!oldest.done) target.pending.delete(oldest.value)
      this.#deps.metrics.alertmanagerDroppedAlerts.inc({
        alertmanager: target.endpoint.label,
        reason: 'queue_full',
      })
      const repeated = target.queueFullLog.pass(this.#now())
      if (repeated !== undefined) {
        this.#deps.logger.warn(
          {
            alertmanager: target.endpoint.label,
            max_queued_alerts: this.#config.max_queued_alerts,
            ...(repeated > 0 ? { repeated } : {}),
          },
          'Alertmanager queue is full; dropping the oldest waiting alert.',
        )
      }
    }
    target.pending.set(id, delivery)
    this.#updateQueueGauge(target)
    target.wake?.()
  }

  /** Up to max_batch_alerts of the oldest waiting states, taken off the queue. */
  #take(target: Target): Delivery[] {
    const batch: Delivery[] = []
    for (const [id, delivery] of target.pending) {
      if (batch.length >= this.#config.max_batch_alerts) break
      batch.push(delivery)
      target.pending.delete(id)
    }
    return batch
  }

  /** Put a batch back in front of the queue, except states a newer one replaced meanwhile. */
  #requeueFront(target: Target, batch: Delivery[]): void {
    const kept = batch.filter((d) => !target.pending.has(d.state.alert.id))
    target.pending = new Map([...kept.map((d) => [d.state.alert.id, d] as const), ...target.pending])
  }

  async #run(target: Target): Promise<void> {
    const { retry } = this.#config
    let attempt = 0
    while (!this.#stopping) {
      if (target.batch.length === 0) {
        target.batch = this.#take(target)
        attempt = 0
        if (target.batch.length === 0) {
          await new Promise<void>((resolve) => {
            target.wake = () => {
              target.wake = undefined
              resolve()
            }
          })
          continue
        }
      }
      const batch = target.batch
      const outcome = await this.#post(target, batch, this.#stopSignal.signal)
      const decision = classifyOutcome(outcome)
      if (decision.kind === 'retry' && this.#stopping) break // Cut off by stop(): flushed there.
      if (decision.kind === 'accepted') {
        this.#accepted(target, batch)
        target.batch = []
      } else if (decision.kind === 'reject') {
        this.#rejected(target, batch, outcome, decision.reason)
        target.batch = []
      } else {
        const delay = backoffDelayMs(
          attempt,
          retry.initial_backoff_ms,
          retry.max_backoff_ms,
          this.#deps.random,
        )
        this.#failed(target, outcome, decision.reason, delay)
        attempt += 1
        if (attempt > retry.max_retries) {
          this.#deps.metrics.alertmanagerDroppedAlerts.inc(
            { alertmanager: target.endpoint.label, reason: 'retries_exhausted' },
            batch.length,
          )
          this.#deps.logger.warn(
            { alertmanager: target.endpoint.label, alerts: batch.length, retries: retry.max_retries },
            'Alertmanager did not take alerts after every retry; they are dropped (firing ones return with the next re-send).',
          )
          target.batch = []
        }
        this.#updateQueueGauge(target)
        try {
          await sleep(delay, undefined, { signal: this.#stopSignal.signal })
        } catch {
          break // stop() cut the wait short.
        }
        target.batch = target.batch.filter((d) => !target.pending.has(d.state.alert.id))
      }
      this.#updateQueueGauge(target)
    }
    this.#requeueFront(target, target.batch)
    target.batch = []
  }

  #post(target: Target, batch: readonly Delivery[], signal: AbortSignal): Promise<RequestOutcome> {
    const now = this.#now()
    const resendMs = this.#config.resend_interval_secs * 1000
    const body = JSON.stringify(
      batch.map((d) => encodeAlert(d.state, now, resendMs, this.#generatorUrl(d.state.alert))),
    )
    return send(target.endpoint, target.endpoint.alertsUrl, {
      method: 'POST',
      body,
      headers: this.#headers,
      timeoutMs: this.#config.timeout_ms,
      signal,
    })
  }

  /**
   * The caller's link for the alert. A failing callback or a link that is no absolute URL (which
   * Alertmanager answers with 422 for the whole batch) costs the link, never the alert.
   */
  #generatorUrl(alert: Alert): string | undefined {
    let url: string
    try {
      url = this.#deps.generatorUrl(alert)
    } catch (error) {
      url = `(error: ${error instanceof Error ? error.message : String(error)})`
    }
    // Sent as WHATWG serialises it: spaces and the like percent-encoded, as Alertmanager's URI check wants.
    if (URL.canParse(url)) return new URL(url).href
    if (!this.#badLinkLogged) {
      this.#badLinkLogged = true
      this.#deps.logger.error(
        { alert_id: alert.id, generator_url: url },
        'The generatorURL of an alert is not an absolute URL; sending alerts without one. Check public_url.',
      )
    }
    return undefined
  }

  #accepted(target: Target, batch: readonly Delivery[]): void {
    const acceptedAt = this.#now()
    const { metrics } = this.#deps
    target.health.up()
    let firing = 0
    for (const delivery of batch) {
      if (delivery.state.status === 'firing') firing += 1
      if (delivery.resend || delivery.accepted) continue
      delivery.accepted = true
      const { alert } = delivery.state
      if (delivery.state.status === 'firing')
        metrics.alertLatency.observe(Math.max(0, acceptedAt - alert.triggeredByArrival) / 1000)
      try {
        this.#deps.onAccepted?.(alert, acceptedAt)
      } catch (error) {
        this.#deps.logger.error(
          { alert_id: alert.id, error: error instanceof Error ? error.message : String(error) },
          'The onAccepted hook of the Alertmanager sender failed.',
        )
      }
    }
    const label = target.endpoint.label
    if (firing > 0) metrics.alertmanagerSentAlerts.inc({ alertmanager: label, status: 'firing' }, firing)
    if (batch.length > firing)
      metrics.alertmanagerSentAlerts.inc({ alertmanager: label, status: 'resolved' }, batch.length - firing)
    this.#deps.logger.debug({ alertmanager: label, alerts: batch.length }, 'Alertmanager accepted alerts.')
  }

  #rejected(
    target: Target,
    batch: readonly Delivery[],
    outcome: RequestOutcome,
    reason: FailureReason,
  ): void {
    const label = target.endpoint.label
    this.#deps.metrics.alertmanagerErrors.inc({ alertmanager: label, reason })
    this.#deps.metrics.alertmanagerDroppedAlerts.inc(
      { alertmanager: label, reason: 'rejected' },
      batch.length,
    )
    target.health.up()
    if (outcome.kind === 'answered') target.health.rejected(outcome.status, outcome.body, batch.length)
  }

  #failed(target: Target, outcome: RequestOutcome, reason: FailureReason, retryInMs: number): void {
    this.#deps.metrics.alertmanagerErrors.inc({ alertmanager: target.endpoint.label, reason })
    if (!meansDown(reason)) {
      target.health.up() // 429: it is there, only busy.
      return
    }
    if (outcome.kind === 'answered')
      target.health.down(reason, outcome.body.slice(0, 500), retryInMs, outcome.status)
    else target.health.down(reason, outcome.message, retryInMs)
  }

  /** One GET /api/v2/status at start, so that sentinel_alertmanager_up and the log tell at once. */
  async #probe(target: Target): Promise<void> {
    const outcome = await send(target.endpoint, target.endpoint.statusUrl, {
      method: 'GET',
      headers: this.#headers,
      timeoutMs: this.#config.timeout_ms,
      signal: this.#stopSignal.signal,
    })
    if (this.#stopping) return
    const decision = classifyOutcome(outcome)
    if (decision.kind === 'accepted') {
      target.health.up()
      let version: string | undefined
      try {
        version = (
          JSON.parse(outcome.kind === 'answered' ? outcome.body : '{}') as {
            versionInfo?: { version?: string }
          }
        ).versionInfo?.version
      } catch {
        version = undefined
      }
      this.#deps.logger.info({ alertmanager: target.endpoint.label, version }, 'Alertmanager reachable.')
    } else if (meansDown(decision.reason)) {
      if (outcome.kind === 'answered')
        target.health.down(decision.reason, outcome.body.slice(0, 500), 0, outcome.status)
      else target.health.down(decision.reason, outcome.message, 0)
    } else {
      target.health.up()
      if (outcome.kind === 'answered' && (outcome.status === 401 || outcome.status === 403))
        this.#deps.logger.error(
          { alertmanager: target.endpoint.label, status: outcome.status },
          'Alertmanager refused the credentials; fix basic_auth or bearer_token in sinks.alertmanager.',
        )
    }
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true
    if (this.#resendTimer) clearInterval(this.#resendTimer)
    this.#stopSignal.abort()
    for (const target of this.#targets) target.wake?.()
    await Promise.all([...this.#targets.map((t) => t.loop), ...this.#probes])
    await Promise.all(this.#targets.map((t) => this.#flush(t)))
    for (const target of this.#targets) {
      this.#updateQueueGauge(target)
      target.endpoint.agent.destroy()
    }
  }

  /** One try to deliver what waits for `target`, within timeout_ms in all. */
  async #flush(target: Target): Promise<void> {
    const deadline = AbortSignal.timeout(this.#config.timeout_ms)
    const label = target.endpoint.label
    while (target.pending.size > 0 && !deadline.aborted) {
      const batch = this.#take(target)
      const outcome = await this.#post(target, batch, deadline)
      const decision = classifyOutcome(outcome)
      if (decision.kind === 'accepted') this.#accepted(target, batch)
      else if (decision.kind === 'reject') this.#rejected(target, batch, outcome, decision.reason)
      else {
        this.#deps.metrics.alertmanagerErrors.inc({
          alertmanager: label,
          reason: deadline.aborted ? 'timeout' : decision.reason,
        })
        this.#requeueFront(target, batch)
        break
      }
    }
    const left = target.pending.size
    if (left === 0) return
    target.pending.clear()
    this.#deps.metrics.alertmanagerDroppedAlerts.inc({ alertmanager: label, reason: 'shutdown' }, left)
    this.#deps.logger.warn(
      { alertmanager: label, alerts: left },
      'Could not deliver alerts to Alertmanager before stopping; they are dropped.',
    )
  }

  #updateQueueGauge(target: Target): void {
    this.#deps.metrics.alertmanagerQueueAlerts.set(
      { alertmanager: target.endpoint.label },
      target.pending.size + target.batch.length,
    )
  }
}
