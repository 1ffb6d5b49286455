/**
 * @module The `sentinel` CLI as operators run it: the bin script as a process, stdin/stdout, exit
 * codes, and `demo` against a real collector.
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import type { SentinelEvent } from '../../../collector/src/event/sentinel-event.js'
import { deferInReverse, makeWorkDir, startCollector, waitFor } from '../../harness/index.js'
import { REPO_ROOT } from '../../harness/work-dir.js'

const BIN = join(REPO_ROOT, 'collector', 'bin', 'sentinel.js')
const run = promisify(execFile)

/** Run the CLI with `input` on stdin; never rejects, so exit codes can be asserted. */
function sentinel(
  args: string[],
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(input)
  })
}

test('sentinel parse: one ECS document per input line, in order, errors included', async () => {
  const lines = [
    '<34>Oct 11 22:14:15 mymachine su: su root failed for lonvick on /dev/pts/8',
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] event',
    '',
    'CEF:0|Trend Micro|Deep Security Agent|10.0|4000030|Malware detected|8|src=10.0.0.5 suser=alice',
  ]
  const { code, stdout } = await sentinel(['parse', '--year', '2025'], `${lines.join('\n')}\n`)
  assert.equal(code, 0)
  const docs = stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as SentinelEvent)
  assert.equal(docs.length, 4)
  assert.deepEqual(
    docs.map((d) => d.event?.original),
    lines,
  )
  assert.equal(docs[0]?.['@timestamp'], '2025-10-11T22:14:15.000Z')
  assert.equal(docs[1]?.log?.syslog?.structured_data?.['exampleSDID@32473']?.iut, '3')
  assert.equal(docs[2]?.event?.kind, 'pipeline_error')
  assert.equal(docs[3]?.observer?.vendor, 'Trend Micro')
  assert.equal(docs[3]?.source?.user?.name, 'alice')
})

test('sentinel parse rejects an unknown format or time zone with a message and exit code 1', async () => {
  const badFormat = await sentinel(['parse', '--format', 'xml'])
  assert.equal(badFormat.code, 1)
  assert.match(badFormat.stderr, /Allowed choices are auto, rfc3164, rfc5424, cef, leef, json/)
  const badZone = await sentinel(['parse', '--timezone', 'Mars/Olympus'])
  assert.equal(badZone.code, 1)
  assert.match(badZone.stderr, /unknown IANA time zone "Mars\/Olympus"/)
})

test('sentinel config check: exit 0 for a valid file, 1 with every problem and its path otherwise', async () => {
  const dir = await makeWorkDir('cli-config')
  const good = join(dir, 'good.yaml')
  const bad = join(dir, 'bad.yaml')
  await writeFile(good, 'sources:\n  fw:\n    type: syslog\n    listen: udp:0.0.0.0:5514\n')
  await writeFile(
    bad,
    'spool:\n  when_full: sometimes\nsources:\n  fw:\n    type: syslog\n    listen: udp:0.0.0.0:5514\n    colour: red\n',
  )
  const ok = await run(process.execPath, [BIN, 'config', 'check', good])
  assert.match(ok.stdout, /good\.yaml: valid \(1 sources, \d+ correlation rules\)/)
  const rejected = await sentinel(['config', 'check', bad])
  assert.equal(rejected.code, 1)
  assert.match(rejected.stderr, /SNT_ERR_CONFIG_INVALID/)
  assert.match(
    rejected.stderr,
    /spool\.when_full: expected one of "block", "drop_newest", "drop_oldest" \(got "sometimes"\)/,
  )
  assert.match(rejected.stderr, /sources\.fw\.colour: unknown key/)

  // The rule files a config names are checked too, with file, rule and key in the message.
  const rules = join(dir, 'rules.yml')
  await writeFile(rules, 'rules:\n  - id: scan\n    name: Scan\n    kind: threshold\n    severity: loud\n')
  const withRules = join(dir, 'with-rules.yaml')
  await writeFile(withRules, `correlate:\n  packs: []\n  rule_files: [${rules}]\n`)
  const badRules = await sentinel(['config', 'check', withRules])
  assert.equal(badRules.code, 1)
  assert.match(badRules.stderr, /SNT_ERR_RULES_INVALID/)
  assert.match(badRules.stderr, /rules\.yml: rule scan: \/severity/)
})

test('sentinel config schema prints the committed JSON Schema', async () => {
  const { stdout } = await run(process.execPath, [BIN, 'config', 'schema'])
  const committed = await readFile(join(REPO_ROOT, 'collector', 'config', 'sentinel.schema.json'), 'utf8')
  assert.deepEqual(JSON.parse(stdout), JSON.parse(committed))
  const schema = JSON.parse(stdout) as { title: string; properties: Record<string, unknown> }
  assert.equal(schema.title, 'Sentinel collector config')
  assert.ok('sinks' in schema.properties && 'sources' in schema.properties)
})

test('sentinel demo sends a realistic mix that arrives parsed by every parser', async (t) => {
  const defer = deferInReverse(t)
  const collector = await startCollector({
    sources: {
      syslog_udp: { type: 'syslog', protocol: 'udp' },
      syslog_tcp: { type: 'syslog', protocol: 'tcp' },
    },
  })
  defer(() => collector.stop())
  // demo uses one port for both transports; point it at the TCP listener only.
  const count = 200
  const { stdout } = await run(process.execPath, [
    BIN,
    'demo',
    '--port',
    String(collector.port('syslog_tcp')),
    '--protocol',
    'tcp',
    '--rate',
    '2000',
    '--count',
    String(count),
  ])
  assert.match(stdout, new RegExp(`sent ${count} messages`))
  await waitFor(async () => (await collector.metric('sentinel_spool_appended_events_total')) >= count, {
    timeoutMs: 15_000,
    description: 'demo messages in the spool',
  })
  const formats = new Set<string>()
  for (const format of ['rfc3164', 'rfc5424', 'cef', 'leef', 'json']) {
    if (
      (await collector.metric('sentinel_component_parsed_events_total', {
        component_id: 'syslog_tcp',
        format,
      })) > 0
    ) {
      formats.add(format)
    }
  }
  assert.deepEqual([...formats].sort(), ['cef', 'json', 'leef', 'rfc3164', 'rfc5424'])
  const denies = await collector.events({ q: 'Deny tcp', limit: 5 })
  assert.ok(denies.length > 0)
  assert.equal(denies[0]?.event.host?.name, 'fw-edge-01')
})
