import type { RiskLevel } from '../../src/core/types';
import { computeSignal, type SignalInput } from '../../src/spikes/compute-signal';
import { poissonUpperTail } from '../../src/spikes/poisson';
import type { RuleHitRow } from '../../src/spikes/types';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 2, 10, 6, 0);
const WINDOW_START = NOW - HOUR;

// 15-minute buckets, a 1-hour window, a 1-day baseline (96 buckets), at least 5 mentions, 1 day of warm-up.
const volume = { bucket: 15 * MIN, window: HOUR, baseline: DAY, minCount: 5, warmup: DAY, method: 'robust' as const, seasonality: 'auto' as const };

function rows(n: number, extra: Partial<RuleHitRow> = {}): RuleHitRow[] {
  return Array.from({ length: n }, (_, i) => ({
    mentionId: `m${i}`,
    ruleId: 'clinic',
    atMs: WINDOW_START + ((i * 7 * MIN) % HOUR),
    negative: false,
    risk: 'none' as RiskLevel,
    topics: [],
    ...extra,
  }));
}

function input(over: Partial<SignalInput>): SignalInput {
  return { ruleId: 'clinic', volume, nowMs: NOW, rows: [], baselineCounts: new Array(96).fill(0), historyStartMs: NOW - 30 * DAY, ...over };
}

describe('computeSignal', () => {
  it('keeps spike variables neutral before the warm-up has passed', () => {
    const s = computeSignal(input({ rows: rows(40), baselineCounts: new Array(96).fill(1), historyStartMs: NOW - 12 * HOUR }));
    expect(s.warm).toBe(false);
    expect(s.mentions).toBe(40);
    expect(s.spikeRatio).toBe(0);
    expect(s.pValue).toBe(1);
  });

  it('becomes warm exactly when the warm-up has elapsed', () => {
    const s = computeSignal(input({ rows: rows(40), baselineCounts: new Array(96).fill(1), historyStartMs: NOW - DAY }));
    expect(s.warm).toBe(true);
    expect(s.spikeRatio).toBeGreaterThan(0);
  });

  it('does not call 1 → 3 mentions a spike (below the minimum volume)', () => {
    // One mention per window on average: a 0,0,0,1 pattern per hour.
    const baselineCounts = Array.from({ length: 96 }, (_, i) => (i % 4 === 3 ? 1 : 0));
    const s = computeSignal(input({ rows: rows(3), baselineCounts }));
    expect(s.baseline).toBe(1);
    expect(s.mentions).toBe(3);
    expect(s.spikeRatio).toBe(0);
    expect(s.pValue).toBe(1);
    // The gate is what keeps it quiet: with minCount 1 the same window would read as 3×.
    const ungated = computeSignal(input({ rows: rows(3), baselineCounts, volume: { ...volume, minCount: 1 } }));
    expect(ungated.spikeRatio).toBe(3);
  });

  it('reports a real 10× spike with a tiny p-value', () => {
    const s = computeSignal(input({ rows: rows(80), baselineCounts: new Array(96).fill(2) }));
    expect(s.baseline).toBe(8);
    expect(s.spikeRatio).toBe(10);
    expect(s.pValue).toBeLessThan(1e-30);
    expect(s.pValue).toBe(poissonUpperTail(80, 8));
  });

  it('uses the mean of the baseline buckets (not the median) so sparse history still counts', () => {
    // 8 mentions spread over a day: the median bucket is 0, the mean rate is 8/96 per bucket.
    const baselineCounts = Array.from({ length: 96 }, (_, i) => (i % 12 === 0 ? 1 : 0));
    const s = computeSignal(input({ rows: rows(5), baselineCounts }));
    expect(s.baseline).toBeCloseTo((8 / 96) * 4, 12);
  });

  it('ignores baseline buckets from before observation began', () => {
    // Observed for the last 12 h of the baseline (48 buckets at 4 each); the older 48 are unobserved zeros.
    const baselineCounts = [...new Array(48).fill(0), ...new Array(48).fill(4)];
    const s = computeSignal(input({ rows: rows(16), baselineCounts, historyStartMs: WINDOW_START - 12 * HOUR, volume: { ...volume, warmup: 6 * HOUR } }));
    expect(s.baseline).toBe(16);
    expect(s.spikeRatio).toBe(1);
  });

  it('floors the expected count at one mention per window when there is no baseline', () => {
    const s = computeSignal(input({ rows: rows(6), baselineCounts: [] }));
    expect(s.baseline).toBe(0);
    expect(s.spikeRatio).toBe(6);
    expect(s.pValue).toBe(poissonUpperTail(6, 1));
  });

  it('counts negative mentions, their share, and risk topics', () => {
    const window = [
      ...rows(2, { negative: true, risk: 'high', topics: ['dispute', 'dispute'] }),
      ...rows(1, { negative: true, risk: 'medium', topics: ['service'] }),
      ...rows(1, { risk: 'low', topics: ['service'] }),
      ...rows(4),
    ];
    const s = computeSignal(input({ rows: window }));
    expect(s.mentions).toBe(8);
    expect(s.negative).toBe(3);
    expect(s.negativeShare).toBe(3 / 8);
    expect(s.risk).toBe('high');
    expect(s.highRisk).toBe(2);
    expect(s.mediumRisk).toBe(3);
    expect(s.topics).toEqual({ dispute: 2, service: 2 });
  });

  it('reports risk none and share 0 for an empty window', () => {
    const s = computeSignal(input({}));
    expect(s).toMatchObject({ mentions: 0, negativeShare: 0, risk: 'none', highRisk: 0, mediumRisk: 0, topics: {}, spikeRatio: 0, pValue: 1 });
    expect(s.windowStart).toBe(WINDOW_START);
    expect(s.windowEnd).toBe(NOW);
  });

  it('ignores rows of other rules and rows outside the window', () => {
    const outside = [
      ...rows(3, { ruleId: 'other' }),
      ...rows(2, { atMs: WINDOW_START - 1 }),
      ...rows(2, { atMs: NOW }),
      ...rows(1, { atMs: WINDOW_START }),
    ];
    expect(computeSignal(input({ rows: outside })).mentions).toBe(1);
  });

  it('reports the z-score against a Poisson spread when the days are steady', () => {
    // 2 per bucket → 8 expected per window; 20 observed: (20 − 8) / √8.
    const s = computeSignal(input({ rows: rows(20), baselineCounts: new Array(96).fill(2) }));
    expect(s.zScore).toBeCloseTo(12 / Math.sqrt(8), 12);
    expect(s.baselineInfo).toEqual({ method: 'mean', profile: 'none', days: 1, dispersion: 1 });
  });

  it('keeps the z-score at 0 while warming up or below the minimum volume', () => {
    expect(computeSignal(input({ rows: rows(40), baselineCounts: new Array(96).fill(1), historyStartMs: NOW - 12 * HOUR })).zScore).toBe(0);
    expect(computeSignal(input({ rows: rows(4) })).zScore).toBe(0);
  });

  it('tempers the z-score of a rule whose days are bursty', () => {
    const long = { ...volume, baseline: 14 * DAY };
    // Same average (0.25 per bucket) either way; bursty history alternates 0 and 48 a day.
    const steady = Array.from({ length: 14 * 96 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const bursty = Array.from({ length: 14 * 96 }, (_, i) => (Math.floor(i / 96) % 2 === 0 ? 0.5 : 0));
    const a = computeSignal(input({ rows: rows(10), baselineCounts: steady, volume: { ...long, seasonality: 'off' } }));
    const b = computeSignal(input({ rows: rows(10), baselineCounts: bursty, volume: { ...long, seasonality: 'off' } }));
    expect(a.baselineInfo?.method).toBe('robust');
    expect(b.baselineInfo!.dispersion).toBeGreaterThan(1);
    expect(b.zScore).toBeLessThan(a.zScore);
    expect(a.zScore).toBeGreaterThan(3);
  });

  it('measures velocity as the latest bucket minus the one before it', () => {
    // 1, 1, 2, 6 per bucket across the window.
    const byBucket = (perBucket: number[]): RuleHitRow[] =>
      perBucket.flatMap((n, b) => Array.from({ length: n }, (_, i) => ({ ...rows(1)[0]!, mentionId: `v${b}-${i}`, atMs: WINDOW_START + b * 15 * MIN + i })));
    const s = computeSignal(input({ rows: byBucket([1, 1, 2, 6]) }));
    expect(s.mentions).toBe(10);
    expect(s.velocity).toBe(4);
    // Slowing down reads negative.
    expect(computeSignal(input({ rows: byBucket([1, 1, 6, 2]) })).velocity).toBe(-4);
  });

  it('compares a one-bucket window with the last baseline bucket for velocity, and reports 0 below the minimum volume', () => {
    const oneBucket = { ...volume, window: 15 * MIN, minCount: 3 };
    const last = [...new Array(95).fill(0), 2];
    const s = computeSignal(input({ rows: rows(9).map((r, i) => ({ ...r, atMs: NOW - 15 * MIN + i })), baselineCounts: last, volume: oneBucket }));
    expect(s.velocity).toBe(7);
    expect(computeSignal(input({ rows: rows(2).map((r, i) => ({ ...r, atMs: NOW - 1 - i })), baselineCounts: last, volume: oneBucket })).velocity).toBe(0);
  });

  it('gives each requested topic its own baseline and spike values', () => {
    const window = [...rows(6, { topics: ['dispute'], risk: 'high' }), ...rows(4)];
    const s = computeSignal(input({ rows: window, baselineCounts: new Array(96).fill(1), topicBaselineCounts: { dispute: Array.from({ length: 96 }, (_, i) => (i % 8 === 0 ? 1 : 0)), service: new Array(96).fill(0) } }));
    expect(s.topicSignals!.dispute).toEqual({ mentions: 6, baseline: 0.5, spikeRatio: 6, zScore: 5 });
    // Below the minimum volume a topic's spike values stay neutral, like the rule's.
    expect(s.topicSignals!.service).toEqual({ mentions: 0, baseline: 0, spikeRatio: 0, zScore: 0 });
    expect(s.spikeRatio).toBe(2.5);
  });
});
