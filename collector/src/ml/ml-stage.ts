/**
 * @module The ML stage, between parsing and the spool (the pipeline's `annotate`): each log event
 * gets its template (`sentinel.template.*`) and its feature row; the slice's rows are scored in
 * one ONNX batch by the active model (and the shadow, when there is one), and each event gets
 * `sentinel.anomaly.*`. SNMP poll values are scored by the series detectors. Until a first model
 * is trained, log events carry templates and no score.
 *
 * Training happens here too: a uniform sample of rows since the last training becomes a new
 * Isolation Forest in the registry (data_dir/ml/models) once `training.min_events` were seen
 * without any model, then every `training.interval_secs`. Operators promote, shadow and roll back
 * with `sentinel ml`; the stage follows the registry within seconds. The miner's and detectors'
 * state is saved under data_dir/ml, so ids and baselines survive restarts.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SentinelEvent } from '../event/sentinel-event.js'
import { writeFileAtomic } from '../spool/atomic-file.js'
import type { Logger } from '../telemetry/logger.js'
import { FeatureBaseline } from './anomaly/feature-baseline.js'
import { LoadedModels, type LoadedModel, type ModelRole } from './anomaly/loaded-models.js'
import { scorePoll } from './anomaly/series-annotator.js'
import { TrainingSample } from './anomaly/training-sample.js'
import type { MlConfig } from './config.js'
import { EventFeatureExtractor } from './features/event-features.js'
import { EVENT_FEATURES } from './features/feature-spec.js'
import {
  applyMlAnnotations,
  factsAt,
  newFacts,
  toMlBatch,
  type MlAnnotations,
  type MlBatch,
} from './ml-batch.js'
import type { MlObserver, MlStageStats } from './ml-observer.js'
import { ModelRegistry } from './registry/model-registry.js'
import { trainAndRegister } from './registry/train-model.js'
import { SeriesScorer } from './series/series-scorer.js'
import { TemplateMiner } from './template-miner.js'

/** How often the registry is checked for an operator's promote or rollback. */
const REGISTRY_POLL_MS = 5_000
/** Series detectors are saved on every this many periodic saves (templates on each). */
const SERIES_SAVE_EVERY = 30
/** Share of a batch's events whose scores are explained at most (the highest-scoring ones). */
const MAX_EXPLAINED_SHARE = 1 / 16
/** How often training is considered; also the wait after a failed training. */
const TRAINING_CHECK_MS = 60_000

export interface MlStageDeps {
  observer: MlObserver
  logger: Logger
  /** Clock in ms (tests). */
  now?: () => number
}

export class MlStage {
  readonly #config: MlConfig
  readonly #dir: string
  readonly #deps: MlStageDeps
  readonly #now: () => number
  readonly #features: EventFeatureExtractor
  readonly #sample: TrainingSample
  readonly #baseline = new FeatureBaseline(EVENT_FEATURES.length)
  #miner: TemplateMiner
  #series: SeriesScorer
  #registry: ModelRegistry | undefined
  #models: LoadedModels | undefined
  /** Reused row buffer: the pipeline annotates one slice at a time. */
  #rows = new Float32Array(EVENT_FEATURES.length * 512)
  #timers: NodeJS.Timeout[] = []
  #training: Promise<void> | undefined
  #lastTrainingAttempt = 0
  #lastTrained = 0
  /** The batch being annotated: batches run one after another (they share #rows). */
  #batch: Promise<unknown> = Promise.resolve()
  #savedMessages = -1
  /** Series points scored as of the last save (the scorer counts them). */
  #savedSeriesPoints = -1
  #saves = 0

  constructor(config: MlConfig, dataDir: string, deps: MlStageDeps) {
    this.#config = config
    this.#dir = join(dataDir, 'ml')
    this.#deps = deps
    this.#now = deps.now ?? Date.now
    this.#features = new EventFeatureExtractor({
      windowSecs: config.window_secs,
      maxDevices: config.max_devices,
    })
    this.#sample = new TrainingSample(EVENT_FEATURES.length, config.training.sample_rows)
    this.#miner = new TemplateMiner({ maxTemplates: config.max_templates })
    this.#series = new SeriesScorer({ maxSeries: config.max_series })
  }

  /** Restores saved state, opens the registry and loads its models; then keeps them in step. */
  async start(): Promise<void> {
    const { logger } = this.#deps
    await mkdir(this.#dir, { recursive: true })
    const miner = await this.#restore('templates.json', (saved) => TemplateMiner.restore(saved))
    if (miner) this.#miner = miner
    const series = await this.#restore('series.json', (saved) => SeriesScorer.restore(saved))
    if (series) this.#series = series
    try {
      this.#registry = await ModelRegistry.open(join(this.#dir, 'models'))
      this.#models = new LoadedModels(this.#registry)
      this.#lastTrained = this.#newestTrainingTime()
      await this.#syncModels()
    } catch (error) {
      // Ingest matters more than scores: run without models, loudly, until the registry is fixed.
      logger.error(
        { error: String(error) },
        'Model registry unusable; events get templates but no anomaly scores.',
      )
    }
    const active = this.#registry?.active ?? null
    logger.info(
      {
        templates: this.#miner.stats().templates,
        series: this.#series.stats().series,
        active_model: active,
        shadow_model: this.#registry?.shadow ?? null,
      },
      active === null
        ? `ML stage ready; no anomaly model yet: the first is trained once ${this.#config.training.min_events} log events over ${this.#config.training.min_period_secs} s were seen.`
        : 'ML stage ready.',
    )
    this.#every(this.#config.snapshot_interval_secs * 1000, () => this.save(false))
    this.#every(REGISTRY_POLL_MS, () => this.followRegistry())
    this.#every(TRAINING_CHECK_MS, () => this.trainIfDue())
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer)
    this.#timers = []
    await this.#training
    await this.#batch
    await this.save()
    await this.#models?.release()
  }

  stats(): MlStageStats {
    const miner = this.#miner.stats()
    const series = this.#series.stats()
    return {
      templates: miner.templates,
      templatesEvicted: miner.evicted,
      series: series.series,
      seriesEvicted: series.evicted,
      active: this.#models?.active?.version ?? null,
      shadow: this.#models?.shadow?.version ?? null,
      trainingRows: this.#sample.seen,
    }
  }

  /**
   * Annotates parsed events in place (the collector does this across a thread: see MlWorker);
   * nothing to wait for when the slice has no log events or polls.
   */
  annotate(events: SentinelEvent[]): Promise<void> | undefined {
    const slice = toMlBatch(events)
    if (slice.logged.length === 0 && slice.polled.length === 0) return undefined
    return this.annotateBatch(slice.batch).then((annotations) => applyMlAnnotations(slice, annotations))
  }

  /**
   * Templates, features and series scores for a batch, then its model scores after one batch
   * inference. Batches are annotated one at a time, in call order. Never rejects for a model
   * failure: the events then go on without a score, and the failure is reported.
   */
  annotateBatch(batch: MlBatch): Promise<MlAnnotations> {
    const next = this.#batch.then(() => this.#annotate(batch))
    this.#batch = next.catch(() => undefined)
    return next
  }

  async #annotate(batch: MlBatch): Promise<MlAnnotations> {
    const now = this.#now()
    const n = batch.messages.length
    const dims = EVENT_FEATURES.length
    if (this.#rows.length < n * dims) this.#rows = new Float32Array(n * dims)
    const rows = this.#rows
    const facts = newFacts()
    const annotations: MlAnnotations = {
      templateIds: new Array<string>(n),
      templateTexts: new Array<string>(n),
      explained: [],
      polls: batch.polls.map((poll) => scorePoll(this.#series, poll, this.#config.explain.top_features)),
    }
    for (let i = 0; i < n; i++) {
      const match = this.#miner.add(batch.messages[i] as string, now)
      annotations.templateIds[i] = match.id
      annotations.templateTexts[i] = match.template
      this.#features.extract(factsAt(batch, i, facts), match, this.#miner.messages, now, rows, i)
      this.#sample.offer(rows, i, now)
      this.#baseline.update(rows, i)
    }
    const seriesScores = annotations.polls.flatMap((anomaly) => (anomaly ? [anomaly.score] : []))
    if (seriesScores.length > 0) this.#deps.observer.scored('series', seriesScores)
    if (n > 0 && this.#models?.active === undefined) this.#trainIfFirst()
    const active = this.#models?.active
    if (active === undefined || n === 0) return annotations
    const shadow = this.#models?.shadow
    const [scores, shadowScores] = await Promise.all([
      this.#infer('active', active, rows, n),
      shadow ? this.#infer('shadow', shadow, rows, n) : undefined,
    ])
    if (scores) {
      annotations.active = { version: active.version, scores }
      annotations.explained = this.#explain(active, rows, scores)
    }
    if (shadowScores && shadow) annotations.shadow = { version: shadow.version, scores: shadowScores }
    return annotations
  }

  /**
   * Saves the miner when it changed since the last save, and the detectors every
   * SERIES_SAVE_EVERY saves (`all`: now): their snapshot is about 2 KB a series, and baselines
   * learned over days lose little in a few minutes.
   */
  async save(all = true): Promise<void> {
    const messages = this.#miner.messages
    if (messages !== this.#savedMessages) {
      await writeFileAtomic(join(this.#dir, 'templates.json'), JSON.stringify(this.#miner.snapshot()))
      this.#savedMessages = messages
    }
    this.#saves++
    if (!all && this.#saves % SERIES_SAVE_EVERY !== 0) return
    const { points } = this.#series.stats()
    if (points !== this.#savedSeriesPoints) {
      await writeFileAtomic(join(this.#dir, 'series.json'), JSON.stringify(this.#series.snapshot()))
      this.#savedSeriesPoints = points
    }
  }

  /** Trains a model now on the sample so far, and starts a new sample (the schedule's work). */
  async train(promote: 'active' | 'shadow'): Promise<string | undefined> {
    await this.#training
    const registry = this.#registry
    const taken = this.#sample.take()
    if (registry === undefined || taken === undefined) return undefined
    // Events that arrive while this model trains belong to the next one's period.
    this.#sample.reset()
    const { observer, logger } = this.#deps
    this.#lastTrainingAttempt = this.#now()
    try {
      const info = await trainAndRegister(registry, taken.rows, taken.n, {
        windowStart: taken.windowStart,
        windowEnd: taken.windowEnd,
        promote,
      })
      observer.trained('registered')
      this.#lastTrained = this.#now()
      // Daily models would pile up: keep the newest ten (and whatever is active, shadow or rollback target).
      await registry.prune()
      logger.info(
        { version: info.version, rows: taken.n, promote, metrics: info.meta.metrics },
        `Trained anomaly model ${info.version} on ${taken.n} events (${promote}).`,
      )
      await this.#syncModels()
      return info.version
    } catch (error) {
      observer.trained('failed')
      logger.error({ error: String(error) }, 'Training an anomaly model failed; the current model stays.')
      return undefined
    }
  }

  /**
   * Names the top features of events scoring at least explain.min_score, the highest-scoring
   * MAX_EXPLAINED_SHARE of a batch only: in an anomaly storm, explaining every event would cost
   * more than scoring it. A trained forest says which features isolated the event; for an imported
   * model, the features furthest from their recent average stand in.
   */
  #explain(model: LoadedModel, rows: Float32Array, scores: Float32Array): [number, string[]][] {
    const { min_score: minScore, top_features: topK } = this.#config.explain
    const high: number[] = []
    for (let i = 0; i < scores.length; i++) if ((scores[i] as number) >= minScore) high.push(i)
    const most = Math.ceil(scores.length * MAX_EXPLAINED_SHARE)
    if (high.length > most) {
      high.sort((a, b) => (scores[b] as number) - (scores[a] as number))
      high.length = most
    }
    const { forest } = model
    return high.map((i) => {
      const features = forest
        ? forest.explain(rows, i, topK).map(({ feature }) => feature)
        : this.#baseline.explain(rows, i, topK)
      return [i, features.map((f) => EVENT_FEATURES[f] as string)]
    })
  }

  /** One batch through one model; undefined (reported, logged) when inference fails. */
  async #infer(
    role: ModelRole,
    model: LoadedModel,
    rows: Float32Array,
    n: number,
  ): Promise<Float32Array | undefined> {
    const { observer, logger } = this.#deps
    const started = performance.now()
    try {
      const scores = await model.scorer.score(rows, n)
      observer.inferred(role, (performance.now() - started) / 1000)
      observer.scored(role, scores)
      return scores
    } catch (error) {
      observer.inferenceFailed(errorCode(error))
      logger.error(
        { error: String(error), model: model.version, role },
        'Anomaly inference failed; events go on unscored.',
      )
      return undefined
    }
  }

  /** Without any model, training starts as soon as enough events over a long enough period were seen. */
  #trainIfFirst(): void {
    const { min_events: minEvents, min_period_secs: minPeriod } = this.#config.training
    if (this.#training || this.#sample.seen < minEvents) return
    const now = this.#now()
    if (now - (this.#sample.since ?? now) < minPeriod * 1000) return
    if (now - this.#lastTrainingAttempt < TRAINING_CHECK_MS) return
    this.#training = this.train('active').then(() => {
      this.#training = undefined
    })
  }

  /** The schedule (checked every minute): a first model when due, then one every training.interval_secs. */
  async trainIfDue(): Promise<void> {
    if (this.#training || this.#models?.active === undefined) return this.#trainIfFirst()
    const { interval_secs: interval, min_events: minEvents, promote } = this.#config.training
    const now = this.#now()
    if (now - this.#lastTrained < interval * 1000 || this.#sample.seen < minEvents) return
    if (now - this.#lastTrainingAttempt < TRAINING_CHECK_MS) return
    this.#training = this.train(promote).then(() => {
      this.#training = undefined
    })
    await this.#training
  }

  /** Loads what the registry names when it changed (an operator's promote, shadow or rollback). */
  async followRegistry(): Promise<void> {
    const registry = this.#registry
    if (registry === undefined || !(await registry.changed())) return
    await registry.reload()
    await this.#syncModels()
  }

  async #syncModels(): Promise<void> {
    const models = this.#models
    if (models === undefined) return
    const { observer, logger } = this.#deps
    const { changed, replaced, failures } = await models.sync()
    for (const failure of failures) {
      logger.error(
        { error: failure },
        'An anomaly model from the registry did not load; the one in use stays.',
      )
    }
    if (changed.length > 0) {
      observer.modelsInUse(models.active?.version, models.shadow?.version)
      logger.info(
        { active: models.active?.version ?? null, shadow: models.shadow?.version ?? null },
        'Anomaly models in use changed.',
      )
    }
    if (replaced.length > 0) {
      // A batch may still be running on a replaced model: release once it is done.
      await this.#batch.catch(() => undefined)
      await Promise.all(replaced.map((model) => model.scorer.release()))
    }
  }

  #newestTrainingTime(): number {
    let newest = 0
    for (const info of this.#registry?.list() ?? []) {
      if (info.meta.kind === 'isolation-forest') newest = Math.max(newest, Date.parse(info.meta.created_at))
    }
    return newest
  }

  async #restore<T>(file: string, restore: (saved: unknown) => T): Promise<T | undefined> {
    const path = join(this.#dir, file)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    try {
      return restore(JSON.parse(text))
    } catch (error) {
      // Losing learned templates or baselines is better than not starting: say so loudly.
      this.#deps.logger.error(
        { error: String(error), file: path },
        'Saved ML state is unreadable; starting afresh.',
      )
      return undefined
    }
  }

  #every(ms: number, work: () => Promise<void>): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) => {
        this.#deps.logger.error({ error: String(error) }, 'ML stage background work failed.')
      })
    }, ms)
    timer.unref()
    this.#timers.push(timer)
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'unknown'
}
