/**
 * @module Atomic small-file replace: write a temporary file beside the target, then rename it
 * over the target, so a crash leaves either the old content or the new, never a torn file.
 */
import { open, rename } from 'node:fs/promises'

/**
 * Replaces `path` with `data`. With `sync`, the data is fsynced before the rename (survives a
 * power loss, not only a process crash).
 *
 * @example
 * await writeFileAtomic('/spool/readers/elasticsearch.cursor', '{"position":42}\n')
 */
export async function writeFileAtomic(path: string, data: string, sync = false): Promise<void> {
  const tmp = `${path}.tmp`
  const handle = await open(tmp, 'w')
  try {
    await handle.writeFile(data)
    if (sync) await handle.datasync()
  } finally {
    await handle.close()
  }
  await rename(tmp, path)
}
