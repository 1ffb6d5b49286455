import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RuleProblem } from './rule-problem.js'
import { compileTemplate, renderTemplate, type TemplateValues } from './template.js'

const values: TemplateValues = {
  count: 7,
  distinct: 25,
  window: '5m',
  ruleName: 'Brute-force login',
  device: 'bastion-1',
  group: ['203.0.113.7'],
  fields: ['root', 22],
}

test('placeholders: built-ins, group fields and event fields, with spaces allowed', () => {
  const problems: RuleProblem[] = []
  const template = compileTemplate(
    '{{rule.name}}: {{ count }} failures in {{window}} from {{source.ip}} as {{user.name}} on {{device}} port {{destination.port}}',
    { groupBy: ['source.ip'], distinct: false },
    '/summary',
    problems,
  )
  assert.deepEqual(problems, [])
  assert.deepEqual(template.eventFields, ['user.name', 'destination.port'])
  assert.equal(
    renderTemplate(template, values),
    'Brute-force login: 7 failures in 5m from 203.0.113.7 as root on bastion-1 port 22',
  )
})

test('a field the events did not carry renders as unknown; text without placeholders is kept', () => {
  const problems: RuleProblem[] = []
  const template = compileTemplate(
    '{{user.name}} / {{x.y}} {done}',
    { groupBy: [], distinct: false },
    '/summary',
    problems,
  )
  assert.equal(renderTemplate(template, { ...values, fields: [undefined] }), 'unknown / unknown {done}')
})

test('problems: unclosed braces, bad names, and {{distinct}} outside distinct_count', () => {
  const problems: RuleProblem[] = []
  compileTemplate('{{distinct}} {{bad name}} {{count', { groupBy: [], distinct: false }, '/summary', problems)
  assert.deepEqual(
    problems.map((p) => `${p.path}: ${p.message}`),
    [
      '/summary: {{distinct}} is only known to distinct_count rules',
      '/summary: {{bad name}}: "bad name" is not a field path (expected dotted names such as source.ip), or one of count, distinct, window, rule.name, device',
      '/summary: "{{" without a closing "}}" in "{{distinct}} {{bad name}} {{count"',
    ],
  )
  const ok: RuleProblem[] = []
  const distinct = compileTemplate('{{distinct}} ports', { groupBy: [], distinct: true }, '/summary', ok)
  assert.deepEqual(ok, [])
  assert.equal(renderTemplate(distinct, values), '25 ports')
})
