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

test('leaves out kinds whose separator the message lacks, with the same result', () => {
  assert.equal(maskVariables(''), '')
  assert.equal(maskVariables('retry 3 of 5'), 'retry <*> of <*>')
  // ':' but no '::': clock times stay with the number rule, full-form IPv6 is still masked.
  assert.equal(maskVariables('at 10:17:01 up'), 'at <*>:<*>:<*> up')
  assert.equal(maskVariables('at 2001:0db8:0000:0000:0000:ff00:0042:8329'), 'at <*>')
  assert.equal(maskVariables('key:value mail@host'), 'key:value mail@host')
  assert.equal(maskVariables('host:8080 db.local:5432'), 'host:<*> <*>')
  assert.equal(maskVariables('see http://x.org/a?b=1; or C:\\tmp\\a.log'), 'see <*> or <*>')
})

test('gives each message the expression for its own separators, in any order', () => {
  // Each call picks a cached expression; alternating must not leak one message's choice into another.
  for (let i = 0; i < 2; i++) {
    assert.equal(maskVariables('fe80::1 up'), '<*> up')
    assert.equal(maskVariables('at 10:17:01'), 'at <*>:<*>:<*>')
    assert.equal(maskVariables('to bob@example.com'), 'to <*>')
    assert.equal(maskVariables('x::1 at 10:17'), 'x::<*> at <*>:<*>')
  }
})

test('masks the variables that can start right after a letter', () => {
  // An e-mail starting at '.', '+' or '-' after a word, and a bracketed IPv6 address.
  assert.equal(maskVariables('a@b.c+d@e.com'), '<*><*>')
  assert.equal(maskVariables('38101a0b-2096-447d-96ea-a692162415ae.a@b.com'), '<*><*>')
  assert.equal(maskVariables('addr[::1]:80 x'), 'addr<*> x')
  assert.equal(maskVariables('x.y@example.org'), '<*>')
})

test('masks variables at the start and end of a message and next to punctuation', () => {
  assert.equal(maskVariables('42 items'), '<*> items')
  assert.equal(maskVariables('port 22'), 'port <*>')
  assert.equal(maskVariables('(uid=1000,gid=1000)'), '(uid=<*>,gid=<*>)')
  assert.equal(maskVariables('"/var/log/messages"'), '"<*>"')
  assert.equal(maskVariables('[2001:db8::1]:443,'), '<*>,')
  assert.equal(maskVariables('10-20'), '<*><*>')
  // Only an ASCII letter protects a number: '_', '+' and non-ASCII letters do not.
  assert.equal(maskVariables('x+1 id_42 v2'), 'x+<*> id_<*> v2')
  assert.equal(maskVariables('é42 size\u00a01024\tok'), 'é<*> size\u00a0<*>\tok')
})
