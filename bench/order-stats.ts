/** The median (for an even count, the upper of the two middle values, as every benchmark here reports it). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/**
 * A distribution-free interval for the median of `xs` (order statistics, binomial): the k-th
 * smallest and k-th largest values for the largest k that still covers the median with at least
 * `level` probability. Undefined when there are too few values for that level.
 */
export function medianInterval(xs: readonly number[], level = 0.95): [number, number] | undefined {
  const n = xs.length;
  const sorted = [...xs].sort((a, b) => a - b);
  // P(Binomial(n, 1/2) ≤ j), summed term by term.
  let term = 0.5 ** n;
  let below = 0;
  let best: number | undefined;
  for (let j = 0; j < n / 2; j++) {
    below += term;
    term = (term * (n - j)) / (j + 1);
    // Covering with [X(k), X(n+1−k)], k = j + 1, misses with probability 2·P(B ≤ j).
    if (1 - 2 * below >= level) best = j + 1;
    else break;
  }
  return best === undefined ? undefined : [sorted[best - 1]!, sorted[n - best]!];
}
