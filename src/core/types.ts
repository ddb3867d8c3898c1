/**
 * The shared data model. Data flows one way: connectors yield RawItems, normalisation turns them
 * into Mentions, scoring adds a Scoring, the pipeline stores ScoredMentions and derives signals.
 */

export type SourceType = 'news' | 'forum' | 'rss' | 'social' | 'other';
export type Lang = 'zh' | 'en' | 'other';
export type RiskLevel = 'none' | 'low' | 'medium' | 'high';
export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type CrisisLevel = 'L1' | 'L2' | 'L3';

export const RISK_ORDER: Record<RiskLevel, number> = { none: 0, low: 1, medium: 2, high: 3 };
export const LEVEL_ORDER: Record<CrisisLevel, number> = { L1: 1, L2: 2, L3: 3 };

/** Engagement counts when the source gives them (PTT push/boo, Dcard likes/comments…). */
export interface Engagement {
  likes?: number;
  comments?: number;
  shares?: number;
  /** PTT 推 */
  pushes?: number;
  /** PTT 噓 */
  boos?: number;
  /**
   * Net score when the source shows only that: PTT's 推文數 on index pages (推 − 噓, shown capped:
   * 爆 = 100, X1…XX = −10…−100), Reddit's score.
   */
  net?: number;
}

/** One item as a connector sees it, before normalisation. */
export interface RawItem {
  /** The source's own stable id (RSS guid, Atom id, PTT article id). */
  guid?: string;
  /** Absolute URL of the item. */
  url: string;
  title: string;
  /** Body as HTML (converted to text by normalisation) … */
  html?: string;
  /** … or already plain text. */
  text?: string;
  author?: string;
  /** Publisher or site name when the source says it (Google News gives the publisher). */
  site?: string;
  publishedAt?: Date;
  engagement?: Engagement;
  /**
   * The body is an excerpt (list page, feed summary) rather than the full text. A revisit that
   * then reads the full text records it as completing the item, not as an edit.
   */
  partial?: boolean;
}

/** A normalised record, the same whatever the source. Times are ISO 8601 (UTC). */
export interface Mention {
  /** Deterministic: from the canonical URL (or the source guid), so re-indexing is idempotent. */
  id: string;
  connector: string;
  sourceType: SourceType;
  site: string;
  url: string;
  title: string;
  body: string;
  author: string | null;
  publishedAt: string;
  fetchedAt: string;
  lang: Lang;
  /** sha256 of title + body, hex: evidence that the text is what we saw. */
  contentSha256: string;
  engagement?: Engagement;
}

export interface TopicHit {
  topic: string;
  risk: RiskLevel;
  terms: string[];
}

export interface RuleHit {
  ruleId: string;
  /** Match terms found (the `match` block). */
  terms: string[];
  topics: TopicHit[];
  /** Highest risk among the topics hit, `none` when no topic was hit. */
  risk: RiskLevel;
}

export interface SentimentContribution {
  term: string;
  weight: number;
  /** Why the weight differs from the lexicon's (negated, intensified, after contrast…). */
  note?: string;
}

export interface Sentiment {
  /** In [-1, 1]. */
  score: number;
  label: SentimentLabel;
  /** Which scorer produced it, e.g. `lexicon-zh@1`, `natural-afinn@1`. */
  method: string;
  contributions: SentimentContribution[];
}

export interface Scoring {
  rules: RuleHit[];
  sentiment: Sentiment;
}

export type ScoredMention = Mention & Scoring;
