import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { GENERATED_FILES } from './generated-files.js'

for (const [path, render] of Object.entries(GENERATED_FILES)) {
  test(`${path} is up to date with the code it is generated from (run npm run generate)`, async () => {
    const committed = await readFile(new URL(`../${path}`, import.meta.url), 'utf8')
    assert.equal(committed, render())
  })
}
