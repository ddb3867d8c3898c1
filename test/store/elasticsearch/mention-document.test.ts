import { indexLayout, mappedFields } from '../../../src/store/elasticsearch/index-layout';
import { DEFAULT_INDEX_NAMES } from '../../../src/store/elasticsearch/index-names';
import { fromMentionDocument, toMentionDocument } from '../../../src/store/elasticsearch/mention-document';
import { documentPaths } from '../../helpers/mapped-paths';
import { scoredMention } from '../../helpers/scored-mentions';

const mentionsSpec = indexLayout(DEFAULT_INDEX_NAMES)[0]!;

describe('mention documents', () => {
  const m = scoredMention({ i: 7, atMs: Date.UTC(2026, 2, 3, 4, 5), risk: 'high' });

  it('uses only fields the committed mapping defines (the mapping is strict)', () => {
    const doc = toMentionDocument({ ...m, engagement: { likes: 1, comments: 2, shares: 3, pushes: 4, boos: 5 } });
    const mapped = new Set(mappedFields(mentionsSpec));
    const unmapped = documentPaths(doc, ['sentiment.contributions']).filter((p) => !mapped.has(p));
    expect(unmapped).toEqual([]);
  });

  it('adds flat fields for Kibana: rule and topic ids, all terms, highest risk and its rank', () => {
    const doc = toMentionDocument({
      ...m,
      rules: [
        { ruleId: 'a', terms: ['範例診所'], risk: 'medium', topics: [{ topic: 'service', risk: 'medium', terms: ['態度差'] }] },
        { ruleId: 'b', terms: ['王大明'], risk: 'high', topics: [{ topic: 'dispute', risk: 'high', terms: ['醫療糾紛', '態度差'] }] },
      ],
    });
    expect(doc).toMatchObject({ ruleIds: ['a', 'b'], topicIds: ['service', 'dispute'], terms: ['範例診所', '態度差', '王大明', '醫療糾紛'], risk: 'high', riskRank: 3 });
  });

  it('counts at the publication time, but never later than the fetch', () => {
    expect(toMentionDocument(m).at).toBe(m.publishedAt);
    const future = { ...m, publishedAt: '2030-01-01T00:00:00.000Z' };
    expect(toMentionDocument(future).at).toBe(m.fetchedAt);
  });

  it('gives back the scored mention it was made from', () => {
    expect(fromMentionDocument(toMentionDocument(m))).toEqual(m);
  });

  it('drops fields the model may grow that the mapping does not know', () => {
    const grown = { ...m, extra: 'not mapped', engagement: { likes: 3, views: 9 } } as unknown as typeof m;
    const doc = toMentionDocument(grown) as unknown as Record<string, unknown>;
    expect(doc.extra).toBeUndefined();
    expect(doc.engagement).toEqual({ likes: 3 });
  });
});
