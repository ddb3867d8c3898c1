import type { Sentiment } from '../core/types';
import { ContributionList, sentimentResult, type ExtraSentimentTerm, type SentimentScorer } from './sentiment-common';

/**
 * English sentiment with `natural`'s AFINN-165 vocabulary. natural's own negation flips every
 * word after a negator up to the end of the text, so words are looked up one at a time and
 * negation is handled here: not / no / never / n't… flips the next sentiment word within three
 * words, never across punctuation. Contrast works as in Chinese: after 「but」/「however」 in a
 * sentence, words weigh × 1.5; before it, × 0.5.
 *
 * No stemmer: AFINN-165 already lists the inflected forms people write (disappointed,
 * disappointing, recommended…), while a stemmed vocabulary keeps one weight per stem — colliding
 * words then share a weight — and costs a stem call per unknown word.
 */

/** Method tag on every result of this scorer. */
export const EN_SENTIMENT_METHOD = 'natural-afinn@2';

export interface EnSentimentOptions {
  /** Rule words (single words or phrases), active per text like the Chinese scorer's. */
  extras?: readonly ExtraSentimentTerm[];
  /** Weight of an extra word without its own (AFINN scale, default 2). */
  ruleTermWeight?: number;
  /** Words allowed between a negator and the word it flips (default 3). */
  negationWindowWords?: number;
  /** Raw sums are squashed with tanh(sum / scale) (default 6: AFINN weights run to ±5). */
  scale?: number;
  /** |score| below this is neutral (default 0.15). */
  neutralBand?: number;
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'neither', 'nor', 'none', 'nobody', 'nothing', 'cannot',
  // Contractions written without the apostrophe, as people do.
  'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'couldnt', 'wont', 'wouldnt',
  'shouldnt', 'havent', 'hasnt', 'hadnt', 'aint',
]);

const INTENSIFIERS = new Map([
  ['very', 1.5], ['really', 1.3], ['extremely', 1.8], ['so', 1.3], ['super', 1.5], ['totally', 1.5], ['absolutely', 1.5],
]);

// Words (letters with inner apostrophes) or clause punctuation (「。」 joins title and body).
const TOKEN = /[a-z0-9]+(?:['’][a-z]+)*|[.,!?;:()。]/g;

const MAX_MULTIPLIER = 3;

/** Contrast markers and their weights, as in the Chinese scorer's defaults. */
const CONTRAST = new Set(['but', 'however', 'yet']);
const CONTRAST_AFTER = 1.5;
const CONTRAST_BEFORE = 0.5;

/** Build the English scorer. natural and its AFINN table load on the first English text and are shared by all scorers. */
export function createEnSentiment(options: EnSentimentOptions = {}): SentimentScorer {
  const window = options.negationWindowWords ?? 3;
  const scale = options.scale ?? 6;
  const neutralBand = options.neutralBand ?? 0.15;
  const defaultWeight = options.ruleTermWeight ?? 2;
  // Extras by first word; phrases are matched as word sequences.
  const extrasByFirst = new Map<string, { words: string[]; group: string; weight: number; written: string }[]>();
  for (const x of options.extras ?? []) {
    const words = x.term.toLowerCase().match(TOKEN)?.filter((w) => !isPunct(w)) ?? [];
    if (words.length === 0) continue;
    const magnitude = x.weight ?? defaultWeight;
    const list = extrasByFirst.get(words[0]!) ?? [];
    list.push({ words, group: x.group, weight: x.polarity === 'positive' ? magnitude : -magnitude, written: x.term });
    extrasByFirst.set(words[0]!, list);
  }

  return {
    method: EN_SENTIMENT_METHOD,
    score(text: string, activeGroups?: ReadonlySet<string>): Sentiment {
      // Lower-casing can only change the tokens through A–Z, İ and the Kelvin sign (checked over
      // every code point); normalised text has none, and then the (costly, for Chinese text)
      // copy is skipped.
      const tokens = (CHANGES_TOKENS.test(text) ? text.toLowerCase() : text).match(TOKEN) ?? [];
      const classes = wordClasses();
      const contributions = new ContributionList();
      // Words found so far, with their sentence, before contrast is applied.
      const found: { term: string; weight: number; notes: string[]; sentence: number; at: number }[] = [];
      const contrasts: { sentence: number; at: number }[] = [];
      let sentence = 0;
      // Pending modifiers: words since they were seen (−1 = none pending).
      let negatedSince = -1;
      let negations = 0;
      let multiplier = 1;
      let intensifiedSince = -1;
      for (let i = 0; i < tokens.length; i++) {
        const tok = tokens[i]!;
        if (isPunct(tok)) {
          if (tok !== ',') sentence++;
          negatedSince = intensifiedSince = -1;
          negations = 0;
          multiplier = 1;
          continue;
        }
        if (negatedSince >= 0 && i - negatedSince > window + 1) {
          negatedSince = -1;
          negations = 0;
        }
        if (intensifiedSince >= 0 && i - intensifiedSince > 1) {
          intensifiedSince = -1;
          multiplier = 1;
        }
        const word = tok.includes('’') ? tok.replace(/’/g, "'") : tok;
        const cls = classes.get(word);
        if (cls?.kind === CONTRAST_WORD) {
          contrasts.push({ sentence, at: i });
          continue;
        }
        if (cls?.kind === NEGATOR_WORD || word.endsWith("n't")) {
          negatedSince = i;
          negations++;
          continue;
        }
        if (cls?.kind === INTENSIFIER_WORD) {
          intensifiedSince = i;
          multiplier = Math.min(multiplier * cls.boost, MAX_MULTIPLIER);
          continue;
        }
        let weight = 0;
        let term = word;
        let note: string | undefined;
        let consumed = 1;
        const extra = activeGroups && activeGroups.size > 0 ? extrasByFirst.get(word)?.find((x) => activeGroups.has(x.group) && x.words.every((w, j) => tokens[i + j] === w)) : undefined;
        if (extra) {
          weight = extra.weight;
          term = extra.written;
          note = `規則 ${extra.group} 加詞`;
          consumed = extra.words.length;
        } else {
          weight = cls === undefined ? 0 : cls.afinn;
        }
        if (weight === 0) continue;
        const flipped = negations % 2 === 1;
        const notes = [flipped ? '否定' : '', multiplier > 1 ? '加強' : '', note ?? ''].filter(Boolean);
        found.push({ term, weight: weight * (flipped ? -1 : 1) * multiplier, notes, sentence, at: i });
        // A modifier applies to one sentiment word only.
        negatedSince = intensifiedSince = -1;
        negations = 0;
        multiplier = 1;
        i += consumed - 1;
      }
      // Contrast (but, however): in its sentence, what follows weighs more, what precedes less.
      for (const f of found) {
        const marks = contrasts.filter((c) => c.sentence === f.sentence);
        let weight = f.weight;
        if (marks.some((c) => c.at < f.at)) {
          weight *= CONTRAST_AFTER;
          f.notes.push('轉折後加重');
        } else if (marks.some((c) => c.at > f.at)) {
          weight *= CONTRAST_BEFORE;
          f.notes.push('轉折前減輕');
        }
        contributions.add(f.term, weight, f.notes.length > 0 ? f.notes.join('、') : undefined);
      }
      return sentimentResult(EN_SENTIMENT_METHOD, contributions, scale, neutralBand);
    },
  };
}

type NaturalSentiment = typeof import('natural/lib/natural/sentiment');
type Analyzer = InstanceType<NaturalSentiment['SentimentAnalyzer']>;

let shared: Analyzer | undefined;

/**
 * natural's analyzer, loaded on the first English text rather than at construction: loading
 * natural and copying AFINN costs ~100 ms that runs with no English mentions never pay.
 * natural is pinned to 8.1.0, the last release whose AFINN table (afinn-165 1.x) is CommonJS;
 * 8.1.1 moved to an ESM-only table that Node 20.18 cannot `require`.
 * The sentiment module is required directly, not the package root: the root also loads natural's
 * storage back-ends, which call dotenv at require time (reading a `.env` from the working
 * directory into process.env and printing to stdout).
 */
function afinn(): Analyzer {
  if (!shared) {
    const natural = require('natural/lib/natural/sentiment') as NaturalSentiment;
    // The constructor copies the ~3 400-word AFINN table; one copy serves every scorer.
    shared = new natural.SentimentAnalyzer('English', undefined, 'afinn');
  }
  return shared;
}

/** Tokens lower-casing could change: see score. */
const CHANGES_TOKENS = /[A-Z\u0130\u212A]/;

const CONTRAST_WORD = 1;
const NEGATOR_WORD = 2;
const INTENSIFIER_WORD = 3;

/** What a word is to the scorer: a contrast marker, a negator, an intensifier (with its boost), or none of these, with its AFINN weight. */
interface WordClass {
  kind: number;
  boost: number;
  afinn: number;
}

let classesCache: Map<string, WordClass> | undefined;

/**
 * Every word the scorer knows, in one map (one lookup per token instead of four): AFINN's
 * vocabulary with the weight natural's `getSentiment([word])` gives it — read from the analyzer's
 * own tables, the same arithmetic, (0 + 1 × weight) / 1, and 0 for its negations — and the
 * contrast markers, negators and intensifiers above, which take precedence in that order.
 */
function wordClasses(): Map<string, WordClass> {
  if (classesCache) return classesCache;
  const { vocabulary, negations } = afinn() as unknown as { vocabulary: Record<string, number | undefined>; negations: string[] };
  const map = new Map<string, WordClass>();
  for (const word of Object.keys(vocabulary)) {
    const weight = vocabulary[word];
    map.set(word, { kind: 0, boost: 1, afinn: negations.includes(word) || weight === undefined ? 0 : (0 + 1 * weight) / 1 });
  }
  const mark = (word: string, kind: number, boost = 1) => map.set(word, { kind, boost, afinn: map.get(word)?.afinn ?? 0 });
  for (const [word, boost] of INTENSIFIERS) mark(word, INTENSIFIER_WORD, boost);
  for (const word of NEGATORS) mark(word, NEGATOR_WORD);
  for (const word of CONTRAST) mark(word, CONTRAST_WORD);
  classesCache = map;
  return map;
}

function isPunct(tok: string): boolean {
  return tok.length === 1 && '.,!?;:()。'.includes(tok);
}
