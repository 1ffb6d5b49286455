import assert from 'node:assert/strict'
import { test } from 'node:test'
import { classifyBulkItem, classifyRequestFailure } from './retry.js'

test('bulk items: 200 and 201 are delivered, 409 on create is a duplicate (replayed _id)', () => {
  assert.deepEqual(classifyBulkItem(200), { kind: 'ok' })
  assert.deepEqual(classifyBulkItem(201), { kind: 'ok' })
  assert.deepEqual(classifyBulkItem(409, { type: 'version_conflict_engine_exception' }), {
    kind: 'duplicate',
  })
})

test('bulk items: 429 and 5xx (except 501) are retried with their reason', () => {
  assert.deepEqual(classifyBulkItem(429, { type: 'es_rejected_execution_exception' }), {
    kind: 'retry',
    reason: 'status_429',
  })
  for (const status of [500, 502, 503, 504]) {
    assert.deepEqual(classifyBulkItem(status), { kind: 'retry', reason: 'status_5xx' }, String(status))
  }
  assert.deepEqual(classifyBulkItem(501), { kind: 'deadletter', reason: 'rejected' })
})

test('bulk items: 404 index_not_found waits for `setup elastic` instead of dead-lettering', () => {
  assert.deepEqual(classifyBulkItem(404, { type: 'index_not_found_exception' }), {
    kind: 'retry',
    reason: 'index_not_found',
  })
  assert.deepEqual(classifyBulkItem(404, { type: 'something_else' }), {
    kind: 'deadletter',
    reason: 'rejected',
  })
})

test('bulk items: 4xx rejections go to the dead-letter stream, by reason', () => {
  assert.deepEqual(classifyBulkItem(400, { type: 'mapper_parsing_exception' }), {
    kind: 'deadletter',
    reason: 'mapping',
  })
  assert.deepEqual(
    classifyBulkItem(400, {
      type: 'document_parsing_exception',
      reason: "[1:120] failed to parse field [source.port] of type [long] in document with id 'x'",
      caused_by: { type: 'illegal_argument_exception' },
    }),
    { kind: 'deadletter', reason: 'mapping' },
  )
  assert.deepEqual(
    classifyBulkItem(400, { type: 'document_parsing_exception', reason: '[1:2] unexpected token' }),
    {
      kind: 'deadletter',
      reason: 'parsing',
    },
  )
  assert.deepEqual(classifyBulkItem(400, { type: 'illegal_argument_exception' }), {
    kind: 'deadletter',
    reason: 'rejected',
  })
  assert.deepEqual(classifyBulkItem(400), { kind: 'deadletter', reason: 'rejected' })
})

test('failed requests: outages and auth failures are retried forever; 400/413 split the batch', () => {
  assert.deepEqual(classifyRequestFailure({ cause: 'network' }), { kind: 'retry', reason: 'network' })
  assert.deepEqual(classifyRequestFailure({ cause: 'timeout' }), { kind: 'retry', reason: 'timeout' })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 429 }), {
    kind: 'retry',
    reason: 'status_429',
  })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 503 }), {
    kind: 'retry',
    reason: 'status_5xx',
  })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 401 }), {
    kind: 'retry',
    reason: 'auth',
  })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 403 }), {
    kind: 'retry',
    reason: 'auth',
  })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 408 }), {
    kind: 'retry',
    reason: 'timeout',
  })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 405 }), {
    kind: 'retry',
    reason: 'status_4xx',
  })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 400 }), { kind: 'split' })
  assert.deepEqual(classifyRequestFailure({ cause: 'status', status: 413 }), { kind: 'split' })
})
