import { bucketCounts } from '../../src/spikes/bucket-counts';
import { windowRanges } from '../../src/spikes/window-ranges';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0);

describe('bucketCounts', () => {
  it('counts timestamps per bucket, start inclusive and end exclusive', () => {
    const times = [T0, T0 + 14 * MIN, T0 + 15 * MIN, T0 + 44 * MIN, T0 + 45 * MIN, T0 - 1];
    expect(bucketCounts(times, { startMs: T0, bucketMs: 15 * MIN, count: 3 })).toEqual([2, 1, 1]);
  });

  it('accepts rows with atMs', () => {
    const rows = [{ atMs: T0 + 20 * MIN }, { atMs: T0 + 25 * MIN }];
    expect(bucketCounts(rows, { startMs: T0, bucketMs: 15 * MIN, count: 2 })).toEqual([0, 2]);
  });

  it('refuses a non-positive bucket length', () => {
    expect(() => bucketCounts([T0], { startMs: T0, bucketMs: 0, count: 2 })).toThrow(RangeError);
  });
});

describe('windowRanges', () => {
  it('puts a whole number of baseline buckets right before the window', () => {
    const r = windowRanges(T0, { bucket: 15 * MIN, window: 60 * MIN, baseline: 24 * 60 * MIN, minCount: 5, warmup: 0, method: 'robust', seasonality: 'auto' });
    expect(r).toEqual({ windowStartMs: T0 - 60 * MIN, windowEndMs: T0, baselineStartMs: T0 - 25 * 60 * MIN, baselineBuckets: 96 });
  });
});
