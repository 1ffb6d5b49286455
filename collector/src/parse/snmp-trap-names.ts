/**
 * @module Known SNMP notifications: a compact table of snmpTrapOID -> name and ECS categorisation
 * for the standard traps (RFC 3418, BRIDGE-MIB, BGP4-MIB, OSPF-TRAP-MIB, VRRP-MIB, ENTITY-MIB) and
 * common vendor ones (Cisco, Juniper, Net-SNMP), so they are named and categorised even when
 * their MIBs are not loaded (vendor MIBs cannot be shipped here). Names are facts from those
 * MIBs; categories and types are ECS allowed values (a test checks them against @elastic/ecs).
 */

export interface KnownTrap {
  name: string
  category: string[]
  type: string[]
  outcome?: 'success' | 'failure'
}

const host = (type: string): Pick<KnownTrap, 'category' | 'type'> => ({ category: ['host'], type: [type] })
const network = (type: string): Pick<KnownTrap, 'category' | 'type'> => ({
  category: ['network'],
  type: [type],
})
const configChange = { category: ['configuration'], type: ['change'] }

/** By snmpTrapOID (v1 traps are mapped to these OIDs per RFC 3584 before lookup). */
export const KNOWN_TRAPS: Readonly<Record<string, KnownTrap>> = {
  // SNMPv2-MIB (RFC 3418) snmpTraps
  '1.3.6.1.6.3.1.1.5.1': { name: 'coldStart', ...host('start') },
  '1.3.6.1.6.3.1.1.5.2': { name: 'warmStart', ...host('start') },
  '1.3.6.1.6.3.1.1.5.3': { name: 'linkDown', ...network('info') },
  '1.3.6.1.6.3.1.1.5.4': { name: 'linkUp', ...network('info') },
  '1.3.6.1.6.3.1.1.5.5': {
    name: 'authenticationFailure',
    category: ['authentication'],
    type: ['info'],
    outcome: 'failure',
  },
  '1.3.6.1.6.3.1.1.5.6': { name: 'egpNeighborLoss', ...network('end') },
  // BRIDGE-MIB (RFC 4188): spanning tree
  '1.3.6.1.2.1.17.0.1': { name: 'newRoot', ...network('info') },
  '1.3.6.1.2.1.17.0.2': { name: 'topologyChange', ...network('info') },
  // BGP4-MIB (RFC 4273)
  '1.3.6.1.2.1.15.0.1': { name: 'bgpEstablishedNotification', ...network('start') },
  '1.3.6.1.2.1.15.0.2': { name: 'bgpBackwardTransNotification', ...network('end') },
  // OSPF-TRAP-MIB (RFC 4750)
  '1.3.6.1.2.1.14.16.2.2': { name: 'ospfNbrStateChange', ...network('info') },
  '1.3.6.1.2.1.14.16.2.16': { name: 'ospfIfStateChange', ...network('info') },
  // VRRP-MIB (RFC 2787)
  '1.3.6.1.2.1.68.0.1': { name: 'vrrpTrapNewMaster', ...network('info') },
  '1.3.6.1.2.1.68.0.2': {
    name: 'vrrpTrapAuthFailure',
    category: ['authentication'],
    type: ['info'],
    outcome: 'failure',
  },
  // ENTITY-MIB (RFC 6933)
  '1.3.6.1.2.1.47.2.0.1': { name: 'entConfigChange', ...configChange },
  // CISCO-CONFIG-MAN-MIB, CISCO-ENVMON-MIB, CISCO-SYSLOG-MIB
  '1.3.6.1.4.1.9.9.43.2.0.1': { name: 'ciscoConfigManEvent', ...configChange },
  '1.3.6.1.4.1.9.9.13.3.0.1': { name: 'ciscoEnvMonShutdownNotification', ...host('end') },
  '1.3.6.1.4.1.9.9.13.3.0.2': { name: 'ciscoEnvMonVoltageNotification', ...host('info') },
  '1.3.6.1.4.1.9.9.13.3.0.3': { name: 'ciscoEnvMonTemperatureNotification', ...host('info') },
  '1.3.6.1.4.1.9.9.13.3.0.4': { name: 'ciscoEnvMonFanNotification', ...host('info') },
  '1.3.6.1.4.1.9.9.13.3.0.5': { name: 'ciscoEnvMonRedundantSupplyNotification', ...host('info') },
  '1.3.6.1.4.1.9.9.41.2.0.1': { name: 'clogMessageGenerated', ...host('info') },
  // JUNIPER-MIB jnxChassisTraps
  '1.3.6.1.4.1.2636.4.1.1': { name: 'jnxPowerSupplyFailure', ...host('info') },
  '1.3.6.1.4.1.2636.4.1.2': { name: 'jnxFanFailure', ...host('info') },
  '1.3.6.1.4.1.2636.4.1.3': { name: 'jnxOverTemperature', ...host('info') },
  // NET-SNMP-AGENT-MIB
  '1.3.6.1.4.1.8072.4.0.1': { name: 'nsNotifyStart', ...host('start') },
  '1.3.6.1.4.1.8072.4.0.2': { name: 'nsNotifyShutdown', ...host('end') },
  '1.3.6.1.4.1.8072.4.0.3': { name: 'nsNotifyRestart', ...host('start') },
}
