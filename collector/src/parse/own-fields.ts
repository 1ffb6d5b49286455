/**
 * @module Writing keys that come from the wire (SD param names, CEF/LEEF keys) into plain objects:
 * `__proto__` becomes an own property instead of replacing the prototype, and repeated keys collect
 * into arrays.
 */

/** Sets `target[key] = value` as an own, enumerable property, whatever the key. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/**
 * Adds `value` under `key`; a repeated key turns the entry into an array of every value, in order.
 * @example appendValue(o, 'ip', '10.0.0.1'); appendValue(o, 'ip', '10.0.0.2') // o.ip = ['10.0.0.1', '10.0.0.2']
 */
export function appendValue(target: Record<string, string | string[]>, key: string, value: string): void {
  if (!Object.hasOwn(target, key)) {
    setOwn(target, key, value)
    return
  }
  const existing = target[key]
  if (Array.isArray(existing)) existing.push(value)
  else if (existing !== undefined) setOwn(target, key, [existing, value])
}
