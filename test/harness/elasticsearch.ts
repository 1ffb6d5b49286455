/**
 * @module A real Elasticsearch for tests: the 8.x integ-test distribution from Maven Central
 * (no bundled JDK, no ILM, security off), run on the machine's OpenJDK 17 as an unprivileged
 * user, on a free loopback port, with its own config/data/logs under this run's work dir.
 *
 * Two ways in:
 * - {@link sharedElasticsearch}: the one instance `npm test` starts for the whole run (its URL
 *   reaches the test processes in {@link SHARED_ES_URL_ENV}); tests that only index and search
 *   use it, each with its own data stream / index names.
 * - {@link startElasticsearch}: a dedicated instance, for tests that stop, kill or restart it or
 *   need odd settings (a one-slot write queue).
 *
 * The zip and its unpacked install are cached in `test/.cache/elasticsearch/` (git-ignored), so
 * only the first run downloads (97 MB). The zip is checked against the `.sha1` Maven Central
 * publishes beside it.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { access, chmod, chown, cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freeTcpPort } from './ports.js'
import { binary, findBinary, requireBinary, type Requirement } from './requirements.js'
import { startService, type RunningService, type ServiceSpec } from './service.js'
import { REPO_ROOT } from './work-dir.js'

const execFileAsync = promisify(execFile)

/** Elasticsearch version the tests run. */
export const ELASTICSEARCH_VERSION = '8.19.4'

/** Environment variable carrying the shared instance's URL from `npm test` to the test processes. */
export const SHARED_ES_URL_ENV = 'SENTINEL_TEST_ES_URL'

const MAVEN_URL =
  `https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/` +
  `${ELASTICSEARCH_VERSION}/elasticsearch-${ELASTICSEARCH_VERSION}.zip`

/** `test/.cache/elasticsearch/`: the downloaded zip and its unpacked install. */
export const ES_CACHE_DIR = join(REPO_ROOT, 'test', '.cache', 'elasticsearch')

/** The unprivileged user Elasticsearch runs as when the suite runs as root (it refuses root). */
const ES_USER = 'es'

/** Directories where Debian's OpenJDK 17 lives, most likely first. */
const JAVA_17_HOMES = ['/usr/lib/jvm/java-17-openjdk-amd64', '/usr/lib/jvm/java-17-openjdk-arm64']

/** The JDK 17 home on this machine, or undefined. */
export async function findJava17Home(): Promise<string | undefined> {
  const candidates = [...JAVA_17_HOMES]
  for (const entry of await readdir('/usr/lib/jvm').catch(() => [] as string[])) {
    if (/^java-17-openjdk/.test(entry)) candidates.push(join('/usr/lib/jvm', entry))
  }
  for (const home of candidates) {
    if (await exists(join(home, 'bin', 'java'))) return home
  }
  return undefined
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

const java17: Requirement = {
  what: 'java 17 (/usr/lib/jvm/java-17-openjdk-*)',
  debianPackage: 'openjdk-17-jre-headless',
  present: async () => (await findJava17Home()) !== undefined,
}

export interface ElasticsearchOptions {
  /** `thread_pool.write.queue_size` (and, when set, `thread_pool.write.size=1`): makes 429s easy to provoke. */
  writeQueueSize?: number
  /** JVM heap in MiB (-Xms and -Xmx). Default 512. */
  heapMb?: number
}

export interface ElasticsearchSetup {
  /** `http://127.0.0.1:<port>` */
  url: string
  httpPort: number
  transportPort: number
  javaHome: string
  /** The cached, unpacked distribution (shared read-only by every instance). */
  home: string
  /** This instance's copy of config/ (ES writes its keystore there). */
  configDir: string
  dataDir: string
  logsDir: string
  settings: string[]
  heapMb: number
}

/** Fetch a URL into a file (atomically: a temp name, then rename). */
async function download(url: string, target: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) })
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`)
  const temp = `${target}.${process.pid}.part`
  await writeFile(temp, Buffer.from(await response.arrayBuffer()))
  await rename(temp, target)
}

async function sha1(file: string): Promise<string> {
  return createHash('sha1')
    .update(await readFile(file))
    .digest('hex')
}

/**
 * The unpacked distribution, downloading and unzipping it into the cache on first use. Safe to
 * call from parallel test processes: each step writes under a unique temp name and renames.
 */
export async function ensureElasticsearchDistribution(
  log: (line: string) => void = (line) => process.stdout.write(`[harness] ${line}\n`),
): Promise<string> {
  const home = join(ES_CACHE_DIR, `elasticsearch-${ELASTICSEARCH_VERSION}`)
  if (await exists(join(home, 'bin', 'elasticsearch'))) return home
  await mkdir(ES_CACHE_DIR, { recursive: true })
  const zip = join(ES_CACHE_DIR, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`)
  const sumFile = `${zip}.sha1`
  if (!(await exists(sumFile))) await download(`${MAVEN_URL}.sha1`, sumFile)
  const expected = (await readFile(sumFile, 'utf8')).trim().split(/\s+/)[0]?.toLowerCase() ?? ''
  if (!(await exists(zip)) || (await sha1(zip)) !== expected) {
    log(`downloading Elasticsearch ${ELASTICSEARCH_VERSION} from ${MAVEN_URL}`)
    await download(MAVEN_URL, zip)
    const actual = await sha1(zip)
    if (actual !== expected) {
      await rm(zip, { force: true })
      throw new Error(`${MAVEN_URL}: SHA-1 ${actual} does not match the published ${expected}`)
    }
  }
  const unzipDir = join(ES_CACHE_DIR, `.unzip-${process.pid}-${Date.now()}`)
  try {
    await execFileAsync(await requireBinary('unzip'), ['-q', zip, '-d', unzipDir], {
      maxBuffer: 16 * 1024 * 1024,
    })
    await rename(join(unzipDir, `elasticsearch-${ELASTICSEARCH_VERSION}`), home).catch(async (error) => {
      // Another test process unpacked it first.
      if (!(await exists(join(home, 'bin', 'elasticsearch')))) throw error
    })
  } finally {
    await rm(unzipDir, { recursive: true, force: true })
  }
  log(`Elasticsearch ${ELASTICSEARCH_VERSION} unpacked in ${home}`)
  return home
}

const running = process.getuid?.() === 0

async function ensureEsUser(): Promise<{ uid: number; gid: number }> {
  const lookup = async () => {
    const { stdout } = await execFileAsync('id', ['-u', ES_USER])
    const { stdout: group } = await execFileAsync('id', ['-g', ES_USER])
    return { uid: Number(stdout.trim()), gid: Number(group.trim()) }
  }
  try {
    return await lookup()
  } catch {
    await execFileAsync(await requireBinary('useradd'), [
      '-r',
      '-M',
      '-s',
      '/usr/sbin/nologin',
      ES_USER,
    ]).catch((error: unknown) => {
      // A parallel process may have created it between the lookup and useradd (exit 9).
      if (!(error instanceof Error && 'code' in error && error.code === 9)) throw error
    })
    return lookup()
  }
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid)
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) await chownTree(child, uid, gid)
    else await chown(child, uid, gid)
  }
}

/** The Elasticsearch service spec (single node, loopback, security off). */
export const elasticsearchSpec: ServiceSpec<ElasticsearchOptions, ElasticsearchSetup> = {
  name: 'elasticsearch',
  requires: [binary('unzip', 'unzip'), binary('setpriv', 'util-linux'), java17],
  async configure(workDir, options) {
    const home = await ensureElasticsearchDistribution()
    const javaHome = await findJava17Home()
    if (!javaHome) throw new Error('OpenJDK 17 not found under /usr/lib/jvm (Debian openjdk-17-jre-headless)')
    const httpPort = await freeTcpPort()
    const transportPort = await freeTcpPort()
    const configDir = join(workDir, 'config')
    const dataDir = join(workDir, 'data')
    const logsDir = join(workDir, 'logs')
    await cp(join(home, 'config'), configDir, { recursive: true })
    await mkdir(dataDir, { recursive: true })
    await mkdir(logsDir, { recursive: true })
    await mkdir(join(workDir, 'tmp'), { recursive: true })
    const settings = [
      'discovery.type=single-node',
      'network.host=127.0.0.1',
      `http.port=${httpPort}`,
      `transport.port=${transportPort}`,
      'cluster.name=sentinel-test',
      'xpack.security.enabled=false',
      // Test machines' disks may be fuller than the default watermarks; never go read-only here.
      'cluster.routing.allocation.disk.threshold_enabled=false',
      `path.data=${dataDir}`,
      `path.logs=${logsDir}`,
    ]
    if (options.writeQueueSize !== undefined) {
      settings.push(`thread_pool.write.queue_size=${options.writeQueueSize}`, 'thread_pool.write.size=1')
    }
    if (running) {
      const { uid, gid } = await ensureEsUser()
      await chownTree(workDir, uid, gid)
    }
    await chmod(workDir, 0o755)
    return {
      url: `http://127.0.0.1:${httpPort}`,
      httpPort,
      transportPort,
      javaHome,
      home,
      configDir,
      dataDir,
      logsDir,
      settings,
      heapMb: options.heapMb ?? 512,
    }
  },
  async command(setup, workDir) {
    const es = join(setup.home, 'bin', 'elasticsearch')
    const args = setup.settings.map((s) => `-E${s}`)
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ES_JAVA_HOME: setup.javaHome,
      ES_PATH_CONF: setup.configDir,
      ES_TMPDIR: join(workDir, 'tmp'),
      ES_JAVA_OPTS: `-Xms${setup.heapMb}m -Xmx${setup.heapMb}m`,
    }
    if (!running) return { command: es, args, env }
    return {
      command: await requireBinary('setpriv'),
      args: [`--reuid=${ES_USER}`, `--regid=${ES_USER}`, '--init-groups', '--', es, ...args],
      env,
    }
  },
  ready(setup) {
    return { kind: 'http', url: `${setup.url}/_cluster/health?wait_for_status=yellow&timeout=1s` }
  },
  readyTimeoutMs: 180_000,
  stopTimeoutMs: 30_000,
}

/** A JSON answer from Elasticsearch. */
export interface EsResponse<T = unknown> {
  status: number
  body: T
}

/** A started Elasticsearch; see {@link startElasticsearch}. */
export interface ElasticsearchHandle {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly service: RunningService<ElasticsearchSetup>
  /** Graceful stop (SIGTERM; SIGKILL after 30 s). */
  stop(): Promise<void>
  /** SIGKILL the server JVM and its launcher: a crash. */
  kill9(): Promise<void>
  /** Start again on the same port, config and data dir; resolves when the cluster is yellow. */
  restart(): Promise<void>
  /**
   * JSON request; never throws on an HTTP error status (look at `status`). `body` may be an
   * object (sent as JSON) or a string (sent as is, e.g. NDJSON for `_bulk`).
   */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<EsResponse<T>>
}

/**
 * One JSON request to `url + path`.
 *
 * @example const { status, body } = await esRequest(url, 'GET', '/_cluster/health')
 */
export async function esRequest<T = unknown>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<EsResponse<T>> {
  const ndjson = typeof body === 'string'
  const response = await fetch(`${url}${path.startsWith('/') ? path : `/${path}`}`, {
    method,
    headers:
      body === undefined ? {} : { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    body: body === undefined ? undefined : ndjson ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // Not JSON (e.g. `_cat` text): keep the string.
  }
  return { status: response.status, body: parsed as T }
}

/** Child pids of `pid` (from /proc), for killing the server JVM the launcher started. */
async function childPids(pid: number): Promise<number[]> {
  const found: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(join('/proc', entry, 'stat'), 'utf8').catch(() => '')
    // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (ppid === pid) found.push(Number(entry))
  }
  return found
}

/**
 * Start a dedicated Elasticsearch (a fresh work dir, free ports) and wait until the cluster is
 * yellow. Takes about 10 s on a warm cache.
 *
 * @example
 * const es = await startElasticsearch({ writeQueueSize: 1 })
 * after(() => es.stop())
 * const { body } = await es.request('GET', '/_cluster/health')
 */
export async function startElasticsearch(options: ElasticsearchOptions = {}): Promise<ElasticsearchHandle> {
  const service = await startService(elasticsearchSpec, options)
  const url = service.setup.url
  return {
    url,
    service,
    async stop() {
      await service.stop()
    },
    async kill9() {
      const launcher = service.process
      if (!launcher.running) return
      // bin/elasticsearch is a launcher JVM (under setpriv, same pid) that forks the server JVM.
      const pids = await childPids(launcher.pid)
      for (const child of [...pids, ...(await Promise.all(pids.map(childPids))).flat()]) {
        try {
          process.kill(child, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }
      await launcher.kill9()
    },
    restart: () => service.restart(),
    request: (method, path, body) => esRequest(url, method, path, body),
  }
}

let shared: Promise<{ url: string }> | undefined

/**
 * The Elasticsearch shared by the whole test run: the URL `npm test` put in
 * `SENTINEL_TEST_ES_URL`, or (a test file run on its own) one started for this process and
 * stopped when it exits. Use unique index / data stream names per test; never stop it.
 *
 * @example
 * const { url } = await sharedElasticsearch()
 */
export function sharedElasticsearch(): Promise<{ url: string }> {
  const fromRunner = process.env[SHARED_ES_URL_ENV]
  if (fromRunner) return Promise.resolve({ url: fromRunner })
  shared ??= startElasticsearch().then((es) => {
    // No test stops it: let the file's process exit; the exit hook kills it then.
    es.service.process.unref()
    process.stdout.write(
      `[harness] started Elasticsearch ${ELASTICSEARCH_VERSION} for this file at ${es.url}\n`,
    )
    return { url: es.url }
  })
  return shared
}

/** True when `java` for Elasticsearch would be found (for skip messages). */
export async function elasticsearchAvailable(): Promise<boolean> {
  return (await findJava17Home()) !== undefined && (await findBinary('unzip')) !== undefined
}
