import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SentinelError } from './codes.js'

test('SentinelError fills the message template in order and carries code and status', () => {
  const err = new SentinelError('SNT_ERR_LISTEN', ['tcp:0.0.0.0:5514', 'EADDRINUSE'])
  assert.equal(err.message, 'Cannot listen on tcp:0.0.0.0:5514: EADDRINUSE')
  assert.equal(err.code, 'SNT_ERR_LISTEN')
  assert.equal(err.status, 500)
})
