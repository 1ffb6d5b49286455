/**
 * @module Durable file writes for the model registry. Two processes (the `sentinel ml` CLI and a
 * running collector) may write the same directory, so unlike spool/atomic-file.ts every temporary
 * name is unique. A writer builds its file (or a whole version directory) under such a name, fsyncs
 * it and renames it into place, so neither a crash nor a power loss leaves a torn registry.json or a
 * half-written model.
 */
import { randomUUID } from 'node:crypto'
import { open } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** A unique hidden name beside `path`, for a file that is renamed over `path` when complete. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`)
}

/** Writes `data` to a new file (never an existing one) and fsyncs it. */
export async function writeNewFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx')
  try {
    await handle.writeFile(data)
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/** Fsyncs a directory so a rename inside it survives a power loss; best effort where unsupported. */
export async function syncDir(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic for crashes.
  } finally {
    await handle?.close()
  }
}
