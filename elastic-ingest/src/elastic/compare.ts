/**
 * @module Comparing what Elasticsearch returns for a template or policy with what setup would
 * PUT. Elasticsearch echoes bodies back normalised: settings nested or dotted with string values
 * (`"1"` for 1), `dynamic: "false"`, keys in its own order. Both sides are brought to one form
 * before comparing.
 */

/** Settings as flat `index.x.y` keys with string values. */
export function flattenSettings(
  settings: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) return out
  for (const [key, value] of Object.entries(settings)) {
    const path = prefix + key
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      flattenSettings(value, `${path}.`, out)
    else out[path.startsWith('index.') ? path : `index.${path}`] = canonical(value)
  }
  return out
}

/** Keys sorted recursively, scalars as strings: equal JSON means equal as Elasticsearch sees it. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key])
    return out
  }
  return value === null || value === undefined ? value : String(value)
}

/** Deep equality of two values after {@link canonical}. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

/** A component template body in comparable form. */
export function comparableComponentTemplate(body: unknown): unknown {
  const b = (body ?? {}) as {
    template?: { settings?: unknown; mappings?: unknown; aliases?: unknown }
    _meta?: unknown
    version?: unknown
  }
  const template = b.template ?? {}
  return {
    settings: flattenSettings(template.settings ?? {}),
    mappings: canonical(template.mappings ?? {}),
    aliases: canonical(template.aliases ?? {}),
    _meta: canonical(b._meta ?? {}),
    version: canonical(b.version),
  }
}

/** Defaults Elasticsearch fills into `data_stream` on GET. */
const DATA_STREAM_DEFAULTS = { hidden: false, allow_custom_routing: false }

/** Index template keys an operator could have set that Sentinel's templates leave out. */
const OTHER_INDEX_TEMPLATE_KEYS = ['template', 'version', 'allow_auto_create', 'deprecated'] as const

/** An index template body in comparable form. */
export function comparableIndexTemplate(body: unknown, desired: Record<string, unknown>): unknown {
  const b = (body ?? {}) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(desired)) {
    if (key === 'data_stream') {
      const ds = (b.data_stream ?? undefined) as Record<string, unknown> | undefined
      out.data_stream = ds === undefined ? undefined : canonical({ ...DATA_STREAM_DEFAULTS, ...ds })
    } else out[key] = canonical(b[key] ?? (key === 'ignore_missing_component_templates' ? [] : undefined))
  }
  for (const key of OTHER_INDEX_TEMPLATE_KEYS) {
    if (!(key in desired) && b[key] !== undefined) out[key] = canonical(b[key])
  }
  return out
}

/** The desired index template in the same form as {@link comparableIndexTemplate}. */
export function comparableDesiredIndexTemplate(desired: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(desired)) {
    out[key] =
      key === 'data_stream' ? canonical({ ...DATA_STREAM_DEFAULTS, ...(value as object) }) : canonical(value)
  }
  return out
}
