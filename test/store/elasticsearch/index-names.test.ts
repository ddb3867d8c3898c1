import { indexNames, mentionIndexFor, mentionIndexMonth, DEFAULT_INDEX_NAMES } from '../../../src/store/elasticsearch/index-names';
import { expiredMentionIndices } from '../../../src/store/elasticsearch/retention';

const DAY = 86_400_000;

describe('monthly mention indices', () => {
  it('names the index by the UTC month the mention counts at', () => {
    // 2026-03-31 23:30 UTC is already April in Taipei, but indices follow UTC so every replay agrees.
    expect(mentionIndexFor(DEFAULT_INDEX_NAMES, Date.UTC(2026, 2, 31, 23, 30))).toBe('yuqing-mentions-2026.03');
    expect(mentionIndexFor(DEFAULT_INDEX_NAMES, Date.UTC(2026, 3, 1, 0, 0))).toBe('yuqing-mentions-2026.04');
  });

  it('reads back the month of its own indices only', () => {
    expect(mentionIndexMonth(DEFAULT_INDEX_NAMES, 'yuqing-mentions-2026.12')).toEqual({ startMs: Date.UTC(2026, 11, 1), endMs: Date.UTC(2027, 0, 1) });
    for (const other of ['yuqing-alerts', 'yuqing-mentions', 'yuqing-mentions-2026.13', 'yuqing-mentions-2026.03-restored', 'other-mentions-2026.03']) {
      expect(mentionIndexMonth(DEFAULT_INDEX_NAMES, other)).toBeUndefined();
    }
  });

  it('derives every name from the prefix', () => {
    expect(indexNames('staging')).toEqual({
      prefix: 'staging',
      mentionIndexPrefix: 'staging-mentions-',
      mentionsAlias: 'staging-mentions',
      mentionsTemplate: 'staging-mentions',
      alertsIndex: 'staging-alerts',
      alertsTemplate: 'staging-alerts',
    });
    expect(() => indexNames('Bad*')).toThrow(RangeError);
  });
});

describe('expiredMentionIndices', () => {
  const now = Date.UTC(2026, 5, 15); // 2026-06-15

  it('expires a month only once all of it is older than the retention', () => {
    const names = ['yuqing-mentions-2026.03', 'yuqing-mentions-2026.04', 'yuqing-mentions-2026.05', 'yuqing-mentions-2026.06'];
    // Cutoff 2026-05-16: March ended 04-01 and April ended 05-01, both before it; May ends 06-01, after it.
    expect(expiredMentionIndices(DEFAULT_INDEX_NAMES, names, now, 30)).toEqual(['yuqing-mentions-2026.03', 'yuqing-mentions-2026.04']);
    expect(expiredMentionIndices(DEFAULT_INDEX_NAMES, names, now, 400)).toEqual([]);
  });

  it('never expires the alerts index or indices it does not own', () => {
    const names = ['yuqing-alerts', 'yuqing-mentions-restore-2020.01', 'kibana_1', 'yuqing-mentions-2020.01'];
    expect(expiredMentionIndices(DEFAULT_INDEX_NAMES, names, now, 1)).toEqual(['yuqing-mentions-2020.01']);
  });

  it('expires a month exactly when its end becomes older than the retention', () => {
    const endOfMay = Date.UTC(2026, 5, 1);
    expect(expiredMentionIndices(DEFAULT_INDEX_NAMES, ['yuqing-mentions-2026.05'], endOfMay + 10 * DAY - 1, 10)).toEqual([]);
    expect(expiredMentionIndices(DEFAULT_INDEX_NAMES, ['yuqing-mentions-2026.05'], endOfMay + 10 * DAY, 10)).toEqual(['yuqing-mentions-2026.05']);
  });
});
