/**
 * @module What the suite needs from the machine (binaries, module files) and which Debian
 * package brings each; {@link ensureInstalled} installs the missing ones with apt, once.
 */
import { spawn } from 'node:child_process'
import { access, constants, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { WORK_ROOT, REPO_ROOT } from './work-dir.js'
import { waitFor } from './wait-for.js'

/** One thing the suite needs, and the Debian package that provides it. */
export interface Requirement {
  /** What is checked, for messages: `rsyslogd`, `lmnsd_gtls.so`. */
  readonly what: string
  /** Debian package to install when missing. */
  readonly debianPackage: string
  /** Missing optional requirements are installed when possible but never fail the run. */
  readonly optional?: boolean
  /** True when present on this machine. */
  present(): Promise<boolean>
}

/** Directories searched for binaries besides $PATH (root's sbin dirs are not always on it). */
const EXTRA_BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

/** Absolute path of an executable, or undefined. */
export async function findBinary(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_BIN_DIRS]
  for (const dir of dirs) {
    const path = join(dir, name)
    try {
      await access(path, constants.X_OK)
      if ((await stat(path)).isFile()) return path
    } catch {
      // Not here.
    }
  }
  return undefined
}

/** Absolute path of an executable; throws a clear error when missing. */
export async function requireBinary(name: string): Promise<string> {
  const path = await findBinary(name)
  if (!path)
    throw new Error(`${name} not found: run the suite through \`npm test\`, which installs it, or install it`)
  return path
}

/** A requirement for an executable on the PATH (or in an sbin dir). */
export function binary(name: string, debianPackage: string, optional = false): Requirement {
  return { what: name, debianPackage, optional, present: async () => (await findBinary(name)) !== undefined }
}

/**
 * Where an rsyslog loadable module lives: Debian puts them in `/usr/lib/<multiarch>/rsyslog/`.
 * Returns the first existing path.
 */
export async function findRsyslogModule(file: string): Promise<string | undefined> {
  const candidates = [join('/usr/lib/rsyslog', file)]
  for (const entry of await readdir('/usr/lib').catch(() => [] as string[])) {
    candidates.push(join('/usr/lib', entry, 'rsyslog', file))
  }
  for (const path of candidates) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path
  }
  return undefined
}

/** A requirement for an rsyslog module file, e.g. `lmnsd_gtls.so` from rsyslog-gnutls. */
export function rsyslogModule(file: string, debianPackage: string): Requirement {
  return { what: file, debianPackage, present: async () => (await findRsyslogModule(file)) !== undefined }
}

export interface EnsureInstalledOptions {
  /** Called after an install that included these packages (e.g. stop a daemon apt started). */
  afterInstall?: ReadonlyArray<() => Promise<void>>
  /** Progress lines; default: stdout. */
  log?: (line: string) => void
}

/**
 * Check every requirement; when some are missing, run `apt-get update` once and
 * `apt-get install -y --no-install-recommends <packages>`, then check again. Parallel test
 * processes serialise on a lock directory, so apt runs at most once at a time.
 *
 * Fails with a clear message when a required thing is missing and this process is not root,
 * or when it is still missing after the install.
 *
 * @example await ensureInstalled([binary('rsyslogd', 'rsyslog')])
 */
export async function ensureInstalled(
  requirements: readonly Requirement[],
  options: EnsureInstalledOptions = {},
): Promise<void> {
  const log = options.log ?? ((line: string) => process.stdout.write(`[harness] ${line}\n`))
  if ((await missing(requirements)).length === 0) return
  await withInstallLock(async () => {
    const absent = await missing(requirements)
    if (absent.length === 0) return
    const packages = [...new Set(absent.map((r) => r.debianPackage))].sort()
    const describe = absent
      .map((r) => `${r.what} (${r.debianPackage}${r.optional ? ', optional' : ''})`)
      .join(', ')
    const required = absent.filter((r) => !r.optional)
    if (process.getuid?.() !== 0) {
      const message =
        `Missing: ${describe}. Installing needs root; run as root or install them with: ` +
        `apt-get install -y --no-install-recommends ${packages.join(' ')}`
      if (required.length > 0) throw new Error(message)
      log(`${message} (optional, continuing)`)
      return
    }
    log(`missing ${describe}: installing ${packages.join(' ')}`)
    try {
      await aptInstall(packages, log)
    } catch (error) {
      if (required.length > 0) throw error
      log(`optional install failed (continuing): ${error instanceof Error ? error.message : String(error)}`)
    }
    for (const hook of options.afterInstall ?? []) await hook()
    const still = (await missing(requirements)).filter((r) => !r.optional)
    if (still.length > 0) {
      throw new Error(
        `Still missing after apt-get install: ${still.map((r) => `${r.what} (${r.debianPackage})`).join(', ')}`,
      )
    }
  })
}

async function missing(requirements: readonly Requirement[]): Promise<Requirement[]> {
  const checks = await Promise.all(requirements.map(async (r) => ((await r.present()) ? undefined : r)))
  return checks.filter((r): r is Requirement => r !== undefined)
}

let aptUpdated = false

/** apt-get update (once per process) and install, with services kept from starting. */
async function aptInstall(packages: readonly string[], log: (line: string) => void): Promise<void> {
  const archives = join(REPO_ROOT, 'test', '.cache', 'apt', 'archives')
  await mkdir(join(archives, 'partial'), { recursive: true })
  const aptOptions = ['-o', `Dir::Cache::Archives=${archives}`, '-o', 'APT::Sandbox::User=root']
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  // policy-rc.d exit 101 tells invoke-rc.d not to start the services the packages bring.
  const policy = '/usr/sbin/policy-rc.d'
  const ownPolicy = !(await access(policy).then(
    () => true,
    () => false,
  ))
  if (ownPolicy)
    await writeFile(
      policy,
      '#!/bin/sh\n# Written by the Sentinel test harness during apt-get install.\nexit 101\n',
      { mode: 0o755 },
    )
  try {
    if (!aptUpdated) {
      log('apt-get update')
      await run('apt-get', [...aptOptions, 'update'], env, log)
      aptUpdated = true
    }
    log(`apt-get install -y --no-install-recommends ${packages.join(' ')}`)
    await run('apt-get', [...aptOptions, 'install', '-y', '--no-install-recommends', ...packages], env, log)
  } finally {
    if (ownPolicy) await rm(policy, { force: true })
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}`)))
    child.once('exit', (code) => {
      const tail = output.trim().split('\n').slice(-15).join('\n')
      if (code === 0) {
        for (const line of output.split('\n')) if (line.startsWith('Setting up ')) log(`  ${line}`)
        resolve()
      } else reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${tail}`))
    })
  })
}

/** Serialise installs across the suite's parallel processes with an atomic mkdir lock. */
async function withInstallLock(body: () => Promise<void>): Promise<void> {
  const lock = join(WORK_ROOT, '.install.lock')
  await mkdir(WORK_ROOT, { recursive: true })
  const tryLock = async () => {
    try {
      await mkdir(lock)
      await writeFile(join(lock, 'pid'), String(process.pid))
      return true
    } catch {
      await breakStaleLock(lock)
      return false
    }
  }
  await waitFor(tryLock, { description: `install lock ${lock}`, timeoutMs: 15 * 60_000, intervalMs: 250 })
  try {
    await body()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

async function breakStaleLock(lock: string): Promise<void> {
  try {
    const pid = Number((await readFile(join(lock, 'pid'), 'utf8')).trim())
    if (pid > 0) process.kill(pid, 0)
  } catch (error) {
    // No such process (ESRCH): the holder died without releasing; take the lock over.
    if (error instanceof Error && 'code' in error && error.code === 'ESRCH')
      await rm(lock, { recursive: true, force: true })
  }
}
