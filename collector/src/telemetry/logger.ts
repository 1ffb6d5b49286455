/** @module Collector logs: pino JSON lines on stdout; messages are capitalised sentences with a period. */
import { pino, type Logger } from 'pino'

export type { Logger }

/** A logger at `level`; secrets never reach it because config values are not logged. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'sentinel' }, timestamp: pino.stdTimeFunctions.isoTime }, destination)
}
