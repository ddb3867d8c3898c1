/** A seeded LCG for randomised text tests: `next()` in [0, 1) and `pick` from a list, the same on every run so a failure can be replayed. */
export function rng(seed: number): { next(): number; pick<T>(xs: readonly T[]): T } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return { next, pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}
