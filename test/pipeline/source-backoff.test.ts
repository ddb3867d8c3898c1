import { HttpError } from '../../src/core/errors';
import { DEFAULT_SOURCE_BACKOFF, sourceBackoff } from '../../src/pipeline/source-backoff';

const P = DEFAULT_SOURCE_BACKOFF;
const failure = new HttpError('E_HTTP_STATUS', 'HTTP 500', 'https://x.tw/feed', { status: 500 });
const blocked = new HttpError('E_HTTP_BLOCKED', 'blocked', 'https://x.tw/feed', { status: 403 });

describe('per-source backoff', () => {
  it('doubles with each consecutive failure, between half and all of the step', () => {
    for (const [n, step] of [
      [1, 60_000],
      [2, 120_000],
      [3, 240_000],
      [6, 1_920_000],
    ] as const) {
      expect(sourceBackoff(n, failure, P, () => 0).delayMs).toBe(step / 2);
      expect(sourceBackoff(n, failure, P, () => 0.999999).delayMs).toBeCloseTo(step, -1);
    }
  });

  it('is capped', () => {
    const d = sourceBackoff(40, failure, P, () => 0.999999);
    expect(d.reason).toBe('failing');
    expect(d.delayMs).toBeLessThanOrEqual(P.failureMaxMs);
    expect(d.delayMs).toBeGreaterThan(P.failureMaxMs * 0.99);
  });

  it('backs off for hours after a block', () => {
    const d = sourceBackoff(1, blocked, P, () => 0);
    expect(d.reason).toBe('blocked');
    expect(d.delayMs).toBeGreaterThanOrEqual(3 * 3_600_000);
    expect(sourceBackoff(5, blocked, P, () => 0.999999).delayMs).toBeLessThanOrEqual(P.blockedMaxMs);
  });

  it('never comes back before a Retry-After the source sent', () => {
    const slowDown = new HttpError('E_HTTP_STATUS', 'HTTP 429', 'https://x.tw/feed', { status: 429, retryAfterMs: 3_600_000 });
    expect(sourceBackoff(1, slowDown, P, () => 0.5)).toEqual({ delayMs: 3_600_000, reason: 'retry-after' });
  });

  it('spreads sources that failed together (jitter)', () => {
    const delays = [0.1, 0.5, 0.9].map((r) => sourceBackoff(3, failure, P, () => r).delayMs);
    expect(new Set(delays).size).toBe(3);
  });
});
