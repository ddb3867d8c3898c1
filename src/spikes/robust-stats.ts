/**
 * Small robust statistics for the volume baseline: medians and the median absolute deviation (MAD),
 * so one past flare-up in the baseline period cannot make the next one look normal.
 */

/** Scales a MAD to the standard deviation of a normal distribution (1 / Φ⁻¹(3/4)). */
export const MAD_TO_SD = 1.4826;

/** The median of `values` (mean of the middle two for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from `center` (default: the median). NaN for an empty list. */
export function medianAbsoluteDeviation(values: readonly number[], center: number = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

/** What {@link winsorizedCounts} makes of a list of period totals. */
export interface WinsorizedCounts {
  /** Mean of the totals after clipping at `ceiling`. */
  mean: number;
  median: number;
  mad: number;
  /** Totals above this were clipped to it. */
  ceiling: number;
  /** The totals after clipping, in input order. */
  clipped: number[];
  /**
   * Variance ÷ mean of the totals (1 for Poisson counts, more for bursty ones), estimated robustly
   * as (1.4826·MAD)² ÷ mean, never below 1.
   */
  dispersion: number;
}

/**
 * A robust mean of count totals (mentions per day): totals above `median + k·scale` are clipped to
 * that ceiling before averaging, where `scale` is the larger of 1.4826·MAD and the Poisson spread
 * √max(median, 1). The Poisson floor matters for sparse rules, whose MAD is often 0: a day with two
 * mentions where one is usual is ordinary variation and is kept; a day with forty is a flare-up and
 * counts as a high-but-normal day. Unlike a plain median, the mean keeps rare mentions (a rule with
 * two mentions a week still has a non-zero baseline).
 *
 * @param totals non-negative counts, one per period; at least one
 * @param k how many spreads above the median a total may be before it is clipped (default 3)
 */
export function winsorizedCounts(totals: readonly number[], k = 3): WinsorizedCounts {
  const med = median(totals);
  const mad = medianAbsoluteDeviation(totals, med);
  const scale = Math.max(MAD_TO_SD * mad, Math.sqrt(Math.max(med, 1)));
  const ceiling = med + k * scale;
  const clipped = totals.map((t) => Math.min(t, ceiling));
  const mean = clipped.reduce((s, t) => s + t, 0) / clipped.length;
  const robustSd = MAD_TO_SD * mad;
  const dispersion = Math.max(1, (robustSd * robustSd) / Math.max(mean, 1));
  return { mean, median: med, mad, ceiling, clipped, dispersion };
}
