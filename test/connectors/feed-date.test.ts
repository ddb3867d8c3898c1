import { parseFeedDate } from '../../src/connectors/feed-date';

const NOW = Date.parse('2026-03-02T08:00:00Z');

describe('feed dates', () => {
  it.each([
    ['Mon, 02 Mar 2026 14:05:00 +0800', '2026-03-02T06:05:00.000Z'],
    ['Mon, 02 Mar 2026 06:05:00 GMT', '2026-03-02T06:05:00.000Z'],
    ['2026-03-02T14:05:00+08:00', '2026-03-02T06:05:00.000Z'],
    ['2026-03-02 14:05', '2026-03-02T06:05:00.000Z'],
    ['2026/3/2 14:05:09', '2026-03-02T06:05:09.000Z'],
  ])('reads %s', (raw, iso) => {
    expect(parseFeedDate(raw, NOW).date?.toISOString()).toBe(iso);
  });

  it('accepts up to a day of clock skew into the future, not more', () => {
    expect(parseFeedDate('2026-03-03T07:59:00Z', NOW).date).toBeDefined();
    expect(parseFeedDate('2026-03-03T08:01:00Z', NOW).problem).toContain('未來');
  });

  it('refuses dates before 1995 and unreadable ones', () => {
    expect(parseFeedDate('1994-12-31T23:59:59Z', NOW).problem).toContain('1995');
    expect(parseFeedDate('昨天', NOW).problem).toContain('無法解析');
  });
});
