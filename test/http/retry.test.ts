import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from '../../src/http/retry';

describe('retry policy', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries status %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([400, 401, 403, 404, 410, 501])('does not retry status %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });

  it('doubles from 0.5 s and stays between half and the whole step', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(250);
    expect(backoffDelayMs(0, () => 0.999999)).toBe(500);
    expect(backoffDelayMs(1, () => 0)).toBe(500);
    expect(backoffDelayMs(3, () => 0)).toBe(2_000);
  });

  it('never waits more than 30 s', () => {
    expect(backoffDelayMs(20, () => 0.999999)).toBe(30_000);
    expect(backoffDelayMs(20, () => 0)).toBe(15_000);
  });

  it('reads Retry-After in seconds', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
  });

  it('reads Retry-After as an HTTP-date relative to now', () => {
    const now = Date.parse('2026-03-02T06:00:00Z');
    expect(parseRetryAfter('Mon, 02 Mar 2026 06:01:30 GMT', now)).toBe(90_000);
  });

  it('reads a past date as "now"', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 05:00:00 GMT', Date.parse('2026-03-02T06:00:00Z'))).toBe(0);
  });

  it('caps absurd values', () => {
    expect(parseRetryAfter('999999999', 0, 60_000)).toBe(60_000);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', Date.parse('2026-03-02T06:00:00Z'))).toBe(86_400_000);
  });

  it('ignores missing and unreadable values', () => {
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('', 0)).toBeUndefined();
    expect(parseRetryAfter('1.5', 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});
