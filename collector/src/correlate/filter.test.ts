import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { allOf, compileFilter, fieldExists } from './filter.js'
import { renderKql } from './kql.js'
import type { RuleProblem } from './rule-problem.js'

function compile(spec: unknown) {
  const problems: RuleProblem[] = []
  const filter = compileFilter(spec, '/filter', problems)
  assert.deepEqual(problems, [])
  return { test: filter.test, kql: renderKql(filter.kql) }
}

function problemsOf(spec: unknown): string[] {
  const problems: RuleProblem[] = []
  compileFilter(spec, '/filter', problems)
  return problems.map((p) => `${p.path}: ${p.message}`)
}

const sshFailure = {
  '@timestamp': '2024-05-01T10:00:00.000Z',
  event: { category: ['authentication'], outcome: 'failure', created: '2024-05-01T10:00:00.120Z' },
  source: { ip: '203.0.113.7', port: 50122 },
  user: { name: 'root' },
  host: { name: 'bastion-1', ip: ['10.0.0.5', '2001:db8::5'] },
  log: { syslog: { appname: 'sshd' } },
  message: 'Failed password for root from 203.0.113.7 port 50122 ssh2',
  sentinel: { anomaly: { score: 0.93 } },
}

test('a scalar is equality; a list field matches when any element equals', () => {
  const filter = compile({ 'event.category': 'authentication', 'event.outcome': 'failure' })
  assert.equal(filter.test(sshFailure), true)
  assert.equal(filter.test({ ...sshFailure, event: { category: ['network'], outcome: 'failure' } }), false)
  assert.equal(filter.kql, 'event.category:"authentication" and event.outcome:"failure"')
})

test('eq and ne, and the loose equality of Elasticsearch terms: 22 matches 22 and "22"', () => {
  const port22 = compile({ 'destination.port': { eq: 22 } })
  assert.equal(port22.test({ destination: { port: 22 } }), true)
  assert.equal(port22.test({ destination: { port: '22' } }), true)
  assert.equal(port22.test({ destination: { port: 2222 } }), false)
  assert.equal(port22.kql, 'destination.port:22')
  const text22 = compile({ 'destination.port': '22' })
  assert.equal(text22.test({ destination: { port: 22 } }), true)
  assert.equal(text22.test({ destination: { port: '022' } }), false)
  const notRoot = compile({ 'user.name': { ne: 'root' } })
  assert.equal(notRoot.test(sshFailure), false)
  assert.equal(notRoot.test({ user: { name: 'alice' } }), true)
  assert.equal(notRoot.test({}), true, 'ne holds for an event without the field, as KQL `not` does')
  assert.equal(notRoot.kql, 'not user.name:"root"')
  const truthy = compile({ 'sentinel.truncated': true })
  assert.equal(truthy.test({ sentinel: { truncated: 'true' } }), true)
  assert.equal(truthy.test({ sentinel: { truncated: false } }), false)
  assert.equal(truthy.kql, 'sentinel.truncated:true')
})

test('in and a plain list: any of the values', () => {
  const apps = compile({ 'log.syslog.appname': ['sshd', 'sudo'] })
  assert.equal(apps.test(sshFailure), true)
  assert.equal(apps.test({ log: { syslog: { appname: 'cron' } } }), false)
  assert.equal(apps.kql, 'log.syslog.appname:("sshd" or "sudo")')
  const ports = compile({ 'destination.port': { in: [22, '3389', 445] } })
  assert.equal(ports.test({ destination: { port: 3389 } }), true)
  assert.equal(ports.test({ destination: { port: '445' } }), true)
  assert.equal(ports.test({ destination: { port: 80 } }), false)
  assert.equal(ports.kql, 'destination.port:(22 or "3389" or 445)')
  const many = compile({ 'event.action': { in: ['a', 'b', 'c', 'd', 'e', 'f'] } })
  assert.equal(many.test({ event: { action: 'e' } }), true)
  assert.equal(many.test({ event: { action: 'g' } }), false)
})

test('gt, gte, lt, lte compare numbers, numeric strings and ISO times', () => {
  const score = compile({ 'sentinel.anomaly.score': { gte: 0.9 } })
  assert.equal(score.test(sshFailure), true)
  assert.equal(score.test({ sentinel: { anomaly: { score: '0.95' } } }), true)
  assert.equal(score.test({ sentinel: { anomaly: { score: 0.5 } } }), false)
  assert.equal(score.test({ sentinel: { anomaly: { score: '' } } }), false)
  assert.equal(score.kql, 'sentinel.anomaly.score >= 0.9')
  const band = compile({ 'source.port': { gt: 1024, lt: 65535 } })
  assert.equal(band.test(sshFailure), true)
  assert.equal(band.test({ source: { port: 1024 } }), false)
  assert.equal(band.kql, 'source.port > 1024 and source.port < 65535')
  const low = compile({ 'source.port': { lte: '1024' } })
  assert.equal(low.test({ source: { port: 1024 } }), true)
  assert.equal(low.kql, 'source.port <= 1024')
  const after = compile({ '@timestamp': { gt: '2024-05-01T09:00:00Z' } })
  assert.equal(after.test(sshFailure), true)
  assert.equal(after.test({ '@timestamp': '2024-05-01T08:59:59+00:00' }), false)
  assert.equal(after.kql, '@timestamp > "2024-05-01T09:00:00Z"')
})

test('exists true and false; an empty list is absent', () => {
  const present = compile({ 'user.name': { exists: true } })
  assert.equal(present.test(sshFailure), true)
  assert.equal(present.test({ user: {} }), false)
  assert.equal(present.test({ user: { name: null } }), false)
  assert.equal(present.test({ user: { name: [] } }), false)
  assert.equal(present.kql, 'user.name:*')
  const absent = compile({ 'error.message': { exists: false } })
  assert.equal(absent.test(sshFailure), true)
  assert.equal(absent.kql, 'not error.message:*')
})

test('contains, icontains and prefix are wildcards in KQL, with special characters escaped', () => {
  const contains = compile({ message: { contains: 'Failed password' } })
  assert.equal(contains.test(sshFailure), true)
  assert.equal(contains.test({ message: 'failed password' }), false)
  assert.equal(contains.kql, 'message:*Failed password*')
  const icontains = compile({ message: { icontains: 'FAILED (pass' } })
  assert.equal(icontains.test({ message: 'x failed (PASSWORD' }), true)
  assert.equal(icontains.test({ message: 'failed pass' }), false)
  assert.equal(icontains.kql, 'message:*FAILED \\(pass*')
  const prefix = compile({ 'host.name': { prefix: 'bastion' } })
  assert.equal(prefix.test(sshFailure), true)
  assert.equal(prefix.test({ host: { name: 'web-bastion' } }), false)
  assert.equal(prefix.kql, 'host.name:bastion*')
  const specials = compile({ 'file.path': { prefix: 'C:\\a*b "c" or not {x} <y>' } })
  assert.equal(specials.kql, 'file.path:C\\:\\\\a\\*b \\"c\\" \\or \\not \\{x\\} \\<y\\>*')
  assert.equal(specials.test({ file: { path: 'C:\\a*b "c" or not {x} <y> z' } }), true)
})

test('matches is a regular expression with no KQL form: its clause is left out, the rest kept', () => {
  const filter = compile({ 'event.outcome': 'failure', message: { matches: '^Failed \\w+ for' } })
  assert.equal(filter.test(sshFailure), true)
  assert.equal(filter.test({ ...sshFailure, message: 'Accepted password for root' }), false)
  assert.equal(filter.kql, 'event.outcome:"failure"')
  // Under `not`, and inside `any`, leaving it out must still find every matching event.
  assert.equal(
    compile({ not: { message: { matches: 'x' } }, 'event.outcome': 'failure' }).kql,
    'event.outcome:"failure"',
  )
  assert.equal(compile({ any: [{ message: { matches: 'x' } }, { 'user.name': 'root' }] }).kql, '')
})

test('cidr matches IPv4 and IPv6 blocks, lists of blocks, and list-valued fields', () => {
  const internal = compile({ 'host.ip': { cidr: '10.0.0.0/8' } })
  assert.equal(internal.test(sshFailure), true)
  assert.equal(internal.kql, 'host.ip:"10.0.0.0/8"')
  const v6 = compile({ 'host.ip': { cidr: ['192.168.0.0/16', '2001:db8::/32'] } })
  assert.equal(v6.test({ host: { ip: ['2001:db8::5'] } }), true)
  assert.equal(v6.test({ host: { ip: '2001:db9::5' } }), false)
  assert.equal(v6.kql, 'host.ip:("192.168.0.0/16" or "2001:db8::/32")')
  const external = compile({ not: { 'source.ip': { cidr: ['10.0.0.0/8', '172.16.0.0/12'] } } })
  assert.equal(external.test(sshFailure), true)
  assert.equal(external.test({ source: { ip: '172.20.1.1' } }), false)
  assert.equal(external.test({ source: { ip: 'not-an-ip' } }), true)
  assert.equal(external.kql, 'not source.ip:("10.0.0.0/8" or "172.16.0.0/12")')
})

test('all, any and not combine, with parentheses in KQL', () => {
  const filter = compile({
    'event.category': 'authentication',
    'event.outcome': 'failure',
    not: { 'source.ip': { cidr: '10.0.0.0/8' } },
    any: [{ 'log.syslog.appname': ['sshd', 'sudo'] }, { 'sentinel.anomaly.score': { gte: 0.9 } }],
    all: [{ 'user.name': { exists: true } }, { 'host.name': { prefix: 'bastion' } }],
  })
  assert.equal(filter.test(sshFailure), true)
  assert.equal(filter.test({ ...sshFailure, source: { ip: '10.1.1.1' } }), false)
  assert.equal(
    filter.test({
      ...sshFailure,
      log: { syslog: { appname: 'cron' } },
      sentinel: { anomaly: { score: 0.1 } },
    }),
    false,
  )
  assert.equal(
    filter.kql,
    'event.category:"authentication" and event.outcome:"failure" and not source.ip:"10.0.0.0/8" and ' +
      '(log.syslog.appname:("sshd" or "sudo") or sentinel.anomaly.score >= 0.9) and user.name:* and host.name:bastion*',
  )
  assert.equal(compile({ not: { any: [{ a: 1 }, { b: 2 }] } }).kql, 'not (a:1 or b:2)')
})

test('paths are read through nested objects and lists of objects', () => {
  const filter = compile({ 'threat.enrichments.indicator.ip': '198.51.100.9' })
  const event = {
    threat: { enrichments: [{ indicator: { ip: '192.0.2.1' } }, { indicator: { ip: ['198.51.100.9'] } }] },
  }
  assert.equal(filter.test(event), true)
  assert.equal(filter.test({ threat: { enrichments: [{ indicator: {} }] } }), false)
  assert.equal(filter.test({ threat: 'flat' }), false)
  assert.equal(
    filter.test({ 'threat.enrichments.indicator.ip': '198.51.100.9' }),
    false,
    'dotted keys are not paths',
  )
})

test('KQL quotes escape backslashes, quotes and control whitespace', () => {
  assert.equal(compile({ message: 'say "hi"\\\n' }).kql, 'message:"say \\"hi\\"\\\\\\n"')
})

test('allOf and fieldExists compose compiled filters', () => {
  const problems: RuleProblem[] = []
  const filter = allOf([
    compileFilter({ 'event.outcome': 'failure' }, '/filter', problems),
    fieldExists('user.name'),
  ])
  assert.equal(filter.test(sshFailure), true)
  assert.equal(filter.test({ event: { outcome: 'failure' } }), false)
  assert.equal(renderKql(filter.kql), 'event.outcome:"failure" and user.name:*')
})

test('problems name the path of the offending key and what was expected', () => {
  const cases: [unknown, string][] = [
    [{ 'source.ip': { cidr: '10.0.0.0/33' } }, '/filter/source.ip/cidr: "10.0.0.0/33" is not a CIDR block'],
    [
      { 'source.ip': { cidr: ['10.0.0.0/8', 'fe80::/129'] } },
      '/filter/source.ip/cidr/1: "fe80::/129" is not a CIDR block',
    ],
    [
      { 'source.ip': { equals: '1.2.3.4' } },
      '/filter/source.ip/equals: unknown operator (expected one of eq, ne, in',
    ],
    [{ message: { matches: '(' } }, '/filter/message/matches: "(" is not a valid regular expression'],
    [{ 'source.port': { gt: 'yesterday' } }, '/filter/source.port/gt: expected a number or an ISO 8601 time'],
    [
      { '@timestamp': { gt: '2024-05-01T10:00' } },
      '/filter/@timestamp/gt: expected a number or an ISO 8601 time',
    ],
    [{ 'Source IP': 1 }, '/filter/Source IP: "Source IP" is not a field path'],
    [
      { 'user.constructor': 1 },
      '/filter/user.constructor: "user.constructor": "constructor" cannot be a field name',
    ],
    [
      { 'user.name': null },
      '/filter/user.name: expected a value, a list of values or a map of operators (got null)',
    ],
    [{ 'user.name': {} }, '/filter/user.name: expected one or more of eq, ne'],
    [{ 'user.name': [] }, '/filter/user.name: expected a non-empty list of strings, numbers or booleans'],
    [{ 'user.name': { in: 'root' } }, '/filter/user.name/in: expected a list of values (got "root")'],
    [{ 'user.name': { contains: '' } }, '/filter/user.name/contains: expected a non-empty string (got "")'],
    [{ 'user.name': { exists: 'yes' } }, '/filter/user.name/exists: expected true or false (got "yes")'],
    [{ any: [] }, '/filter/any: expected a non-empty list of filters (got [])'],
    [{ all: [{ a: 1 }, 'b'] }, '/filter/all/1: expected a map of field paths to conditions (got "b")'],
    [{ not: { 'a.b': { ne: [1] } } }, '/filter/not/a.b/ne: expected a string, number or boolean (got [1])'],
    [{}, '/filter: expected at least one condition (got an empty map)'],
    ['event.outcome: failure', '/filter: expected a map of field paths to conditions'],
  ]
  for (const [spec, expected] of cases) {
    const problems = problemsOf(spec)
    assert.equal(problems.length, 1, `${JSON.stringify(spec)} -> ${problems.join('; ')}`)
    assert.ok(problems[0]?.startsWith(expected), `${problems[0]} should start with ${expected}`)
  }
  assert.equal(problemsOf({ a: { gt: 'x', lt: 'y' }, b: { nope: 1 } }).length, 3, 'every problem is reported')
})

// A naive reference: collect every value at the path (lists flattened), then apply the operator.
function valuesAt(node: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((element) => valuesAt(element, path))
  if (path.length === 0) return node === undefined || node === null ? [] : [node]
  if (typeof node !== 'object' || node === null) return []
  const [head, ...rest] = path
  return valuesAt((node as Record<string, unknown>)[head as string], rest)
}

function looseEqual(value: unknown, expected: unknown): boolean {
  if (typeof expected === 'string') {
    return typeof value === 'string'
      ? value === expected
      : ['number', 'boolean'].includes(typeof value) && String(value) === expected
  }
  if (typeof expected === 'number') {
    return value === expected || (typeof value === 'string' && value !== '' && Number(value) === expected)
  }
  return value === expected || value === String(expected)
}

type Spec = Record<string, unknown>

function reference(spec: Spec, event: unknown): boolean {
  return Object.entries(spec).every(([key, condition]) => {
    if (key === 'all') return (condition as Spec[]).every((s) => reference(s, event))
    if (key === 'any') return (condition as Spec[]).some((s) => reference(s, event))
    if (key === 'not') return !reference(condition as Spec, event)
    const values = valuesAt(event, key.split('.'))
    if (Array.isArray(condition)) return values.some((v) => condition.some((c) => looseEqual(v, c)))
    if (typeof condition !== 'object' || condition === null)
      return values.some((v) => looseEqual(v, condition))
    return Object.entries(condition).every(([op, arg]) => {
      const num = (v: unknown) =>
        typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN
      const str = (test: (s: string) => boolean) => values.some((v) => typeof v === 'string' && test(v))
      switch (op) {
        case 'eq':
          return values.some((v) => looseEqual(v, arg))
        case 'ne':
          return !values.some((v) => looseEqual(v, arg))
        case 'in':
          return values.some((v) => (arg as unknown[]).some((a) => looseEqual(v, a)))
        case 'gt':
          return values.some((v) => num(v) > (arg as number))
        case 'gte':
          return values.some((v) => num(v) >= (arg as number))
        case 'lt':
          return values.some((v) => num(v) < (arg as number))
        case 'lte':
          return values.some((v) => num(v) <= (arg as number))
        case 'exists':
          return values.length > 0 === arg
        case 'contains':
          return str((s) => s.includes(arg as string))
        case 'icontains':
          return str((s) => s.toLowerCase().includes((arg as string).toLowerCase()))
        case 'prefix':
          return str((s) => s.startsWith(arg as string))
        case 'cidr':
          // The generated blocks are 10.0.0.0/8 and 192.168.1.0/24.
          return str((s) =>
            arg === '10.0.0.0/8' ? /^10\.\d+\.\d+\.\d+$/.test(s) : s.startsWith('192.168.1.'),
          )
        default:
          throw new Error(`no reference for ${op}`)
      }
    })
  })
}

const FIELDS = ['a', 'b.c', 'b.d', 'e']
const scalar = fc.constantFrom(
  'x',
  'X',
  'y',
  'xy',
  '22',
  '022',
  '',
  22,
  0,
  1.5,
  true,
  false,
  'true',
  '10.1.2.3',
  '192.168.1.9',
  '192.168.2.9',
)
const leafValue = fc.oneof(scalar, fc.constant(null), fc.array(scalar, { maxLength: 3 }))
const eventArb = fc.record(
  {
    a: leafValue,
    b: fc.oneof(
      fc.record({ c: leafValue, d: leafValue }, { requiredKeys: [] }),
      fc.array(fc.record({ c: leafValue, d: leafValue }, { requiredKeys: [] }), { maxLength: 2 }),
      scalar,
    ),
    e: leafValue,
  },
  { requiredKeys: [] },
)
const operatorArb = fc.oneof(
  fc.record({ eq: scalar }),
  fc.record({ ne: scalar }),
  fc.record({ in: fc.array(scalar, { minLength: 1, maxLength: 6 }) }),
  fc.record({ gt: fc.constantFrom(0, 1, 21.5) }),
  fc.record({ gte: fc.constantFrom(0, 22) }, { requiredKeys: ['gte'] }),
  fc.record({ lt: fc.constantFrom(1, 22), gte: fc.constantFrom(0, 1) }),
  fc.record({ lte: fc.constantFrom(0, 22) }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ contains: fc.constantFrom('x', '2', '.1') }),
  fc.record({ icontains: fc.constantFrom('x', 'XY', 'RU') }),
  fc.record({ prefix: fc.constantFrom('x', '19', 't') }),
  fc.record({ cidr: fc.constantFrom('10.0.0.0/8', '192.168.1.0/24') }),
)
const conditionArb = fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }), operatorArb)
const { filter: filterArb } = fc.letrec<{ filter: Spec }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.dictionary(fc.constantFrom(...FIELDS), conditionArb, { minKeys: 1, maxKeys: 3 }),
    fc.record({ all: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('filter') }),
  ),
}))

test('property: the compiled predicate agrees with a naive evaluator of the filter language', () => {
  fc.assert(
    fc.property(filterArb, fc.array(eventArb, { minLength: 1, maxLength: 8 }), (spec, events) => {
      const filter = compile(spec)
      for (const event of events)
        assert.equal(filter.test(event), reference(spec, event), JSON.stringify({ spec, event }))
    }),
    { numRuns: 400 },
  )
})
