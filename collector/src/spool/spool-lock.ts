/**
 * @module Spool lock: one process owns a spool directory at a time. The lock is a `lock` file
 * holding the owner's pid; a lock whose process is gone is stale and taken over.
 */
import { link, readFile, realpath, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SentinelError } from '../errors/codes.js'

export const LOCK_FILE = 'lock'

/** Directories locked by this process, so a lock carrying our own pid (a restarted container reusing it) is told from a second open here. */
const heldHere = new Set<string>()

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readLockPid(path: string): Promise<number | false> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : false
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/**
 * Takes the lock of spool directory `dir` (which must exist), or throws
 * `SNT_ERR_SPOOL_LOCKED` naming the live owner. Returns the release function.
 *
 * The lock file appears with its content in one step (written aside, then hard-linked into
 * place), so a reader never sees an empty lock of a live owner.
 *
 * @example
 * const release = await acquireSpoolLock('/var/lib/sentinel/spool')
 * try { ... } finally { await release() }
 */
export async function acquireSpoolLock(spoolDir: string): Promise<() => Promise<void>> {
  const dir = await realpath(spoolDir)
  const path = join(dir, LOCK_FILE)
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}.tmp`)
  if (heldHere.has(dir)) throw new SentinelError('SNT_ERR_SPOOL_LOCKED', [spoolDir, String(process.pid)])
  await writeFile(tmp, `${process.pid}\n`)
  try {
    // Two rounds: the second follows the removal of a stale lock.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(tmp, path)
        heldHere.add(dir)
        return async () => {
          heldHere.delete(dir)
          if ((await readLockPid(path)) === process.pid) await unlink(path).catch(() => undefined)
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const owner = await readLockPid(path)
      // Our own pid in a lock nobody here holds: a previous process that had the same pid.
      if (owner !== false && owner !== process.pid && processAlive(owner)) {
        throw new SentinelError('SNT_ERR_SPOOL_LOCKED', [spoolDir, String(owner)])
      }
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err
      })
    }
    const owner = await readLockPid(path)
    throw new SentinelError('SNT_ERR_SPOOL_LOCKED', [spoolDir, owner === false ? 'unknown' : String(owner)])
  } finally {
    await unlink(tmp).catch(() => undefined)
  }
}
