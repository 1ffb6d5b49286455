/**
 * @module SNMP trap parser: the trap source's JSON record -> ECS event. Trap names and varbinds are
 * translated with the MIB table (built once at start); the function is otherwise pure and never throws.
 *
 * ECS choices (allowed values of ECS 9): every trap is `event.kind: event`; linkDown/linkUp are
 * `event.category: [network]`, `event.type: [info]`; known traps are named and categorised from
 * {@link KNOWN_TRAPS}, others by the MIB table or their OID as `network`/`info`. The interface of
 * an IF-MIB trap goes to `observer.ingress.interface.{id,name}` (ECS) and `sentinel.snmp.interface`.
 */
import type { RawRecord } from '../event/raw-record.js'
import type { SentinelEvent } from '../event/sentinel-event.js'
import type { MibTable } from '../enrich/mib/table.js'
import type { TrapRecordData, TrapVarbind } from '../sources/snmp_trap/encode.js'
import { createBaseEvent } from './base-event.js'
import { failEvent } from './error-event.js'
import { KNOWN_TRAPS } from './snmp-trap-names.js'

/** ECS `event.dataset` of trap events. */
export const SNMP_TRAP_DATASET = 'sentinel.snmp_trap'

const IF_INDEX = '1.3.6.1.2.1.2.2.1.1'
const IF_DESCR = '1.3.6.1.2.1.2.2.1.2'
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1'

/** One varbind of the event. */
interface EventVarbind {
  oid: string
  name: string
  type: string
  value: string | number | boolean | null
  /** The enumeration label of an INTEGER (`down`). */
  label?: string
}

/**
 * Fills `event` from a trap record. Malformed JSON becomes an SNT_PARSE_JSON error event.
 *
 * @example
 * const event = parseSnmpTrap(record, shippedMibTable())
 * event.event?.action // 'linkDown'
 */
export function parseSnmpTrap(
  record: RawRecord,
  text: string,
  validUtf8: boolean,
  mib: MibTable | undefined,
  hosts?: ReadonlyMap<string, string>,
): SentinelEvent {
  const event = createBaseEvent(record, text, validUtf8, 'snmp_trap')
  const ev = event.event ?? {}
  event.event = ev
  ev.dataset = SNMP_TRAP_DATASET
  let data: TrapRecordData
  try {
    const parsed: unknown = JSON.parse(text)
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      !Array.isArray((parsed as TrapRecordData).varbinds)
    ) {
      throw new Error('not a trap record (no varbinds array)')
    }
    data = parsed as TrapRecordData
  } catch (error) {
    failEvent(
      event,
      'SNT_PARSE_JSON',
      `Invalid SNMP trap record: ${error instanceof Error ? error.message : String(error)}`,
    )
    return event
  }

  const trapOid = typeof data.trap_oid === 'string' ? data.trap_oid : undefined
  const trapName =
    trapOid === undefined
      ? undefined
      : (KNOWN_TRAPS[trapOid]?.name ?? mib?.translate(trapOid).name ?? trapOid)
  const varbinds: EventVarbind[] = []
  const byName: Record<string, unknown> = {}
  for (const vb of data.varbinds) {
    if (typeof vb !== 'object' || vb === null || typeof vb.oid !== 'string') continue
    varbinds.push(translateVarbind(vb, mib))
  }
  for (const vb of varbinds) byName[vb.name] = vb.label ?? vb.value

  // Host: the v1 agent-addr, else the sender; named as in the SNMP inventory when it is a polled device.
  const host = data.agent_addr ?? record.peerAddress
  if (host !== undefined) {
    const inventoryName =
      hosts?.get(host) ?? (record.peerAddress === undefined ? undefined : hosts?.get(record.peerAddress))
    event.host = { name: inventoryName ?? host, ...(isIp(host) ? { ip: [host] } : {}) }
    event.observer = {
      ...(isIp(host) ? { ip: [host] } : {}),
      hostname: host,
      type: 'snmp-agent',
    } as SentinelEvent['observer']
  }
  if (trapName !== undefined) ev.action = trapName
  const categories = trapOid === undefined ? undefined : KNOWN_TRAPS[trapOid]
  ev.category = categories?.category ?? ['network']
  ev.type = categories?.type ?? ['info']
  if (categories?.outcome) ev.outcome = categories.outcome

  // Interface (IF-MIB): ECS observer.ingress.interface and our own sentinel.snmp.interface.
  const iface = interfaceOf(data.varbinds)
  if (iface.index !== undefined || iface.name !== undefined) {
    const observer = (event.observer ?? {}) as Record<string, unknown>
    observer.ingress = {
      interface: {
        ...(iface.index === undefined ? {} : { id: String(iface.index) }),
        ...((iface.name ?? iface.descr) ? { name: iface.name ?? iface.descr } : {}),
      },
    }
    event.observer = observer as SentinelEvent['observer']
  }

  event.sentinel.snmp = {
    version: data.version,
    pdu_type: data.pdu_type,
    ...(data.user === undefined ? {} : { user: data.user }),
    ...(trapOid === undefined ? {} : { trap_oid: trapOid }),
    ...(trapName === undefined ? {} : { trap_name: trapName }),
    ...(data.enterprise === undefined ? {} : { enterprise: data.enterprise }),
    ...(data.generic_trap === undefined ? {} : { generic_trap: data.generic_trap }),
    ...(data.specific_trap === undefined ? {} : { specific_trap: data.specific_trap }),
    ...(data.agent_addr === undefined ? {} : { agent_addr: data.agent_addr }),
    ...(data.uptime === undefined ? {} : { uptime: data.uptime }),
    ...(iface.index === undefined && iface.name === undefined && iface.descr === undefined
      ? {}
      : { interface: iface }),
    varbinds,
    values: byName,
  }
  const parts = varbinds.map((vb) => `${vb.name}=${formatValue(vb.label ?? vb.value)}`)
  event.message = [trapName ?? 'trap', ...parts].join(' ')
  return event
}

function translateVarbind(vb: TrapVarbind, mib: MibTable | undefined): EventVarbind {
  const translation = mib?.translate(vb.oid)
  const out: EventVarbind = {
    oid: vb.oid,
    name: translation?.name ?? vb.oid,
    type: String(vb.type),
    value: vb.value ?? null,
  }
  const label = translation && mib ? mib.enumLabel(translation, vb.value) : undefined
  if (label !== undefined) out.label = label
  return out
}

function interfaceOf(varbinds: TrapVarbind[]): { index?: number; name?: string; descr?: string } {
  const out: { index?: number; name?: string; descr?: string } = {}
  for (const vb of varbinds) {
    if (typeof vb !== 'object' || vb === null || typeof vb.oid !== 'string') continue
    const column = vb.oid.slice(0, vb.oid.lastIndexOf('.'))
    if (column === IF_INDEX && typeof vb.value === 'number') out.index = vb.value
    else if (column === IF_NAME && typeof vb.value === 'string') out.name = vb.value
    else if (column === IF_DESCR && typeof vb.value === 'string') out.descr = vb.value
    if (
      out.index === undefined &&
      (column === IF_DESCR || column === IF_NAME || column.startsWith('1.3.6.1.2.1.2.2.1.'))
    ) {
      const instance = Number(vb.oid.slice(vb.oid.lastIndexOf('.') + 1))
      if (Number.isInteger(instance) && instance > 0) out.index = instance
    }
  }
  return out
}

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return /[\s"=]/.test(text) ? JSON.stringify(text) : text
}

function isIp(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':')
}
