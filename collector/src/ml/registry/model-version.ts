/**
 * @module Model version names: `v0007-20261121T101500Z`, a sequence number and the UTC time the
 * model was registered. The sequence makes names unique and ordered within a registry (the time
 * alone could repeat within a second, or go backwards with the clock); the time tells an operator
 * at a glance how old a model is.
 */

const VERSION_RE = /^v(\d{4,9})-(\d{8}T\d{6}Z)$/

export function isModelVersion(name: string): boolean {
  return VERSION_RE.test(name)
}

/** The sequence number of a version name, or undefined for a name that is not one. */
export function versionSequence(name: string): number | undefined {
  const match = VERSION_RE.exec(name)
  return match ? Number(match[1]) : undefined
}

export function formatModelVersion(sequence: number, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')
  return `v${String(sequence).padStart(4, '0')}-${stamp}`
}

/** Orders version names by sequence (numerically, so v10000 follows v9999). */
export function compareVersions(a: string, b: string): number {
  return (versionSequence(a) ?? -1) - (versionSequence(b) ?? -1) || (a < b ? -1 : a > b ? 1 : 0)
}
