/** @module Stop services in reverse start order from one after-hook (senders before receivers). */

/** Anything with node:test's `after(fn)`: a TestContext, or the module-level `after`. */
export interface AfterHookHost {
  after(fn: () => Promise<void>): void
}

/**
 * Returns `defer(stop)`; every deferred stop runs, last registered first, in one after-hook of
 * `host`. A relay stopped before the collector it feeds lets the collector stop at once instead of
 * waiting out its connection-drain grace. Every stop runs even if one throws; the first error is
 * re-thrown.
 *
 * @example
 * const defer = deferInReverse(t)
 * const collector = await startCollector(...); defer(() => collector.stop())
 * const relay = await startRsyslogForwarder(...); defer(() => relay.stop()) // stopped first
 */
export function deferInReverse(host: AfterHookHost): (stop: () => Promise<unknown>) => void {
  const stops: Array<() => Promise<unknown>> = []
  host.after(async () => {
    let first: unknown
    for (const stop of stops.reverse()) {
      try {
        await stop()
      } catch (error) {
        first ??= error
      }
    }
    if (first !== undefined) throw first
  })
  return (stop) => {
    stops.push(stop)
  }
}
