import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import { test } from 'node:test'
import { runTemplatesCommand } from './templates-command.js'

async function run(text: string): Promise<string[][]> {
  const output = new PassThrough()
  let out = ''
  output.on('data', (c: Buffer) => (out += c.toString()))
  const lines = await runTemplatesCommand(Readable.from([Buffer.from(text)]), output)
  const rows = out
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'))
  assert.equal(rows.length, lines)
  return rows
}

test('sentinel templates: one id and template per input line; one family shares an id; syslog headers are parsed away', async () => {
  const rows = await run(
    [
      'Connection from 10.0.0.1 port 4242 closed',
      'Connection from 10.0.0.2 port 5151 closed',
      '<38>Nov 21 10:00:00 fw1 sshd[1]: Connection from 10.0.0.3 port 6161 closed',
      'Disk /dev/sda1 is 91% full\r',
      '',
      'Connection from 10.0.0.4 port 7171 closed',
    ].join('\n'),
  )
  assert.equal(rows.length, 6, 'one output line per input line, the empty one included')
  const [a, b, c, d] = rows
  assert.equal(a?.[0], b?.[0])
  assert.equal(a?.[0], c?.[0], 'the syslog line is mined on its message')
  assert.equal(b?.[1], 'Connection from <*> port <*> closed')
  assert.notEqual(d?.[0], a?.[0])
  assert.ok(!d?.[1]?.endsWith('\r'))
})
