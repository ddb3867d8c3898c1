// Frozen copy of src/text/sentiment-common.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
import type { Sentiment, SentimentContribution, SentimentLabel } from '../../../src/core/types';

/**
 * What every sentiment scorer shares: extra words from rule files, squashing a raw sum into
 * [-1, 1], the neutral band, and the contribution list that `explain` shows.
 */

/**
 * A word a rule file adds (`sentiment.positive` / `sentiment.negative`). It counts only for
 * mentions that hit its rule: `group` is the rule id, and the scorer is told which groups are
 * active for each text.
 */
export interface ExtraSentimentTerm {
  term: string;
  polarity: 'positive' | 'negative';
  /** Rule id (or any name) the word belongs to. */
  group: string;
  /** Strength (> 0); the scorer's default rule-term weight when omitted. */
  weight?: number;
}

/** A sentiment scorer for already-normalised text. */
export interface SentimentScorer {
  /** Method tag written on every result, e.g. `lexicon-zh@2`. */
  readonly method: string;
  /**
   * Score a text already passed through `normalizeForMatch`.
   * @param activeGroups groups (rule ids) whose extra words count for this text.
   */
  score(normalisedText: string, activeGroups?: ReadonlySet<string>): Sentiment;
}

/** tanh(raw / scale), rounded to 3 decimals: one strong word moves the score a lot, many words saturate towards ±1. */
export function squash(raw: number, scale: number): number {
  return Math.round(Math.tanh(raw / scale) * 1000) / 1000;
}

/** `positive` at or above `neutralBand`, `negative` at or below −`neutralBand`, `neutral` between. */
export function labelFor(score: number, neutralBand: number): SentimentLabel {
  if (score >= neutralBand && score > 0) return 'positive';
  if (score <= -neutralBand && score < 0) return 'negative';
  return 'neutral';
}

/** Collects contributions, summing repeats of the same word with the same note (first-seen order). */
export class ContributionList {
  private readonly byKey = new Map<string, SentimentContribution>();

  add(term: string, weight: number, note: string | undefined): void {
    const key = `${term}\u0000${note ?? ''}`;
    const existing = this.byKey.get(key);
    if (existing) existing.weight += weight;
    else this.byKey.set(key, note === undefined ? { term, weight } : { term, weight, note });
  }

  /** Sum of all weights. */
  total(): number {
    let sum = 0;
    for (const c of this.byKey.values()) sum += c.weight;
    return sum;
  }

  toArray(): SentimentContribution[] {
    return [...this.byKey.values()].map((c) => ({ ...c, weight: Math.round(c.weight * 1000) / 1000 }));
  }
}

/** Build the result object (one shape for every scorer). */
export function sentimentResult(method: string, contributions: ContributionList, scale: number, neutralBand: number): Sentiment {
  const score = squash(contributions.total(), scale);
  return { score, label: labelFor(score, neutralBand), method, contributions: contributions.toArray() };
}
