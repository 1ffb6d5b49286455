/**
 * @module Rule file patterns: paths whose segments may hold `*` and `?` wildcards
 * (`alerting/rules/*.yml`), expanded one directory level per segment. Node 20 has no fs.glob.
 * A wildcard pattern that matches nothing is no error (as Prometheus treats rule_files);
 * a plain path is taken as is and must exist when read.
 */
import { readdir } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'

export interface RuleFilePath {
  /** Absolute path. */
  readonly path: string
  /** How messages name it: relative to the base directory when inside it. */
  readonly display: string
}

/**
 * Expand patterns (relative to `baseDir`) into files, in pattern order, sorted within each pattern,
 * each file once. Throws an Error for `**`, which is not supported.
 *
 * @example await expandRulePatterns(['alerting/rules/*.yml'], '/srv/sentinel')
 */
export async function expandRulePatterns(
  patterns: readonly string[],
  baseDir: string,
): Promise<RuleFilePath[]> {
  const seen = new Set<string>()
  const files: RuleFilePath[] = []
  for (const pattern of patterns) {
    if (pattern.includes('**'))
      throw new Error(`${pattern}: "**" is not supported; use one "*" per directory`)
    const absolute = resolve(baseDir, pattern)
    const paths = hasWildcard(pattern) ? await expand(absolute) : [absolute]
    for (const path of paths.sort()) {
      if (seen.has(path)) continue
      seen.add(path)
      files.push({ path, display: displayName(path, baseDir) })
    }
  }
  return files
}

async function expand(absolute: string): Promise<string[]> {
  const [root, ...segments] = absolute.split(sep)
  let current = [root === '' ? sep : `${root}${sep}`]
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1
    if (!hasWildcard(segment)) {
      current = current.map((dir) => join(dir, segment))
      continue
    }
    const matcher = wildcardRegExp(segment)
    const next: string[] = []
    for (const dir of current) {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
      for (const entry of entries) {
        const fits = last ? entry.isFile() || entry.isSymbolicLink() : entry.isDirectory()
        if (fits && matcher.test(entry.name)) next.push(join(dir, entry.name))
      }
    }
    current = next
  }
  return current
}

function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?')
}

/** `*` any run of characters but `/`, `?` one character; hidden files only when the pattern says so. */
function wildcardRegExp(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(segment.startsWith('.') ? `^${body}$` : `^(?!\\.)${body}$`)
}

function displayName(path: string, baseDir: string): string {
  const inside = relative(resolve(baseDir), path)
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path
}
