/**
 * @module Trap fixtures: notifications shaped as net-snmp's receiver hands them over for the CLI
 * senders' traps (v1 linkDown, v2c linkUp with IF-MIB varbinds of every type, a v3 trap from an
 * enterprise no shipped MIB names), used by the parser tests and the field-coverage corpus.
 */
import type { NetSnmpNotificationPdu } from '../encode.js'

export const V1_LINK_DOWN_PDU: NetSnmpNotificationPdu = {
  type: 164,
  community: 'public',
  enterprise: '1.3.6.1.4.1.8072.2.3',
  agentAddr: '10.1.2.3',
  generic: 2,
  specific: 0,
  upTime: 462697,
  varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: 2, value: 3 }],
}

export const V2C_LINK_UP_PDU: NetSnmpNotificationPdu = {
  type: 167,
  community: 'public',
  varbinds: [
    { oid: '1.3.6.1.2.1.1.3.0', type: 67, value: 462698 },
    { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.6.3.1.1.5.4' },
    { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 2, value: 3 },
    { oid: '1.3.6.1.2.1.2.2.1.7.3', type: 2, value: 1 },
    { oid: '1.3.6.1.2.1.2.2.1.8.3', type: 2, value: 1 },
    { oid: '1.3.6.1.2.1.2.2.1.2.3', type: 4, value: Buffer.from('eth0') },
    { oid: '1.3.6.1.2.1.2.2.1.6.3', type: 4, value: Buffer.from([0, 0x1b, 0x21, 0x3a, 0x4f, 0x10]) },
    { oid: '1.3.6.1.2.1.2.2.1.10.3', type: 70, value: 12345678901234567890n },
  ],
}

export const UNKNOWN_ENTERPRISE_PDU: NetSnmpNotificationPdu = {
  type: 167,
  user: 'trapuser',
  varbinds: [
    { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.4.1.99999.0.7' },
    { oid: '1.3.6.1.4.1.99999.1.2.0', type: 4, value: Buffer.from('fan 2 failed') },
  ],
}
