/**
 * @module `sentinel templates`: one line per input line, `<template id>\t<template>`, from the
 * online template miner, so any log set can be evaluated against its ground truth. Syslog lines
 * are mined on their message (the header parsed away); other lines as they are.
 */
import type { Readable, Writable } from 'node:stream'
import type { SourceContext } from '../event/raw-record.js'
import { TemplateMiner } from '../ml/template-miner.js'
import { parseRecord } from '../parse/index.js'
import { forEachLine, writeLine } from './read-lines.js'

const CONTEXT: SourceContext = { sourceId: 'stdin', transport: 'stdin', format: 'auto', timezone: 'UTC' }

export async function runTemplatesCommand(input: Readable, output: Writable): Promise<number> {
  const miner = new TemplateMiner()
  return forEachLine(input, async (data) => {
    const event = parseRecord({ data, receivedAt: Date.now(), context: CONTEXT })
    const parsed = event.event?.kind !== 'pipeline_error' && typeof event.message === 'string'
    const { id, template } = miner.add(parsed ? (event.message as string) : data.toString('utf8'))
    await writeLine(output, `${id}\t${template}`)
  })
}
