/**
 * @module `npm run generate`: writes the files generated from code (config JSON Schema, config
 * reference, error table). `generated-files.test.ts` fails when a committed copy is stale.
 */
import { writeFile } from 'node:fs/promises'
import { GENERATED_FILES } from './generated-files.js'

for (const [path, render] of Object.entries(GENERATED_FILES)) {
  await writeFile(new URL(`../${path}`, import.meta.url), render())
  console.log(`wrote ${path}`)
}
