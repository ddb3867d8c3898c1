import { RISK_ORDER, type Engagement, type RiskLevel, type ScoredMention } from '../../core/types';
import { mentionAtMs } from '../mentions-repo';

/**
 * A mention as indexed: the ScoredMention's own fields (so the index can give the mention back, see
 * {@link fromMentionDocument}) plus flat fields for Kibana and aggregations. Matches
 * `mappings/mentions-template.json`, whose mapping is strict: a field missing there is rejected.
 */
export interface MentionDocument extends ScoredMention {
  /** When it counts (ISO): published, clamped to fetched — the time SQLite buckets it by. */
  at: string;
  /** Ids of the rules it matched, and of the topics hit under any of them. */
  ruleIds: string[];
  topicIds: string[];
  /** Every matched term (match terms and topic terms), de-duplicated. */
  terms: string[];
  /** Highest risk over its rules, and that risk's rank (none 0 … high 3) for sorting and ranges. */
  risk: RiskLevel;
  riskRank: number;
}

const ENGAGEMENT_KEYS = ['likes', 'comments', 'shares', 'pushes', 'boos', 'net'] as const;

function pickEngagement(e: Engagement | undefined): Engagement | undefined {
  if (!e) return undefined;
  const out: Engagement = {};
  for (const k of ENGAGEMENT_KEYS) if (e[k] !== undefined) out[k] = e[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The indexed document of a stored mention. Fields are picked one by one, never spread (strict mapping). */
export function toMentionDocument(m: ScoredMention): MentionDocument {
  const risk = m.rules.reduce<RiskLevel>((top, r) => (RISK_ORDER[r.risk] > RISK_ORDER[top] ? r.risk : top), 'none');
  const engagement = pickEngagement(m.engagement);
  return {
    id: m.id,
    connector: m.connector,
    sourceType: m.sourceType,
    site: m.site,
    url: m.url,
    title: m.title,
    body: m.body,
    author: m.author,
    publishedAt: m.publishedAt,
    fetchedAt: m.fetchedAt,
    at: new Date(mentionAtMs(m)).toISOString(),
    lang: m.lang,
    contentSha256: m.contentSha256,
    ...(engagement ? { engagement } : {}),
    rules: m.rules.map((r) => ({
      ruleId: r.ruleId,
      terms: r.terms,
      risk: r.risk,
      topics: r.topics.map((t) => ({ topic: t.topic, risk: t.risk, terms: t.terms })),
    })),
    sentiment: {
      score: m.sentiment.score,
      label: m.sentiment.label,
      method: m.sentiment.method,
      contributions: m.sentiment.contributions.map((c) => ({ term: c.term, weight: c.weight, ...(c.note ? { note: c.note } : {}) })),
    },
    ruleIds: [...new Set(m.rules.map((r) => r.ruleId))],
    topicIds: [...new Set(m.rules.flatMap((r) => r.topics.map((t) => t.topic)))],
    terms: [...new Set(m.rules.flatMap((r) => [...r.terms, ...r.topics.flatMap((t) => t.terms)]))],
    risk,
    riskRank: RISK_ORDER[risk],
  };
}

/**
 * The ScoredMention an indexed document was made from (the derived flat fields dropped). `body` may be
 * absent when the caller fetched the document without it; it is then the empty string.
 */
export function fromMentionDocument(doc: Omit<MentionDocument, 'body'> & { body?: string }): ScoredMention {
  const engagement = pickEngagement(doc.engagement);
  return {
    id: doc.id,
    connector: doc.connector,
    sourceType: doc.sourceType,
    site: doc.site,
    url: doc.url,
    title: doc.title,
    body: doc.body ?? '',
    author: doc.author ?? null,
    publishedAt: doc.publishedAt,
    fetchedAt: doc.fetchedAt,
    lang: doc.lang,
    contentSha256: doc.contentSha256,
    ...(engagement ? { engagement } : {}),
    rules: doc.rules,
    sentiment: doc.sentiment,
  };
}
