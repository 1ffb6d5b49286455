/** @module Process figures from /proc: peak resident memory and CPU time (Linux). */
import { readFileSync } from 'node:fs'

/** Peak resident set size (VmHWM) in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status)
  return match ? Number(match[1]) * 1024 : NaN
}

/** User plus system CPU seconds used so far by the whole process (all threads). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return ticks / 100 // USER_HZ is 100 on Linux
}
