/**
 * @module Source contract: what every source (syslog, later SNMP traps and HTTP) implements
 * and the port it pushes records into.
 */
import type { RawRecord } from '../event/raw-record.js'

/** Where sources hand over what they read. Implemented by the pipeline. */
export interface RecordPort {
  /**
   * Accept records. Returns false once the pipeline is above its high-water mark: a source
   * that can pause (TCP, TLS) stops reading until `onDrain` fires. The records passed are
   * accepted either way.
   */
  push(records: RawRecord[]): boolean
  /** True while the pipeline cannot take more; a UDP source drops (and counts) instead. */
  isFull(): boolean
  /** Register a callback for when the pipeline has room again; returns an unsubscribe. */
  onDrain(listener: () => void): () => void
}

/** A running listener. */
export interface Source {
  /** The listener's name in the config. */
  readonly id: string
  /** Start listening; resolves once bound. Rejects with SNT_ERR_LISTEN on failure. */
  start(): Promise<void>
  /** The bound address (useful when the config asks for port 0). */
  address(): { host: string; port: number } | undefined
  /** Stop accepting, finish reading what is buffered, close. */
  stop(): Promise<void>
}
