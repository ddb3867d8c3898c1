// Frozen copy of src/text/sentiment-zh.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
import type { Sentiment } from '../../../src/core/types';
import type { Lexicon } from '../../../src/text/lexicon';
import { normalizeForMatch } from './normalize';
import { ContributionList, sentimentResult, type ExtraSentimentTerm, type SentimentScorer } from './sentiment-common';
import { TermIndexBuilder, type Occurrences } from './term-index';

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

const SENTIMENT = 0;
const NEUTRAL = 1;
const NEGATOR = 2;
const INTENSIFIER = 3;
/** Only rule extras use this normalised form. */
const EXTRA_ONLY = 4;
const CONTRAST = 5;
const CONCESSION = 6;
const RHETORICAL = 7;
type Kind = typeof SENTIMENT | typeof NEUTRAL | typeof NEGATOR | typeof INTENSIFIER | typeof EXTRA_ONLY | typeof CONTRAST | typeof CONCESSION | typeof RHETORICAL;

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

interface Marker {
  start: number;
  end: number;
  kind: Kind;
  multiplier: number;
  /** As written in the lexicon. */
  term: string;
}

// Clause punctuation (half-width forms included: NFKC has already folded the full-width ones).
const BOUNDARY = codeSet('，。！？、；：,.!?;:…~～「」『』()（）【】[]<>《》"“”‘’|/');
// Sentence ends; whitespace too (see the file comment).
const SENTENCE_END = codeSet('。.!?;…~～ ');

/** Membership table over BMP code units (a Set of strings costs a string per character checked). */
function codeSet(chars: string): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

/** The Chinese scorer over a shared term index: compile, build the index, then score. */
export interface ZhSentiment {
  readonly method: string;
  /** Score a normalised text from the occurrences of one scan of the shared index. */
  score(text: string, occ: Occurrences, activeGroups?: ReadonlySet<string>): Sentiment;
}

/**
 * Register the lexicon (and rule words) in `builder`. `extras` count only for texts whose
 * active groups include theirs and, when active, override a lexicon meaning of the same word
 * (the first active rule wins).
 */
export function compileZhSentiment(lexicon: Lexicon, extras: readonly ExtraSentimentTerm[], builder: TermIndexBuilder): ZhSentiment {
  const settings = lexicon.settings;
  const byId = new Map<number, Entry>();
  const put = (written: string, kind: Kind, weight = 0, multiplier = 1): Entry | undefined => {
    const norm = normalizeForMatch(written);
    // A word that normalises to nothing can never occur; the loaders report it.
    if (norm === '') return undefined;
    const id = builder.add(norm);
    let e = byId.get(id);
    if (!e) {
      e = { kind, written, weight, multiplier, extras: [] };
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
    put(x.term, EXTRA_ONLY)?.extras.push({ group: x.group, weight: x.polarity === 'positive' ? magnitude : -magnitude, written: x.term });
  }
  const entries: (Entry | undefined)[] = [];
  for (const [id, e] of byId) entries[id] = e;

  return {
    method: ZH_SENTIMENT_METHOD,
    score(text, occ, activeGroups) {
      const spans: Span[] = [];
      const markers: Marker[] = [];
      for (let k = 0; k < occ.length; k++) {
        const e = entries[occ.term[k]!];
        if (!e) continue;
        const start = occ.start[k]!;
        const end = occ.end[k]!;
        const extra = activeGroups && activeGroups.size > 0 ? e.extras.find((x) => activeGroups.has(x.group)) : undefined;
        if (extra) spans.push({ start, end, weight: extra.weight, term: extra.written, note: `規則 ${extra.group} 加詞` });
        else if (e.kind === SENTIMENT) spans.push({ start, end, weight: e.weight, term: e.written });
        else if (e.kind === NEUTRAL) spans.push({ start, end, term: e.written });
        else if (e.kind !== EXTRA_ONLY) markers.push({ start, end, kind: e.kind, multiplier: e.multiplier, term: e.written });
      }
      const chosen = leftmostLongest(spans);
      const words = chosen.filter((w) => w.weight !== undefined);
      if (words.length === 0 && !markers.some((m) => m.kind === RHETORICAL)) return sentimentResult(ZH_SENTIMENT_METHOD, new ContributionList(), settings.scale, settings.neutralBand);
      const marks = leftmostLongest(outside(markers, chosen));
      const sentences = splitSentences(text);
      return sentimentResult(ZH_SENTIMENT_METHOD, weigh(text, words, marks, markers, sentences, settings), settings.scale, settings.neutralBand);
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

interface Sentence {
  start: number;
  /** Exclusive; the terminating punctuation is not inside. */
  end: number;
  question: boolean;
}

function weigh(text: string, words: Span[], marks: Marker[], allMarkers: Marker[], sentences: Sentence[], settings: Lexicon['settings']): ContributionList {
  const { modifierWindowChars, negationFactor, contrastBefore, contrastAfter, questionFactor } = settings;
  const contributions = new ContributionList();
  const contrasts = marks.filter((m) => m.kind === CONTRAST);
  const concessions = marks.filter((m) => m.kind === CONCESSION);
  // Rhetorical markers may contain a sentiment word (「合理嗎」, 「誰要負責」): both count.
  const rhetorical = leftmostLongest(allMarkers.filter((m) => m.kind === RHETORICAL));
  const modifiers = marks.filter((m) => m.kind === NEGATOR || m.kind === INTENSIFIER);
  let k = 0;
  for (const w of words) {
    let negators = 0;
    let multiplier = 1;
    for (; k < modifiers.length && modifiers[k]!.end <= w.start; k++) {
      const m = modifiers[k]!;
      if (!reaches(text, m.end, w.start, modifierWindowChars)) continue;
      if (m.kind === NEGATOR) negators++;
      else multiplier *= m.multiplier;
    }
    multiplier = Math.min(multiplier, MAX_MULTIPLIER);
    const flipped = negators % 2 === 1;
    const notes: string[] = [];
    if (flipped) notes.push('否定');
    else if (negators > 0) notes.push('雙重否定');
    if (multiplier > 1) notes.push('加強');
    else if (multiplier < 1) notes.push('減弱');
    let weight = w.weight! * (flipped ? -negationFactor : 1) * multiplier;

    const s = sentenceOf(sentences, w.start);
    const side = contrastSide(w, s, sentences, contrasts, concessions, text);
    if (side === 'after') {
      weight *= contrastAfter;
      notes.push('轉折後加重');
    } else if (side === 'before') {
      weight *= contrastBefore;
      notes.push('轉折前減輕');
    }
    const sentence = s >= 0 ? sentences[s]! : undefined;
    if (sentence?.question) {
      if (rhetorical.some((m) => m.start >= sentence.start && m.end <= sentence.end)) {
        // A rhetorical question states the opposite of its praise: 「這樣也叫專業？」. Negative
        // words keep their weight (and need no note).
        if (weight > 0) {
          weight = -weight * negationFactor;
          notes.push('反問');
        }
      } else {
        weight *= questionFactor;
        notes.push('疑問');
      }
    }
    if (w.note) notes.push(w.note);
    contributions.add(w.term, weight, notes.length > 0 ? notes.join('、') : undefined);
  }
  // A rhetorical question with no sentiment word still accuses: 「難道病人的時間不是時間嗎？」.
  for (const sentence of sentences) {
    if (!sentence.question) continue;
    const marker = rhetorical.find((m) => m.start >= sentence.start && m.end <= sentence.end);
    if (!marker || words.some((w) => w.start >= sentence.start && w.end <= sentence.end)) continue;
    contributions.add(marker.term, -settings.rhetoricalWeight, '反問');
  }
  return contributions;
}

/**
 * `after` for a word after a contrast marker in its sentence; `before` for one before it (or in
 * the previous sentence when the marker opens the next one) or in a concession clause (雖然…，).
 * After wins when both apply: 「雖然便宜，但是很痛」 weighs 痛 up.
 */
function contrastSide(w: Span, s: number, sentences: Sentence[], contrasts: Marker[], concessions: Marker[], text: string): 'after' | 'before' | undefined {
  if (s < 0) return undefined;
  const sentence = sentences[s]!;
  let after = false;
  let before = false;
  for (const m of contrasts) {
    if (m.start >= sentence.start && m.end <= sentence.end) {
      if (m.end <= w.start) after = true;
      else if (m.start >= w.end) before = true;
    } else if (s + 1 < sentences.length) {
      // A marker opening the next sentence turns this whole sentence into the weaker side.
      const next = sentences[s + 1]!;
      if (m.start === next.start) before = true;
    }
  }
  if (after) return 'after';
  for (const m of concessions) {
    if (m.start >= sentence.start && m.end <= w.start && !hasClauseBreak(text, m.end, w.start)) before = true;
  }
  return before ? 'before' : undefined;
}

function hasClauseBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text[i] === ',' || text[i] === '，') return true;
  return false;
}

/** Index of the sentence containing offset `at`, or -1. */
function sentenceOf(sentences: Sentence[], at: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid]!;
    if (at < s.start) hi = mid - 1;
    else if (at >= s.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Sentences of a normalised text; a sentence is a question when its closing run has 「?」 or it ends in 嗎/呢. */
function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  let i = 0;
  while (i <= text.length) {
    if (i < text.length && SENTENCE_END[text.charCodeAt(i)] === 0) {
      i++;
      continue;
    }
    let j = i;
    let question = false;
    while (j < text.length && SENTENCE_END[text.charCodeAt(j)] === 1) {
      if (text.charCodeAt(j) === 0x3f) question = true;
      j++;
    }
    if (i > start) {
      const last = text[i - 1];
      out.push({ start, end: i, question: question || last === '嗎' || last === '呢' });
    }
    start = j;
    i = j === i ? i + 1 : j;
  }
  return out;
}

/** Non-overlapping occurrences, choosing at each point the leftmost, then the longest. */
function leftmostLongest<T extends { start: number; end: number }>(items: T[]): T[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: T[] = [];
  let covered = 0;
  for (const it of sorted) {
    if (it.start < covered) continue;
    chosen.push(it);
    covered = it.end;
  }
  return chosen;
}

/** Markers that do not overlap any chosen word (`words` sorted and non-overlapping). */
function outside(markers: Marker[], words: Span[]): Marker[] {
  const sorted = [...markers].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Marker[] = [];
  let j = 0;
  for (const m of sorted) {
    while (j < words.length && words[j]!.end <= m.start) j++;
    if (j < words.length && words[j]!.start < m.end) continue;
    kept.push(m);
  }
  return kept;
}

/** Whether a modifier ending at `from` reaches a word starting at `to`: close enough, no punctuation between. */
function reaches(text: string, from: number, to: number, windowChars: number): boolean {
  if (to - from > windowChars) return false;
  for (let i = from; i < to; i++) if (BOUNDARY[text.charCodeAt(i)] === 1) return false;
  return true;
}
