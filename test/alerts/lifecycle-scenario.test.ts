import { evolve, lifecycleRule } from '../../src/alerts/lifecycle';
import type { AlertEvent, AlertRecord } from '../../src/alerts/types';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ManualClock } from '../../src/core/clock';
import { compileLevels, grade } from '../../src/crisis/grade';
import { bucketCounts } from '../../src/spikes/bucket-counts';
import { computeSignal } from '../../src/spikes/compute-signal';
import type { RuleHitRow } from '../../src/spikes/types';
import { windowRanges } from '../../src/spikes/window-ranges';

const MIN = 60_000;
const BUCKET = 15 * MIN;
/** Observation starts 2026-03-01 00:00 Taipei. */
const START = Date.UTC(2026, 1, 28, 16, 0);

const file = ruleFileSchema.parse({
  id: 'example-clinic',
  name: '範例診所',
  match: { any: ['範例診所'] },
  topics: { dispute: { risk: 'high', terms: ['醫療糾紛'] } },
  volume: { bucket: '15m', window: '1h', baseline: '1d', minCount: 5, warmup: '1d' },
  levels: {
    L3: { when: 'spikeRatio >= 8 or highRisk >= 3', sla: { respond: '15m', resolve: '4h' }, notify: ['pr-lead', 'legal', 'director'] },
    L1: { when: 'spikeRatio >= 3', sla: { respond: '1h', resolve: '24h' }, notify: ['frontline'] },
  },
  cooldown: '2h',
});
const levels = compileLevels(file);
const rule = lifecycleRule(file, 'a1b2c3d4e5f6');

/**
 * Mentions per 15-minute bucket: a quiet day at 1 per bucket, then the outbreak, a quiet spell,
 * and a rebound. Each entry is [bucket count, how many of them hit the high-risk topic].
 */
const QUIET = (n: number): Array<[number, number]> => new Array(n).fill([1, 0]);
const SERIES: Array<[number, number]> = [
  ...QUIET(96 + 4), // a day of history plus the first window
  [12, 0], // a mild spike: window 1+1+1+12 = 15 vs 4 expected → L1
  [30, 2], // window 44 → 11× → L3
  [30, 2], // still L3
  ...QUIET(14),
  [40, 0], // rebound after the alert resolved
];

function rowsOf(series: Array<[number, number]>): RuleHitRow[] {
  const rows: RuleHitRow[] = [];
  series.forEach(([count, risky], b) => {
    for (let i = 0; i < count; i++) {
      const high = i < risky;
      rows.push({ mentionId: `m-${b}-${i}`, ruleId: file.id, atMs: START + b * BUCKET + i, negative: high, risk: high ? 'high' : 'none', topics: high ? ['dispute'] : [] });
    }
  });
  return rows;
}

describe('alert lifecycle over a literal series (signal → grade → lifecycle)', () => {
  it('opens at L1, upgrades to L3 once, resolves after the cooldown, and treats a rebound as a new alert', () => {
    const rows = rowsOf(SERIES);
    const clock = new ManualClock(START + (96 + 4) * BUCKET);
    const end = START + SERIES.length * BUCKET;
    let alert: AlertRecord | undefined;
    const events: AlertEvent[] = [];
    const grades: Array<string | null> = [];

    for (; clock.now() <= end; clock.advance(BUCKET)) {
      const nowMs = clock.now();
      const r = windowRanges(nowMs, file.volume);
      const baselineCounts = bucketCounts(rows, { startMs: r.baselineStartMs, bucketMs: file.volume.bucket, count: r.baselineBuckets });
      const window = rows.filter((x) => x.atMs >= r.windowStartMs && x.atMs < nowMs);
      const signal = computeSignal({ ruleId: file.id, volume: file.volume, nowMs, rows: window, baselineCounts, historyStartMs: START });
      const graded = grade(levels, signal);
      grades.push(graded?.level ?? null);
      const evidence = window.slice(0, 3).map((x) => ({
        mentionId: x.mentionId, url: `https://example.com/${x.mentionId}`, title: x.mentionId, site: 'example.com', connector: 'rss',
        publishedAt: new Date(x.atMs).toISOString(), fetchedAt: new Date(x.atMs).toISOString(), contentSha256: 'ab'.repeat(32),
        sentiment: x.negative ? ('negative' as const) : ('neutral' as const), topics: x.topics,
      }));
      const next = evolve(alert, { nowMs, rule, graded, signal, evidence });
      alert = next.alert;
      events.push(...next.events);
    }

    // One grade per tick, from T(100): quiet, L1, L3 while the outbreak is in the 1-hour window,
    // L1 as it leaves (too short to downgrade), 8 quiet ticks = the 2-hour cooldown, then the rebound
    // (only L1 now: the baseline has absorbed part of the outbreak).
    expect(grades).toEqual([null, 'L1', 'L3', 'L3', 'L3', 'L3', 'L1', ...new Array(11).fill(null), 'L1']);

    const T = (bucket: number) => START + bucket * BUCKET;
    expect(events.map((e) => [e.type, e.at, e.fromLevel ?? null, e.toLevel ?? null, e.seq])).toEqual([
      ['opened', T(101), null, 'L1', 0],
      ['upgraded', T(102), 'L1', 'L3', 1],
      ['resolved', T(114), null, null, 2], // last condition held at T(106); T(106) + 2 h
      ['opened', T(118), null, 'L1', 0],
    ]);
    const [first, , resolved, rebound] = events;
    // T(101) is 2026-03-01 17:15 UTC (01:15 the next day in Taipei).
    expect(first!.alertId).toBe('example-clinic-20260301T171500Z');
    expect(resolved!.alertId).toBe(first!.alertId);
    expect(resolved!.recipients).toEqual(['frontline', 'pr-lead', 'legal', 'director']);
    expect(rebound!.alertId).not.toBe(first!.alertId);
    expect(resolved!.detail).toEqual({ quietSinceMs: T(106), afterMs: resolved!.at - first!.at });
    expect(alert).toMatchObject({ id: rebound!.alertId, status: 'open', level: 'L1', openedAt: T(118) });
  });
});
