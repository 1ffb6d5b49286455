/**
 * @module Secret references in config strings: `${env:NAME}` reads an environment variable and
 * `${file:/path}` a file (trailing newline trimmed), so secrets never have to sit in the YAML.
 * `$${` is a literal `${`. Unresolvable references stop start-up with the config path named.
 */
import { readFileSync } from 'node:fs'
import { SentinelError } from '../errors/codes.js'

const REFERENCE = /\$\$\{|\$\{(env|file):([^}]*)\}/g

/** Replace secret references in every string of a parsed YAML tree; returns a new tree. */
export function resolveSecretReferences(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') return resolveString(value, env, path)
  if (Array.isArray(value)) return value.map((item, i) => resolveSecretReferences(item, env, `${path}[${i}]`))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      out[key] = resolveSecretReferences(item, env, path ? `${path}.${key}` : key)
    }
    return out
  }
  return value
}

function resolveString(text: string, env: NodeJS.ProcessEnv, path: string): string {
  return text.replace(REFERENCE, (match, kind: string | undefined, ref: string | undefined) => {
    if (match === '$${') return '${'
    const name = ref ?? ''
    if (kind === 'env') {
      const found = env[name]
      if (found === undefined) {
        throw new SentinelError('SNT_ERR_CONFIG_SECRET', [path, `environment variable ${name} is not set`])
      }
      return found
    }
    try {
      return readFileSync(name, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new SentinelError('SNT_ERR_CONFIG_SECRET', [path, `cannot read ${name}: ${reason}`])
    }
  })
}
