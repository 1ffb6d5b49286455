/**
 * @module Variable masking for template mining: replaces the parts of a log message that vary
 * between occurrences of the same statement (addresses, numbers, ids, paths) with `<*>` before the
 * miner tokenises it. One combined regular expression, one pass per message, because this runs on
 * every syslog event; the alternatives are ordered so the most specific kind wins at a position.
 */

/** The wildcard the miner uses for a variable token or token part. */
export const WILDCARD = '<*>'

/** Each alternative is one variable kind; order matters (first match at a position wins). */
const KINDS: readonly string[] = [
  // UUID (before hex and numbers, which would split it into pieces).
  String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`,
  // URL: the whole locator is one variable.
  String.raw`\b[a-zA-Z][\w+.-]*://[^\s"'<>]+`,
  // E-mail-ish: user@host.domain.
  String.raw`\b[\w.+-]+@[a-zA-Z][\w-]*(?:\.[\w-]+)+\b`,
  // IPv4, optional /prefix and :port.
  String.raw`(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?::\d{1,5})?(?![\w]|\.\d)`,
  // IPv6, bracketed with a port or bare; a bare one needs `::` or all eight groups so that clock
  // times (10:17:01) are left to the number rule.
  String.raw`\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\](?::\d{1,5})?`,
  String.raw`(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])`,
  String.raw`(?<![\w:])(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?(?![\w:])`,
  // Host name with a port (mail.example.com:25): the pair names one endpoint.
  String.raw`(?<![\w.-])[a-zA-Z0-9][\w-]*(?:\.[\w-]+)+:\d{1,5}(?![\w.])`,
  // Unix path with at least two segments, or a Windows path (C:\...).
  String.raw`(?<![\w./~-])~?(?:/[\w.@%+~-]+){2,}/?`,
  String.raw`\b[a-zA-Z]:\\[^\s"'<>|]*`,
  // Hexadecimal literal.
  String.raw`\b0[xX][0-9a-fA-F]+\b`,
  // Long hex id (hashes, request ids): eight or more hex digits with at least one decimal digit,
  // so that plain words such as "deadbeef" or "facade" survive.
  String.raw`(?<![\w-])(?=[a-fA-F]*\d)[0-9a-fA-F]{8,}(?![\w-])`,
  // Value of key=value when it holds a digit (uid=1000, pid=2227); a word value (ready=true) is
  // often part of the statement, so it is kept.
  String.raw`(?<=[\w\]]=)(?=[^\s,;&)\]}"']*\d)[^\s,;&)\]}"']+`,
  // Number, signed or decimal, not glued to a preceding letter (keeps "log4j", "utf8", "eth0").
  String.raw`(?<![a-zA-Z])[-+]?\d+(?:[.,]\d+)*`,
]

const MASK_RE = new RegExp(KINDS.join('|'), 'g')

/**
 * Replaces every variable part of `message` with `<*>`.
 *
 * @example
 * maskVariables('Accepted password for root from 10.0.0.7:51544 port 22')
 * // 'Accepted password for root from <*> port <*>'
 */
export function maskVariables(message: string): string {
  return message.replace(MASK_RE, WILDCARD)
}
