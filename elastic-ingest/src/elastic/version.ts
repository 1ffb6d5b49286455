/** @module The Sentinel version templates and policies record in `_meta` (from package.json). */
import { createRequire } from 'node:module'

// src/elastic/ and dist/elastic/ both sit two levels below the package root.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

/** `@sentinel/elastic-ingest`'s version, which moves with Sentinel's. */
export const SENTINEL_VERSION: string = version

/** `_meta.managed_by` of everything `sentinel setup elastic` installs. */
export const MANAGED_BY = 'sentinel'
