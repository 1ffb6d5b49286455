/**
 * @module Variable masking for template mining: replaces the parts of a log message that vary
 * between occurrences of the same statement (addresses, numbers, ids, paths) with `<*>` before the
 * miner tokenises it. One combined regular expression, one pass per message, because this runs on
 * every syslog event; the alternatives are ordered so the most specific kind wins at a position.
 *
 * V8 tries the alternatives at every position of the message, so the cost grows with the
 * alternatives that get past their first character; two things cut that without changing a result:
 * - kinds that contain a separator the message lacks (`:`, `::`, `://`, `@`) are left out (an
 *   alternative that can match nowhere in the string never wins a position), so there is one
 *   expression per combination of those separators;
 * - the alternation sits behind `(?<![a-zA-Z])`, which turns away the inside of words early (see
 *   {@link maskRegExp} for why the result is the same).
 */

/** The wildcard the miner uses for a variable token or token part. */
export const WILDCARD = '<*>'

// Separators a kind may need, as bit flags (see featuresOf).
const COLON = 1
const DOUBLE_COLON = 2
const SCHEME = 4 // "://"
const AT = 8

interface Kind {
  /** Regular expression source; its own leading assertion decides where it may start. */
  pattern: string
  /** Separators (flags above) the pattern contains literally, so it cannot match without them. */
  needs?: number
  /**
   * The pattern restricted to starting right after an ASCII letter, for the kinds that can start
   * there; absent for the others, whose leading assertion fails after a letter.
   */
  afterLetter?: string
}

const EMAIL_DOMAIN = String.raw`@[a-zA-Z][\w-]*(?:\.[\w-]+)+\b`
const BRACKETED_IPV6 = String.raw`\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\](?::\d{1,5})?`

/**
 * Each alternative is one variable kind; order matters (first match at a position wins). A kind
 * that can start right after an ASCII letter must give its afterLetter form (see maskRegExp).
 */
const KINDS: readonly Kind[] = [
  // UUID (before hex and numbers, which would split it into pieces).
  {
    pattern: String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`,
  },
  // URL: the whole locator is one variable.
  { pattern: String.raw`\b[a-zA-Z][\w+.-]*://[^\s"'<>]+`, needs: SCHEME },
  // E-mail-ish: user@host.domain. After a letter `\b` holds only before a `.`, `+` or `-`.
  {
    pattern: String.raw`\b[\w.+-]+` + EMAIL_DOMAIN,
    needs: AT,
    afterLetter: String.raw`\b[.+-][\w.+-]*` + EMAIL_DOMAIN,
  },
  // IPv4, optional /prefix and :port.
  { pattern: String.raw`(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?::\d{1,5})?(?![\w]|\.\d)` },
  // IPv6, bracketed with a port or bare; a bare one needs `::` or all eight groups so that clock
  // times (10:17:01) are left to the number rule. The bracketed form has no leading assertion.
  { pattern: BRACKETED_IPV6, needs: COLON, afterLetter: BRACKETED_IPV6 },
  { pattern: String.raw`(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])`, needs: COLON },
  {
    pattern: String.raw`(?<![\w:])(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?(?![\w:])`,
    needs: DOUBLE_COLON,
  },
  // Host name with a port (mail.example.com:25): the pair names one endpoint.
  { pattern: String.raw`(?<![\w.-])[a-zA-Z0-9][\w-]*(?:\.[\w-]+)+:\d{1,5}(?![\w.])`, needs: COLON },
  // Unix path with at least two segments, or a Windows path (C:\...).
  { pattern: String.raw`(?<![\w./~-])~?(?:/[\w.@%+~-]+){2,}/?` },
  { pattern: String.raw`\b[a-zA-Z]:\\[^\s"'<>|]*`, needs: COLON },
  // Hexadecimal literal.
  { pattern: String.raw`\b0[xX][0-9a-fA-F]+\b` },
  // Long hex id (hashes, request ids): eight or more hex digits with at least one decimal digit,
  // so that plain words such as "deadbeef" or "facade" survive.
  { pattern: String.raw`(?<![\w-])(?=[a-fA-F]*\d)[0-9a-fA-F]{8,}(?![\w-])` },
  // Value of key=value when it holds a digit (uid=1000, pid=2227); a word value (ready=true) is
  // often part of the statement, so it is kept.
  { pattern: String.raw`(?<=[\w\]]=)(?=[^\s,;&)\]}"']*\d)[^\s,;&)\]}"']+` },
  // Number, signed or decimal, not glued to a preceding letter (keeps "log4j", "utf8", "eth0").
  { pattern: String.raw`(?<![a-zA-Z])[-+]?\d+(?:[.,]\d+)*` },
]

/** The separators `message` holds, as flags. */
function featuresOf(message: string): number {
  let features = message.includes('@') ? AT : 0
  if (message.includes(':')) {
    features |= COLON
    if (message.includes('::')) features |= DOUBLE_COLON
    if (message.includes('://')) features |= SCHEME
  }
  return features
}

/**
 * The alternation of the kinds that `features` allows, in KINDS order, as
 * `(?<![a-zA-Z])(?:all of them)|their afterLetter forms`. It matches what the plain alternation
 * matches at every position: where the previous character is not an ASCII letter the guard passes
 * and the group is the plain alternation (the afterLetter forms, being restrictions of their kinds,
 * cannot then match either); after a letter every kind without an afterLetter form fails on its own
 * leading assertion (`\b` before a word character, or a lookbehind that excludes letters or wants
 * `=`), so only the afterLetter forms can match, in the same order.
 */
function maskRegExp(features: number): RegExp {
  const kinds = KINDS.filter((kind) => ((kind.needs ?? 0) & ~features) === 0)
  const afterLetter = kinds.flatMap((kind) => (kind.afterLetter === undefined ? [] : [kind.afterLetter]))
  const guarded = `(?<![a-zA-Z])(?:${kinds.map((kind) => kind.pattern).join('|')})`
  return new RegExp([guarded, ...afterLetter].join('|'), 'g')
}

// One expression per combination of separators, indexed by the flags and built on first use.
const maskRegExps: (RegExp | undefined)[] = []

/**
 * Replaces every variable part of `message` with `<*>`.
 *
 * @example
 * maskVariables('Accepted password for root from 10.0.0.7:51544 port 22')
 * // 'Accepted password for root from <*> port <*>'
 */
export function maskVariables(message: string): string {
  const features = featuresOf(message)
  const re = (maskRegExps[features] ??= maskRegExp(features))
  return message.replace(re, WILDCARD)
}
