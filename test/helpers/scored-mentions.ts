import { createHash } from 'node:crypto';
import type { RiskLevel, ScoredMention, SentimentLabel } from '../../src/core/types';

/** Options of one synthetic mention. */
export interface MentionSpec {
  /** Distinguishes ids, URLs and hashes. */
  i: number;
  /** Epoch ms it was published (fetched a minute later). */
  atMs: number;
  ruleId?: string;
  risk?: RiskLevel;
  sentiment?: SentimentLabel;
  topic?: string;
}

/** A scored mention of 範例診所 as ingestion would store it; deterministic from the spec. */
export function scoredMention(spec: MentionSpec): ScoredMention {
  const ruleId = spec.ruleId ?? 'example-clinic';
  const risk = spec.risk ?? 'none';
  const title = `範例診所 王大明醫師 第 ${spec.i} 篇`;
  const body = spec.risk === 'high' ? '病患指控醫療糾紛，考慮提告求償。' : '在範例診所回診，護理師親切，環境乾淨。';
  const label = spec.sentiment ?? (risk === 'high' ? 'negative' : 'positive');
  return {
    id: createHash('sha256').update(`mention-${spec.i}`).digest('hex').slice(0, 32),
    connector: 'ptt-facelift',
    sourceType: 'forum',
    site: 'PTT facelift',
    url: `https://www.ptt.cc/bbs/facelift/M.${1_700_000_000 + spec.i}.A.html`,
    title,
    body,
    author: `user${spec.i % 7}`,
    publishedAt: new Date(spec.atMs).toISOString(),
    fetchedAt: new Date(spec.atMs + 60_000).toISOString(),
    lang: 'zh',
    contentSha256: createHash('sha256').update(title + body).digest('hex'),
    engagement: { pushes: spec.i % 5, boos: spec.i % 2 },
    rules: [
      {
        ruleId,
        terms: ['範例診所'],
        topics: risk === 'none' ? [] : [{ topic: spec.topic ?? 'dispute', risk, terms: ['醫療糾紛'] }],
        risk,
      },
    ],
    sentiment: { score: label === 'negative' ? -0.6 : label === 'positive' ? 0.5 : 0, label, method: 'lexicon-zh@1', contributions: [{ term: '親切', weight: 0.5 }] },
  };
}
