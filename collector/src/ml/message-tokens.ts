/**
 * @module A log message's tokens as the template miner compares them, without making a string per
 * token. Splitting every message into token strings was most of the miner's garbage (about 1 KB
 * per event), and its young-generation collections landed in the ML stage's slices. A scan records
 * where each whitespace-separated token starts and ends; a token that may hold a variable is masked
 * (see maskVariables) only when a template's constant token is compared with it, and the others are
 * compared in place in the message.
 */
import { maskVariables, WILDCARD } from './mask.js'

/** True for the characters `\s` matches beyond ASCII (ECMAScript WhiteSpace and LineTerminator). */
function isWideSpace(c: number): boolean {
  return (
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

// What an ASCII character is to the scan, as bit flags in ASCII_CLASS.
const SPACE = 1
/** A digit, `:`, `/` or `@`: every variable kind needs one (but see the UUID case). */
const MARK = 2
const DASH = 4
const ASCII_CLASS = new Uint8Array(128)
for (const c of [9, 10, 11, 12, 13, 32]) ASCII_CLASS[c] = SPACE
for (let c = 47; c <= 58; c++) ASCII_CLASS[c] = MARK // '/', 0-9, ':'
ASCII_CLASS[64] = MARK // '@'
ASCII_CLASS[45] = DASH // '-'

/** A UUID spelled in hex letters alone holds no mark: 36 characters with dashes. */
const UUID_LENGTH = 36

const EQUALS = 61
const DIGIT_0 = 48
const DIGIT_9 = 57
/** How a key=value token with a variable value ends, masked. */
const KEY_WILDCARD = `=${WILDCARD}`

/** An ASCII letter or `_`: what a key may be made of for MessageTokens' key-and-number check. */
function isKeyChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
}

/**
 * The tokens of one message at a time, reused from message to message.
 *
 * @example
 * const tokens = new MessageTokens().scan('from 10.0.0.7 port 22')
 * tokens.count // 4
 * tokens.equals(0, 'from') // true, compared in place
 * tokens.text(1) // '<*>' (masked)
 */
export class MessageTokens {
  #message = ''
  #count = 0
  #starts = new Int32Array(64)
  #ends = new Int32Array(64)
  /** 1 where the token may hold a variable, so it is compared masked. */
  #variable = new Uint8Array(64)
  /** Masked text of variable tokens, made on first use in this message. */
  #masked: (string | undefined)[] = []

  /** Tokens in the message scanned last. */
  get count(): number {
    return this.#count
  }

  /** Splits `message` on whitespace (as `trim().split(/\s+/)`) into this object. */
  scan(message: string): this {
    this.#message = message
    let count = 0
    let start = -1
    let marks = 0
    for (let i = 0; i <= message.length; i++) {
      const c = i < message.length ? message.charCodeAt(i) : 32
      const kind = c < 128 ? (ASCII_CLASS[c] as number) : isWideSpace(c) ? SPACE : 0
      if (kind !== SPACE) {
        if (start < 0) {
          start = i
          marks = 0
        }
        marks |= kind
      } else if (start >= 0) {
        if (count === this.#starts.length) this.#grow()
        this.#starts[count] = start
        this.#ends[count] = i
        this.#variable[count] =
          (marks & MARK) !== 0 || ((marks & DASH) !== 0 && i - start >= UUID_LENGTH) ? 1 : 0
        this.#masked[count] = undefined
        count++
        start = -1
      }
    }
    this.#count = count
    return this
  }

  /** Token `i` as the miner sees it: masked when it may hold a variable. Makes a string. */
  text(i: number): string {
    const masked = this.#masked[i]
    if (masked !== undefined) return masked
    const raw = this.#message.slice(this.#starts[i], this.#ends[i])
    return this.#variable[i] === 0 ? raw : (this.#masked[i] = maskVariables(raw))
  }

  /**
   * True when token `i`, masked, is `text`. Makes no string for a token that cannot hold a
   * variable, nor for the commonest varying token, a key and a number (`bytes=15838`).
   */
  equals(i: number, text: string): boolean {
    if (this.#variable[i] === 0) return this.isExactly(i, text)
    return (this.#masked[i] === undefined && this.#isKeyAndNumber(i, text)) || this.text(i) === text
  }

  /** True when token `i` may hold a variable, so it is compared masked. */
  mayVary(i: number): boolean {
    return this.#variable[i] === 1
  }

  /** Token `i` as it stands in the message, unmasked, as a string of its own (see ownCopy). */
  raw(i: number): string {
    return ownCopy(this.#message.slice(this.#starts[i], this.#ends[i]))
  }

  /** True when token `i`, unmasked, is `raw`; compared in place, making no string. */
  isExactly(i: number, raw: string): boolean {
    const start = this.#starts[i] as number
    return (this.#ends[i] as number) - start === raw.length && this.#message.startsWith(raw, start)
  }

  /** True when token `i`, masked, holds a digit or is `<*>`: a variable for routing. */
  isVariable(i: number): boolean {
    // A token that cannot hold a variable has no digit, so only a literal `<*>` routes as one.
    return this.#variable[i] === 1 ? routesAsWildcard(this.text(i)) : this.equals(i, WILDCARD)
  }

  /**
   * All tokens as strings, each of its own (see ownCopy): a new template keeps them. They are what
   * `trim().split(/\s+/)` of the whole message masked gives: no kind matches across whitespace,
   * and every leading or trailing assertion treats whitespace as the start or end of a string.
   *
   * @example
   * new MessageTokens().scan(' from 10.0.0.7 port 22').texts() // ['from', '<*>', 'port', '<*>']
   */
  texts(): string[] {
    return Array.from({ length: this.#count }, (_, i) => ownCopy(this.text(i)))
  }

  /**
   * True when token `i` is `key=` then ASCII digits alone and `text` is `key=<*>`, for a key of
   * ASCII letters and underscores. Such a token masks to that: no kind can start in such a key or
   * at `=`, and at the digits both kinds that can start there (long hex, the value of key=value)
   * take all of them.
   */
  #isKeyAndNumber(i: number, text: string): boolean {
    const equalsAt = text.length - KEY_WILDCARD.length
    if (equalsAt < 1 || !text.endsWith(KEY_WILDCARD)) return false
    const start = this.#starts[i] as number
    const end = this.#ends[i] as number
    const message = this.#message
    if (end - start <= equalsAt + 1 || message.charCodeAt(start + equalsAt) !== EQUALS) return false
    for (let k = 0; k < equalsAt; k++) {
      const c = text.charCodeAt(k)
      if (!isKeyChar(c) || message.charCodeAt(start + k) !== c) return false
    }
    for (let at = start + equalsAt + 1; at < end; at++) {
      const c = message.charCodeAt(at)
      if (c < DIGIT_0 || c > DIGIT_9) return false
    }
    return true
  }

  #grow(): void {
    const size = this.#starts.length * 2
    const starts = new Int32Array(size)
    const ends = new Int32Array(size)
    const variable = new Uint8Array(size)
    starts.set(this.#starts)
    ends.set(this.#ends)
    variable.set(this.#variable)
    this.#starts = starts
    this.#ends = ends
    this.#variable = variable
  }
}

/**
 * `text` as a string that refers to nothing else. V8 makes a slice of 13 characters or more a view
 * into the string it came from, so a token kept in a template would keep its whole message alive.
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string)
}

const DIGIT_RE = /\d/

/** Tokens with digits or wildcards are variables for routing: they must not split the tree. */
export function routesAsWildcard(token: string): boolean {
  return token === WILDCARD || DIGIT_RE.test(token)
}
