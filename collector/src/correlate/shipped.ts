/**
 * @module Where rules come from: the repository's alerting/ folder (rule packs, Prometheus rules,
 * Alertmanager config), found from this module's own location so it works from src/ (tsx) and
 * dist/ alike, and the operator's own rule files.
 */
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import type { CorrelateConfig } from './config.js'
import { loadRules, type CompiledRule } from './load-rules.js'

/** `<repo>/alerting`: collector/{src,dist}/correlate/ is three levels below the repository root. */
export const SHIPPED_ALERTING_DIR = fileURLToPath(new URL('../../../alerting/', import.meta.url))

/** The rule-file patterns for `correlate.packs` (`*`: every shipped pack). */
function packFiles(packs: readonly string[]): string[] {
  const dir = join(SHIPPED_ALERTING_DIR, 'rules')
  return packs.map((pack) => join(dir, `${pack}.yml`))
}

/** The rules `correlate` names: its shipped packs, then its own files ([] when correlation is off). */
export async function configuredRules(correlate: CorrelateConfig): Promise<CompiledRule[]> {
  if (!correlate.enabled) return []
  return loadRules([...packFiles(correlate.packs), ...correlate.rule_files], { baseDir: process.cwd() })
}
