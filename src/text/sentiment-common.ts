import type { Sentiment, SentimentContribution, SentimentLabel } from '../core/types';

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
  private readonly items: SentimentContribution[] = [];
  // Per item, its note ('' for none: no note and an empty note are the same contribution) and
  // the next item with the same term (-1: none); the first item of each term is in `first`.
  // Looking a word up by its term (a string whose hash V8 keeps) spares building a term + note
  // key string for every word of every text.
  private readonly notes: string[] = [];
  private readonly sameTerm: number[] = [];
  private readonly first = new Map<string, number>();

  add(term: string, weight: number, note: string | undefined): void {
    const wanted = note ?? '';
    let i = this.first.get(term);
    let last = -1;
    while (i !== undefined && i >= 0) {
      if (this.notes[i] === wanted) {
        this.items[i]!.weight += weight;
        return;
      }
      last = i;
      i = this.sameTerm[i]!;
    }
    const at = this.items.length;
    this.items.push(note === undefined ? { term, weight } : { term, weight, note });
    this.notes.push(wanted);
    this.sameTerm.push(-1);
    if (last >= 0) this.sameTerm[last] = at;
    else this.first.set(term, at);
  }

  /** Sum of all weights. */
  total(): number {
    let sum = 0;
    for (const c of this.items) sum += c.weight;
    return sum;
  }

  toArray(): SentimentContribution[] {
    return this.items.map((c) => (c.note === undefined ? { term: c.term, weight: roundedWeight(c.weight) } : { term: c.term, weight: roundedWeight(c.weight), note: c.note }));
  }
}

/** A weight as shown: rounded to 3 decimals. */
export function roundedWeight(weight: number): number {
  return Math.round(weight * 1000) / 1000;
}

/** Build the result object (one shape for every scorer). */
export function sentimentResult(method: string, contributions: ContributionList, scale: number, neutralBand: number): Sentiment {
  return sentimentOf(method, contributions.total(), contributions.toArray(), scale, neutralBand);
}

/** Build the result object from the raw sum of the weights and the (rounded) contributions. */
export function sentimentOf(method: string, total: number, contributions: SentimentContribution[], scale: number, neutralBand: number): Sentiment {
  const score = squash(total, scale);
  return { score, label: labelFor(score, neutralBand), method, contributions };
}
