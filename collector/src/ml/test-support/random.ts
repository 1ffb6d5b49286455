/** @module A seeded generator for tests (Park-Miller), so synthetic data is the same on every run. */

export function generator(seed: number): { uniform: () => number; gauss: () => number } {
  let s = seed
  const uniform = (): number => {
    s = (s * 16807) % 2147483647
    return s / 2147483647
  }
  const gauss = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
  return { uniform, gauss }
}
