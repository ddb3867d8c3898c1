import type { Sentiment } from '../core/types';
import { AhoCorasick } from './aho-corasick';
import type { Lexicon } from './lexicon';
import { normalizeForMatch } from './normalize';
import { ContributionList, sentimentResult, type ExtraSentimentTerm, type SentimentScorer } from './sentiment-common';
import { hasTermBoundaries } from './term-boundary';

/**
 * Chinese sentiment from a lexicon. One automaton pass finds every lexicon word, negator,
 * intensifier and neutral (masking) word in the normalised text; then:
 *
 * 1. Sentiment and neutral words compete for the text leftmost-longest, so 「不推」 (a negative
 *    entry) beats 「推」, 「雷射」 (neutral) hides 「雷」, and 「不推薦」 reads as 「不推」+「薦」.
 * 2. Negators and intensifiers inside a chosen word are ignored (the 不 of 「不錯」); the rest
 *    compete leftmost-longest among themselves (「非常」 beats 「非」, 「特別」 beats 「別」).
 * 3. Each modifier applies to the next sentiment word if at most `modifierWindowChars` characters
 *    separate them and no punctuation does: an odd number of negators flips the word
 *    (× −negationFactor), intensifiers multiply it (product capped at 3).
 * 4. The sum is squashed with tanh(sum / scale); |score| < neutralBand is neutral.
 */

/** Method tag on every result of this scorer. */
export const ZH_SENTIMENT_METHOD = 'lexicon-zh@1';

const SENTIMENT = 0;
const NEUTRAL = 1;
const NEGATOR = 2;
const INTENSIFIER = 3;
/** Only rule extras use this normalised form. */
const EXTRA_ONLY = 4;
type Kind = typeof SENTIMENT | typeof NEUTRAL | typeof NEGATOR | typeof INTENSIFIER | typeof EXTRA_ONLY;

const MAX_MULTIPLIER = 3;

interface Entry {
  kind: Kind;
  /** Spelling in the lexicon file (shown in contributions). */
  written: string;
  /** Signed weight of a sentiment word. */
  weight: number;
  /** Factor of an intensifier. */
  multiplier: number;
  /** Rule words with this normalised form, in construction order. */
  extras: { group: string; weight: number; written: string }[];
}

interface Span {
  start: number;
  end: number;
  /** Undefined for a neutral (masking) word. */
  weight?: number;
  term: string;
  note?: string;
}

interface Modifier {
  start: number;
  end: number;
  negator: boolean;
  multiplier: number;
}

// Clause punctuation (half-width forms included: NFKC has already folded the full-width ones).
const BOUNDARY = new Set([...'，。！？、；：,.!?;:…~～「」『』()（）【】[]<>《》"“”‘’|/']);

/**
 * Build the scorer. Lexicon words are normalised here once; `extras` (rule words) count only
 * for texts whose active groups include theirs and, when active, override a lexicon meaning of
 * the same word (the first active rule wins).
 */
export function createZhSentiment(lexicon: Lexicon, extras: readonly ExtraSentimentTerm[] = []): SentimentScorer {
  const { modifierWindowChars, negationFactor, scale, neutralBand, ruleTermWeight } = lexicon.settings;
  const byNorm = new Map<string, Entry>();
  const put = (written: string, kind: Kind, weight = 0, multiplier = 1): Entry => {
    const norm = normalizeForMatch(written);
    let e = byNorm.get(norm);
    if (!e) {
      e = { kind, written, weight, multiplier, extras: [] };
      byNorm.set(norm, e);
    } else if (e.kind === EXTRA_ONLY && kind !== EXTRA_ONLY) {
      Object.assign(e, { kind, written, weight, multiplier });
    }
    return e;
  };
  for (const w of lexicon.positive) put(w.term, SENTIMENT, w.weight);
  for (const w of lexicon.negative) put(w.term, SENTIMENT, -w.weight);
  for (const w of lexicon.negators) put(w, NEGATOR);
  for (const w of lexicon.intensifiers) put(w.term, INTENSIFIER, 0, w.multiplier);
  for (const w of lexicon.neutral) put(w, NEUTRAL);
  for (const x of extras) {
    // A rule word that normalises to nothing can never occur; the rule loader reports it.
    if (normalizeForMatch(x.term) === '') continue;
    const magnitude = x.weight ?? ruleTermWeight;
    put(x.term, EXTRA_ONLY).extras.push({ group: x.group, weight: x.polarity === 'positive' ? magnitude : -magnitude, written: x.term });
  }
  const entries = [...byNorm.values()];
  const automaton = new AhoCorasick([...byNorm.keys()].map((text, id) => ({ id, text })));

  return {
    method: ZH_SENTIMENT_METHOD,
    score(text: string, activeGroups?: ReadonlySet<string>): Sentiment {
      const spans: Span[] = [];
      const modifiers: Modifier[] = [];
      automaton.scan(text, (id, start, end) => {
        if (!hasTermBoundaries(text, start, end)) return;
        const e = entries[id]!;
        const extra = activeGroups && activeGroups.size > 0 ? e.extras.find((x) => activeGroups.has(x.group)) : undefined;
        if (extra) spans.push({ start, end, weight: extra.weight, term: extra.written, note: `規則 ${extra.group} 加詞` });
        else if (e.kind === SENTIMENT) spans.push({ start, end, weight: e.weight, term: e.written });
        else if (e.kind === NEUTRAL) spans.push({ start, end, term: e.written });
        else if (e.kind === NEGATOR || e.kind === INTENSIFIER) modifiers.push({ start, end, negator: e.kind === NEGATOR, multiplier: e.multiplier });
      });
      const words = leftmostLongest(spans);
      const mods = leftmostLongest(outside(modifiers, words));

      const contributions = new ContributionList();
      let k = 0;
      for (const w of words) {
        if (w.weight === undefined) continue;
        let negators = 0;
        let multiplier = 1;
        for (; k < mods.length && mods[k]!.end <= w.start; k++) {
          const m = mods[k]!;
          if (!reaches(text, m.end, w.start, modifierWindowChars)) continue;
          if (m.negator) negators++;
          else multiplier *= m.multiplier;
        }
        multiplier = Math.min(multiplier, MAX_MULTIPLIER);
        const flipped = negators % 2 === 1;
        const notes: string[] = [];
        if (flipped) notes.push('否定');
        else if (negators > 0) notes.push('雙重否定');
        if (multiplier > 1) notes.push('加強');
        else if (multiplier < 1) notes.push('減弱');
        if (w.note) notes.push(w.note);
        contributions.add(w.term, w.weight * (flipped ? -negationFactor : 1) * multiplier, notes.length > 0 ? notes.join('、') : undefined);
      }
      return sentimentResult(ZH_SENTIMENT_METHOD, contributions, scale, neutralBand);
    },
  };
}

/** Non-overlapping occurrences, choosing at each point the leftmost, then the longest. */
function leftmostLongest<T extends { start: number; end: number }>(items: T[]): T[] {
  items.sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: T[] = [];
  let covered = 0;
  for (const it of items) {
    if (it.start < covered) continue;
    chosen.push(it);
    covered = it.end;
  }
  return chosen;
}

/** Modifiers that do not overlap any chosen word (`words` sorted and non-overlapping). */
function outside(mods: Modifier[], words: Span[]): Modifier[] {
  mods.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Modifier[] = [];
  let j = 0;
  for (const m of mods) {
    while (j < words.length && words[j]!.end <= m.start) j++;
    if (j < words.length && words[j]!.start < m.end) continue;
    kept.push(m);
  }
  return kept;
}

/** Whether a modifier ending at `from` reaches a word starting at `to`: close enough, no punctuation between. */
function reaches(text: string, from: number, to: number, windowChars: number): boolean {
  if (to - from > windowChars) return false;
  for (let i = from; i < to; i++) if (BOUNDARY.has(text[i]!)) return false;
  return true;
}
