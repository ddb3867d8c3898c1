import { DEFAULT_TIME_ZONE } from '../core/time';
import { RISK_ORDER, type RiskLevel } from '../core/types';
import { estimateBaseline, type BaselineEstimate } from './baseline';
import { poissonUpperTail } from './poisson';
import type { RuleHitRow, TopicSignal, WindowSignal } from './types';
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
  /** The rule's `volume` block (bucket, window, baseline, minCount, warmup, method, seasonality). */
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
  /** Per topic id, the same counts for that topic alone; a topic listed here gets a `topicSignals` entry. */
  topicBaselineCounts?: Readonly<Record<string, readonly number[]>>;
  /** When observation of this rule began (first poll after the rule existed). */
  historyStartMs: number;
  /** Zone whose hours the baseline's time-of-day shape follows (default Asia/Taipei). */
  timeZone?: string;
}

/**
 * The volume picture of one rule for one window: mentions vs the baseline, how surprising that is
 * (ratio, z-score, Poisson p-value), how fast it is growing, and what the window's mentions say
 * (negative share, risk topics). The baseline is `estimateBaseline` (robust daily level, hour-of-day
 * and day-of-week shape once history allows).
 *
 * Gates that keep spike variables neutral (`spikeRatio` 0, `zScore` 0, `pValue` 1):
 * - warm-up: until `nowMs - historyStartMs >= volume.warmup` (`warm` false);
 * - minimum volume: while `mentions < volume.minCount`, so 1 → 3 mentions is never a spike
 *   (`velocity` is 0 then too).
 * Counts, negative share and risk are always reported: risk topics may raise a level at low volume.
 */
export function computeSignal(input: SignalInput): WindowSignal {
  const { ruleId, volume, nowMs, historyStartMs } = input;
  const windowStart = nowMs - volume.window;
  const lastBucketStart = nowMs - volume.bucket;
  const prevBucketStart = lastBucketStart - volume.bucket;

  let mentions = 0;
  let negative = 0;
  let highRisk = 0;
  let mediumRisk = 0;
  let lastBucket = 0;
  let prevBucket = 0;
  let risk: RiskLevel = 'none';
  const topics: Record<string, number> = {};
  for (const row of input.rows) {
    if (row.ruleId !== ruleId || row.atMs < windowStart || row.atMs >= nowMs) continue;
    mentions++;
    if (row.atMs >= lastBucketStart) lastBucket++;
    else if (row.atMs >= prevBucketStart) prevBucket++;
    if (row.negative) negative++;
    if (row.risk === 'high') highRisk++;
    if (RISK_ORDER[row.risk] >= RISK_ORDER.medium) mediumRisk++;
    if (RISK_ORDER[row.risk] > RISK_ORDER[risk]) risk = row.risk;
    // A row lists a topic once per hit, but guard against duplicates so a topic counts mentions, not terms.
    for (const topic of new Set(row.topics)) topics[topic] = (topics[topic] ?? 0) + 1;
  }
  // A window of one bucket: the bucket before it is the baseline's last one.
  if (prevBucketStart < windowStart) {
    const n = input.baselineCounts.length;
    prevBucket = n > 0 && windowStart - volume.bucket >= historyStartMs ? input.baselineCounts[n - 1]! : 0;
  }

  const warm = nowMs - historyStartMs >= volume.warmup;
  const estimate = baselineFor(input, input.baselineCounts, windowStart);
  const spike = spikeValues(mentions, estimate, !warm || mentions < volume.minCount);

  const signal: WindowSignal = {
    ruleId,
    windowStart,
    windowEnd: nowMs,
    mentions,
    baseline: estimate.expected,
    spikeRatio: spike.spikeRatio,
    pValue: spike.pValue,
    zScore: spike.zScore,
    velocity: mentions < volume.minCount ? 0 : lastBucket - prevBucket,
    warm,
    negative,
    negativeShare: mentions === 0 ? 0 : negative / mentions,
    risk,
    highRisk,
    mediumRisk,
    topics,
    baselineInfo: { method: estimate.method, profile: estimate.profile, days: estimate.fullDays, dispersion: estimate.dispersion },
  };

  if (input.topicBaselineCounts) {
    const topicSignals: Record<string, TopicSignal> = {};
    for (const [topic, counts] of Object.entries(input.topicBaselineCounts)) {
      const n = topics[topic] ?? 0;
      const e = baselineFor(input, counts, windowStart);
      const s = spikeValues(n, e, !warm || n < volume.minCount);
      topicSignals[topic] = { mentions: n, baseline: e.expected, spikeRatio: s.spikeRatio, zScore: s.zScore };
    }
    signal.topicSignals = topicSignals;
  }
  return signal;
}

function baselineFor(input: SignalInput, counts: readonly number[], windowStart: number): BaselineEstimate {
  const { volume } = input;
  return estimateBaseline({
    counts,
    bucketMs: volume.bucket,
    windowStartMs: windowStart,
    windowMs: volume.window,
    historyStartMs: input.historyStartMs,
    method: volume.method,
    seasonality: volume.seasonality,
    timeZone: input.timeZone ?? DEFAULT_TIME_ZONE,
  });
}

function spikeValues(mentions: number, estimate: BaselineEstimate, gated: boolean): { spikeRatio: number; pValue: number; zScore: number } {
  if (gated) return { spikeRatio: 0, pValue: 1, zScore: 0 };
  const expected = Math.max(estimate.expected, BASELINE_FLOOR_PER_WINDOW);
  return {
    spikeRatio: mentions / expected,
    pValue: poissonUpperTail(mentions, expected),
    zScore: (mentions - expected) / Math.sqrt(estimate.dispersion * expected),
  };
}
