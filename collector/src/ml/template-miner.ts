/**
 * @module Online log template miner after Drain (He et al., ICWS 2017): messages are split on
 * whitespace, their variable tokens masked, and routed through a fixed-depth tree (token count,
 * then the leading tokens) to a leaf holding a few templates; the most similar one above a
 * threshold absorbs the message, with differing tokens turned into `<*>`, or a new template is
 * made. Ids are a hash of a template's first text and never change when it generalises, so
 * dashboards and alerts keyed on them hold. Memory is bounded: a cap on templates (least recently
 * matched evicted, counted) and on children per tree node. State can be saved and restored as JSON.
 */
import { SentinelError } from '../errors/codes.js'
import { WILDCARD } from './mask.js'
import { MessageTokens, routesAsWildcard } from './message-tokens.js'
import { isRecord } from './is-record.js'

export interface TemplateMinerOptions {
  /** Share of a template's constant tokens a message must equal to join it (0 < s <= 1). */
  similarity: number
  /** Tree depth counting the root and the token-count layer; depth - 2 leading tokens route. */
  depth: number
  /** Children per tree node; beyond it new tokens share the `<*>` child. */
  maxChildren: number
  /** Templates kept; at the cap the least recently matched one is evicted. */
  maxTemplates: number
}

/** One configuration for every log source, chosen on the 12 loghub samples (see test/bench/templates.ts). */
export const TEMPLATE_MINER_DEFAULTS: Readonly<TemplateMinerOptions> = Object.freeze({
  similarity: 0.86,
  depth: 4,
  maxChildren: 100,
  maxTemplates: 10_000,
})

export interface TemplateMatch {
  /** Stable id: eight hex digits of the template's first text (a `-n` suffix on a collision). */
  id: string
  /** The template now, tokens joined by one space, variables as `<*>`. */
  template: string
  /** True when this message created the template. */
  isNew: boolean
  /** Messages the template has matched, this one included. */
  count: number
  /** When the template was first seen (the `now` its first message was added at), ms since the epoch. */
  firstSeen: number
}

export interface TemplateInfo {
  id: string
  template: string
  /** Messages matched since the template was created (restores included). */
  count: number
}

export interface TemplateMinerStats {
  templates: number
  /** Messages added since the miner started (restores included). */
  messages: number
  /** Templates evicted at the cap since the miner started (restores included). */
  evicted: number
}

/** The miner's state, JSON-safe; templates in least- to most-recently matched order. */
export interface TemplateMinerSnapshot {
  format: typeof SNAPSHOT_FORMAT
  version: 1
  options: TemplateMinerOptions
  evicted: number
  messages: number
  templates: { id: string; tokens: string[]; path: string[]; count: number; first_seen: number }[]
}

/** Raised when options or a snapshot are invalid; the code is stable for operators and logs. */
/** A snapshot that cannot be restored, naming the bad field. */
function stateError(detail: string): SentinelError {
  return new SentinelError('SNT_ERR_TEMPLATES_STATE', [detail])
}

const SNAPSHOT_FORMAT = 'sentinel.template-miner'

interface Cluster {
  id: string
  tokens: string[]
  /** Route from the length node to the leaf, kept so a restore rebuilds the same tree. */
  path: string[]
  count: number
  firstSeen: number
  leaf: Cluster[]
  /** `tokens` joined, kept until a token generalises: most messages match an unchanged template. */
  text?: string | undefined
  /**
   * Per position, a message token seen to mask to the constant there. Constants such as `ssh2;`,
   * `HTTP/1.1` or `kex=curve25519-sha256` hold a digit, so each message would mask them again
   * (a slice and a regular expression); the same token matches in place instead. Masking looks at
   * the token alone, and a constant only ever becomes `<*>`, so the fact holds while it stands.
   */
  seen?: (string | undefined)[]
  /** Neighbours in recency order (see TemplateMiner's #oldest). */
  older?: Cluster | undefined
  newer?: Cluster | undefined
}

/** True when message token `i` masks to `constant`, the cluster's token at `i`. */
function matches(cluster: Cluster, tokens: MessageTokens, i: number, constant: string): boolean {
  if (!tokens.mayVary(i)) return tokens.isExactly(i, constant)
  const seen = cluster.seen?.[i]
  if (seen !== undefined && tokens.isExactly(i, seen)) return true
  if (!tokens.equals(i, constant)) return false
  if (seen === undefined) (cluster.seen ??= [])[i] = tokens.raw(i)
  return true
}

function textOf(cluster: Cluster): string {
  return (cluster.text ??= cluster.tokens.join(' '))
}

interface TreeNode {
  children: Map<string, TreeNode>
  /** Only on leaves (the last routing layer or a message shorter than the routing depth). */
  clusters: Cluster[]
}

const newNode = (): TreeNode => ({ children: new Map(), clusters: [] })

/** 32-bit FNV-1a as eight hex digits: short, stable across processes and versions of Node. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

function checkOptions(options: TemplateMinerOptions): string | undefined {
  const { similarity, depth, maxChildren, maxTemplates } = options
  if (typeof similarity !== 'number' || !(similarity > 0 && similarity <= 1))
    return 'similarity must be in (0, 1]'
  if (!Number.isInteger(depth) || depth < 3 || depth > 16) return 'depth must be an integer from 3 to 16'
  if (!Number.isInteger(maxChildren) || maxChildren < 2) return 'maxChildren must be an integer of at least 2'
  if (!Number.isInteger(maxTemplates) || maxTemplates < 1) return 'maxTemplates must be a positive integer'
  return undefined
}

/**
 * Groups log messages into templates as they arrive.
 *
 * @example
 * const miner = new TemplateMiner()
 * miner.add('Connection from 10.0.0.1 closed') // { id: 'a1b2c3d4', template: 'Connection from <*> closed', isNew: true }
 * miner.add('Connection from 10.0.0.2 closed').isNew // false, same id
 */
export class TemplateMiner {
  readonly options: Readonly<TemplateMinerOptions>
  readonly #root = new Map<number, TreeNode>()
  readonly #byId = new Map<string, Cluster>()
  /**
   * Templates in recency order, a list through the clusters: a match moves its template to the
   * newest end, eviction takes the oldest. (Re-inserting into #byId to the same end made a new
   * hash table every few messages.)
   */
  #oldest: Cluster | undefined
  #newest: Cluster | undefined
  /** The message being added or matched, scanned in place (one at a time: the miner is synchronous). */
  readonly #tokens = new MessageTokens()
  #evicted = 0
  #messages = 0

  constructor(options: Partial<TemplateMinerOptions> = {}) {
    const merged = { ...TEMPLATE_MINER_DEFAULTS, ...options }
    const problem = checkOptions(merged)
    if (problem !== undefined) throw new RangeError(`Invalid template miner options: ${problem}`)
    this.options = Object.freeze(merged)
  }

  /**
   * Learns from one message: joins (and maybe generalises) the best template or makes a new one.
   * `now` (ms since the epoch) only dates new templates.
   */
  add(message: string, now = Date.now()): TemplateMatch {
    const tokens = this.#tokens.scan(message)
    const found = this.#search(tokens)
    this.#messages++
    if (found !== undefined) {
      const t = found.tokens
      for (let i = 0; i < t.length; i++) {
        const token = t[i] as string
        if (token !== WILDCARD && !matches(found, tokens, i, token)) {
          t[i] = WILDCARD
          found.text = undefined
        }
      }
      found.count++
      this.#touch(found)
      return {
        id: found.id,
        template: textOf(found),
        isNew: false,
        count: found.count,
        firstSeen: found.firstSeen,
      }
    }
    const cluster = this.#create(tokens.texts(), now)
    return { id: cluster.id, template: textOf(cluster), isNew: true, count: 1, firstSeen: now }
  }

  /** The template `add` would put the message in, without learning anything; undefined if none. */
  match(message: string): { id: string; template: string } | undefined {
    const found = this.#search(this.#tokens.scan(message))
    return found === undefined ? undefined : { id: found.id, template: found.tokens.join(' ') }
  }

  get(id: string): TemplateInfo | undefined {
    const cluster = this.#byId.get(id)
    return cluster === undefined
      ? undefined
      : { id: cluster.id, template: cluster.tokens.join(' '), count: cluster.count }
  }

  /** Every template, least recently matched first. */
  templates(): TemplateInfo[] {
    return this.#byRecency().map((c) => ({ id: c.id, template: c.tokens.join(' '), count: c.count }))
  }

  /** Messages added since the miner started (restores included); `stats()` without the object. */
  get messages(): number {
    return this.#messages
  }

  stats(): TemplateMinerStats {
    return { templates: this.#byId.size, messages: this.#messages, evicted: this.#evicted }
  }

  snapshot(): TemplateMinerSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      version: 1,
      options: { ...this.options },
      evicted: this.#evicted,
      messages: this.#messages,
      templates: this.#byRecency().map((c) => ({
        id: c.id,
        tokens: [...c.tokens],
        path: [...c.path],
        count: c.count,
        first_seen: c.firstSeen,
      })),
    }
  }

  /**
   * Rebuilds a miner from `snapshot()` output (parsed JSON). Anything malformed throws
   * SentinelError SNT_ERR_TEMPLATES_STATE naming the bad field; nothing is partially restored.
   */
  static restore(snapshot: unknown): TemplateMiner {
    if (!isRecord(snapshot)) throw stateError('/: not an object')
    if (snapshot['format'] !== SNAPSHOT_FORMAT) throw stateError(`/format: expected ${SNAPSHOT_FORMAT}`)
    if (snapshot['version'] !== 1) throw stateError('/version: unsupported version')
    const options = snapshot['options']
    if (!isRecord(options)) throw stateError('/options: not an object')
    const parsed: TemplateMinerOptions = {
      similarity: options['similarity'] as number,
      depth: options['depth'] as number,
      maxChildren: options['maxChildren'] as number,
      maxTemplates: options['maxTemplates'] as number,
    }
    const problem = checkOptions(parsed)
    if (problem !== undefined) throw stateError(`/options: ${problem}`)
    const evicted = snapshot['evicted']
    if (!isCount(evicted)) throw stateError('/evicted: not a non-negative integer')
    const messages = snapshot['messages']
    if (!isCount(messages)) throw stateError('/messages: not a non-negative integer')
    const templates = snapshot['templates']
    if (!Array.isArray(templates)) throw stateError('/templates: not an array')
    if (templates.length > parsed.maxTemplates) {
      throw stateError(`/templates: ${templates.length} templates exceed maxTemplates`)
    }
    const miner = new TemplateMiner(parsed)
    const routeDepth = parsed.depth - 2
    templates.forEach((saved: unknown, i) => {
      const at = `/templates/${i}`
      if (!isRecord(saved)) throw stateError(`${at}: not an object`)
      const { id, tokens, path, count, first_seen: firstSeen } = saved
      if (typeof id !== 'string' || !/^[0-9a-f]{8}(-\d+)?$/.test(id)) throw stateError(`${at}/id: bad id`)
      if (miner.#byId.has(id)) throw stateError(`${at}/id: ${id} appears twice`)
      if (!isStringArray(tokens)) throw stateError(`${at}/tokens: not an array of strings`)
      if (!isStringArray(path) || path.length !== Math.min(tokens.length, routeDepth)) {
        throw stateError(`${at}/path: not a route of ${Math.min(tokens.length, routeDepth)} tokens`)
      }
      if (!isCount(count) || count < 1) throw stateError(`${at}/count: not a positive integer`)
      if (!isCount(firstSeen)) throw stateError(`${at}/first_seen: not a time in ms since the epoch`)
      const leaf = miner.#leaf(tokens.length, path, false)
      if (leaf === undefined) throw stateError(`${at}/path: exceeds maxChildren`)
      const cluster: Cluster = {
        id,
        tokens: [...tokens],
        path: [...path],
        count,
        firstSeen,
        leaf: leaf.clusters,
      }
      leaf.clusters.push(cluster)
      miner.#byId.set(id, cluster)
      miner.#link(cluster)
    })
    miner.#evicted = evicted
    miner.#messages = messages
    return miner
  }

  #search(tokens: MessageTokens): Cluster | undefined {
    const node = this.#descend(tokens)
    if (node === undefined) return undefined
    let best: Cluster | undefined
    let bestSim = -1
    let bestParams = -1
    for (const cluster of node.clusters) {
      const t = cluster.tokens
      let same = 0
      let params = 0
      for (let i = 0; i < t.length; i++) {
        const token = t[i] as string
        if (token === WILDCARD) params++
        else if (matches(cluster, tokens, i, token)) same++
      }
      // Share of the template's constant tokens the message repeats. Unlike Drain, wildcard
      // positions leave the denominator: they say nothing either way, and counting them made
      // variable-heavy families split while short families differing in one word merged under a
      // single threshold. Ties go to the template with more wildcards (the more general one).
      const constants = t.length - params
      const sim = constants === 0 ? 1 : same / constants
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = cluster
        bestSim = sim
        bestParams = params
      }
    }
    return best !== undefined && bestSim >= this.options.similarity ? best : undefined
  }

  /** Follows the route a message takes without changing the tree. */
  #descend(tokens: MessageTokens): TreeNode | undefined {
    let node = this.#root.get(tokens.count)
    const depth = Math.min(tokens.count, this.options.depth - 2)
    for (let i = 0; i < depth && node !== undefined; i++) {
      const next = tokens.isVariable(i) ? undefined : node.children.get(tokens.text(i))
      node = next ?? node.children.get(WILDCARD)
    }
    return node
  }

  #create(tokens: string[], now: number): Cluster {
    const path = this.#route(tokens)
    const leaf = this.#leaf(tokens.length, path, true)
    // #route never exceeds maxChildren, so the leaf exists; the fallback keeps the types honest.
    const clusters = leaf?.clusters ?? []
    const text = tokens.join(' ')
    let id = fnv1a(text)
    for (let n = 1; this.#byId.has(id); n++) id = `${fnv1a(text)}-${n}`
    const cluster: Cluster = { id, tokens: [...tokens], path, count: 1, firstSeen: now, leaf: clusters }
    clusters.push(cluster)
    this.#byId.set(id, cluster)
    this.#link(cluster)
    if (this.#byId.size > this.options.maxTemplates) this.#evictOldest()
    return cluster
  }

  /** The route a new template takes: its tokens, or `<*>` for variables and full nodes. */
  #route(tokens: string[]): string[] {
    const path: string[] = []
    let node = this.#root.get(tokens.length)
    const depth = Math.min(tokens.length, this.options.depth - 2)
    for (let i = 0; i < depth; i++) {
      const token = tokens[i] ?? WILDCARD
      let step = WILDCARD
      if (!routesAsWildcard(token)) {
        // Keep one slot for the shared `<*>` child so a full node still routes new tokens.
        if (node === undefined || node.children.has(token)) step = token
        else if (node.children.size + 1 < this.options.maxChildren) step = token
        else if (node.children.size + 1 === this.options.maxChildren && node.children.has(WILDCARD)) {
          step = token
        }
      }
      path.push(step)
      node = node?.children.get(step)
    }
    return path
  }

  /** The leaf at `path`, created on the way when `create`; undefined when a node would overflow. */
  #leaf(length: number, path: readonly string[], create: boolean): TreeNode | undefined {
    let node: TreeNode | undefined = this.#root.get(length)
    if (node === undefined) {
      node = newNode()
      this.#root.set(length, node)
    }
    for (const step of path) {
      let next: TreeNode | undefined = node.children.get(step)
      if (next === undefined) {
        if (!create && node.children.size >= this.options.maxChildren) return undefined
        next = newNode()
        node.children.set(step, next)
      }
      node = next
    }
    return node
  }

  #touch(cluster: Cluster): void {
    if (cluster === this.#newest) return
    this.#unlink(cluster)
    this.#link(cluster)
  }

  /** Makes `cluster` (not in the list) the newest. */
  #link(cluster: Cluster): void {
    cluster.older = this.#newest
    cluster.newer = undefined
    if (this.#newest === undefined) this.#oldest = cluster
    else this.#newest.newer = cluster
    this.#newest = cluster
  }

  #unlink(cluster: Cluster): void {
    const { older, newer } = cluster
    if (older === undefined) this.#oldest = newer
    else older.newer = newer
    if (newer === undefined) this.#newest = older
    else newer.older = older
    cluster.older = cluster.newer = undefined
  }

  #byRecency(): Cluster[] {
    const clusters: Cluster[] = []
    for (let c = this.#oldest; c !== undefined; c = c.newer) clusters.push(c)
    return clusters
  }

  #evictOldest(): void {
    const oldest = this.#oldest
    if (oldest === undefined) return
    this.#unlink(oldest)
    this.#byId.delete(oldest.id)
    const at = oldest.leaf.indexOf(oldest)
    if (at >= 0) oldest.leaf.splice(at, 1)
    this.#prune(oldest)
    this.#evicted++
  }

  /** Drops tree nodes left empty by an eviction, so the tree stays bounded by the templates. */
  #prune(cluster: Cluster): void {
    const lengthNode = this.#root.get(cluster.tokens.length)
    if (lengthNode === undefined) return
    const trail: TreeNode[] = [lengthNode]
    for (const step of cluster.path) {
      const next = trail[trail.length - 1]?.children.get(step)
      if (next === undefined) return
      trail.push(next)
    }
    for (let i = trail.length - 1; i >= 1; i--) {
      const node = trail[i]
      const parent = trail[i - 1]
      const step = cluster.path[i - 1]
      if (node === undefined || parent === undefined || step === undefined) return
      if (node.clusters.length > 0 || node.children.size > 0) return
      parent.children.delete(step)
    }
    if (lengthNode.clusters.length === 0 && lengthNode.children.size === 0) {
      this.#root.delete(cluster.tokens.length)
    }
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
