import type { Lang } from '../core/types';
import * as language from './language';
import type { LanguageCounts } from './language';
import { foldsToItself, unitFolding } from './normalize';
import { closesSentence } from './sentiment-zh-workspace';
import * as toTraditional from './simplified-to-traditional';

// The imported names the pass uses, read once into module constants: under tsx (esbuild's
// CommonJS output) every use of an imported name is a getter call, which the hot loop should not
// pay per unit.
const { addPackedCounts, continuesWord, decideLang, hasLinkMarkers, LANG_ACCENTED_LETTER, LANG_CHUNK, LANG_FIELD_BITS, LANG_LATIN_LETTER, LANG_NOT_COUNTED, LANG_OTHER_LETTER, LANG_SAMPLE_CHARS, languageClassOf } = language;
const { MAY_START_PHRASE_BIT, WHOLE_PHRASE_BIT, settleUnitWise, unitWiseTable } = toTraditional;

/**
 * The scorer's one pass over a mention's code units. The modular path reads a text five times
 * (language detection, folding, unit-wise conversion, the automaton's copy, the sentence split);
 * this pass does the first, second, third and fifth at once, unit by unit:
 *
 * - folds (NFKC, lower case, invisibles dropped, whitespace collapsed) and converts Simplified →
 *   Traditional unit by unit, writing both the folded units (phrase lookups read them) and the
 *   converted ones, and noting where a conversion phrase may start;
 * - counts the language classes detectLang counts, and Latin words (when asked: ingestion
 *   detects the language when it builds the mention, and scores with it);
 * - records where the units that close sentences (for the Chinese sentiment) land;
 * - for a titled mention, counts where the title ends and the body starts.
 *
 * The phrases are then settled over the noted positions (settleUnitWise, shared with the modular
 * path) and the automaton scans the result (one more loop, in aho-corasick.ts).
 *
 * Everything is read from the modular path's own per-unit tables — normalize.ts's folding,
 * language.ts's classes, simplified-to-traditional.ts's unit-wise conversion, sentiment-zh.ts's
 * sentence ends — through one table of this pass's own, built from them unit by unit as units are
 * first met. The pass handles what nearly every text is made of and gives up (returns false) on
 * the rest, which the modular path then normalises: combining marks, characters that fold to
 * several units, lone surrogates and supplementary characters that fold or convert, ideographic
 * description characters, texts that need the general conversion, texts longer than
 * MAX_PASS_UNITS. The equivalence tests (test/text/fused-pass.test.ts) compare the two on
 * randomised texts.
 *
 * The loop's arrays are module constants of a fixed size, not per-instance buffers: TurboFan then
 * knows their addresses and lengths, where for an array read from a field it re-checks the map
 * and reloads base and length at every access (measured: the pass took a fifth longer). What was
 * tried here and measured no faster: the automaton stepped inside this loop (its state chain then
 * bounds the loop, and phrases settled later would need a rescan), the language counted in a loop
 * of its own, a look-ahead table of entries filled by the classification pre-pass.
 */
export class FusedPass {
  /** The normalised text's units, [0, length): what normalizeForMatch returns, as units. Valid until the next run of any pass. */
  units: Uint16Array = FOLDED;
  length = 0;
  /** Positions (increasing) of the units of the normalised text that close sentences, [0, closerCount). Valid until the next run. */
  readonly closers: Int32Array = CLOSERS;
  closerCount = 0;
  /** For a titled text: where the title ends and the body starts in the normalised text (see normalizeTitled). */
  titleEnd = 0;
  bodyStart = 0;
  /** The language detectLang gives the text, when counted (see {@link run}); undefined otherwise. */
  lang: Lang | undefined;

  private readonly counts: LanguageCounts = { latinLetters: 0, accented: 0, han: 0, kanaHangul: 0, otherLetters: 0, latinWords: 0 };

  constructor() {
    warmUp(this);
  }

  /**
   * Normalise `text` (see the class comment); with `mark` ≥ 0, the text is a title of that length,
   * the seam 「。\n」 and a body, and titleEnd/bodyStart are set. With `detect`, also the language.
   * Returns false when the text needs the modular path; the fields are then meaningless.
   */
  run(text: string, mark: number, detect: boolean): boolean {
    const n = text.length;
    if (n > MAX_PASS_UNITS) return false;
    SOURCE_BYTES.write(text, 0, 'utf16le');
    // Units met for the first time are classified before the loop, in a function of their own:
    // TurboFan inlines a call it sees made often (every unit is new at first), and inlined into
    // the loop's function the classification leaves too few registers for the loop's state.
    classifyNew(n);
    if (!this.fold(n, mark, detect ? 1 : 0)) return false;
    this.lang = detect && n <= LANG_SAMPLE_CHARS && ((this.seen & LINKISH) === 0 || !hasLinkMarkers(text)) ? decideLang(this.counts) : undefined;
    if ((this.seen & HAN) === 0) {
      // No Han: the modular path does not convert (and nothing would change).
      this.units = FOLDED;
      return true;
    }
    if (!settleUnitWise(FOLDED, this.length, CONVERTED, CANDIDATES, this.candidateCount, this.convertedAll)) return false;
    this.units = CONVERTED;
    return true;
  }

  // The loop's state between stretches (see fold): units written, phrase candidates and sentence
  // closers noted, the flags of the units read (HAN, LINKISH), the OR of their conversion entries
  // (negative or with VARIANT: the text needs the general conversion, if it has Han at all),
  // whether the last unit kept is a space (or none is kept yet: leading spaces are dropped), the
  // language tally (packed, see language.ts; flushed every LANG_CHUNK units), the entry of the
  // unit where the next stretch starts, and the text's length.
  private k = 0;
  private candidateCount = 0;
  private seen = 0;
  private convertedAll = 0;
  private afterSpace = 1;
  private sums = 0;
  private budget = LANG_CHUNK;
  private latinWords = 0;
  private inLatinWord = 0;
  private entry = 0;
  private n = 0;
  private detect = 0;

  /**
   * Fold SOURCE[0..n) (see stretch), counting for a titled text where the title ends and the
   * body starts as normalizeTitled counts them (see foldPlain in normalize.ts): at the first unit
   * read at or past the mark, and at the first unit read at or past mark + 2 after that one. The
   * text is folded in stretches between those units, so that the loop itself has no such test.
   * False when the text needs the modular path.
   */
  private fold(n: number, mark: number, detect: number): boolean {
    this.k = this.candidateCount = this.closerCount = this.seen = this.convertedAll = 0;
    this.afterSpace = 1;
    this.sums = this.latinWords = this.inLatinWord = 0;
    this.budget = LANG_CHUNK;
    const counts = this.counts;
    counts.latinLetters = counts.accented = counts.han = counts.kanaHangul = counts.otherLetters = 0;
    this.entry = n > 0 ? PASS_TABLE[SOURCE[0]! * 2]! : 0;
    this.n = n;
    this.detect = detect;
    let marked = -1;
    let markedAfter = -1;
    let i = this.stretch(0, mark < 0 ? n : Math.min(mark, n));
    if (i >= 0 && i < n) {
      marked = this.k;
      // The unit read there comes first, whatever mark + 2 is.
      i = this.stretch(i, Math.min(Math.max(mark + 2, i + 1), n));
      if (i >= 0 && i < n) {
        markedAfter = this.k;
        i = this.stretch(i, n);
      }
    }
    if (i < 0) return false;
    let k = this.k;
    if (marked < 0) marked = k;
    if (markedAfter < 0) markedAfter = k;
    // A trailing space, and the sentence end recorded for it.
    if (this.afterSpace === 1 && k > 0) {
      k--;
      if (this.closerCount > 0 && CLOSERS[this.closerCount - 1] === k) this.closerCount--;
    }
    addPackedCounts(counts, this.sums);
    counts.latinWords = this.latinWords;
    this.titleEnd = mark < 0 ? -1 : Math.min(marked, k);
    this.bodyStart = mark < 0 ? -1 : Math.min(markedAfter, k);
    this.length = k;
    return true;
  }

  /**
   * The loop: fold, convert unit-wise, count (when detecting), record (see the class comment)
   * SOURCE[from..to) into the module's arrays, carrying the state in this pass's fields. Returns
   * where it stopped (`to`, or one past it after a surrogate pair), or -1 when the text needs the
   * modular path. Every unit of the source is classified.
   */
  private stretch(from: number, to: number): number {
    const table = PASS_TABLE;
    const src = SOURCE;
    const n = this.n;
    const detect = this.detect;
    let k = this.k;
    let count = this.candidateCount;
    let closerCount = this.closerCount;
    let seen = this.seen;
    let convertedAll = this.convertedAll;
    let afterSpace = this.afterSpace;
    let sums = this.sums;
    let budget = this.budget;
    let latinWords = this.latinWords;
    let inLatinWord = this.inLatinWord;
    let entry = this.entry;
    const counts = this.counts;
    let i = from;
    for (; i < to; i++) {
      const c = src[i]!;
      // The next unit's entry: a combining mark there sends this one to the cluster path.
      const next = i + 1 < n ? table[src[i + 1]! * 2]! : 0;
      if (detect === 1) {
        // Every unit read counts, whatever becomes of it.
        sums += LANG_INCREMENT[(entry >>> LANG_SHIFT) & 7]!;
        const letter = (entry >>> LETTER_BIT) & 1;
        latinWords += letter & (inLatinWord ^ 1);
        inLatinWord = letter | (inLatinWord & continuesWord(c));
        if (--budget === 0) {
          addPackedCounts(counts, sums);
          sums = 0;
          budget = LANG_CHUNK;
        }
      }
      seen |= entry;
      if (((entry & SPECIAL) | (next & MARK)) === 0) {
        // One unit out (or none, for a space after a space): no branch on whitespace. The
        // conversion entry sits next to the folding one (same cache line).
        const space = (entry >>> SPACE_BIT) & 1;
        const kept = 1 - (space & afterSpace);
        const action = table[c * 2 + 1]!;
        FOLDED[k] = entry;
        CONVERTED[k] = action;
        // As settleUnitWise reads them: position × 2, + 1 for a phrase of this unit alone.
        CANDIDATES[count] = k * 2 + ((action >>> WHOLE_PHRASE_BIT) & 1);
        count += ((action >>> MAY_START_PHRASE_BIT) | (action >>> WHOLE_PHRASE_BIT)) & 1;
        CLOSERS[closerCount] = k;
        closerCount += (entry >>> CLOSES_BIT) & kept;
        convertedAll |= action;
        k += kept;
        afterSpace = space;
        entry = next;
        continue;
      }
      if ((entry & KIND) === SKIP && (next & MARK) === 0) {
        entry = next;
        continue;
      }
      // A surrogate pair that folds to itself, with no mark after it (emoji, most supplementary
      // ideographs): both units as they are. (A title mark inside the pair is counted at the
      // next unit, as foldPlain counts it after a cluster.) The low half counts in no language
      // class and ends a Latin word.
      if ((entry & KIND) === HIGH && (next & KIND) === LOW) {
        const low = src[i + 1]!;
        const after = i + 2 < n ? table[src[i + 2]! * 2]! : 0;
        const clean = (PAIR_CLEAN[(c - 0xd800) * 32 + ((low - 0xdc00) >>> 5)]! >>> (low & 31)) & 1;
        if ((after & MARK) === 0 && clean === 1) {
          const high = table[c * 2 + 1]!;
          const second = table[low * 2 + 1]!;
          FOLDED[k] = c;
          CONVERTED[k] = high;
          FOLDED[k + 1] = low;
          CONVERTED[k + 1] = second;
          k += 2;
          // An entry of the pair sends the text to the general conversion (if it has Han).
          convertedAll |= high | second;
          afterSpace = 0;
          inLatinWord = 0;
          i++;
          entry = after;
          continue;
        }
      }
      return -1;
    }
    this.k = k;
    this.candidateCount = count;
    this.closerCount = closerCount;
    this.seen = seen;
    this.convertedAll = convertedAll;
    this.afterSpace = afterSpace;
    this.sums = sums;
    this.budget = budget;
    this.latinWords = latinWords;
    this.inLatinWord = inLatinWord;
    this.entry = entry;
    return i;
  }
}

/** Longer texts (mentions are capped at 20,500 units, see to-mention.ts) take the modular path. */
export const MAX_PASS_UNITS = 32_768;

// The source's units (written from the string in one native copy), and what the loop writes:
// folded units (Uint16Array stores keep the low 16 bits of an entry: the unit), converted units,
// phrase candidates, sentence closers.
const SOURCE = new Uint16Array(MAX_PASS_UNITS);
const SOURCE_BYTES = Buffer.from(SOURCE.buffer);
const FOLDED = new Uint16Array(MAX_PASS_UNITS);
const CONVERTED = new Uint16Array(MAX_PASS_UNITS);
const CANDIDATES = new Int32Array(MAX_PASS_UNITS);
const CLOSERS = new Int32Array(MAX_PASS_UNITS);

// The pass's table: two entries per BMP code unit c. At 2c: the unit it folds to (bits 0–15;
// whitespace as a space) and flags, 0 = not classified yet. At 2c + 1: the unit-wise conversion
// entry (simplified-to-traditional.ts) of the unit it folds to (of itself, for a surrogate), so
// that both come with one cache line.
const SPECIAL = 1 << 16; // not one plain unit out: see KIND
const SPACE_BIT = 17;
const MARK = 1 << 18; // a combining mark: the unit before it needs the cluster path
const HAN = 1 << 19; // the unit it folds to is Han (the text then needs the conversion)
const CLOSES_BIT = 20; // the unit it folds to closes sentences
const LANG_SHIFT = 21; // three bits: the language class (language.ts) of the unit as read
const LETTER_BIT = 24; // the unit as read is a Latin letter
const KIND = 7 << 25; // for SPECIAL units
const SKIP = 1 << 25; // invisible: dropped
const HIGH = 2 << 25; // a high surrogate
const LOW = 3 << 25; // a low surrogate
const OTHER = 4 << 25; // anything else this pass leaves to the modular path
const LINKISH = 1 << 28; // '@', '/' or '.' as read: the text may have a link marker (see hasLinkMarkers)
const CLASSIFIED = 1 << 30;

const PASS_TABLE = new Int32Array(0x20000);

// Per high surrogate h, 1024 bits (32 numbers from (h − 0xD800) × 32): bit l set when the pair
// (h, 0xDC00 + l) folds to itself. Filled for a high surrogate when it is first met.
const PAIR_CLEAN = new Int32Array(1024 * 32);

/** What the class adds to a packed language tally. */
const LANG_INCREMENT = Int32Array.from({ length: 8 }, (_, cls) => (cls === LANG_NOT_COUNTED || cls > LANG_OTHER_LETTER ? 0 : 1 << (LANG_FIELD_BITS * (cls - 1))));

/** Classify the units of SOURCE[0..n) not met before. */
function classifyNew(n: number): void {
  for (let i = 0; i < n; i++) if (PASS_TABLE[SOURCE[i]! * 2] === 0) classify(SOURCE[i]!);
}

/** Fill both entries of `c` (and, for a high surrogate, its pairs' bits). */
function classify(c: number): void {
  const folding = unitFolding(c);
  const cls = languageClassOf(c);
  const letter = cls === LANG_LATIN_LETTER || cls === LANG_ACCENTED_LETTER;
  // '@', and the '/' of '://' and the '.' of 'www.' (hasLinkMarkers' markers).
  const linkish = c === 0x40 || c === 0x2f || c === 0x2e;
  let entry = CLASSIFIED | (cls << LANG_SHIFT) | (letter ? 1 << LETTER_BIT : 0) | (linkish ? LINKISH : 0);
  if (folding.mark) entry |= MARK;
  if (folding.han) entry |= HAN;
  let converts = c;
  if (folding.kind === 'emit' && !folding.ids) {
    const unit = folding.space ? 0x20 : folding.unit;
    entry |= unit | (folding.space ? 1 << SPACE_BIT : 0) | (closesSentence(unit) ? 1 << CLOSES_BIT : 0);
    converts = unit;
  } else if (folding.kind === 'skip') entry |= SPECIAL | SKIP;
  else if (c >= 0xd800 && c <= 0xdbff) {
    entry |= SPECIAL | HIGH;
    const base = (c - 0xd800) * 32;
    for (let low = 0; low < 1024; low++) {
      if (foldsToItself(0x10000 + (c - 0xd800) * 1024 + low)) PAIR_CLEAN[base + (low >>> 5)]! |= 1 << (low & 31);
    }
  } else if (c >= 0xdc00 && c <= 0xdfff) entry |= SPECIAL | LOW;
  else entry |= SPECIAL | OTHER;
  PASS_TABLE[c * 2] = entry;
  PASS_TABLE[c * 2 + 1] = unitWiseTable()[converts]!;
}

let warm = false;

/**
 * Run every branch of {@link FusedPass.run} once, before the loop gets hot. Optimised code
 * deoptimises on the first operation it never saw run (a text ending in a space, say), and V8
 * (Node 20) then tends to keep entering the loop through on-stack replacement with the rest of
 * the function interpreted: measured 5 µs more per text, for the life of the process. Once per
 * process; the texts cover trailing and repeated spaces, invisibles, emoji, a mark (left to the
 * modular path), links, Latin words, phrases, text without Han, titles, with and without counting.
 */
function warmUp(pass: FusedPass): void {
  if (warm) return;
  warm = true;
  const texts = [
    ' 头发干了，醫師很細心。 ',
    '\u200B很好  不推 😀 Clinic，don\'t go!! ',
    'plain english text, http://example.com www.x.tw me@example.com ',
    `${'診所'.repeat(40)} 👍`,
    'e\u0301',
    '\uD800',
    '',
  ];
  for (let round = 0; round < 2; round++) {
    for (const t of texts) {
      pass.run(t, -1, round === 0);
      pass.run(t, Math.floor(t.length / 2), round === 1);
    }
  }
}
