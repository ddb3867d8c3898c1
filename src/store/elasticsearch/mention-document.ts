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

/** Values in first-seen order, without repeats (a mention's few terms: a linear check beats a Set). */
function pushNew(out: string[], values: readonly string[]): void {
  for (const v of values) if (!out.includes(v)) out.push(v);
}

/**
 * The indexed document of a stored mention. Fields are picked one by one, never spread (strict
 * mapping). Built with plain loops: ingestion calls this for every stored mention, on the same
 * cores Elasticsearch indexes with (bench/es-ingest.ts). `atMs` is {@link mentionAtMs} when the
 * caller has it already.
 */
export function toMentionDocument(m: ScoredMention, atMs: number = mentionAtMs(m)): MentionDocument {
  let risk: RiskLevel = 'none';
  const rules: ScoredMention['rules'] = [];
  const ruleIds: string[] = [];
  const topicIds: string[] = [];
  const terms: string[] = [];
  for (const r of m.rules) {
    if (RISK_ORDER[r.risk] > RISK_ORDER[risk]) risk = r.risk;
    const topics: ScoredMention['rules'][number]['topics'] = [];
    for (const t of r.topics) {
      topics.push({ topic: t.topic, risk: t.risk, terms: t.terms });
      if (!topicIds.includes(t.topic)) topicIds.push(t.topic);
    }
    rules.push({ ruleId: r.ruleId, terms: r.terms, risk: r.risk, topics });
    if (!ruleIds.includes(r.ruleId)) ruleIds.push(r.ruleId);
    pushNew(terms, r.terms);
    for (const t of r.topics) pushNew(terms, t.terms);
  }
  const contributions: ScoredMention['sentiment']['contributions'] = [];
  for (const c of m.sentiment.contributions) contributions.push(c.note ? { term: c.term, weight: c.weight, note: c.note } : { term: c.term, weight: c.weight });
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
    at: new Date(atMs).toISOString(),
    lang: m.lang,
    contentSha256: m.contentSha256,
    // Left out of the JSON when undefined (no counts from this source).
    engagement: pickEngagement(m.engagement),
    rules,
    sentiment: { score: m.sentiment.score, label: m.sentiment.label, method: m.sentiment.method, contributions },
    ruleIds,
    topicIds,
    terms,
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
