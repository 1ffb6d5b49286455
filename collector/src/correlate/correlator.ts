/**
 * @module Correlator: runs the rule engine inside the collector. It sees every event as the
 * pipeline parses it, with the seq the spool gives it (an alert's evidence ids are spool ids), ticks the
 * engine once a second so windows slide and conditions clear without new events, and saves the
 * engine state every few seconds. After a restart it loads that state and replays the events
 * spooled since, so windows and active alerts carry on where they were.
 *
 * Each alert change goes to the alert outputs (Alertmanager) and back into the pipeline as an
 * alert history record (logs-sentinel.alert-* through the sinks).
 */
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { writeFileAtomic } from '../spool/atomic-file.js'
import type { SpoolRecord } from '../spool/spool-types.js'
import type { Logger } from '../telemetry/logger.js'
import type { Alert, AlertChange } from './alert.js'
import { alertRecord } from './alert-record.js'
import type { CorrelateConfig } from './config.js'
import { CorrelationEngine, type RuleStats } from './engine.js'
import type { CompiledRule } from './load-rules.js'

/** What the correlator reads of the spool: its id and the events appended before a restart. */
export interface CorrelatorSpool {
  readonly id: string
  readonly nextSeq: number
  readRange(fromSeq: number, maxEvents: number): Promise<SpoolRecord[]>
}

export interface CorrelatorDeps {
  spool: CorrelatorSpool
  /** Where alert history records go (the pipeline). */
  push: (records: RawRecord[]) => void
  /** Alert outputs (Alertmanager); called for every change, history included. */
  onChange?: (change: AlertChange) => void
  logger: Logger
  now?: () => number
}

/** Snapshot file layout; `next_seq` is the first spool seq the saved state has not seen. */
interface SnapshotFile {
  version: 1
  spool_id: string
  next_seq: number
  saved_at: string
  engine: unknown
}

const TICK_MS = 1000
const REPLAY_CHUNK = 2000

export class Correlator {
  readonly engine: CorrelationEngine
  readonly #config: CorrelateConfig
  readonly #deps: CorrelatorDeps
  readonly #file: string
  readonly #now: () => number
  readonly #idPrefix: string
  /** First spool seq the engine has not seen. */
  #nextSeq = 0
  #tickTimer: NodeJS.Timeout | undefined
  #snapshotTimer: NodeJS.Timeout | undefined
  #saving: Promise<void> | undefined

  constructor(
    config: CorrelateConfig,
    rules: readonly CompiledRule[],
    dataDir: string,
    deps: CorrelatorDeps,
  ) {
    this.#config = config
    this.#deps = deps
    this.#now = deps.now ?? Date.now
    this.#file = join(dataDir, 'correlate', 'state.json')
    this.#idPrefix = `${deps.spool.id}-`
    this.engine = new CorrelationEngine(rules, {
      maxKeysPerRule: config.max_keys_per_rule,
      evidenceEvents: config.evidence_events,
      ...(config.kibana_url === undefined ? {} : { kibanaUrl: config.kibana_url }),
      onChange: (change) => this.#changed(change),
    })
  }

  /** Restore the saved state, replay what was spooled since, then start ticking. Call before sources start. */
  async start(): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true })
    this.#nextSeq = this.#deps.spool.nextSeq
    const saved = await this.#load()
    if (saved) await this.#replay(saved.next_seq, this.#deps.spool.nextSeq)
    this.engine.tick(this.#now())
    this.#tickTimer = setInterval(() => this.engine.tick(this.#now()), TICK_MS)
    this.#tickTimer.unref()
    this.#snapshotTimer = setInterval(() => void this.save(), this.#config.snapshot_interval_secs * 1000)
    this.#snapshotTimer.unref()
  }

  /**
   * The pipeline's feed: each event as it is parsed, in spool order, with the seq the spool gives
   * it. Under `when_full: drop_newest` a refused batch shifts the evidence ids of the events
   * encoded right after it (counted by the spool as dropped).
   */
  observe(seq: number, event: SentinelEvent, record: RawRecord): void {
    this.engine.observe(event, this.#idPrefix + String(seq), record.receivedAt)
    this.#nextSeq = seq + 1
  }

  active(): Alert[] {
    return this.engine.active()
  }

  stats(): RuleStats[] {
    return this.engine.stats()
  }

  /** Write the engine state atomically; a failure is logged, and the next save tries again. */
  save(): Promise<void> {
    return (this.#saving ??= (async () => {
      const file: SnapshotFile = {
        version: 1,
        spool_id: this.#deps.spool.id,
        next_seq: this.#nextSeq,
        saved_at: new Date(this.#now()).toISOString(),
        engine: this.engine.snapshot(),
      }
      try {
        await writeFileAtomic(this.#file, JSON.stringify(file))
      } catch (error) {
        this.#deps.logger.error({ file: this.#file, error: String(error) }, 'Could not save the rule state.')
      } finally {
        this.#saving = undefined
      }
    })())
  }

  /** Stop ticking and save the state one last time. */
  async stop(): Promise<void> {
    clearInterval(this.#tickTimer)
    clearInterval(this.#snapshotTimer)
    await this.#saving
    await this.save()
  }

  #changed(change: AlertChange): void {
    this.#deps.onChange?.(change)
    this.#deps.push([alertRecord(change, this.#now())])
  }

  async #load(): Promise<SnapshotFile | undefined> {
    const { logger, spool } = this.#deps
    let text: string
    try {
      text = await readFile(this.#file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn(
          { file: this.#file, error: String(error) },
          'Could not read the rule state; starting empty.',
        )
      }
      return undefined
    }
    try {
      const saved = JSON.parse(text) as SnapshotFile
      if (saved.version !== 1 || typeof saved.next_seq !== 'number')
        throw new Error('unknown snapshot version')
      const { restored, skipped } = this.engine.restore(saved.engine)
      logger.info(
        { file: this.#file, restored: restored.length, skipped, saved_at: saved.saved_at },
        'Rule state restored.',
      )
      if (saved.spool_id !== spool.id) {
        logger.warn(
          { file: this.#file },
          'The spool was recreated since the rule state was saved: nothing to replay.',
        )
        return undefined
      }
      return saved
    } catch (error) {
      logger.warn(
        { file: this.#file, error: String(error) },
        'The saved rule state is unusable; starting empty.',
      )
      return undefined
    }
  }

  /** Feed the engine the events spooled between the snapshot and the start (arrival = event.created). */
  async #replay(from: number, to: number): Promise<void> {
    const { spool, logger } = this.#deps
    let seq = from
    let replayed = 0
    while (seq < to) {
      const records = await spool.readRange(seq, Math.min(REPLAY_CHUNK, to - seq))
      if (records.length === 0) break
      for (const { seq: at, payload } of records) {
        if (at >= to) break
        let event: SentinelEvent
        try {
          event = JSON.parse(payload.toString('utf8')) as SentinelEvent
        } catch {
          continue // a spooled payload is always JSON; a corrupt one was already counted by the spool
        }
        const created = Date.parse(String(event.event?.created ?? ''))
        this.engine.observe(event, `${spool.id}-${at}`, Number.isNaN(created) ? this.#now() : created)
        replayed++
        seq = at + 1
      }
    }
    this.#nextSeq = to
    if (replayed > 0) logger.info({ replayed, from, to }, 'Replayed spooled events into the rule engine.')
  }
}
