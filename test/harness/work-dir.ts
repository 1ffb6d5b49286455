/**
 * @module Scratch directories for one test run: `test/.work/<run>/` (git-ignored).
 *
 * `npm test` runs each test file in its own process; they share one run directory through the
 * `SENTINEL_TEST_RUN` environment variable, which `prepareServices()` sets before the runner
 * spawns them. A file started on its own gets a run of its own.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root (absolute, with a trailing separator). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Where every run directory lives. */
export const WORK_ROOT = join(REPO_ROOT, 'test', '.work')

/** How many old run directories are kept for post-mortems. */
const KEEP_RUNS = 5

/** This run's id, shared with child test processes through the environment. */
export function runId(): string {
  let id = process.env.SENTINEL_TEST_RUN
  if (!id) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
    id = `${stamp}-${process.pid}`
    process.env.SENTINEL_TEST_RUN = id
  }
  return id
}

/** `test/.work/<run>/`, created on first use. */
export async function runDir(): Promise<string> {
  const dir = join(WORK_ROOT, runId())
  await mkdir(dir, { recursive: true })
  return dir
}

/**
 * A fresh, unique directory under this run's directory, e.g. `collector-XXXXXX`.
 *
 * @example const dir = await makeWorkDir('rsyslog')
 */
export async function makeWorkDir(prefix: string): Promise<string> {
  const safe = prefix.replace(/[^A-Za-z0-9_.-]/g, '_')
  return mkdtemp(join(await runDir(), `${safe}-`))
}

/** Delete all but the newest {@link KEEP_RUNS} run directories (never the current one). */
export async function pruneOldRuns(): Promise<void> {
  let names: string[]
  try {
    names = await readdir(WORK_ROOT)
  } catch {
    return
  }
  const current = runId()
  const dated = await Promise.all(
    names
      .filter((n) => n !== current)
      .map(async (n) => ({ n, t: (await stat(join(WORK_ROOT, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
  )
  dated.sort((a, b) => b.t - a.t)
  for (const { n } of dated.slice(KEEP_RUNS - 1)) {
    await rm(join(WORK_ROOT, n), { recursive: true, force: true })
  }
}
