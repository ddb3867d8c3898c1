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
});
