import type { Sentiment } from '../core/types';
import type { Lexicon } from './lexicon';
import { normalizeForMatch } from './normalize';
import * as common from './sentiment-common';
import type { ExtraSentimentTerm, SentimentScorer } from './sentiment-common';
import { TermIndexBuilder, type Occurrences } from './term-index';
import { unitsOf } from './unit-buffer';
import { CONCESSION, CONTRAST, EXTRA_ONLY, INTENSIFIER, NEGATOR, NEUTRAL, RHETORICAL, SENTIMENT, Workspace, type Entry, type Kind, type WordInfo } from './sentiment-zh-workspace';

// Read once: under tsx every use of an imported name is a getter call.
const { sentimentOf } = common;

/**
 * Chinese sentiment from a lexicon. The lexicon's words share the scorer's term index with the
 * rules, so the one scan of a text finds them all; then:
 *
 * 1. Sentiment and neutral words compete for the text leftmost-longest, so 「不推」 (a negative
 *    entry) beats 「推」, 「雷射」 (neutral) hides 「雷」, and 「不推薦」 reads as 「不推」+「薦」.
 * 2. Markers inside a chosen word are ignored (the 不 of 「不錯」); the rest — negators,
 *    intensifiers/diminishers, contrast, concession and rhetorical markers — compete
 *    leftmost-longest among themselves (「非常」 beats 「非」, 「不過」 beats 「不」).
 * 3. A negator or intensifier applies to the next sentiment word if at most
 *    `modifierWindowChars` characters separate them and no punctuation does: an odd number of
 *    negators flips the word (× −negationFactor), intensifiers multiply it (product capped at 3).
 * 4. Contrast (但是, 不過, 可是…): in its sentence, words after the marker weigh
 *    × contrastAfter, words before it (or the previous sentence, when the marker opens its
 *    sentence) × contrastBefore. A concession (雖然, 儘管…) weighs its clause × contrastBefore.
 * 5. Questions: a sentence ending in 「?」 (or 嗎/呢) with a rhetorical marker (難道, 這樣也叫…)
 *    is a complaint in disguise — every word in it counts as negative (「這樣也叫專業？」), and
 *    without any word the marker itself counts −rhetoricalWeight; a plain question weighs
 *    × questionFactor (「有人推薦嗎？」 asks, it does not recommend).
 * 6. The sum is squashed with tanh(sum / scale); |score| < neutralBand is neutral.
 *
 * Sentences end at 。!?;… and whitespace (forum posts separate clauses with spaces and line
 * breaks); clauses also end at commas.
 */

/** Method tag on every result of this scorer. */
export const ZH_SENTIMENT_METHOD = 'lexicon-zh@2';

/** The Chinese scorer over a shared term index: compile, build the index, then score. */
export interface ZhSentiment {
  readonly method: string;
  /** Score a normalised text from the occurrences of one scan of the shared index. */
  score(text: string, occ: Occurrences, activeGroups?: ReadonlySet<string>): Sentiment;
  /**
   * The same for a normalised text given as its units, `units[0..length)`, with the positions of
   * its sentence-closing units (see closesSentence) already known: `closers[0..closerCount)`,
   * increasing (the scorer's one pass has both).
   */
  scoreUnits(units: Uint16Array, length: number, occ: Occurrences, closers: Int32Array, closerCount: number, activeGroups?: ReadonlySet<string>): Sentiment;
}

/**
 * Register the lexicon (and rule words) in `builder`. `extras` count only for texts whose
 * active groups include theirs and, when active, override a lexicon meaning of the same word
 * (the first active rule wins).
 */
export function compileZhSentiment(lexicon: Lexicon, extras: readonly ExtraSentimentTerm[], builder: TermIndexBuilder): ZhSentiment {
  const settings = lexicon.settings;
  const byId = new Map<number, Entry>();
  const infos: WordInfo[] = [];
  const info = (weight: number | undefined, term: string, note?: string): WordInfo => {
    const made: WordInfo = { id: infos.length, weight, term, note, notes: [] };
    infos.push(made);
    return made;
  };
  const put = (written: string, kind: Kind, weight = 0, multiplier = 1): Entry | undefined => {
    const norm = normalizeForMatch(written);
    // A word that normalises to nothing can never occur; the loaders report it.
    if (norm === '') return undefined;
    const id = builder.add(norm);
    let e = byId.get(id);
    if (!e) {
      e = { kind, written, weight, multiplier, extras: [], info: undefined };
      byId.set(id, e);
    } else if (e.kind === EXTRA_ONLY && kind !== EXTRA_ONLY) {
      Object.assign(e, { kind, written, weight, multiplier });
    }
    return e;
  };
  for (const w of lexicon.positive) put(w.term, SENTIMENT, w.weight);
  for (const w of lexicon.negative) put(w.term, SENTIMENT, -w.weight);
  for (const w of lexicon.negators) put(w, NEGATOR);
  for (const w of lexicon.intensifiers) put(w.term, INTENSIFIER, 0, w.multiplier);
  for (const w of lexicon.contrast) put(w, CONTRAST);
  for (const w of lexicon.concession) put(w, CONCESSION);
  for (const w of lexicon.rhetorical) put(w, RHETORICAL);
  for (const w of lexicon.neutral) put(w, NEUTRAL);
  for (const x of extras) {
    const magnitude = x.weight ?? settings.ruleTermWeight;
    put(x.term, EXTRA_ONLY)?.extras.push({ group: x.group, info: info(x.polarity === 'positive' ? magnitude : -magnitude, x.term, `規則 ${x.group} 加詞`) });
  }
  const entries: (Entry | undefined)[] = [];
  for (const [id, e] of byId) {
    if (e.kind === SENTIMENT) e.info = info(e.weight, e.written);
    else if (e.kind === NEUTRAL) e.info = info(undefined, e.written);
    else if (e.kind === RHETORICAL) e.info = info(-settings.rhetoricalWeight, e.written);
    entries[id] = e;
  }
  const work = new Workspace(entries, infos, settings);

  return {
    method: ZH_SENTIMENT_METHOD,
    score(text, occ, activeGroups) {
      // The units stay valid through scoring: nothing else reads a text's units meanwhile.
      work.score(unitsOf(text), text.length, occ, activeGroups !== undefined && activeGroups.size > 0 ? activeGroups : undefined, undefined, 0);
      return sentimentOf(ZH_SENTIMENT_METHOD, work.total, work.contributions(), settings.scale, settings.neutralBand);
    },
    scoreUnits(units, length, occ, closers, closerCount, activeGroups) {
      work.score(units, length, occ, activeGroups !== undefined && activeGroups.size > 0 ? activeGroups : undefined, closers, closerCount);
      return sentimentOf(ZH_SENTIMENT_METHOD, work.total, work.contributions(), settings.scale, settings.neutralBand);
    },
  };
}

/** A self-contained scorer (its own index), for tests and callers that only need sentiment. */
export function createZhSentiment(lexicon: Lexicon, extras: readonly ExtraSentimentTerm[] = []): SentimentScorer {
  const builder = new TermIndexBuilder();
  const zh = compileZhSentiment(lexicon, extras, builder);
  const index = builder.build();
  return { method: zh.method, score: (text, activeGroups) => zh.score(text, index.scan(text), activeGroups) };
}
