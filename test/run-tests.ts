/**
 * @module `npm test`: installs what the suite needs (once), then runs every `*.test.ts` in the
 * repository with node's test runner and ends with `N passed, N failed`.
 *
 * Usage: npm test [-- <path filter>...]   e.g. `npm test -- parse/` runs only matching files.
 */
import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { prepareServices } from './harness/index.js'

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

await prepareServices()

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
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
