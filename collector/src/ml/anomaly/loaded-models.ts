/**
 * @module Loaded models: the registry's active and shadow models as ONNX sessions, plus the
 * TypeScript forest of trained ones (to explain scores). `sync()` makes them match the registry
 * after a training or an operator's promote/rollback; a model that fails to load keeps the one in
 * use rather than leaving events unscored.
 */
import { EVENT_FEATURE_SPEC } from '../features/feature-spec.js'
import { IsolationForest } from '../forest/isolation-forest.js'
import { OnnxScorer } from '../onnx/onnx-scorer.js'
import type { ModelRegistry } from '../registry/model-registry.js'

export interface LoadedModel {
  version: string
  scorer: OnnxScorer
  /** Trained models only: explains which features isolated an event. */
  forest: IsolationForest | undefined
}

export type ModelRole = 'active' | 'shadow'

export class LoadedModels {
  readonly #registry: ModelRegistry
  readonly #loaded: Record<ModelRole, LoadedModel | undefined> = { active: undefined, shadow: undefined }

  constructor(registry: ModelRegistry) {
    this.#registry = registry
  }

  get active(): LoadedModel | undefined {
    return this.#loaded.active
  }

  get shadow(): LoadedModel | undefined {
    return this.#loaded.shadow
  }

  /**
   * Loads what the registry names for each role. Returns the roles that changed, the models they
   * replaced (the caller releases those once no batch uses them) and, per model that did not
   * load, why (that role keeps its model).
   */
  async sync(): Promise<{ changed: ModelRole[]; replaced: LoadedModel[]; failures: string[] }> {
    const changed: ModelRole[] = []
    const replaced: LoadedModel[] = []
    const failures: string[] = []
    for (const role of ['active', 'shadow'] as const) {
      const wanted = this.#registry[role]
      const current = this.#loaded[role]
      if ((current?.version ?? null) === wanted) continue
      try {
        this.#loaded[role] = wanted === null ? undefined : await this.#load(wanted)
      } catch (error) {
        failures.push(`${role} model ${wanted}: ${error instanceof Error ? error.message : String(error)}`)
        continue
      }
      changed.push(role)
      if (current) replaced.push(current)
    }
    return { changed, replaced, failures }
  }

  async release(): Promise<void> {
    for (const role of ['active', 'shadow'] as const) {
      await this.#loaded[role]?.scorer.release()
      this.#loaded[role] = undefined
    }
  }

  async #load(version: string): Promise<LoadedModel> {
    const info = this.#registry.get(version)
    const bytes = await this.#registry.readModel(version)
    const scorer = await OnnxScorer.load(bytes, { name: version, expectedSpec: EVENT_FEATURE_SPEC })
    try {
      const forest = info?.hasForest
        ? IsolationForest.fromJSON(await this.#registry.readForest(version))
        : undefined
      return { version, scorer, forest }
    } catch (error) {
      await scorer.release()
      throw error
    }
  }
}
