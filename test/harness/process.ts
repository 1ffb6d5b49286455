/**
 * @module Child processes for tests: output to a log file, readiness by probe, graceful stop with
 * a SIGKILL fallback, and a process-exit hook so nothing outlives the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { describeProbe, probeOnce, type ReadinessProbe } from './readiness.js'
import { waitFor } from './wait-for.js'

export interface StartProcessOptions {
  /** Short name for messages, e.g. `rsyslogd`. */
  name: string
  command: string
  args: readonly string[]
  /** stdout and stderr are appended here. */
  logFile: string
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Wait for this before `startProcess` resolves. */
  ready?: ReadinessProbe
  readyTimeoutMs?: number
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number
}

/** How a process ended. */
export interface ExitStatus {
  code: number | null
  signal: NodeJS.Signals | null
}

const live = new Set<ManagedProcess>()
let hooksInstalled = false

/** Kill whatever is still running when the test process goes away. */
function installExitHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', () => {
    for (const p of live) p.killNow()
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const p of live) p.killNow()
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
    })
  }
}

/** A started child process. Create with {@link startProcess}. */
export class ManagedProcess {
  readonly name: string
  readonly logFile: string
  readonly pid: number
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitStatus>
  private status: ExitStatus | undefined
  private readonly stopTimeoutMs: number
  private readonly child: ChildProcess

  constructor(child: ChildProcess, options: StartProcessOptions) {
    if (child.pid === undefined) throw new Error(`${options.name}: spawn gave no pid`)
    this.child = child
    this.name = options.name
    this.logFile = options.logFile
    this.pid = child.pid
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.status = { code, signal }
        live.delete(this)
        resolve(this.status)
      })
    })
    live.add(this)
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.status === undefined
  }

  /** The exit status, once exited. */
  get exitStatus(): ExitStatus | undefined {
    return this.status
  }

  /** The whole log so far. */
  log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '')
  }

  /** Wait until `probe` passes; fails at once (with the log tail) if the process exits first. */
  async waitReady(probe: ReadinessProbe, timeoutMs = 30_000): Promise<void> {
    try {
      await waitFor(
        async () => {
          if (!this.running) throw new ProcessExitedError(this, await this.logTail())
          return probeOnce(probe, this.logFile)
        },
        { description: `${this.name} ready (${describeProbe(probe)})`, timeoutMs, intervalMs: 50 },
      )
    } catch (error) {
      if (error instanceof Error && error.cause instanceof ProcessExitedError) throw error.cause
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${await this.logTail()}`, {
        cause: error,
      })
    }
  }

  /** Wait until the log has a line matching `pattern`; returns the match. */
  async waitForLog(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    return waitFor(async () => pattern.exec(await this.log()) ?? undefined, {
      description: `${this.name} log line ${String(pattern)}`,
      timeoutMs,
    })
  }

  /** SIGTERM, wait for exit, SIGKILL after the stop timeout. Resolves with the exit status. */
  async stop(): Promise<ExitStatus> {
    if (!this.running) return this.exited
    this.signal('SIGTERM')
    const timer = setTimeout(() => this.signal('SIGKILL'), this.stopTimeoutMs)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }

  /** SIGKILL and wait for exit: a crash, as far as the process can tell. */
  async kill9(): Promise<ExitStatus> {
    this.signal('SIGKILL')
    return this.exited
  }

  /**
   * Let this process's test process exit while it still runs (the exit hook then kills it): for
   * a service shared by every test in a file, which no single test stops.
   */
  unref(): void {
    this.child.unref()
  }

  /** Synchronous SIGKILL, for exit hooks. */
  killNow(): void {
    this.signal('SIGKILL')
  }

  private signal(signal: NodeJS.Signals): void {
    if (!this.running) return
    try {
      process.kill(this.pid, signal)
    } catch {
      // Already gone: the exit event follows.
    }
  }

  private async logTail(lines = 40): Promise<string> {
    const text = await this.log()
    return `--- last lines of ${this.logFile} ---\n${text.split('\n').slice(-lines).join('\n')}`
  }
}

/** Thrown when a process exits while the harness waits for it to become ready. */
export class ProcessExitedError extends Error {
  override name = 'ProcessExitedError'
  constructor(p: ManagedProcess, logTail: string) {
    const s = p.exitStatus
    super(
      `${p.name} (pid ${p.pid}) exited before it was ready: code ${s?.code ?? '-'}, signal ${s?.signal ?? '-'}\n${logTail}`,
    )
  }
}

/**
 * Spawn a command with stdout/stderr appended to `logFile`; wait for `ready` when given.
 *
 * @example
 * const p = await startProcess({ name: 'nc', command: 'nc', args: ['-lk', '127.0.0.1', '5000'],
 *   logFile: join(dir, 'nc.log'), ready: { kind: 'tcp', port: 5000 } })
 * await p.stop()
 */
export async function startProcess(options: StartProcessOptions): Promise<ManagedProcess> {
  installExitHooks()
  const fd = openSync(options.logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
    })
  } finally {
    closeSync(fd)
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  const spawned = new Promise<void>((resolve) => child.once('spawn', resolve))
  const first = await Promise.race([spawned.then(() => undefined), spawnError])
  if (first instanceof Error)
    throw new Error(`${options.name}: cannot start ${options.command}: ${first.message}`)
  const managed = new ManagedProcess(child, options)
  if (options.ready) {
    try {
      await managed.waitReady(options.ready, options.readyTimeoutMs)
    } catch (error) {
      await managed.kill9()
      throw error
    }
  }
  return managed
}
