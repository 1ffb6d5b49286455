/** @module The config's JSON Schema for editors and docs, generated from the TypeBox schema. */
import { CollectorConfig } from './schema.js'

/** A plain JSON Schema document (TypeBox's symbol keys dropped by the JSON round trip). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://sentinel.dev/schemas/collector-config.json',
    title: 'Sentinel collector config',
    ...(JSON.parse(JSON.stringify(CollectorConfig)) as Record<string, unknown>),
  }
}
