/**
 * @module Grouping accuracy, the loghub log-parsing metric (Zhu et al., ICSE-SEIP 2019): a line is
 * parsed correctly when the set of lines the parser grouped with it equals the set of lines of its
 * ground-truth group; accuracy is the share of correct lines. Labels are opaque: only which lines
 * share a label matters, so template ids and ground-truth event ids never need to correspond.
 */

/**
 * Share of lines whose predicted group is exactly their ground-truth group.
 *
 * @example
 * groupingAccuracy(['a', 'a', 'b'], ['E1', 'E1', 'E2']) // 1
 * groupingAccuracy(['a', 'a', 'a'], ['E1', 'E1', 'E2']) // 0
 */
export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) {
    throw new RangeError(`predicted has ${predicted.length} labels, truth ${truth.length}`)
  }
  if (predicted.length === 0) return 1
  const truthSize = new Map<string, number>()
  for (const label of truth) truthSize.set(label, (truthSize.get(label) ?? 0) + 1)
  // Per predicted group: its size and the one truth label all members share (null once they differ).
  const groups = new Map<string, { size: number; truth: string | null }>()
  predicted.forEach((label, i) => {
    const t = truth[i] ?? ''
    const group = groups.get(label)
    if (group === undefined) groups.set(label, { size: 1, truth: t })
    else {
      group.size++
      if (group.truth !== t) group.truth = null
    }
  })
  let correct = 0
  for (const group of groups.values()) {
    // Same truth label everywhere and as many lines as that truth group: the two sets are equal.
    if (group.truth !== null && truthSize.get(group.truth) === group.size) correct += group.size
  }
  return correct / predicted.length
}
