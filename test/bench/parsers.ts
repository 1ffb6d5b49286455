/**
 * @module Parser throughput: `parseRecord` on realistic ~300-byte messages of each format, about
 * one second each, on one core. `npm run bench` writes the figures into its JSON report.
 */
import type { ParseFormat, RawRecord, SourceContext } from '../../collector/src/event/raw-record.js'
import { parseRecord } from '../../collector/src/parse/index.js'

/** Messages as devices send them; each about 300 bytes. */
const SAMPLES: Readonly<Record<string, { format: ParseFormat; lines: readonly string[] }>> = {
  rfc5424: {
    format: 'auto',
    lines: [
      '<165>1 2026-11-21T10:17:01.123456+00:00 web-01.example.com nginx 4123 ACCESS [meta@32473 sequenceId="1" sysUpTime="37" language="EN"][origin ip="192.0.2.1" software="nginx"] 203.0.113.7 - - "GET /api/v1/items?page=2 HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
      '<14>1 2026-11-21T10:17:02.512Z srx-edge-01 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.26 source-address="10.1.2.3" source-port="51544" destination-address="198.51.100.20" destination-port="443" service-name="junos-https" protocol-id="6" policy-name="allow-web"] session created',
    ],
  },
  rfc3164: {
    format: 'auto',
    lines: [
      '<38>Nov 21 10:17:01 bastion-01 sshd[48213]: Failed password for invalid user admin from 203.0.113.45 port 51234 ssh2; attempt 3 of 6 within the rate window, source flagged by fail2ban jail sshd (ban time 600 s, find time 600 s) on interface eth0 (pid 48213)',
      '<166>Nov 21 2026 10:17:01 asa-fw01 : %ASA-6-302013: Built outbound TCP connection 1402 for outside:198.51.100.20/443 (198.51.100.20/443) to inside:10.1.2.3/51544 (203.0.113.9/51544) duration 0:00:00 bytes 0 flags UIO (rule allow-web, interface outside)',
    ],
  },
  cef: {
    format: 'auto',
    lines: [
      'CEF:0|Palo Alto Networks|PAN-OS|10.2.4|TRAFFIC|end|3|rt=Nov 21 2026 10:17:01 src=10.1.2.3 dst=198.51.100.20 spt=51544 dpt=443 proto=TCP act=allow in=5123 out=48211 suser=acme\\\\bob cs1=allow-web cs1Label=Rule cs2=trust cs2Label=SrcZone msg=session ended normally',
    ],
  },
  leef: {
    format: 'auto',
    lines: [
      'LEEF:2.0|IBM|QRadar|7.5.0|Authentication Failure|^|devTime=Nov 21 2026 10:17:01^src=203.0.113.45^dst=10.1.2.3^srcPort=51234^dstPort=22^usrName=admin^proto=TCP^sev=7^cat=Authentication^identSrc=203.0.113.45^reason=bad password after three attempts from an unknown network',
    ],
  },
  json: {
    format: 'auto',
    lines: [
      '{"@timestamp":"2026-11-21T10:17:01.123Z","level":"error","message":"payment provider timed out","service":"checkout","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","http":{"method":"POST","status":504,"path":"/api/v1/pay"},"host":"app-07","duration_ms":30012,"retry":2}',
    ],
  },
}

/** Events per second and ns per event for each format, each measured for about one second. */
export async function benchParsers(): Promise<
  Record<string, { eventsPerSecond: number; nsPerEvent: number }>
> {
  const results: Record<string, { eventsPerSecond: number; nsPerEvent: number }> = {}
  for (const [name, sample] of Object.entries(SAMPLES)) {
    const context: SourceContext = {
      sourceId: 'bench',
      transport: 'udp',
      format: sample.format,
      timezone: 'Europe/Berlin',
    }
    const records: RawRecord[] = sample.lines.map((line) => ({
      data: Buffer.from(line),
      receivedAt: Date.UTC(2026, 10, 21, 10, 17, 5),
      peerAddress: '192.0.2.10',
      peerPort: 514,
      context,
    }))
    for (let i = 0; i < 20_000; i++) parseRecord(records[i % records.length] as RawRecord) // warm up the JIT
    let count = 0
    let sink = 0
    const start = process.hrtime.bigint()
    let elapsed = 0n
    while (elapsed < 1_000_000_000n) {
      for (let i = 0; i < 1000; i++)
        sink += parseRecord(records[i % records.length] as RawRecord)['@timestamp'].length
      count += 1000
      elapsed = process.hrtime.bigint() - start
    }
    if (sink === 0) throw new Error('benchmark result unused')
    const ns = Number(elapsed) / count
    results[name] = { eventsPerSecond: Math.round(1e9 / ns), nsPerEvent: Math.round(ns) }
    await new Promise((resolve) => setImmediate(resolve))
  }
  return results
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchParsers(), null, 2))
}
