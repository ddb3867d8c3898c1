import type { ScoredMention } from '../../src/core/types';

/** A scored mention with sensible defaults; override what the test is about. */
export function scoredMention(over: Partial<ScoredMention> & { id: string }): ScoredMention {
  const at = over.publishedAt ?? '2026-03-16T02:00:00.000Z';
  return {
    connector: 'feed-a',
    sourceType: 'news',
    site: 'news.example.tw',
    url: `https://news.example.tw/a/${over.id}`,
    title: `標題 ${over.id}`,
    body: '範例診所 內文',
    author: null,
    publishedAt: at,
    fetchedAt: over.fetchedAt ?? at,
    lang: 'zh',
    contentSha256: 'ab'.repeat(32),
    rules: [{ ruleId: 'example-clinic', terms: ['範例診所'], topics: [{ topic: 'dispute', risk: 'high', terms: ['醫療糾紛'] }], risk: 'high' }],
    sentiment: { score: -0.6, label: 'negative', method: 'lexicon-zh@1', contributions: [] },
    ...over,
  };
}
