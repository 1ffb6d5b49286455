/**
 * @module What the trap receiver decoded, as the compact JSON a RawRecord carries: JSON-safe values
 * (Buffers as UTF-8 text when printable, else hex; BigInt counters as strings).
 */

/** net-snmp PDU type tags. */
const PDU_TRAP_V1 = 164
const PDU_TRAP_V2 = 167
const PDU_INFORM = 166

/** One variable binding as the record carries it. */
export interface TrapVarbind {
  oid: string
  /** ASN.1 type name: Integer, OctetString, OID, IpAddress, Counter32, Gauge32, TimeTicks, Counter64, ... */
  type: string
  value: string | number | boolean | null
  /** `hex` when `value` is an OctetString shown as hex (not printable). */
  encoding?: 'hex'
}

/** The RawRecord payload of one accepted trap or inform. */
export interface TrapRecordData {
  version: 'v1' | 'v2c' | 'v3'
  user?: string
  pdu_type: 'trap-v1' | 'trap' | 'inform'
  enterprise?: string
  generic_trap?: number
  specific_trap?: number
  agent_addr?: string
  /** sysUpTime in hundredths of a second. */
  uptime?: number
  /** snmpTrapOID.0 for v2c/v3; derived per RFC 3584 for v1. */
  trap_oid?: string
  context_engine_id?: string
  context_name?: string
  varbinds: TrapVarbind[]
}

const TYPE_NAMES: Record<number, string> = {
  1: 'Boolean',
  2: 'Integer',
  4: 'OctetString',
  5: 'Null',
  6: 'OID',
  64: 'IpAddress',
  65: 'Counter32',
  66: 'Gauge32',
  67: 'TimeTicks',
  68: 'Opaque',
  70: 'Counter64',
  128: 'NoSuchObject',
  129: 'NoSuchInstance',
  130: 'EndOfMibView',
}

const SYS_UPTIME_0 = '1.3.6.1.2.1.1.3.0'
const SNMP_TRAP_OID_0 = '1.3.6.1.6.3.1.1.4.1.0'
/** RFC 3584 3.1: v1 generic traps 0-5 map to snmpTraps.(generic+1). */
const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5'

/** Printable UTF-8 (no control characters other than tab/CR/LF). */
function isPrintable(buffer: Buffer): boolean {
  const text = buffer.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(buffer)) return false
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)
}

/** A JSON-safe varbind value. */
export function encodeValue(value: unknown): { value: TrapVarbind['value']; encoding?: 'hex' } {
  if (value === null || value === undefined) return { value: null }
  if (Buffer.isBuffer(value)) {
    return isPrintable(value)
      ? { value: value.toString('utf8') }
      : { value: value.toString('hex'), encoding: 'hex' }
  }
  if (typeof value === 'bigint') return { value: value.toString() }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return { value }
  return { value: String(value) }
}

interface NetSnmpVarbind {
  oid: string
  type: number
  value: unknown
}

/** The `pdu` object net-snmp's receiver hands its callback (with includeAuthentication). */
export interface NetSnmpNotificationPdu {
  type: number
  varbinds?: NetSnmpVarbind[]
  community?: string
  user?: string
  enterprise?: string
  agentAddr?: string
  generic?: number
  specific?: number
  upTime?: number
  contextEngineID?: string
  contextName?: string
}

/**
 * Builds the record payload from a decoded notification. net-snmp does not hand over the message
 * version: a Trap-PDU is v1, a user (includeAuthentication) means v3, a community v2c.
 */
export function encodeNotification(pdu: NetSnmpNotificationPdu): TrapRecordData {
  const data: TrapRecordData = {
    version: pdu.type === PDU_TRAP_V1 ? 'v1' : pdu.user !== undefined ? 'v3' : 'v2c',
    pdu_type: pdu.type === PDU_TRAP_V1 ? 'trap-v1' : pdu.type === PDU_INFORM ? 'inform' : 'trap',
    varbinds: [],
  }
  // The community is a shared secret and was already checked against the allow-list: it goes no
  // further than here (not into the record, event.original, the spool or any sink).
  if (pdu.user !== undefined) data.user = pdu.user
  if (pdu.type === PDU_TRAP_V1) {
    if (pdu.enterprise !== undefined) data.enterprise = pdu.enterprise
    if (pdu.agentAddr !== undefined) data.agent_addr = pdu.agentAddr
    if (pdu.generic !== undefined) data.generic_trap = pdu.generic
    if (pdu.specific !== undefined) data.specific_trap = pdu.specific
    if (pdu.upTime !== undefined) data.uptime = pdu.upTime
    if (pdu.generic !== undefined) {
      data.trap_oid =
        pdu.generic === 6
          ? `${pdu.enterprise ?? ''}.0.${pdu.specific ?? 0}`
          : `${SNMP_TRAPS}.${pdu.generic + 1}`
    }
  }
  for (const vb of pdu.varbinds ?? []) {
    const encoded = encodeValue(vb.value)
    if (vb.oid === SYS_UPTIME_0 && typeof encoded.value === 'number') data.uptime = encoded.value
    if (vb.oid === SNMP_TRAP_OID_0 && typeof encoded.value === 'string') {
      data.trap_oid = encoded.value
      continue
    }
    if (vb.oid === SYS_UPTIME_0) continue
    data.varbinds.push({ oid: vb.oid, type: TYPE_NAMES[vb.type] ?? String(vb.type), ...encoded })
  }
  if (pdu.contextEngineID) data.context_engine_id = pdu.contextEngineID
  if (pdu.contextName) data.context_name = pdu.contextName
  return data
}

export { PDU_TRAP_V1, PDU_TRAP_V2, PDU_INFORM }
