/**
 * @module Reading a model registry directory into one consistent view: registry.json (validated,
 * with a stamp that tells whether it changed since) and the complete version directories. Anything
 * that is not a complete model (a crashed writer's leftovers, a damaged model.json) is left out and
 * described in `problems`, so a listing explains why a version is missing.
 */
import type { Dirent } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { SentinelError } from '../../errors/codes.js'
import { parseModelMeta, type ModelMeta } from './model-meta.js'
import { compareVersions, isModelVersion, versionSequence } from './model-version.js'
import { emptyRegistryState, parseRegistryState, type RegistryState } from './registry-state.js'

export const REGISTRY_FILE = 'registry.json'

export interface RegistrySnapshot {
  /** Identity of registry.json when it was read ('missing' when there is none). */
  stamp: string
  state: RegistryState
  /** Complete versions, oldest first. */
  models: Map<string, { meta: ModelMeta; hasForest: boolean }>
  /** Highest sequence number of any version-named directory, complete or not. */
  maxSequence: number
  problems: string[]
}

export function registryError(dir: string, detail: string, cause?: unknown): SentinelError {
  return new SentinelError(
    'SNT_ERR_MODEL_REGISTRY',
    [dir, detail],
    cause === undefined ? undefined : { cause },
  )
}

export const errorCode = (error: unknown): string | undefined =>
  (error as NodeJS.ErrnoException | undefined)?.code

export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false
    throw error
  }
}

/** Identity of registry.json's content: every atomic replace gives a new inode, a write a new mtime. */
export async function registryStamp(dir: string): Promise<string> {
  try {
    const s = await stat(join(dir, REGISTRY_FILE), { bigint: true })
    return `${s.ino}:${s.size}:${s.mtimeNs}`
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing'
    throw registryError(dir, `cannot stat ${REGISTRY_FILE} (${describeError(error)})`, error)
  }
}

async function readState(dir: string): Promise<RegistryState> {
  let text: string
  try {
    text = await readFile(join(dir, REGISTRY_FILE), 'utf8')
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return emptyRegistryState()
    throw registryError(dir, `cannot read ${REGISTRY_FILE} (${describeError(error)})`, error)
  }
  const parsed = parseRegistryState(text)
  if (typeof parsed === 'string') {
    throw registryError(
      dir,
      `${REGISTRY_FILE} ${parsed}. Fix the file, or move it aside to start over ` +
        '(the models are kept; only the active/shadow choice and the history are lost)',
    )
  }
  return parsed
}

async function scanVersions(dir: string): Promise<Omit<RegistrySnapshot, 'stamp' | 'state'>> {
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    throw registryError(dir, `cannot list the directory (${describeError(error)})`, error)
  }
  const names = entries
    .filter((e) => e.isDirectory() && isModelVersion(e.name))
    .map((e) => e.name)
    .sort(compareVersions)
  const models: RegistrySnapshot['models'] = new Map()
  const problems: string[] = []
  let maxSequence = 0
  for (const name of names) {
    maxSequence = Math.max(maxSequence, versionSequence(name) ?? 0)
    const versionDir = join(dir, name)
    let text: string
    try {
      text = await readFile(join(versionDir, 'model.json'), 'utf8')
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') {
        throw registryError(dir, `cannot read ${name}/model.json (${describeError(error)})`, error)
      }
      problems.push(`${name}: incomplete (no model.json); ignored`)
      continue
    }
    const meta = parseModelMeta(text)
    if (typeof meta === 'string') {
      problems.push(`${name}/model.json ${meta}; ignored`)
    } else if (meta.version !== name) {
      problems.push(`${name}/model.json names version ${meta.version}; ignored`)
    } else if (!(await exists(join(versionDir, 'model.onnx')))) {
      problems.push(`${name}: incomplete (no model.onnx); ignored`)
    } else {
      models.set(name, { meta, hasForest: await exists(join(versionDir, 'forest.json')) })
    }
  }
  return { models, maxSequence, problems }
}

/**
 * Reads the registry at `dir`. A damaged registry.json throws SNT_ERR_MODEL_REGISTRY naming the
 * bad field; an active or shadow version without a complete directory is only a problem (a CLI
 * must still be able to open the registry to repair it).
 */
export async function readRegistrySnapshot(dir: string): Promise<RegistrySnapshot> {
  // Stamp first: if the file changes after it, the next changed() sees it and it is read again.
  const stamp = await registryStamp(dir)
  const state = stamp === 'missing' ? emptyRegistryState() : await readState(dir)
  const { models, maxSequence, problems } = await scanVersions(dir)
  if (state.active !== null && !models.has(state.active)) {
    problems.push(`the active model ${state.active} has no complete directory here; promote another version`)
  }
  if (state.shadow !== null && !models.has(state.shadow)) {
    problems.push(`the shadow model ${state.shadow} has no complete directory here; set or clear the shadow`)
  }
  return { stamp, state, models, maxSequence, problems }
}
