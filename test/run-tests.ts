/**
 * @module `npm test`: installs what the suite needs (once), then runs every `*.test.ts` in the
 * repository with node's test runner and ends with `N passed, N failed`.
 *
 * When a selected file needs Elasticsearch (it lies under `test/integration/elasticsearch/` or
 * calls `sharedElasticsearch(`), one instance is started for the whole run before the tests, its
 * URL handed to them in `SENTINEL_TEST_ES_URL`, and stopped after them.
 *
 * Usage: npm test [-- <path filter>...]   e.g. `npm test -- parse/` runs only matching files.
 */
import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  prepareServices,
  SHARED_ES_URL_ENV,
  startElasticsearch,
  type ElasticsearchHandle,
} from './harness/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const SEARCH = ['collector/src', 'elastic-ingest/src', 'scripts', 'test', 'alerting']
const SKIP = new Set(['node_modules', 'dist', '.work', '.cache'])

async function findTests(dir: string): Promise<string[]> {
  const found: string[] = []
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return found
  }
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await findTests(path)))
    else if (entry.name.endsWith('.test.ts')) found.push(relative(root, path))
  }
  return found
}

const filters = process.argv.slice(2)
const files = (await Promise.all(SEARCH.map((d) => findTests(join(root, d)))))
  .flat()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()

/** True when a test file uses the run's shared Elasticsearch. */
async function needsSharedElasticsearch(file: string): Promise<boolean> {
  if (file.split(/[\\/]/).join('/').startsWith('test/integration/elasticsearch/')) return true
  const source = await readFile(join(root, file), 'utf8').catch(() => '')
  return source.includes('sharedElasticsearch(')
}

await prepareServices()

let elasticsearch: ElasticsearchHandle | undefined
if (
  !process.env[SHARED_ES_URL_ENV] &&
  (await Promise.all(files.map(needsSharedElasticsearch))).some(Boolean)
) {
  const started = Date.now()
  elasticsearch = await startElasticsearch()
  process.env[SHARED_ES_URL_ENV] = elasticsearch.url
  process.stdout.write(
    `[harness] shared Elasticsearch at ${elasticsearch.url} (ready in ${Date.now() - started} ms)\n`,
  )
}

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./test/summary-reporter.mjs',
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
)
child.on('exit', (code, signal) => {
  const exitCode = code ?? (signal ? 1 : 0)
  const stopped = elasticsearch ? elasticsearch.stop() : Promise.resolve()
  stopped.then(
    () => process.exit(exitCode),
    (error: unknown) => {
      process.stderr.write(`[harness] stopping the shared Elasticsearch failed: ${String(error)}\n`)
      process.exit(exitCode)
    },
  )
})
