import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maskVariables } from './mask.js'

test('masks IPv4 addresses with and without a port', () => {
  assert.equal(maskVariables('from 10.0.0.7 port 22'), 'from <*> port <*>')
  assert.equal(maskVariables('peer 203.0.113.45:51234 closed'), 'peer <*> closed')
})

test('masks IPv6 addresses, bracketed with a port or bare', () => {
  assert.equal(maskVariables('from fe80::1ff:fe23:4567:890a up'), 'from <*> up')
  assert.equal(maskVariables('to [2001:db8::1]:443 ok'), 'to <*> ok')
  assert.equal(maskVariables('at 2001:0db8:0000:0000:0000:ff00:0042:8329'), 'at <*>')
})

test('masks numbers but keeps digits glued to words', () => {
  assert.equal(
    maskVariables('took 12.5 ms, retry -3 on eth0 via log4j'),
    'took <*> ms, retry <*> on eth0 via log4j',
  )
})

test('masks hex literals and long hex ids', () => {
  assert.equal(
    maskVariables('flags=0x1f id 4bf92f3577b34da6 word deadbeef'),
    'flags=<*> id <*> word deadbeef',
  )
})

test('masks paths, URLs, UUIDs and e-mail addresses', () => {
  assert.equal(maskVariables('open /etc/httpd/conf/workers2.properties'), 'open <*>')
  assert.equal(maskVariables('load C:\\Windows\\cbscore.dll'), 'load <*>')
  assert.equal(maskVariables('GET https://example.com/a?b=1 done'), 'GET <*> done')
  assert.equal(maskVariables('req-38101a0b-2096-447d-96ea-a692162415ae'), 'req-<*>')
  assert.equal(maskVariables('mail to bob.smith@example.com sent'), 'mail to <*> sent')
})

test('masks host:port endpoints and numeric key=value values, keeps word values', () => {
  assert.equal(maskVariables('proxy.example.com:5070 open'), '<*> open')
  assert.equal(maskVariables('uid=u1000a ready=true'), 'uid=<*> ready=true')
})
