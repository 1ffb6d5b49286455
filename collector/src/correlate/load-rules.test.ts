import assert from 'node:assert/strict'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { SentinelError } from '../errors/codes.js'
import { renderKql } from './kql.js'
import { compileRuleFile, loadRules } from './load-rules.js'

const BRUTE_FORCE = `rules:
  - id: brute_force_login
    name: Brute-force login
    description: Many failed logins from one address.
    kind: threshold
    severity: warning
    team: security
    window: 5m
    threshold: 10
    group_by: [source.ip]
    labels: { category: auth }
    runbook_url: https://runbooks.example.net/brute-force
    filter:
      event.category: authentication
      event.outcome: failure
      not: { source.ip: { cidr: 10.0.0.0/8 } }
`

/** The problem lines of a rejected rule file. */
function problemsOf(yaml: string, file = 'alerting/rules/x.yml'): string[] {
  try {
    compileRuleFile(yaml, file)
  } catch (error) {
    assert.ok(error instanceof SentinelError)
    assert.equal(error.code, 'SNT_ERR_RULES_INVALID')
    const detail = error.message.replace(/^Invalid correlation rules: /, '')
    return detail.startsWith('\n  - ') ? detail.split('\n  - ').slice(1) : [detail]
  }
  assert.fail(`expected the rule file to be rejected:\n${yaml}`)
}

/** A rule file with one rule: a valid threshold rule changed by `lines` (YAML under the rule). */
function rule(lines: string, base = true): string {
  const common = base
    ? '    name: Test\n    kind: threshold\n    severity: info\n    window: 1m\n    threshold: 2\n    filter: { event.outcome: failure }\n'
    : ''
  return `rules:\n  - id: test_rule\n${common}${lines}`
}

test('a valid rule compiles with its defaults, PascalCase alertname and KQL', () => {
  const [compiled, ...rest] = compileRuleFile(BRUTE_FORCE, 'alerting/rules/auth.yml')
  assert.equal(rest.length, 0)
  assert.ok(compiled)
  assert.equal(compiled.id, 'brute_force_login')
  assert.equal(compiled.alertname, 'BruteForceLogin')
  assert.equal(compiled.kind, 'threshold')
  assert.equal(compiled.window, 300_000)
  assert.equal(compiled.suppressFor, 0)
  assert.equal(compiled.enabled, true)
  assert.equal(compiled.threshold, 10)
  assert.deepEqual(compiled.groupLabels, ['source_ip'])
  assert.equal(compiled.file, 'alerting/rules/auth.yml')
  assert.equal(
    renderKql(compiled.query),
    'event.category:"authentication" and event.outcome:"failure" and not source.ip:"10.0.0.0/8"',
  )
  assert.equal(compiled.definition.suppress_for, '0s')
  assert.match(compiled.hash, /^[0-9a-f]{16}$/)
})

test('the definition hash ignores key order and changes with any setting', () => {
  const [a] = compileRuleFile(BRUTE_FORCE, 'a.yml')
  const reordered = BRUTE_FORCE.replace('    team: security\n', '').replace(
    '    kind: threshold\n',
    '    kind: threshold\n    team: security\n',
  )
  const [b] = compileRuleFile(reordered, 'b.yml')
  const [c] = compileRuleFile(BRUTE_FORCE.replace('threshold: 10', 'threshold: 11'), 'a.yml')
  assert.equal(a?.hash, b?.hash)
  assert.notEqual(a?.hash, c?.hash)
})

test('every kind loads: distinct_count, sequence, absence with expect, join with min_count default', () => {
  const rules = compileRuleFile(
    `rules:
  - id: port_scan
    name: Port scan
    kind: distinct_count
    severity: warning
    window: 1m
    distinct: destination.port
    threshold: 20
    group_by: [source.ip]
    filter: { event.category: network }
  - id: login_after_failures
    name: Success after failures
    kind: sequence
    severity: critical
    window: 10m
    group_by: [source.ip, user.name]
    steps:
      - { name: failure, filter: { event.outcome: failure } }
      - { name: success, filter: { event.outcome: success } }
  - id: device_silent
    name: Device silent
    kind: absence
    severity: warning
    window: 15m
    group_by: [host.name]
    expect: [core-sw-1, core-sw-2]
    filter: { event.dataset: sentinel.snmp }
  - id: link_trouble
    name: Link trouble
    kind: join
    severity: critical
    window: 5m
    group_by: [host.name]
    alertname: LinkTrouble
    enabled: false
    parts:
      - { name: link down, filter: { event.action: linkDown } }
      - { name: errors, filter: { sentinel.snmp.rates.ifInErrors: { gt: 0 } }, min_count: 3 }
`,
    'pack.yml',
  )
  assert.deepEqual(
    rules.map((r) => [r.id, r.kind, r.parts.map((p) => `${p.name}:${p.minCount}`)]),
    [
      ['port_scan', 'distinct_count', ['filter:1']],
      ['login_after_failures', 'sequence', ['failure:1', 'success:1']],
      ['device_silent', 'absence', ['filter:1']],
      ['link_trouble', 'join', ['link down:1', 'errors:3']],
    ],
  )
  assert.equal(
    renderKql(rules[0]?.query ?? { op: 'true' }),
    'event.category:"network" and destination.port:*',
  )
  assert.equal(
    renderKql(rules[1]?.query ?? { op: 'true' }),
    'event.outcome:"failure" or event.outcome:"success"',
  )
  assert.deepEqual(rules[2]?.expect, ['core-sw-1', 'core-sw-2'])
  assert.equal(rules[3]?.enabled, false)
  assert.equal(rules[3]?.alertname, 'LinkTrouble')
})

test('an empty file has no rules', () => {
  assert.deepEqual(compileRuleFile('', 'empty.yml'), [])
  assert.deepEqual(compileRuleFile('rules: []\n', 'empty.yml'), [])
})

test('bad rule files: each problem names the file, the rule and the key path', () => {
  const cases: [string, string[]][] = [
    [
      BRUTE_FORCE.replace('cidr: 10.0.0.0/8', 'cidr: 10.0.0.0/33'),
      [
        'alerting/rules/x.yml: rule brute_force_login: /filter/not/source.ip/cidr: "10.0.0.0/33" is not a CIDR block',
      ],
    ],
    [rule('    extra: 1\n'), ['rule test_rule: /extra: unknown key (expected one of: id, name, alertname']],
    [
      rule('    severity: high\n').replace('    severity: info\n', ''),
      ['rule test_rule: /severity: expected one of "critical", "warning", "info" (got "high")'],
    ],
    [
      rule('    kind: thresh\n    name: T\n    severity: info\n', false),
      [
        'rule test_rule: /kind: expected one of threshold, distinct_count, sequence, absence, join (got "thresh")',
      ],
    ],
    [rule('    name: T\n    severity: info\n', false), ['rule test_rule: /kind: required']],
    [
      rule('').replace('threshold: 2', 'threshold: 0'),
      ['rule test_rule: /threshold: expected a number >= 1 (got 0)'],
    ],
    [
      rule('').replace('threshold: 2', 'threshold: two'),
      ['rule test_rule: /threshold: expected integer (got "two")'],
    ],
    [rule('').replace('    window: 1m\n', ''), ['rule test_rule: /window: required']],
    [
      rule('').replace('window: 1m', 'window: 5x'),
      ['rule test_rule: /window: "5x" is not a duration (expected e.g. 30s, 10m, 1h30m, 1d)'],
    ],
    [rule('').replace('window: 1m', 'window: 0s'), ['rule test_rule: /window: must be longer than 0s']],
    [rule('    suppress_for: soon\n'), ['rule test_rule: /suppress_for: "soon" is not a duration']],
    [
      rule('').replace('id: test_rule', 'id: Test-Rule'),
      [
        'rule #1: /id: expected lower-case letters, digits and _, starting with a letter, at most 64 characters (got "Test-Rule")',
      ],
    ],
    [
      rule('    labels: { bad-name: x }\n'),
      [
        'rule test_rule: /labels/bad-name: invalid key (expected a label name: letters, digits and _, not starting with a digit)',
      ],
    ],
    [
      rule('    labels: { severity: x }\n'),
      ['rule test_rule: /labels/severity: reserved label: the engine sets it'],
    ],
    [
      rule('    group_by: [user.name, user_name]\n'),
      [
        'rule test_rule: /group_by/1: "user_name" becomes the label "user_name", which group field "user.name" sets it',
      ],
    ],
    [rule('    group_by: [source ip]\n'), ['rule test_rule: /group_by/0: "source ip" is not a field path']],
    [
      rule('    summary: "{{count"\n'),
      ['rule test_rule: /summary: "{{" without a closing "}}" in "{{count"'],
    ],
    [rule('    runbook_url: ""\n'), ['rule test_rule: /runbook_url: expected a non-empty string (got "")']],
    [
      rule('').replace(
        'filter: { event.outcome: failure }',
        'filter: { event.outcome: { equals: failure } }',
      ),
      ['rule test_rule: /filter/event.outcome/equals: unknown operator'],
    ],
    [
      rule('').replace('filter: { event.outcome: failure }', 'filter: failure'),
      ['rule test_rule: /filter: expected object (got "failure")'],
    ],
    [
      'rules:\n  - { id: a, name: A, kind: absence, severity: info, window: 1m, filter: { x: 1 }, expect: [fw1] }\n',
      ['rule a: /expect: needs exactly one group_by field to name the values of (got 0)'],
    ],
    [
      'rules:\n  - { id: s, name: S, kind: sequence, severity: info, window: 1m, steps: [{ name: a, filter: { x: 1 } }] }\n',
      ['rule s: /steps: expected at least 2 items'],
    ],
    [
      'rules:\n  - { id: j, name: J, kind: join, severity: info, window: 1m, parts: [{ name: a, filter: { x: 1 } }, { name: a, filter: { y: [] }, min_count: 0 }] }\n',
      ['rule j: /parts/1/min_count: expected a number >= 1 (got 0)'],
    ],
    [
      'rules:\n  - { id: j, name: J, kind: join, severity: info, window: 1m, parts: [{ name: a, filter: { x: 1 } }, { name: a, filter: { y: [] } }] }\n',
      ['rule j: /parts/1/name: duplicate name "a"', 'rule j: /parts/1/filter/y: expected a non-empty list'],
    ],
    [
      'rules:\n  - { id: d, name: D, kind: distinct_count, severity: info, window: 1m, threshold: 3, distinct: all, filter: { x: 1 }, summary: "{{distinct}} of {{window}}" }\n  - { id: t, name: T, kind: threshold, severity: info, window: 1m, threshold: 3, filter: { x: 1 }, summary: "{{distinct}}" }\n',
      ['rule t: /summary: {{distinct}} is only known to distinct_count rules'],
    ],
    [
      `${rule('')}${rule('').replace('rules:\n', '')}`,
      ['rule test_rule: /id: duplicate id, also rule #1 of this file'],
    ],
    ['rules: [1]\n', ['rule #1: /: expected object (got 1)']],
    [
      'rule: []\n',
      [
        'alerting/rules/x.yml: /rules: required',
        'alerting/rules/x.yml: /rule: unknown key (expected one of: rules)',
      ],
    ],
    ['- a\n- b\n', ['alerting/rules/x.yml: expected a mapping with a rules: list (got ["a","b"])']],
    ['rules: [\n', ['alerting/rules/x.yml: not valid YAML: ']],
    ['rules: []\nrules: []\n', ['alerting/rules/x.yml: not valid YAML: Map keys must be unique']],
  ]
  for (const [yaml, expected] of cases) {
    const problems = problemsOf(yaml)
    assert.equal(problems.length, expected.length, `${yaml}\n-> ${problems.join('\n')}`)
    expected.forEach((fragment, i) => {
      assert.ok(problems[i]?.includes(fragment), `${problems[i]}\nshould contain\n${fragment}`)
      assert.ok(problems[i]?.startsWith('alerting/rules/x.yml: '), problems[i])
    })
  }
})

test('the error message is one line for one problem and a list for several', () => {
  assert.throws(
    () => compileRuleFile(BRUTE_FORCE.replace('10.0.0.0/8', '10.0.0.0/33'), 'alerting/rules/x.yml'),
    {
      message:
        'Invalid correlation rules: alerting/rules/x.yml: rule brute_force_login: /filter/not/source.ip/cidr: "10.0.0.0/33" is not a CIDR block',
    },
  )
  assert.throws(() => compileRuleFile(rule('    extra: 1\n    more: 2\n'), 'r.yml'), {
    message:
      /^Invalid correlation rules: \n {2}- r\.yml: rule test_rule: \/extra: .*\n {2}- r\.yml: rule test_rule: \/more: /,
  })
})

test('loadRules: paths and * globs relative to the base directory, sorted, each file once', async () => {
  const base = await mkdtemp(join(tmpdir(), 'sentinel-rules-'))
  await mkdir(join(base, 'alerting', 'rules'), { recursive: true })
  const one = (id: string) =>
    `rules:\n  - { id: ${id}, name: ${id}, kind: threshold, severity: info, window: 1m, threshold: 1, filter: { x: 1 } }\n`
  await writeFile(join(base, 'alerting', 'rules', 'b.yml'), one('rule_b'))
  await writeFile(join(base, 'alerting', 'rules', 'a.yml'), one('rule_a'))
  await writeFile(join(base, 'alerting', 'rules', '.hidden.yml'), one('rule_hidden'))
  await writeFile(join(base, 'alerting', 'rules', 'notes.txt'), 'not yaml: [')
  await writeFile(join(base, 'extra.yml'), one('rule_extra'))
  const rules = await loadRules(
    ['alerting/rules/*.yml', 'alerting/rules/a.yml', join(base, 'extra.yml'), 'nothing/*.yml'],
    {
      baseDir: base,
    },
  )
  assert.deepEqual(
    rules.map((r) => [r.id, r.file]),
    [
      ['rule_a', join('alerting', 'rules', 'a.yml')],
      ['rule_b', join('alerting', 'rules', 'b.yml')],
      ['rule_extra', 'extra.yml'],
    ],
  )
  assert.deepEqual(
    (await loadRules(['alerting/*/?.yml'], { baseDir: base })).map((r) => r.id),
    ['rule_a', 'rule_b'],
  )
})

test('loadRules: duplicate ids across files, unreadable files and ** are errors; all problems at once', async () => {
  const base = await mkdtemp(join(tmpdir(), 'sentinel-rules-'))
  const one = (id: string) =>
    `rules:\n  - { id: ${id}, name: ${id}, kind: threshold, severity: info, window: 1m, threshold: 1, filter: { x: 1 } }\n`
  await writeFile(join(base, 'a.yml'), one('same'))
  await writeFile(join(base, 'b.yml'), one('same'))
  await writeFile(join(base, 'c.yml'), 'rules: [1]\n')
  await assert.rejects(loadRules(['*.yml', 'missing.yml'], { baseDir: base }), (error: unknown) => {
    assert.ok(error instanceof SentinelError)
    assert.equal(error.code, 'SNT_ERR_RULES_INVALID')
    const lines = error.message.split('\n  - ').slice(1)
    assert.equal(lines[0], 'b.yml: rule same: /id: duplicate id, also in a.yml')
    assert.equal(lines[1], 'c.yml: rule #1: /: expected object (got 1)')
    assert.match(lines[2] ?? '', /^missing\.yml: cannot read: ENOENT/)
    assert.equal(lines.length, 3)
    return true
  })
  await assert.rejects(loadRules(['rules/**/*.yml'], { baseDir: base }), {
    code: 'SNT_ERR_RULES_INVALID',
    message: 'Invalid correlation rules: rules/**/*.yml: "**" is not supported; use one "*" per directory',
  })
})
