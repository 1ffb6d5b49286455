/**
 * @module The on-disk registry of anomaly models (`<data_dir>/ml/models`): every model an operator
 * trained or imported, which one scores events (active), which one is scored beside it for
 * comparison (shadow), and the actives a rollback can return to.
 *
 * Layout:
 *   <dir>/registry.json            active, shadow, previous_active (rollback stack), history
 *   <dir>/<version>/model.onnx     what the collector scores with
 *   <dir>/<version>/model.json     metadata (model-meta.ts)
 *   <dir>/<version>/forest.json    the TypeScript forest, to explain scores (trained models only)
 *
 * A version directory is built under a hidden temporary name and renamed into place when complete,
 * and registry.json is replaced atomically, so a crash leaves the old state or the new, never a
 * half-written model. Leftovers (hidden temp names, version directories without model.json) are
 * ignored, and listed in `problems`.
 *
 * The CLI and a running collector share the directory. Each mutation re-reads registry.json,
 * applies the change, writes a temporary file and, if registry.json changed since it was read,
 * starts over on the new content; otherwise it renames the file into place. The window left for a
 * lost update is the instant between that last check and the rename: two writers committing within
 * it, the last one wins and the other's change (e.g. a history entry) is lost; nothing is torn.
 * Version names cannot collide: renaming a directory onto an existing model fails, and the add
 * retries with the next sequence number.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SentinelError } from '../../errors/codes.js'
import type { IsolationForest } from '../forest/isolation-forest.js'
import { syncDir, tempPathBeside, writeNewFileSynced } from './durable-write.js'
import { checkNewModelMeta, toModelMeta, type ModelMeta, type NewModelMeta } from './model-meta.js'
import { formatModelVersion, versionSequence } from './model-version.js'
import {
  describeError,
  errorCode,
  readRegistrySnapshot,
  REGISTRY_FILE,
  registryError,
  registryStamp,
  type RegistrySnapshot,
} from './registry-snapshot.js'
import {
  emptyRegistryState,
  MAX_PREVIOUS_ACTIVE,
  serializeRegistryState,
  withHistory,
  type HistoryAction,
  type HistoryEntry,
  type RegistryState,
} from './registry-state.js'

export type { ModelMeta, NewModelMeta } from './model-meta.js'
export type { HistoryEntry } from './registry-state.js'

export interface ModelInfo {
  version: string
  meta: ModelMeta
  /** forest.json is present (trained models), so scores can be explained. */
  hasForest: boolean
  active: boolean
  shadow: boolean
  /** The version `rollback()` would make active. */
  rollbackTarget: boolean
}

export interface NewModel {
  /**
   * The ONNX model, or a function making it for the version the registry assigns (so the version
   * can be embedded in the model's metadata). The function may run again with another version if
   * a concurrent add took the name; when it throws, nothing is registered. `meta` is read after it
   * returns, so it may add metrics it measured (e.g. how well the export agrees with its source).
   */
  bytes: Uint8Array | ((version: string) => Uint8Array | Promise<Uint8Array>)
  meta: NewModelMeta
  /** The TypeScript forest, saved as forest.json. */
  forest?: IsolationForest
}

/** What promote, rollback or setShadow did. */
export interface SlotChange {
  slot: 'active' | 'shadow'
  /** The slot's value now. */
  version: string | null
  /** The slot's value before. */
  previous: string | null
  /** False when the slot already held `version`; nothing was written. */
  changed: boolean
  /** The version made active was the shadow, so the shadow slot is now empty. */
  shadowCleared: boolean
}

export interface RegistryOptions {
  /** Clock for version names and history (tests). */
  now?: () => Date
}

/** Each round of contention lets at least one writer through, so this bounds concurrent writers. */
const MAX_WRITE_ATTEMPTS = 20
/** Temporary entries older than this are from a crashed writer, not one still working. */
const STALE_TEMP_MS = 60 * 60 * 1000

/** Why a write failed, with the likely fix when it is a permission problem. */
function writeProblem(error: unknown): string {
  const code = errorCode(error)
  const hint =
    code === 'EACCES' || code === 'EPERM' ? '; run the command as the user the collector runs as' : ''
  return `${describeError(error)}${hint}`
}

/** The version a rollback returns to, and the stack after popping it. */
function popRollback(state: RegistryState): { target: string; rest: string[] } | undefined {
  const stack = [...state.previous_active]
  // A prune can leave the active on top of the stack; returning to it would change nothing.
  while (stack.length > 0 && stack.at(-1) === state.active) stack.pop()
  const target = stack.pop()
  return target === undefined ? undefined : { target, rest: stack }
}

export class ModelRegistry {
  readonly dir: string
  readonly #file: string
  readonly #now: () => Date
  #snapshot: RegistrySnapshot

  private constructor(dir: string, now: () => Date) {
    this.dir = dir
    this.#file = join(dir, REGISTRY_FILE)
    this.#now = now
    this.#snapshot = {
      stamp: 'missing',
      state: emptyRegistryState(),
      models: new Map(),
      maxSequence: 0,
      problems: [],
    }
  }

  /**
   * Opens (creating the directory if needed) and reads the registry. A damaged registry.json throws
   * SNT_ERR_MODEL_REGISTRY naming the bad field; an active or shadow version whose directory is
   * missing does not (a CLI must still be able to repair it) but is listed in `problems`.
   */
  static async open(dir: string, options: RegistryOptions = {}): Promise<ModelRegistry> {
    const absolute = resolve(dir)
    try {
      await mkdir(absolute, { recursive: true })
    } catch (error) {
      throw registryError(absolute, `cannot create the directory (${describeError(error)})`, error)
    }
    const registry = new ModelRegistry(absolute, options.now ?? (() => new Date()))
    await registry.reload()
    return registry
  }

  get active(): string | null {
    return this.#snapshot.state.active
  }

  get shadow(): string | null {
    return this.#snapshot.state.shadow
  }

  get rollbackTarget(): string | null {
    return popRollback(this.#snapshot.state)?.target ?? null
  }

  get history(): readonly HistoryEntry[] {
    return this.#snapshot.state.history
  }

  /** Things found on disk that are ignored or dangling, one sentence each, for `sentinel ml models`. */
  get problems(): readonly string[] {
    return this.#snapshot.problems
  }

  /** Complete models, oldest first. */
  list(): ModelInfo[] {
    return [...this.#snapshot.models.keys()].map((v) => this.#info(v))
  }

  get(version: string): ModelInfo | undefined {
    return this.#snapshot.models.has(version) ? this.#info(version) : undefined
  }

  /**
   * The full version name for what an operator typed: the name itself, or its sequence number
   * (`v0007`, `v7`, `7`). Undefined when no complete model matches.
   */
  resolve(input: string): string | undefined {
    const text = input.trim()
    if (this.#snapshot.models.has(text)) return text
    const match = /^v?(\d+)$/.exec(text)
    if (!match) return undefined
    const sequence = Number(match[1])
    return [...this.#snapshot.models.keys()].find((v) => versionSequence(v) === sequence)
  }

  /** Re-reads registry.json and the version directories. */
  async reload(): Promise<void> {
    this.#snapshot = await readRegistrySnapshot(this.dir)
  }

  /** True when registry.json changed on disk since this instance last read it (a stat, no read). */
  async changed(): Promise<boolean> {
    return (await registryStamp(this.dir)) !== this.#snapshot.stamp
  }

  async readModel(version: string): Promise<Uint8Array> {
    const dir = await this.#versionDir(version)
    try {
      return await readFile(join(dir, 'model.onnx'))
    } catch (error) {
      throw registryError(this.dir, `cannot read ${version}/model.onnx (${describeError(error)})`, error)
    }
  }

  /**
   * The saved forest as parsed JSON (give it to `IsolationForest.fromJSON`, which validates it),
   * or undefined for a model without one (imported).
   */
  async readForest(version: string): Promise<unknown> {
    const dir = await this.#versionDir(version)
    let text: string
    try {
      text = await readFile(join(dir, 'forest.json'), 'utf8')
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined
      throw registryError(this.dir, `cannot read ${version}/forest.json (${describeError(error)})`, error)
    }
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw registryError(
        this.dir,
        `${version}/forest.json is not valid JSON (${describeError(error)})`,
        error,
      )
    }
  }

  /** Registers a model under the next version name; it is neither active nor shadow yet. */
  async add(model: NewModel): Promise<ModelInfo> {
    const problem = checkNewModelMeta(model.meta)
    if (problem !== undefined) {
      const name = typeof model.meta?.source === 'string' ? model.meta.source : 'new model'
      throw new SentinelError('SNT_ERR_MODEL_INVALID', [name, `metadata ${problem}`])
    }
    let tried = 0
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const snapshot = await readRegistrySnapshot(this.dir)
      const now = this.#now()
      // Past the name just lost as well: concurrent losers then spread over the next numbers.
      tried = Math.max(this.#nextSequence(snapshot), tried + 1)
      const version = formatModelVersion(tried, now)
      if (!(await this.#writeVersionDir(version, now, model))) continue
      const action: HistoryAction = model.meta.kind === 'imported' ? 'import' : 'add'
      await this.#mutate((s) => ({ state: withHistory(s.state, this.#entry(action, version, null, now)) }))
      const info = this.get(version)
      if (info === undefined) throw registryError(this.dir, `${version} vanished right after it was added`)
      return info
    }
    throw registryError(
      this.dir,
      `no free version name after ${MAX_WRITE_ATTEMPTS} tries (many concurrent adds?)`,
    )
  }

  /**
   * Makes `version` the active model. The active it replaces goes on the rollback stack; promoting
   * the shadow empties the shadow slot.
   */
  promote(version: string): Promise<SlotChange> {
    return this.#mutate<SlotChange>((snapshot) => {
      this.#requireModel(snapshot, version)
      const { state } = snapshot
      if (state.active === version) {
        return {
          result: { slot: 'active', version, previous: version, changed: false, shadowCleared: false },
        }
      }
      const shadowCleared = state.shadow === version
      const next: RegistryState = {
        ...state,
        active: version,
        shadow: shadowCleared ? null : state.shadow,
        previous_active:
          state.active === null
            ? state.previous_active
            : [...state.previous_active, state.active].slice(-MAX_PREVIOUS_ACTIVE),
      }
      return {
        state: withHistory(next, this.#entry('promote', version, state.active)),
        result: { slot: 'active', version, previous: state.active, changed: true, shadowCleared },
      }
    })
  }

  /**
   * Undoes the last promotion that has not been undone: the active before it becomes active again.
   * Repeated rollbacks step back one promotion each. A rollback is not itself undoable by rollback
   * (promote the version again instead). Throws when no earlier active is on record.
   */
  rollback(): Promise<SlotChange> {
    return this.#mutate<SlotChange>((snapshot) => {
      const { state } = snapshot
      const popped = popRollback(state)
      if (popped === undefined) {
        throw registryError(
          this.dir,
          state.active === null
            ? 'nothing to roll back: no model has been promoted yet'
            : `nothing to roll back to: no model was active before ${state.active} (each rollback undoes one promotion); ` +
                'choose a version with `sentinel ml promote <version>`',
        )
      }
      if (!snapshot.models.has(popped.target)) {
        throw registryError(
          this.dir,
          `cannot roll back to ${popped.target}: its model directory is missing or incomplete; ` +
            'choose a version with `sentinel ml promote <version>` (`sentinel ml models` lists them)',
        )
      }
      const shadowCleared = state.shadow === popped.target
      const next: RegistryState = {
        ...state,
        active: popped.target,
        shadow: shadowCleared ? null : state.shadow,
        previous_active: popped.rest,
      }
      return {
        state: withHistory(next, this.#entry('rollback', popped.target, state.active)),
        result: {
          slot: 'active',
          version: popped.target,
          previous: state.active,
          changed: true,
          shadowCleared,
        },
      }
    })
  }

  /** Sets (or with null, clears) the shadow model. The active model cannot also be the shadow. */
  setShadow(version: string | null): Promise<SlotChange> {
    return this.#mutate<SlotChange>((snapshot) => {
      const { state } = snapshot
      const unchanged: SlotChange = {
        slot: 'shadow',
        version,
        previous: state.shadow,
        changed: false,
        shadowCleared: false,
      }
      if (state.shadow === version) return { result: unchanged }
      if (version !== null) {
        this.#requireModel(snapshot, version)
        if (version === state.active) {
          throw registryError(
            this.dir,
            `${version} is the active model; a shadow model is scored beside the active one, so choose another version`,
          )
        }
      }
      const action: HistoryAction = version === null ? 'unshadow' : 'shadow'
      return {
        state: withHistory({ ...state, shadow: version }, this.#entry(action, version, state.shadow)),
        result: { ...unchanged, changed: true },
      }
    })
  }

  /**
   * Deletes all but the newest `keep` models, never the active, the shadow or the rollback target
   * (these are kept on top of `keep`). Deeper rollback entries that are deleted leave the rollback
   * stack. Also removes leftovers of crashed writers. Returns the deleted versions.
   */
  async prune(keep = 10): Promise<string[]> {
    if (!Number.isInteger(keep) || keep < 0) {
      throw registryError(this.dir, `prune: keep must be a whole number of at least 0, not ${keep}`)
    }
    const removed = await this.#mutate((snapshot) => {
      const { state } = snapshot
      const kept = new Set([state.active, state.shadow, popRollback(state)?.target])
      const versions = [...snapshot.models.keys()]
      const doomed = versions.slice(0, Math.max(0, versions.length - keep)).filter((v) => !kept.has(v))
      if (doomed.length === 0) return { result: [] as string[] }
      const next: RegistryState = {
        ...state,
        previous_active: state.previous_active.filter((v) => !doomed.includes(v)),
      }
      return {
        state: withHistory(next, ...doomed.map((v) => this.#entry('prune', v, null))),
        result: doomed,
      }
    })
    // registry.json no longer needs them; hide each directory first so no reader sees it half-deleted.
    for (const version of removed) {
      const trash = join(this.dir, `.trash-${version}-${randomUUID()}`)
      try {
        await rename(join(this.dir, version), trash)
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue
        throw registryError(this.dir, `cannot delete ${version} (${describeError(error)})`, error)
      }
      await rm(trash, { recursive: true, force: true })
    }
    await this.#sweepLeftovers()
    if (removed.length > 0) await this.reload()
    return removed
  }

  #info(version: string): ModelInfo {
    const { state, models } = this.#snapshot
    const model = models.get(version)
    if (model === undefined) throw registryError(this.dir, `no model ${version}`)
    return {
      version,
      meta: model.meta,
      hasForest: model.hasForest,
      active: state.active === version,
      shadow: state.shadow === version,
      rollbackTarget: popRollback(state)?.target === version,
    }
  }

  #entry(
    action: HistoryAction,
    version: string | null,
    previous: string | null,
    at = this.#now(),
  ): HistoryEntry {
    return { at: at.toISOString(), action, version, previous }
  }

  #requireModel(snapshot: RegistrySnapshot, version: string): void {
    if (!snapshot.models.has(version)) {
      throw registryError(
        this.dir,
        `no model ${version} in the registry; \`sentinel ml models\` lists the versions there are`,
      )
    }
  }

  /** The directory of a complete version; re-reads once in case another process just added it. */
  async #versionDir(version: string): Promise<string> {
    if (!this.#snapshot.models.has(version)) await this.reload()
    if (!this.#snapshot.models.has(version)) {
      throw registryError(this.dir, `no model ${version} in the registry`)
    }
    return join(this.dir, version)
  }

  #nextSequence(snapshot: RegistrySnapshot): number {
    // Versions named in the history count too, so a pruned name is never reused.
    const named = [snapshot.state.active, snapshot.state.shadow, ...snapshot.state.previous_active]
    for (const entry of snapshot.state.history) named.push(entry.version, entry.previous)
    let max = snapshot.maxSequence
    for (const v of named) if (v !== null) max = Math.max(max, versionSequence(v) ?? 0)
    return max + 1
  }

  /** Builds the version directory under a hidden name, then renames it; false if the name is taken. */
  async #writeVersionDir(version: string, now: Date, model: NewModel): Promise<boolean> {
    const temp = join(this.dir, `.tmp-${version}-${randomUUID()}`)
    try {
      await mkdir(temp)
      const bytes = typeof model.bytes === 'function' ? await model.bytes(version) : model.bytes
      if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
        throw new SentinelError('SNT_ERR_MODEL_INVALID', [model.meta.source, 'the model file is empty'])
      }
      const meta = toModelMeta({ ...model.meta, version, created_at: now.toISOString() })
      await writeNewFileSynced(join(temp, 'model.onnx'), bytes)
      if (model.forest !== undefined) {
        await writeNewFileSynced(join(temp, 'forest.json'), JSON.stringify(model.forest.toJSON()))
      }
      // model.json last: it is what marks a version directory complete (registry-snapshot.ts).
      await writeNewFileSynced(join(temp, 'model.json'), `${JSON.stringify(meta, null, 2)}\n`)
      await syncDir(temp)
      try {
        await rename(temp, join(this.dir, version))
      } catch (error) {
        const code = errorCode(error)
        if (code === 'EEXIST' || code === 'ENOTEMPTY') return false
        throw error
      }
      await syncDir(this.dir)
      return true
    } catch (error) {
      if (error instanceof SentinelError) throw error
      throw registryError(this.dir, `cannot write the new model ${version} (${writeProblem(error)})`, error)
    } finally {
      await rm(temp, { recursive: true, force: true })
    }
  }

  /**
   * Read-modify-write of registry.json. `change` sees a fresh snapshot and returns the new state
   * (or none to write nothing) and a result; if registry.json changed while the new one was being
   * written, it runs again on the newer content.
   */
  async #mutate<T = undefined>(
    change: (snapshot: RegistrySnapshot) => { state?: RegistryState; result?: T },
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const snapshot = await readRegistrySnapshot(this.dir)
      const { state, result } = change(snapshot)
      if (state === undefined) {
        this.#snapshot = snapshot
        return result as T
      }
      const temp = tempPathBeside(this.#file)
      try {
        await writeNewFileSynced(temp, serializeRegistryState(state))
        if ((await registryStamp(this.dir)) !== snapshot.stamp) continue
        await rename(temp, this.#file)
      } catch (error) {
        throw registryError(this.dir, `cannot write ${REGISTRY_FILE} (${writeProblem(error)})`, error)
      } finally {
        await unlink(temp).catch(() => undefined)
      }
      await syncDir(this.dir)
      await this.reload()
      return result as T
    }
    throw registryError(
      this.dir,
      `${REGISTRY_FILE} kept changing while this update was written (another \`sentinel ml\` command running?); try again`,
    )
  }

  /** Removes trash of interrupted prunes, and temp entries of writers that crashed long ago. */
  async #sweepLeftovers(): Promise<void> {
    const entries = await readdir(this.dir, { withFileTypes: true })
    const cutoff = Date.now() - STALE_TEMP_MS
    for (const entry of entries) {
      const path = join(this.dir, entry.name)
      if (entry.name.startsWith('.trash-')) {
        await rm(path, { recursive: true, force: true })
      } else if (entry.name.startsWith('.tmp-') || entry.name.endsWith('.tmp')) {
        const info = await stat(path).catch(() => undefined)
        if (info !== undefined && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true })
      }
    }
  }
}
