/**
 * @module `sentinel ml models|promote|shadow|rollback|import|prune`: an operator's view of the
 * anomaly model registry and the changes they make to it. Each change prints one line saying what
 * changed; a running collector follows the registry on its own (it polls registry.json), so no
 * restart or reload is needed. Problems throw SentinelError, which the CLI prints with its code.
 */
import { access, readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { SentinelError } from '../errors/codes.js'
import { ModelRegistry, type ModelInfo, type SlotChange } from '../ml/registry/model-registry.js'
import { importModel, type PromoteTo } from '../ml/registry/train-model.js'
import { writeLine } from './read-lines.js'

/** How soon a running collector notices a change (its registry poll interval). */
const PICKUP = 'a running collector picks it up within 5 s'

export interface MlModelsOptions {
  /** One JSON document instead of the table. */
  json?: boolean
}

export interface MlImportOptions {
  promote: PromoteTo
  /** Kept in model.json, shown by `sentinel ml models --json`. */
  note?: string
}

/** `2026-11-21T10:16:00.000Z` as `2026-11-21 10:16` (the table says UTC once, in its header). */
const minute = (iso: string): string => iso.slice(0, 16).replace('T', ' ')

const orNone = (version: string | null): string => version ?? 'none'

function metric(info: ModelInfo, key: string, format: (x: number) => string): string {
  const value = info.meta.metrics[key]
  return value === undefined ? '-' : format(value)
}

function role(info: ModelInfo): string {
  if (info.active) return 'ACTIVE'
  if (info.shadow) return 'SHADOW'
  return info.rollbackTarget ? 'rollback target' : ''
}

/** Left-aligned columns, two spaces apart, trailing blanks trimmed. */
function table(rows: string[][]): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  )
}

/** The version an operator meant: the full name, or its number (`v7`, `0007`). */
function resolveVersion(registry: ModelRegistry, input: string): string {
  return registry.resolve(input) ?? input.trim()
}

async function writeLines(out: NodeJS.WritableStream, lines: string[]): Promise<void> {
  for (const line of lines) await writeLine(out, line)
}

/** Lists the models, oldest first, with their training window, key metrics and role. */
export async function runMlModels(
  dir: string,
  out: NodeJS.WritableStream,
  options: MlModelsOptions = {},
): Promise<number> {
  // Listing must not create a registry where a wrong --data-dir points.
  const exists = await access(dir).then(
    () => true,
    () => false,
  )
  const registry = exists ? await ModelRegistry.open(dir) : undefined
  const models = registry?.list() ?? []
  if (options.json) {
    const doc = {
      dir,
      active: registry?.active ?? null,
      shadow: registry?.shadow ?? null,
      rollback_target: registry?.rollbackTarget ?? null,
      models: models.map((m) => ({
        ...m.meta,
        has_forest: m.hasForest,
        active: m.active,
        shadow: m.shadow,
        rollback_target: m.rollbackTarget,
      })),
      problems: registry?.problems ?? [],
    }
    await writeLine(out, JSON.stringify(doc, null, 2))
    return 0
  }
  const lines: string[] = []
  if (models.length === 0) {
    lines.push(
      `No anomaly models in ${dir} yet. The collector trains one once it has seen ml.training.min_events ` +
        'log events; or bring your own: sentinel ml import FILE.',
    )
  } else {
    const header = [
      'VERSION',
      'KIND',
      'CREATED (UTC)',
      'TRAINED ON (UTC)',
      'ROWS',
      'P50',
      'P99',
      '>0.6',
      'ROLE',
    ]
    const rows = models.map((m) => [
      m.version,
      m.meta.kind,
      minute(m.meta.created_at),
      m.meta.training === null
        ? '-'
        : `${minute(m.meta.training.window_start)} .. ${minute(m.meta.training.window_end)}`,
      m.meta.training === null ? '-' : String(m.meta.training.rows),
      metric(m, 'score_p50', (x) => x.toFixed(3)),
      metric(m, 'score_p99', (x) => x.toFixed(3)),
      metric(m, 'share_above_0_6', (x) => `${(x * 100).toFixed(1)}%`),
      role(m),
    ])
    lines.push(...table([header, ...rows]))
    lines.push(
      '',
      `active: ${orNone(registry?.active ?? null)}   shadow: ${orNone(registry?.shadow ?? null)}   ` +
        `rollback returns to: ${orNone(registry?.rollbackTarget ?? null)}`,
    )
  }
  for (const problem of registry?.problems ?? []) lines.push(`warning: ${problem}`)
  await writeLines(out, lines)
  return 0
}

function activeChangeLine(change: SlotChange, verb: string): string {
  if (!change.changed) return `${change.version} is already the active model; nothing changed`
  const cleared = change.shadowCleared ? '; it was the shadow model, so no model runs in shadow now' : ''
  return `${verb}active model is now ${change.version} (was ${orNone(change.previous)})${cleared}; ${PICKUP}`
}

function shadowChangeLine(change: SlotChange): string {
  if (!change.changed) {
    return change.version === null
      ? 'no shadow model was set; nothing changed'
      : `${change.version} is already the shadow model; nothing changed`
  }
  return change.version === null
    ? `shadow model cleared (was ${orNone(change.previous)}); ${PICKUP}`
    : `shadow model is now ${change.version} (was ${orNone(change.previous)}); ${PICKUP}`
}

/** Makes a model active; the one it replaces is what `sentinel ml rollback` returns to. */
export async function runMlPromote(
  dir: string,
  version: string,
  out: NodeJS.WritableStream,
): Promise<number> {
  const registry = await ModelRegistry.open(dir)
  const change = await registry.promote(resolveVersion(registry, version))
  await writeLine(out, activeChangeLine(change, ''))
  return 0
}

/** Sets the shadow model, or clears it with null. */
export async function runMlShadow(
  dir: string,
  version: string | null,
  out: NodeJS.WritableStream,
): Promise<number> {
  const registry = await ModelRegistry.open(dir)
  const change = await registry.setShadow(version === null ? null : resolveVersion(registry, version))
  await writeLine(out, shadowChangeLine(change))
  return 0
}

/** Undoes the last promotion (each call steps back one more). */
export async function runMlRollback(dir: string, out: NodeJS.WritableStream): Promise<number> {
  const registry = await ModelRegistry.open(dir)
  const change = await registry.rollback()
  await writeLine(out, activeChangeLine(change, 'rolled back: '))
  return 0
}

/** Checks an ONNX file against the collector's feature spec and registers it. */
export async function runMlImport(
  dir: string,
  file: string,
  options: MlImportOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new SentinelError('SNT_ERR_MODEL_INVALID', [file, `cannot read the file (${reason})`], {
      cause: error,
    })
  }
  const registry = await ModelRegistry.open(dir)
  const previous = { active: registry.active, shadow: registry.shadow }
  const info = await importModel(registry, bytes, {
    name: basename(file),
    promote: options.promote,
    ...(options.note === undefined ? {} : { note: options.note }),
  })
  const lines = [`imported ${file} as ${info.version} (feature spec ${info.meta.feature_spec.id} matches)`]
  if (options.promote === 'active') {
    lines.push(`active model is now ${info.version} (was ${orNone(previous.active)}); ${PICKUP}`)
  } else if (options.promote === 'shadow') {
    lines.push(`shadow model is now ${info.version} (was ${orNone(previous.shadow)}); ${PICKUP}`)
  } else {
    lines.push(
      `not in use yet: sentinel ml shadow ${info.version} to compare it, or sentinel ml promote ${info.version}`,
    )
  }
  await writeLines(out, lines)
  return 0
}

/** Deletes all but the newest `keep` models (never the active, the shadow or the rollback target). */
export async function runMlPrune(dir: string, keep: number, out: NodeJS.WritableStream): Promise<number> {
  const registry = await ModelRegistry.open(dir)
  const removed = await registry.prune(keep)
  const models = (n: number): string => (n === 1 ? '1 model' : `${n} models`)
  const left = registry.list().length
  await writeLine(
    out,
    removed.length === 0
      ? `nothing to delete: ${models(left)}, keeping the newest ${keep} and those in use`
      : `deleted ${models(removed.length)} (${removed.join(', ')}); ${models(left)} left`,
  )
  return 0
}
