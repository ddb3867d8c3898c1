/**
 * Turning timestamps into per-bucket counts: the series the detector (and `backtest`) reads.
 */

/** A run of equal, back-to-back buckets: bucket `i` covers `[startMs + i·bucketMs, startMs + (i+1)·bucketMs)`. */
export interface BucketGrid {
  /** Start of the first bucket, epoch ms. */
  startMs: number;
  /** Bucket length in ms (> 0). */
  bucketMs: number;
  /** Number of buckets (integer ≥ 0). */
  count: number;
}

/**
 * Counts per bucket, oldest first. Accepts bare epoch-ms timestamps or rows with `atMs`
 * (e.g. `RuleHitRow`); timestamps outside the grid are not counted, so a caller may pass a
 * superset (a whole backtest series) and cut any range out of it.
 *
 * @returns an array of `grid.count` integers
 * @throws RangeError when `bucketMs` is not positive or `count` is not a non-negative integer (a programming error)
 */
export function bucketCounts(items: Iterable<number | { atMs: number }>, grid: BucketGrid): number[] {
  const { startMs, bucketMs, count } = grid;
  if (!(bucketMs > 0) || !Number.isInteger(count) || count < 0) {
    throw new RangeError(`bucketCounts: bucketMs must be > 0 and count a non-negative integer (got ${bucketMs}, ${count})`);
  }
  const counts = new Array<number>(count).fill(0);
  const endMs = startMs + bucketMs * count;
  for (const item of items) {
    const at = typeof item === 'number' ? item : item.atMs;
    if (at < startMs || at >= endMs) continue;
    counts[Math.floor((at - startMs) / bucketMs)]! += 1;
  }
  return counts;
}
