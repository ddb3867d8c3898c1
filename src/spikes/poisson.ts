/**
 * Poisson tail probabilities for the spike detector's `pValue`.
 *
 * Computed from the log of the first term and a sum of term *ratios*, so nothing overflows for
 * large counts (λ = 10 000, k = 12 000) and nothing is lost to cancellation for tiny tails.
 */

// ln(n!) for small n is exact enough as a running sum; beyond it Stirling's series is better than 1e-15.
const TABLE_SIZE = 256;
const LOG_FACTORIAL_TABLE: number[] = (() => {
  const t = [0];
  for (let n = 1; n < TABLE_SIZE; n++) t.push(t[n - 1]! + Math.log(n));
  return t;
})();

/** `ln(n!)` for a non-negative integer `n`. */
export function logFactorial(n: number): number {
  if (n < TABLE_SIZE) return LOG_FACTORIAL_TABLE[n]!;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/** `ln P(X = i)` for X ~ Poisson(λ), λ > 0. */
function logPmf(i: number, lambda: number): number {
  return i * Math.log(lambda) - lambda - logFactorial(i);
}

// Stop adding terms once they no longer change a double.
const NEGLIGIBLE = 1e-17;

/**
 * `P(X ≥ k)` for X ~ Poisson(λ): how surprising it is to see at least `k` events when `λ` are
 * expected. A non-integer `k` is rounded up (P(X ≥ 2.5) = P(X ≥ 3)).
 *
 * @param k observed count (events per window)
 * @param lambda expected count per window; `λ ≤ 0` means "never happens" (tail 0 for k ≥ 1)
 * @returns a probability in [0, 1]; 1 for `k ≤ 0`
 */
export function poissonUpperTail(k: number, lambda: number): number {
  const n = Math.ceil(k);
  if (n <= 0) return 1;
  if (!(lambda > 0)) return 0;
  if (n > lambda) {
    // Above the mean the terms P(X = i), i ≥ n, shrink (ratio λ/(i+1) < 1): sum them relative to the first.
    let sum = 1;
    let term = 1;
    for (let i = n + 1; term > sum * NEGLIGIBLE; i++) {
      term *= lambda / i;
      sum += term;
    }
    return Math.min(1, Math.exp(logPmf(n, lambda) + Math.log(sum)));
  }
  // At or below the mean the lower tail P(X ≤ n-1) is the small side; its terms shrink going down (ratio i/λ ≤ 1).
  let sum = 1;
  let term = 1;
  for (let i = n - 1; i > 0 && term > sum * NEGLIGIBLE; i--) {
    term *= i / lambda;
    sum += term;
  }
  const lower = Math.exp(logPmf(n - 1, lambda) + Math.log(sum));
  return Math.min(1, Math.max(0, 1 - lower));
}
