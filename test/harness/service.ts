/**
 * @module ServiceSpec: one small description per real service the tests run (rsyslog, the
 * collector; later Elasticsearch, Prometheus, Alertmanager, snmpd), and {@link startService},
 * which turns a spec into a running, ready, stoppable process in its own work directory.
 */
import { join } from 'node:path'
import { startProcess, type ExitStatus, type ManagedProcess } from './process.js'
import type { ReadinessProbe } from './readiness.js'
import { ensureInstalled, type Requirement } from './requirements.js'
import { makeWorkDir } from './work-dir.js'

/** How to launch a configured service. */
export interface LaunchCommand {
  command: string
  args: readonly string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * Everything the harness needs to know about one service.
 *
 * `Options` is what a test asks for (ports, peers, TLS files); `Setup` is what `configure`
 * produced (paths, chosen ports) and what the test later uses to talk to the service.
 */
export interface ServiceSpec<Options, Setup> {
  /** Short name: work dirs and log files are named after it. */
  readonly name: string
  /** Binaries/files and the Debian packages that bring them. */
  readonly requires: readonly Requirement[]
  /** Run after apt installed this spec's packages, e.g. stop a daemon the package started. */
  afterInstall?(): Promise<void>
  /** Write config files into `workDir` (picking free ports as needed). */
  configure(workDir: string, options: Options): Promise<Setup>
  /** Validate the written config before starting (e.g. `rsyslogd -N1`); throw on error. */
  check?(setup: Setup, workDir: string): Promise<void>
  command(setup: Setup, workDir: string): Promise<LaunchCommand> | LaunchCommand
  ready(setup: Setup): ReadinessProbe
  readyTimeoutMs?: number
  /** How long a graceful stop may take before SIGKILL. */
  stopTimeoutMs?: number
}

/** A started service; `process` changes on {@link RunningService.restart}. */
export interface RunningService<Setup> {
  readonly name: string
  readonly workDir: string
  readonly setup: Setup
  /** The current process. */
  readonly process: ManagedProcess
  /** Log file of the current process. */
  readonly logFile: string
  /** SIGTERM, wait for exit (SIGKILL after the spec's stop timeout). */
  stop(): Promise<ExitStatus>
  /** SIGKILL and wait. */
  kill9(): Promise<ExitStatus>
  /** Start again with the same config and work dir (after stop or kill9) and wait for ready. */
  restart(): Promise<void>
}

export interface StartServiceOptions {
  /** Use this directory instead of a fresh one under the run dir. */
  workDir?: string
}

/**
 * Install what the spec needs (if missing), write its config, check it, start it and wait
 * until it is ready.
 *
 * @example
 * const rsyslog = await startService(rsyslogSpec, { target: { host: '127.0.0.1', port, tls } })
 * after(() => rsyslog.stop())
 */
export async function startService<Options, Setup>(
  spec: ServiceSpec<Options, Setup>,
  options: Options,
  start: StartServiceOptions = {},
): Promise<RunningService<Setup>> {
  const afterInstall = spec.afterInstall?.bind(spec)
  await ensureInstalled(spec.requires, { afterInstall: afterInstall ? [afterInstall] : [] })
  const workDir = start.workDir ?? (await makeWorkDir(spec.name))
  const setup = await spec.configure(workDir, options)
  await spec.check?.(setup, workDir)
  let generation = 0
  const launch = async (): Promise<ManagedProcess> => {
    const cmd = await spec.command(setup, workDir)
    generation += 1
    return startProcess({
      name: spec.name,
      command: cmd.command,
      args: cmd.args,
      env: cmd.env,
      cwd: cmd.cwd ?? workDir,
      logFile: join(workDir, generation === 1 ? `${spec.name}.log` : `${spec.name}.${generation}.log`),
      ready: spec.ready(setup),
      readyTimeoutMs: spec.readyTimeoutMs,
      stopTimeoutMs: spec.stopTimeoutMs,
    })
  }
  let current = await launch()
  return {
    name: spec.name,
    workDir,
    setup,
    get process() {
      return current
    },
    get logFile() {
      return current.logFile
    },
    stop: () => current.stop(),
    kill9: () => current.kill9(),
    async restart() {
      if (current.running) await current.stop()
      current = await launch()
    },
  }
}
