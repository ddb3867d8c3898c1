import { RISK_ORDER, type RiskLevel } from '../core/types';
import { poissonUpperTail } from './poisson';
import type { RuleHitRow, WindowSignal } from './types';
import type { VolumeConfig } from './window-ranges';

/**
 * The least number of mentions per window the detector ever expects. Without it a rule with no
 * history (baseline 0) would turn its first mention into an infinite ratio and a p-value of 0;
 * with it, `spikeRatio` is simply the mention count and `pValue` that of a one-a-window rate.
 */
export const BASELINE_FLOOR_PER_WINDOW = 1;

/** Everything `computeSignal` reads; times are epoch ms, durations in `volume` are ms. */
export interface SignalInput {
  ruleId: string;
  /** The rule's `volume` block (bucket, window, baseline, minCount, warmup). */
  volume: VolumeConfig;
  /** Evaluation time: the window is `[nowMs - volume.window, nowMs)`. */
  nowMs: number;
  /** The rule's rows in the window. Rows of another rule or outside the window are ignored, so a superset is fine. */
  rows: readonly RuleHitRow[];
  /**
   * Mentions per `volume.bucket` over the baseline period, oldest first; the last bucket ends where
   * the window starts (see `windowRanges`). Buckets starting before `historyStartMs` are ignored.
   */
  baselineCounts: readonly number[];
  /** When observation of this rule began (first poll after the rule existed). */
  historyStartMs: number;
}

/**
 * The volume picture of one rule for one window: mentions vs the baseline, how surprising that is,
 * and what the window's mentions say (negative share, risk topics).
 *
 * Baseline = mean mentions per observed baseline bucket × buckets per window. The mean, not the
 * median: per-bucket counts are sparse (most 15-minute buckets of a clinic hold 0), so the median is
 * 0 for any rule with fewer mentions than half its buckets and would make every mention look like
 * an infinite spike; the mean keeps the rare mentions and is the Poisson rate the p-value assumes.
 * (Robust baselines for bursty history come later.) Only buckets that start at or after
 * `historyStartMs` count, so a half-observed baseline period does not dilute the rate with zeros.
 *
 * Gates that keep spike variables neutral (`spikeRatio` 0, `pValue` 1):
 * - warm-up: until `nowMs - historyStartMs >= volume.warmup` (`warm` false);
 * - minimum volume: while `mentions < volume.minCount`, so 1 → 3 mentions is never a spike.
 * Counts, negative share and risk are always reported: risk topics may raise a level at low volume.
 */
export function computeSignal(input: SignalInput): WindowSignal {
  const { ruleId, volume, nowMs, historyStartMs } = input;
  const windowStart = nowMs - volume.window;

  let mentions = 0;
  let negative = 0;
  let highRisk = 0;
  let mediumRisk = 0;
  let risk: RiskLevel = 'none';
  const topics: Record<string, number> = {};
  for (const row of input.rows) {
    if (row.ruleId !== ruleId || row.atMs < windowStart || row.atMs >= nowMs) continue;
    mentions++;
    if (row.negative) negative++;
    if (row.risk === 'high') highRisk++;
    if (RISK_ORDER[row.risk] >= RISK_ORDER.medium) mediumRisk++;
    if (RISK_ORDER[row.risk] > RISK_ORDER[risk]) risk = row.risk;
    // A row lists a topic once per hit, but guard against duplicates so a topic counts mentions, not terms.
    for (const topic of new Set(row.topics)) topics[topic] = (topics[topic] ?? 0) + 1;
  }

  const baseline = baselinePerWindow(input.baselineCounts, windowStart, historyStartMs, volume);
  const warm = nowMs - historyStartMs >= volume.warmup;
  const gated = !warm || mentions < volume.minCount;
  const expected = Math.max(baseline, BASELINE_FLOOR_PER_WINDOW);

  return {
    ruleId,
    windowStart,
    windowEnd: nowMs,
    mentions,
    baseline,
    spikeRatio: gated ? 0 : mentions / expected,
    pValue: gated ? 1 : poissonUpperTail(mentions, expected),
    warm,
    negative,
    negativeShare: mentions === 0 ? 0 : negative / mentions,
    risk,
    highRisk,
    mediumRisk,
    topics,
  };
}

/** Mean count of the observed baseline buckets, scaled to one window; 0 when none was observed. */
function baselinePerWindow(counts: readonly number[], windowStart: number, historyStartMs: number, volume: VolumeConfig): number {
  let total = 0;
  let observed = 0;
  const n = counts.length;
  for (let i = 0; i < n; i++) {
    // Aligned from the end: the last bucket ends at windowStart.
    const bucketStart = windowStart - (n - i) * volume.bucket;
    if (bucketStart < historyStartMs) continue;
    total += counts[i]!;
    observed++;
  }
  return observed === 0 ? 0 : (total / observed) * (volume.window / volume.bucket);
}
