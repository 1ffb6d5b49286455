/**
 * @module Readiness probes: how the harness knows a started service can take work.
 *
 * A probe answers once, cheaply; `ManagedProcess.waitReady()` polls it with a deadline.
 */
import { access, readFile } from 'node:fs/promises'
import { connect } from 'node:net'

export type ReadinessProbe =
  /** A TCP connect to host:port succeeds. */
  | { kind: 'tcp'; host?: string; port: number }
  /** `GET url` answers 200. */
  | { kind: 'http'; url: string }
  /** The service's log file has a line matching `pattern`. */
  | { kind: 'log'; pattern: RegExp }
  /** A file or socket exists (e.g. a unix socket the service creates). */
  | { kind: 'path'; path: string }
  /** Anything else; resolve true when ready. */
  | { kind: 'custom'; check: () => Promise<boolean>; description: string }
  /** Every listed probe passes. */
  | { kind: 'all'; probes: ReadinessProbe[] }

/** Human-readable description of a probe for error messages. */
export function describeProbe(probe: ReadinessProbe): string {
  switch (probe.kind) {
    case 'tcp':
      return `tcp ${probe.host ?? '127.0.0.1'}:${probe.port} accepting`
    case 'http':
      return `GET ${probe.url} = 200`
    case 'log':
      return `log line ${String(probe.pattern)}`
    case 'path':
      return `${probe.path} to exist`
    case 'custom':
      return probe.description
    case 'all':
      return probe.probes.map(describeProbe).join(' and ')
  }
}

/** Run a probe once: true when it passes now. `logFile` serves `log` probes. */
export async function probeOnce(probe: ReadinessProbe, logFile: string): Promise<boolean> {
  switch (probe.kind) {
    case 'tcp':
      return tcpAccepting(probe.host ?? '127.0.0.1', probe.port)
    case 'http': {
      const response = await fetch(probe.url, { signal: AbortSignal.timeout(2_000) })
      await response.arrayBuffer()
      return response.status === 200
    }
    case 'log':
      return probe.pattern.test(await readFile(logFile, 'utf8').catch(() => ''))
    case 'path':
      return access(probe.path).then(
        () => true,
        () => false,
      )
    case 'custom':
      return probe.check()
    case 'all':
      for (const p of probe.probes) if (!(await probeOnce(p, logFile))) return false
      return true
  }
}

/** True when something accepts a TCP connection on host:port. */
export function tcpAccepting(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.setTimeout(1_000)
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}
