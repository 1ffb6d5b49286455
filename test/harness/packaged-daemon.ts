/**
 * @module Daemons a Debian package starts on install (rsyslogd, snmpd, snmp_exporter): stopped and
 * disabled, so the system copy never holds /dev/log or the well-known ports the tests' own
 * instances would otherwise contend for.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { findBinary } from './requirements.js'
import { waitFor } from './wait-for.js'

const execFileAsync = promisify(execFile)

export interface PackagedDaemon {
  /** For the log line, e.g. `system snmpd`. */
  label: string
  /** systemd units to `disable --now` when systemd runs the machine. */
  units: readonly string[]
  /** Pids of copies running without systemd (from a pid file or a process scan). */
  pids: () => Promise<number[]>
}

/** The pid in `path`, if the file exists and holds one. */
export async function pidFromFile(path: string): Promise<number[]> {
  const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim())
  return pid > 0 ? [pid] : []
}

/** Disable the daemon's units and SIGTERM any running copy, waiting for it to exit. */
export async function stopPackagedDaemon(daemon: PackagedDaemon): Promise<void> {
  const systemctl = await findBinary('systemctl')
  const systemd = await readFile('/proc/1/comm', 'utf8').then(
    (comm) => comm.trim() === 'systemd',
    () => false,
  )
  if (systemctl && systemd && daemon.units.length > 0) {
    await execFileAsync(systemctl, ['disable', '--now', ...daemon.units]).catch(() => undefined)
  }
  for (const pid of await daemon.pids()) {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      continue // Stale pid.
    }
    await waitFor(
      () => {
        try {
          process.kill(pid, 0)
          return false
        } catch {
          return true
        }
      },
      { description: `${daemon.label} (pid ${pid}) to exit`, timeoutMs: 10_000 },
    )
    process.stdout.write(`[harness] stopped the ${daemon.label} (pid ${pid}) that the package started\n`)
  }
}
