/**
 * @module Finds copies of a daemon that the Debian package started (not the harness): every
 * process running the binary whose command line does not point into the harness's work root.
 * Harness instances always take `--config.file=` under `test/.work/`, so they are never matched,
 * whichever test process started them.
 */
import { readdir, readFile, readlink } from 'node:fs/promises'
import { basename } from 'node:path'
import { WORK_ROOT } from './work-dir.js'

/**
 * Pids of processes whose executable is named `binaryName` and that the harness did not start.
 *
 * @example await stopPackagedDaemon({ label: 'packaged Prometheus', units: ['prometheus.service'], pids: () => packagedPids('prometheus') })
 */
export async function packagedPids(binaryName: string): Promise<number[]> {
  const pids: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue
    const exe = await readlink(`/proc/${entry}/exe`).catch(() => '')
    // A binary replaced by an upgrade reads as "/usr/bin/x (deleted)".
    if (basename(exe.replace(/ \(deleted\)$/, '')) !== binaryName) continue
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0')
    if (argv.some((arg) => arg.includes(WORK_ROOT))) continue
    pids.push(Number(entry))
  }
  return pids
}
