import type { SentimentContribution } from '../core/types';
import type { Lexicon } from './lexicon';
import * as common from './sentiment-common';
import type { Occurrences } from './term-index';

/**
 * The per-text steps of the Chinese sentiment scorer (the rules are listed in sentiment-zh.ts, which
 * compiles the lexicon into the entries used here): the kinds of lexicon entries, the sentence and
 * clause punctuation, and the Workspace that scores one text at a time. The constants and helpers
 * stay in this module with the class: its loops read them as module constants.
 */

// Read once: under tsx every use of an imported name is a getter call, paid per contribution here.
const { roundedWeight } = common;

export const SENTIMENT = 0;
export const NEUTRAL = 1;
export const NEGATOR = 2;
export const INTENSIFIER = 3;
/** Only rule extras use this normalised form. */
export const EXTRA_ONLY = 4;
export const CONTRAST = 5;
export const CONCESSION = 6;
export const RHETORICAL = 7;
export type Kind = typeof SENTIMENT | typeof NEUTRAL | typeof NEGATOR | typeof INTENSIFIER | typeof EXTRA_ONLY | typeof CONTRAST | typeof CONCESSION | typeof RHETORICAL;

const MAX_MULTIPLIER = 3;

/**
 * Something that can contribute to a text's sentiment — a sentiment word of the lexicon, a rule's
 * extra word, a rhetorical marker accusing on its own — as a text refers to it: one object per
 * lexicon entry or rule word, shared by all its occurrences, so scoring allocates nothing per
 * occurrence.
 */
export interface WordInfo {
  /** Dense number (per scorer), indexing the per-text contribution slots. */
  id: number;
  /** Signed weight; undefined for a neutral (masking) word. */
  weight: number | undefined;
  /** As written (shown in contributions). */
  term: string;
  /** Why the word counts, for a rule's extra word (`規則 <id> 加詞`). */
  note: string | undefined;
  /** Joined notes by note code (see noteFor), filled on first use. */
  notes: (string | undefined)[];
}

export interface Entry {
  kind: Kind;
  /** Spelling in the lexicon file (shown in contributions). */
  written: string;
  /** Signed weight of a sentiment word. */
  weight: number;
  /** Factor of an intensifier. */
  multiplier: number;
  /** Rule words with this normalised form, in construction order. */
  extras: { group: string; info: WordInfo }[];
  /** The entry as a word (sentiment and neutral kinds) or, for a rhetorical marker, as the accusation it makes alone. */
  info: WordInfo | undefined;
}

// Clause punctuation (half-width forms included: NFKC has already folded the full-width ones).
const BOUNDARY = codeSet('，。！？、；：,.!?;:…~～「」『』()（）【】[]<>《》"“”‘’|/');
// Sentence ends; whitespace too (see the rules in sentiment-zh.ts).
const SENTENCE_END = codeSet('。.!?;…~～ ');

/** Membership table over BMP code units (a Set of strings costs a string per character checked). */
function codeSet(chars: string): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

/** Whether a unit of normalised text closes sentences (see the rules in sentiment-zh.ts). */
export function closesSentence(unit: number): boolean {
  return SENTENCE_END[unit] === 1;
}

/**
 * Per-scorer scratch space: every list a text needs, kept between texts (scoring is synchronous),
 * so a text costs its result objects and little else. The steps are the ones sentiment-zh.ts
 * lists. Lists are typed arrays of numbers — spans, info ids, term ids — sized for the text before
 * the steps run, and each step reads them into locals: a list object per step, an object per
 * span or a growth check per write each cost more than the step's own work.
 */
export class Workspace {
  // Words (sentiment and neutral ones, and rule words in force) and markers, in occurrence order:
  // span, and the info id (words) or term id (markers).
  private wordStart = new Int32Array(64);
  private wordEnd = new Int32Array(64);
  private wordInfo = new Int32Array(64);
  private wordCount = 0;
  private markerStart = new Int32Array(64);
  private markerEnd = new Int32Array(64);
  private markerTerm = new Int32Array(64);
  private markerCount = 0;
  /** Indices by start (words, then markers: one list serves both in turn). */
  private order = new Int32Array(64);
  /** Words and neutral words chosen leftmost-longest (indices into the words), and those of them that carry a weight. */
  private chosen = new Int32Array(64);
  private chosenCount = 0;
  private weighted = new Int32Array(64);
  private weightedCount = 0;
  // Markers outside the chosen words, chosen leftmost-longest among themselves (indices into the
  // markers), by kind; and the rhetorical markers chosen among all markers (they may overlap
  // words: 「合理嗎」).
  private contrasts = new Int32Array(64);
  private contrastCount = 0;
  private concessions = new Int32Array(64);
  private concessionCount = 0;
  private modifiers = new Int32Array(64);
  private modifierCount = 0;
  private rhetorical = new Int32Array(64);
  private rhetoricalCount = 0;
  /** Sentence s is [sentenceStart[s], sentenceEnd[s]) (terminating punctuation outside); question[s] 1 or 0. */
  private sentenceStart = new Int32Array(64);
  private sentenceEnd = new Int32Array(64);
  private question = new Uint8Array(64);
  private sentenceCount = 0;
  /** Positions of the sentence-closing units, when splitSentences finds them itself. */
  private closerScratch = new Int32Array(64);
  // What weigh asks of every word's sentence, found once per text (see prepareSentences): per
  // sentence s, the smallest end and the largest start of the contrast markers inside it (none:
  // NO_END / -1), whether a contrast marker opens sentence s + 1, and the first rhetorical marker
  // inside it (-1: none).
  private firstContrastEnd = new Int32Array(64);
  private lastContrastStart = new Int32Array(64);
  private opensNext = new Uint8Array(64);
  private firstRhetorical = new Int32Array(64);
  // Contributions in first-seen order. Within one text a word (info id) and its note code say
  // exactly what the term and note strings would, so they key the sums: slotStamp/firstSlot find
  // a word's first slot (stamped with the text's generation, so nothing is cleared between texts),
  // nextSlot chains its slots with other notes.
  private slotInfo = new Int32Array(64);
  private slotCode = new Int32Array(64);
  private slotWeight = new Float64Array(64);
  private nextSlot = new Int32Array(64);
  private slotCount = 0;
  private readonly slotStamp: Int32Array;
  private readonly firstSlot: Int32Array;
  private generation = 0;
  /** Raw sum of the contributions, in first-seen order. */
  total = 0;

  /** Per term id: ROLE_NONE (no sentiment meaning: most rule terms), ROLE_WORD, ROLE_MARKER (neither with rule words), ROLE_OTHER. */
  private readonly roles: Uint8Array;
  /** Per term id: the info of a ROLE_WORD term; the kind and (intensifiers) the factor of an entry. */
  private readonly wordInfoOf: Int32Array;
  private readonly kindOf: Uint8Array;
  private readonly multiplierOf: Float64Array;
  /** Per info id: its weight (NaN: a neutral word, which masks but weighs nothing). */
  private readonly infoWeight: Float64Array;

  constructor(
    private readonly entries: readonly (Entry | undefined)[],
    private readonly infos: readonly WordInfo[],
    private readonly settings: Lexicon['settings'],
  ) {
    this.slotStamp = new Int32Array(infos.length);
    this.firstSlot = new Int32Array(infos.length);
    this.infoWeight = Float64Array.from(infos, (w) => (w.weight === undefined ? NaN : w.weight));
    this.roles = new Uint8Array(entries.length);
    this.wordInfoOf = new Int32Array(entries.length);
    this.kindOf = new Uint8Array(entries.length);
    this.multiplierOf = new Float64Array(entries.length);
    entries.forEach((e, id) => {
      if (!e) return;
      const word = e.kind === SENTIMENT || e.kind === NEUTRAL;
      this.roles[id] = e.extras.length > 0 ? ROLE_OTHER : word ? ROLE_WORD : e.kind === EXTRA_ONLY ? ROLE_OTHER : ROLE_MARKER;
      this.wordInfoOf[id] = word ? e.info!.id : -1;
      this.kindOf[id] = e.kind;
      this.multiplierOf[id] = e.multiplier;
    });
  }

  /** Make every list fit a text with `occurrences` occurrences and at most `sentences` sentences. */
  private fit(occurrences: number, sentences: number): void {
    if (this.wordStart.length < occurrences) {
      const size = Math.max(occurrences, this.wordStart.length * 2);
      this.wordStart = new Int32Array(size);
      this.wordEnd = new Int32Array(size);
      this.wordInfo = new Int32Array(size);
      this.markerStart = new Int32Array(size);
      this.markerEnd = new Int32Array(size);
      this.markerTerm = new Int32Array(size);
      this.order = new Int32Array(size);
      this.chosen = new Int32Array(size);
      this.weighted = new Int32Array(size);
      this.contrasts = new Int32Array(size);
      this.concessions = new Int32Array(size);
      this.modifiers = new Int32Array(size);
      this.rhetorical = new Int32Array(size);
    }
    // A slot per weighted word, and per rhetorical question without one.
    const slots = occurrences + sentences;
    if (this.slotInfo.length < slots) {
      const size = Math.max(slots, this.slotInfo.length * 2);
      this.slotInfo = new Int32Array(size);
      this.slotCode = new Int32Array(size);
      this.slotWeight = new Float64Array(size);
      this.nextSlot = new Int32Array(size);
    }
    if (this.sentenceStart.length < sentences) {
      const size = Math.max(sentences, this.sentenceStart.length * 2);
      this.sentenceStart = new Int32Array(size);
      this.sentenceEnd = new Int32Array(size);
      this.question = new Uint8Array(size);
      this.firstContrastEnd = new Int32Array(size);
      this.lastContrastStart = new Int32Array(size);
      this.opensNext = new Uint8Array(size);
      this.firstRhetorical = new Int32Array(size);
    }
  }

  /** Score the normalised text `units[0..n)` (see ZhSentiment): total and contributions stay here. */
  score(units: Uint16Array, n: number, occ: Occurrences, activeGroups: ReadonlySet<string> | undefined, closers: Int32Array | undefined, closerCount: number): void {
    this.generation++;
    this.slotCount = 0;
    this.total = 0;
    // At most one sentence per closing unit, and one after the last (a unit each, when unknown).
    this.fit(occ.length, (closers === undefined ? n : closerCount) + 1);
    const { entries, roles, wordInfoOf, kindOf, wordStart, wordEnd, wordInfo, markerStart, markerEnd, markerTerm } = this;
    const { term, start, end } = occ;
    let words = 0;
    let markers = 0;
    let rhetoricalSeen = false;
    for (let k = 0; k < occ.length; k++) {
      const id = term[k]!;
      // Ids past the lexicon's belong to terms registered later, never to sentiment words.
      const role = id < roles.length ? roles[id]! : ROLE_NONE;
      if (role === ROLE_NONE) continue;
      if (role === ROLE_WORD) {
        wordStart[words] = start[k]!;
        wordEnd[words] = end[k]!;
        wordInfo[words] = wordInfoOf[id]!;
        words++;
        continue;
      }
      if (role === ROLE_MARKER) {
        markerStart[markers] = start[k]!;
        markerEnd[markers] = end[k]!;
        markerTerm[markers] = id;
        markers++;
        if (kindOf[id] === RHETORICAL) rhetoricalSeen = true;
        continue;
      }
      // A term with rule words: the first one in force wins over the lexicon's meaning.
      const e = entries[id]!;
      let info: WordInfo | undefined;
      if (activeGroups !== undefined) {
        for (const x of e.extras) {
          if (activeGroups.has(x.group)) {
            info = x.info;
            break;
          }
        }
      }
      if (info !== undefined || e.kind === SENTIMENT || e.kind === NEUTRAL) {
        wordStart[words] = start[k]!;
        wordEnd[words] = end[k]!;
        wordInfo[words] = (info ?? e.info!).id;
        words++;
      } else if (e.kind !== EXTRA_ONLY) {
        markerStart[markers] = start[k]!;
        markerEnd[markers] = end[k]!;
        markerTerm[markers] = id;
        markers++;
        if (e.kind === RHETORICAL) rhetoricalSeen = true;
      }
    }
    this.wordCount = words;
    this.markerCount = markers;
    this.chooseWords();
    if (this.weightedCount === 0 && !rhetoricalSeen) return;
    this.chooseMarkers();
    this.splitSentences(units, n, closers, closerCount);
    this.prepareSentences();
    this.weigh(units);
    // Summed as the contributions stand, in first-seen order (the order of the additions matters to the last bit).
    const { slotWeight, slotCount } = this;
    let total = 0;
    for (let slot = 0; slot < slotCount; slot++) total += slotWeight[slot]!;
    this.total = total;
  }

  /** The contributions of the last text, rounded, in first-seen order. */
  contributions(): SentimentContribution[] {
    const { slotInfo, slotCode, slotWeight, slotCount, infos } = this;
    const out: SentimentContribution[] = new Array(slotCount);
    for (let slot = 0; slot < slotCount; slot++) {
      const info = infos[slotInfo[slot]!]!;
      const note = noteFor(info, slotCode[slot]!);
      const weight = roundedWeight(slotWeight[slot]!);
      out[slot] = note === undefined ? { term: info.term, weight } : { term: info.term, weight, note };
    }
    return out;
  }

  /** Add `weight` to the contribution of info `id` with note `code` (a new one when first seen). */
  private contribute(id: number, code: number, weight: number): void {
    const { slotCode, nextSlot } = this;
    let slot = this.slotStamp[id] === this.generation ? this.firstSlot[id]! : -1;
    let last = -1;
    while (slot >= 0) {
      if (slotCode[slot] === code) {
        this.slotWeight[slot] += weight;
        return;
      }
      last = slot;
      slot = nextSlot[slot]!;
    }
    slot = this.slotCount++;
    this.slotInfo[slot] = id;
    slotCode[slot] = code;
    nextSlot[slot] = -1;
    this.slotWeight[slot] = weight;
    if (last >= 0) nextSlot[last] = slot;
    else {
      this.slotStamp[id] = this.generation;
      this.firstSlot[id] = slot;
    }
  }

  /** Words by start, leftmost-longest; the chosen ones that carry a weight. */
  private chooseWords(): void {
    const { wordStart, wordEnd, wordInfo, order, chosen, weighted, infoWeight } = this;
    const n = this.wordCount;
    sortByStart(wordStart, wordEnd, n, order);
    let chosenCount = 0;
    let weightedCount = 0;
    let covered = 0;
    for (let o = 0; o < n; o++) {
      const i = order[o]!;
      if (wordStart[i]! < covered) continue;
      chosen[chosenCount++] = i;
      covered = wordEnd[i]!;
      // A neutral word (NaN) masks what it covers and weighs nothing.
      if (infoWeight[wordInfo[i]!] === infoWeight[wordInfo[i]!]) weighted[weightedCount++] = i;
    }
    this.chosenCount = chosenCount;
    this.weightedCount = weightedCount;
  }

  /**
   * Markers that overlap no chosen word, leftmost-longest among themselves, split by kind; and
   * the rhetorical markers leftmost-longest among all of them.
   */
  private chooseMarkers(): void {
    const { wordStart, wordEnd, markerStart, markerEnd, markerTerm, order, chosen, contrasts, concessions, modifiers, rhetorical, kindOf } = this;
    const chosenCount = this.chosenCount;
    const n = this.markerCount;
    sortByStart(markerStart, markerEnd, n, order);
    let contrastCount = 0;
    let concessionCount = 0;
    let modifierCount = 0;
    let rhetoricalCount = 0;
    let j = 0;
    let covered = 0;
    let coveredRhetorical = 0;
    for (let o = 0; o < n; o++) {
      const m = order[o]!;
      const start = markerStart[m]!;
      const end = markerEnd[m]!;
      const kind = kindOf[markerTerm[m]!]!;
      if (kind === RHETORICAL && start >= coveredRhetorical) {
        rhetorical[rhetoricalCount++] = m;
        coveredRhetorical = end;
      }
      while (j < chosenCount && wordEnd[chosen[j]!]! <= start) j++;
      if (j < chosenCount && wordStart[chosen[j]!]! < end) continue;
      if (start < covered) continue;
      covered = end;
      if (kind === CONTRAST) contrasts[contrastCount++] = m;
      else if (kind === CONCESSION) concessions[concessionCount++] = m;
      else if (kind === NEGATOR || kind === INTENSIFIER) modifiers[modifierCount++] = m;
    }
    this.contrastCount = contrastCount;
    this.concessionCount = concessionCount;
    this.modifierCount = modifierCount;
    this.rhetoricalCount = rhetoricalCount;
  }

  /**
   * Sentences of a normalised text; a sentence is a question when its closing run has 「?」 or it
   * ends in 嗎/呢. From the positions of its sentence-closing units (increasing), when the
   * scorer's one pass has recorded them; otherwise they are found here first.
   */
  private splitSentences(units: Uint16Array, n: number, known: Int32Array | undefined, knownCount: number): void {
    let closers = known;
    let count = knownCount;
    if (closers === undefined) {
      if (this.closerScratch.length < n) this.closerScratch = new Int32Array(Math.max(n, this.closerScratch.length * 2));
      const found = this.closerScratch;
      count = 0;
      for (let i = 0; i < n; i++) if (SENTENCE_END[units[i]!] === 1) found[count++] = i;
      closers = found;
    }
    const { sentenceStart: starts, sentenceEnd: ends, question: asking } = this;
    let sentences = 0;
    let start = 0;
    for (let r = 0; r < count; ) {
      // A closing run [i, j): consecutive closing units.
      const i = closers[r]!;
      let j = i;
      let asks = 0;
      while (r < count && closers[r] === j) {
        if (units[j] === 0x3f) asks = 1; // ?
        j++;
        r++;
      }
      if (i > start) {
        starts[sentences] = start;
        ends[sentences] = i;
        asking[sentences] = asks === 1 || endsInQuestionWord(units, i) ? 1 : 0;
        sentences++;
      }
      start = j;
    }
    if (n > start) {
      starts[sentences] = start;
      ends[sentences] = n;
      asking[sentences] = endsInQuestionWord(units, n) ? 1 : 0;
      sentences++;
    }
    this.sentenceCount = sentences;
  }

  /**
   * The per-sentence facts weigh needs (see the fields): one walk over the contrast and rhetorical
   * markers (in text order) and the sentences, instead of a walk over the markers per word. A
   * marker is inside a sentence when it starts and ends within it.
   */
  private prepareSentences(): void {
    const { markerStart, markerEnd, contrasts, rhetorical, sentenceStart: starts, sentenceEnd: ends, firstContrastEnd, lastContrastStart, opensNext, firstRhetorical } = this;
    const sentences = this.sentenceCount;
    firstContrastEnd.fill(NO_END, 0, sentences);
    lastContrastStart.fill(-1, 0, sentences);
    opensNext.fill(0, 0, sentences);
    firstRhetorical.fill(-1, 0, sentences);
    // Sentences are in text order and disjoint; so are the chosen contrast markers.
    let t = 0;
    for (let c = 0; c < this.contrastCount; c++) {
      const m = contrasts[c]!;
      const mStart = markerStart[m]!;
      const mEnd = markerEnd[m]!;
      while (t < sentences && ends[t]! <= mStart) t++;
      if (t === sentences) break;
      if (starts[t]! <= mStart && mEnd <= ends[t]!) {
        if (mEnd < firstContrastEnd[t]!) firstContrastEnd[t] = mEnd;
        if (mStart > lastContrastStart[t]!) lastContrastStart[t] = mStart;
      }
      // A marker opening sentence t turns the sentence before it into the weaker side.
      if (t > 0 && starts[t] === mStart) opensNext[t - 1] = 1;
    }
    // Rhetorical markers do not overlap each other, and come in text order.
    t = 0;
    for (let r = 0; r < this.rhetoricalCount; r++) {
      const m = rhetorical[r]!;
      const mStart = markerStart[m]!;
      while (t < sentences && ends[t]! <= mStart) t++;
      if (t === sentences) break;
      if (starts[t]! <= mStart && markerEnd[m]! <= ends[t]! && firstRhetorical[t] === -1) firstRhetorical[t] = m;
    }
  }

  private weigh(units: Uint16Array): void {
    const { modifierWindowChars, negationFactor, contrastBefore, contrastAfter, questionFactor } = this.settings;
    const { wordStart, wordEnd, wordInfo, markerEnd, markerTerm, weighted, modifiers, sentenceStart, sentenceEnd, question, firstRhetorical, kindOf, multiplierOf, infoWeight } = this;
    const sentences = this.sentenceCount;
    const modifierCount = this.modifierCount;
    let k = 0;
    // Words come in text order: the sentence holding each is found by walking forward.
    let s = 0;
    for (let x = 0; x < this.weightedCount; x++) {
      const w = weighted[x]!;
      const wStart = wordStart[w]!;
      const wEnd = wordEnd[w]!;
      const id = wordInfo[w]!;
      let negators = 0;
      let multiplier = 1;
      for (; k < modifierCount && markerEnd[modifiers[k]!]! <= wStart; k++) {
        const m = modifiers[k]!;
        if (!reaches(units, markerEnd[m]!, wStart, modifierWindowChars)) continue;
        const term = markerTerm[m]!;
        if (kindOf[term] === NEGATOR) negators++;
        else multiplier *= multiplierOf[term]!;
      }
      multiplier = Math.min(multiplier, MAX_MULTIPLIER);
      const flipped = negators % 2 === 1;
      let code = flipped ? NOTE_NEGATED : negators > 0 ? NOTE_DOUBLE_NEGATED : 0;
      if (multiplier > 1) code += NOTE_INTENSIFIED;
      else if (multiplier < 1) code += NOTE_WEAKENED;
      let weight = infoWeight[id]! * (flipped ? -negationFactor : 1) * multiplier;

      while (s < sentences && sentenceEnd[s]! <= wStart) s++;
      // -1 when the word starts in a closing run (between sentences).
      const sentence = s < sentences && sentenceStart[s]! <= wStart ? s : -1;
      const side = this.contrastSide(wStart, wEnd, sentence, units);
      if (side === AFTER) {
        weight *= contrastAfter;
        code += NOTE_AFTER_CONTRAST;
      } else if (side === BEFORE) {
        weight *= contrastBefore;
        code += NOTE_BEFORE_CONTRAST;
      }
      if (sentence >= 0 && question[sentence] === 1) {
        if (firstRhetorical[sentence]! >= 0) {
          // A rhetorical question states the opposite of its praise: 「這樣也叫專業？」. Negative
          // words keep their weight (and need no note).
          if (weight > 0) {
            weight = -weight * negationFactor;
            code += NOTE_RHETORICAL;
          }
        } else {
          weight *= questionFactor;
          code += NOTE_QUESTION;
        }
      }
      this.contribute(id, code, weight);
    }
    // A rhetorical question with no sentiment word still accuses: 「難道病人的時間不是時間嗎？」.
    if (this.rhetoricalCount === 0) return;
    for (let q = 0; q < sentences; q++) {
      if (question[q] === 0) continue;
      const marker = firstRhetorical[q]!;
      if (marker < 0 || this.hasWeightedWordIn(q)) continue;
      const info = this.entries[markerTerm[marker]!]!.info!;
      this.contribute(info.id, NOTE_RHETORICAL, info.weight!);
    }
  }

  private hasWeightedWordIn(s: number): boolean {
    const { wordStart, wordEnd, weighted } = this;
    const from = this.sentenceStart[s]!;
    const to = this.sentenceEnd[s]!;
    for (let x = 0; x < this.weightedCount; x++) {
      const w = weighted[x]!;
      if (wordStart[w]! >= from && wordEnd[w]! <= to) return true;
    }
    return false;
  }

  /**
   * AFTER for a word after a contrast marker in its sentence; BEFORE for one before it (or in
   * the previous sentence when the marker opens the next one) or in a concession clause (雖然…，).
   * After wins when both apply: 「雖然便宜，但是很痛」 weighs 痛 up.
   */
  private contrastSide(wStart: number, wEnd: number, s: number, units: Uint16Array): number {
    if (s < 0) return 0;
    if (this.firstContrastEnd[s]! <= wStart) return AFTER;
    let before = this.lastContrastStart[s]! >= wEnd || this.opensNext[s] === 1;
    if (!before && this.concessionCount > 0) {
      const { markerStart, markerEnd, concessions } = this;
      const from = this.sentenceStart[s]!;
      for (let c = 0; c < this.concessionCount; c++) {
        const m = concessions[c]!;
        if (markerStart[m]! >= from && markerEnd[m]! <= wStart && !hasClauseBreak(units, markerEnd[m]!, wStart)) before = true;
      }
    }
    return before ? BEFORE : 0;
  }
}

const AFTER = 1;
const BEFORE = 2;
/** No contrast marker ends in the sentence (greater than any offset). */
const NO_END = 0x7fffffff;

const ROLE_NONE = 0;
const ROLE_WORD = 1;
const ROLE_MARKER = 2;
const ROLE_OTHER = 3;

/** Whether the sentence ending at `end` ends in 嗎 or 呢. */
function endsInQuestionWord(units: Uint16Array, end: number): boolean {
  const last = units[end - 1]!;
  return last === 0x55ce || last === 0x5462;
}

// A word's notes as one number: a base-3 digit per kind of note, in the order they are written
// (negation, strength, contrast, question); the word's own note (a rule's) comes last.
const NOTE_NEGATED = 1;
const NOTE_DOUBLE_NEGATED = 2;
const NOTE_INTENSIFIED = 3;
const NOTE_WEAKENED = 6;
const NOTE_AFTER_CONTRAST = 9;
const NOTE_BEFORE_CONTRAST = 18;
const NOTE_RHETORICAL = 27;
const NOTE_QUESTION = 54;
const NOTE_WORDS: readonly (readonly string[])[] = [
  ['', '否定', '雙重否定'],
  ['', '加強', '減弱'],
  ['', '轉折後加重', '轉折前減輕'],
  ['', '反問', '疑問'],
];

/** The note shown for a word with note code `code`: the notes joined by 「、」 (cached on the word), or undefined for none. */
function noteFor(info: WordInfo, code: number): string | undefined {
  const cached = info.notes[code];
  if (cached !== undefined || (code === 0 && info.note === undefined)) return cached;
  const parts: string[] = [];
  let rest = code;
  for (const names of NOTE_WORDS) {
    const digit = rest % 3;
    rest = (rest - digit) / 3;
    if (digit > 0) parts.push(names[digit]!);
  }
  if (info.note) parts.push(info.note);
  const note = parts.length > 0 ? parts.join('、') : undefined;
  info.notes[code] = note;
  return note;
}

/** `order[0..n)` := indices of the spans by start, then longest first (insertion sort: the lists are short and nearly sorted). */
function sortByStart(start: Int32Array, end: Int32Array, n: number, order: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const s = start[i]!;
    const e = end[i]!;
    let j = i;
    while (j > 0) {
      const prev = order[j - 1]!;
      const ps = start[prev]!;
      if (ps < s || (ps === s && end[prev]! >= e)) break;
      order[j] = prev;
      j--;
    }
    order[j] = i;
  }
}

function hasClauseBreak(units: Uint16Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = units[i]!;
    if (c === 0x2c || c === 0xff0c) return true; // , ，
  }
  return false;
}

/** Whether a modifier ending at `from` reaches a word starting at `to`: close enough, no punctuation between. */
function reaches(units: Uint16Array, from: number, to: number, windowChars: number): boolean {
  if (to - from > windowChars) return false;
  for (let i = from; i < to; i++) if (BOUNDARY[units[i]!] === 1) return false;
  return true;
}
