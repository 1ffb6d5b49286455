/**
 * @module The ML worker thread's entry: hosts the MlStage (templates, features, ONNX inference,
 * series detectors, training and the registry) and answers the collector thread's requests one
 * at a time. Its log lines and metric observations are posted back, where the collector's logger
 * and Prometheus registry live.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { pino } from 'pino'
import type { MlObserver } from '../ml-observer.js'
import { MlStage } from '../ml-stage.js'
import type { MlNotice, MlReply, MlRequest, MlThreadInput } from './protocol.js'

const port = parentPort
if (port === null) throw new Error('ml-thread runs as a worker thread')
const input = workerData as MlThreadInput
const post = (message: MlReply | MlNotice) => port.postMessage(message)

const logger = pino(
  { level: input.logLevel, base: null, timestamp: false },
  { write: (line: string) => post({ kind: 'log', line }) },
)
const forward =
  (method: keyof MlObserver) =>
  (...args: unknown[]): void =>
    post({ kind: 'observe', method, args })
const observer: MlObserver = {
  scored: forward('scored'),
  inferred: forward('inferred'),
  inferenceFailed: forward('inferenceFailed'),
  trained: forward('trained'),
  modelsInUse: forward('modelsInUse'),
}
const stage = new MlStage(input.config, input.dataDir, { observer, logger })

async function handle(request: MlRequest): Promise<unknown> {
  switch (request.op) {
    case 'start':
      return stage.start()
    case 'annotate':
      return stage.annotateBatch(request.batch)
    case 'stop':
      return stage.stop()
  }
}

// One request at a time, in arrival order: start before any batch, stop after the last.
let queue: Promise<void> = Promise.resolve()
port.on('message', (request: MlRequest) => {
  queue = queue.then(async () => {
    try {
      const result = await handle(request)
      post({ kind: 'reply', id: request.id, ok: true, result, stats: stage.stats() })
    } catch (error) {
      post({ kind: 'reply', id: request.id, ok: false, error: String(error) })
    }
  })
})
