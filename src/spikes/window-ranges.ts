import type { RuleFile } from '../config/rule-schema';

/** A rule's `volume` block after parsing: every duration in milliseconds. */
export type VolumeConfig = RuleFile['volume'];

/** Where the current window and its baseline lie for one evaluation. All epoch ms, ranges half-open. */
export interface WindowRanges {
  /** Current window `[windowStartMs, windowEndMs)`; `windowEndMs` is the evaluation time. */
  windowStartMs: number;
  windowEndMs: number;
  /** Baseline `[baselineStartMs, windowStartMs)`, a whole number of buckets ending where the window starts. */
  baselineStartMs: number;
  /** Number of baseline buckets (`floor(baseline / bucket)`). */
  baselineBuckets: number;
}

/**
 * The ranges `computeSignal` expects its inputs to cover at `nowMs`: rows inside the window,
 * counts for `baselineBuckets` buckets starting at `baselineStartMs`
 * (see `bucketCounts({ startMs: baselineStartMs, bucketMs: volume.bucket, count: baselineBuckets })`).
 */
export function windowRanges(nowMs: number, volume: VolumeConfig): WindowRanges {
  const windowStartMs = nowMs - volume.window;
  const baselineBuckets = Math.floor(volume.baseline / volume.bucket);
  return { windowStartMs, windowEndMs: nowMs, baselineStartMs: windowStartMs - baselineBuckets * volume.bucket, baselineBuckets };
}
