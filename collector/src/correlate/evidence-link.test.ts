import assert from 'node:assert/strict'
import { test } from 'node:test'
import { discoverUrl } from './evidence-link.js'

/** Undo the URL encoding and the rison string escapes, as Kibana does when it reads the URL. */
function risonStrings(url: string): string[] {
  return [...url.matchAll(/'((?:[^'!]|!.)*)'/g)].map(([, text]) =>
    decodeURIComponent(text ?? '').replace(/!(.)/g, '$1'),
  )
}

test('a Discover URL: data view, KQL query and a time range around the evidence', () => {
  const url = discoverUrl(
    'https://kibana.example.net:5601/',
    'source.ip:"203.0.113.7"',
    1_714_557_600_000,
    1_714_557_660_000,
  )
  assert.ok(url.startsWith('https://kibana.example.net:5601/app/discover#/?_g=(time:(from:'), url)
  assert.ok(url.includes("&_a=(index:'sentinel-logs',query:(language:kuery,query:'"), url)
  assert.deepEqual(risonStrings(url), [
    '2024-05-01T09:55:00.000Z',
    '2024-05-01T10:06:00.000Z',
    'sentinel-logs',
    'source.ip:"203.0.113.7"',
  ])
})

test('quotes, exclamation marks and URL characters in the query survive the trip', () => {
  const query = `user.name:"o'brien!" and message:*50% & #1?*`
  const url = discoverUrl('http://kibana:5601', query, 0, 0)
  assert.equal(risonStrings(url)[3], query)
  const fragment = url.slice(url.indexOf('#') + 1)
  assert.doesNotMatch(fragment, /[ "#]/)
  assert.equal(fragment.split('&').length, 2, 'only the & between _g and _a')
})
