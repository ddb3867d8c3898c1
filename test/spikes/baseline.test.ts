import { estimateBaseline, type BaselineInput } from '../../src/spikes/baseline';
import { localHourOfWeek } from '../../src/spikes/local-hour';
import { median, medianAbsoluteDeviation, winsorizedCounts } from '../../src/spikes/robust-stats';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const BUCKET = 15 * MIN;
/** Monday 2026-03-16 10:00 Asia/Taipei (02:00 UTC): the window [09:00, 10:00) is the morning of a weekday. */
const MONDAY_10 = Date.UTC(2026, 2, 16, 2, 0);

/** Per-bucket counts for `days` days ending at `windowStart`, from a function of the bucket's start time. */
function series(days: number, windowStart: number, perBucket: (startMs: number, dayIndex: number) => number): number[] {
  const n = (days * DAY) / BUCKET;
  return Array.from({ length: n }, (_, i) => {
    const start = windowStart - (n - i) * BUCKET;
    return perBucket(start, Math.floor(i / (DAY / BUCKET)));
  });
}

function input(over: Partial<BaselineInput> & { counts: number[] }): BaselineInput {
  return {
    bucketMs: BUCKET,
    windowStartMs: MONDAY_10 - HOUR,
    windowMs: HOUR,
    historyStartMs: 0,
    method: 'robust',
    seasonality: 'off',
    timeZone: 'Asia/Taipei',
    ...over,
  };
}

/** Taipei hour of day of an instant. */
const tpeHour = (ms: number): number => localHourOfWeek(ms, 'Asia/Taipei') % 24;

describe('robust statistics', () => {
  it('takes the median and MAD of odd and even lists', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
  });

  it('clips a flare-up day to the ceiling but keeps ordinary variation', () => {
    const w = winsorizedCounts([10, 12, 9, 11, 10, 200, 8]);
    expect(w.median).toBe(10);
    expect(w.clipped).toEqual([10, 12, 9, 11, 10, w.ceiling, 8]);
    expect(w.ceiling).toBeLessThan(20);
    expect(w.mean).toBeLessThan(12);
  });

  it('keeps rare mentions of a sparse rule instead of calling its normal zero', () => {
    const w = winsorizedCounts([0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
    expect(w.median).toBe(0);
    expect(w.mean).toBeCloseTo(5 / 14, 12);
  });
});

describe('estimateBaseline', () => {
  it('with a robust level, a past flare-up in the baseline period barely moves the expectation (the mean is dragged up)', () => {
    // 14 days of 0.25 mentions per 15 minutes (24 a day), with one day of 10 per bucket (960).
    const counts = series(14, MONDAY_10 - HOUR, (_t, day) => (day === 5 ? 10 : [0, 1, 0, 0][Math.floor(_t / BUCKET) % 4]!));
    const robust = estimateBaseline(input({ counts }));
    const mean = estimateBaseline(input({ counts, method: 'mean' }));
    expect(robust.method).toBe('robust');
    expect(robust.expected).toBeCloseTo(1, 0); // 24 a day → 1 an hour
    expect(robust.expected).toBeLessThan(1.3);
    expect(mean.method).toBe('mean');
    expect(mean.expected).toBeGreaterThan(3.5);
  });

  it('falls back to the mean until three whole days are observed', () => {
    const counts = series(14, MONDAY_10 - HOUR, () => 1);
    const short = estimateBaseline(input({ counts, historyStartMs: MONDAY_10 - HOUR - 2.5 * DAY }));
    expect(short).toMatchObject({ method: 'mean', fullDays: 2, observedBuckets: 240 });
    expect(short.expected).toBe(4);
    const enough = estimateBaseline(input({ counts, historyStartMs: MONDAY_10 - HOUR - 3 * DAY }));
    expect(enough).toMatchObject({ method: 'robust', fullDays: 3 });
  });

  it('expects nothing when no baseline bucket was observed', () => {
    const e = estimateBaseline(input({ counts: series(1, MONDAY_10 - HOUR, () => 3), historyStartMs: MONDAY_10 }));
    expect(e).toMatchObject({ expected: 0, observedBuckets: 0, profile: 'none' });
  });

  it('follows the hour of day once 7 days are observed: more expected at 10:00 than at 03:00 for a daytime clinic', () => {
    // Mentions only between 09:00 and 18:00 Taipei, one per bucket: 36 a day.
    const daytime = (t: number): number => (tpeHour(t) >= 9 && tpeHour(t) < 18 ? 1 : 0);
    const windowStart = MONDAY_10 - HOUR; // 09:00–10:00
    const nightStart = MONDAY_10 - 7 * HOUR; // 03:00–04:00
    const morning = estimateBaseline(input({ counts: series(7, windowStart, daytime), windowStartMs: windowStart, seasonality: 'auto' }));
    const night = estimateBaseline(input({ counts: series(7, nightStart, daytime), windowStartMs: nightStart, seasonality: 'auto' }));
    expect(morning.profile).toBe('hourOfDay');
    expect(morning.expected).toBeGreaterThan(3); // flat would be 36/24 = 1.5; the real morning rate is 4
    expect(morning.expected).toBeLessThanOrEqual(4);
    expect(night.expected).toBeLessThan(0.2);
    // The same history without the shape expects the flat 1.5 at both hours.
    expect(estimateBaseline(input({ counts: series(7, windowStart, daytime), windowStartMs: windowStart })).expected).toBeCloseTo(1.5, 12);
  });

  it('stays flat with 6 days of history', () => {
    const e = estimateBaseline(input({ counts: series(14, MONDAY_10 - HOUR, (t) => (tpeHour(t) >= 9 ? 1 : 0)), historyStartMs: MONDAY_10 - HOUR - 6 * DAY, seasonality: 'auto' }));
    expect(e.profile).toBe('none');
  });

  it('follows the day of week once 28 days are observed: a Saturday morning expects less than a Monday morning', () => {
    // Weekdays busy (1 per bucket in daytime), weekends quiet.
    const weekday = (t: number): number => {
      const how = localHourOfWeek(t, 'Asia/Taipei');
      return how < 5 * 24 && how % 24 >= 9 && how % 24 < 18 ? 1 : 0;
    };
    const mondayWindow = MONDAY_10 - HOUR;
    const saturdayWindow = mondayWindow - 2 * DAY;
    const monday = estimateBaseline(input({ counts: series(28, mondayWindow, weekday), windowStartMs: mondayWindow, seasonality: 'auto' }));
    const saturday = estimateBaseline(input({ counts: series(28, saturdayWindow, weekday), windowStartMs: saturdayWindow, seasonality: 'auto' }));
    expect(monday.profile).toBe('hourOfWeek');
    expect(monday.expected).toBeGreaterThan(3);
    expect(saturday.expected).toBeLessThan(0.5);
  });

  it('measures how bursty the days are: steady days are Poisson (1), feast-or-famine days are over-dispersed', () => {
    const steady = estimateBaseline(input({ counts: series(14, MONDAY_10 - HOUR, () => 1) }));
    const bursty = estimateBaseline(input({ counts: series(14, MONDAY_10 - HOUR, (_t, day) => (day % 2 === 0 ? 2 : 0)) }));
    expect(steady.dispersion).toBe(1);
    expect(bursty.dispersion).toBeGreaterThan(1);
  });

  it('refuses a non-positive bucket or window', () => {
    expect(() => estimateBaseline(input({ counts: [], bucketMs: 0 }))).toThrow(RangeError);
  });
});
