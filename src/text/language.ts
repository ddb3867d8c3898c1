import type { Lang } from '../core/types';
import { unitsOf } from './unit-buffer';

/**
 * Language by character classes: cheap enough for every mention, and robust on the mixed text
 * Taiwanese posts are made of (a Chinese sentence with an English brand name is Chinese).
 */

/** Only the first this-many UTF-16 units are inspected: the opening says enough, and cost stays bounded. */
export const LANG_SAMPLE_CHARS = 4_000;

// Links and addresses are Latin letters that say nothing about the writer's language. Both
// patterns are anchored on a literal (`http`, `www.`, `@`) and use ASCII-only classes, so they stay
// linear on Chinese text, which has long runs without spaces (`\S+@` backtracks quadratically).
const LINKS = /(?:https?:\/\/|www\.)[\x21-\x7e]+|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi;

/**
 * `zh` when Han characters dominate, `en` when mostly plain (ASCII) Latin-letter words do,
 * `other` otherwise (Japanese/Korean — kana or hangul present in quantity —, other scripts,
 * accented Latin languages, or no letters at all).
 *
 * One Latin word weighs as much as two Han characters, so 「範例診所 Example Clinic 很棒」 is
 * `zh` and an English review quoting 「範例診所」 is `en`. URLs and e-mail addresses are ignored.
 */
export function detectLang(text: string): Lang {
  const head = text.length > LANG_SAMPLE_CHARS ? text.slice(0, LANG_SAMPLE_CHARS) : text;
  // Most posts have no link or address: skip the regular expression for them.
  const sample = hasLinkMarkers(head) ? head.replace(LINKS, ' ') : head;
  const units = unitsOf(sample);
  // Per unit one table entry holding what it adds to five 6-bit counters (and whether it is a
  // Latin letter): summed over chunks of 63 units, then unpacked. No branch per character (a
  // mixed text would mispredict most of them) and few instructions.
  const counts: LanguageCounts = { latinLetters: 0, accented: 0, han: 0, kanaHangul: 0, otherLetters: 0, latinWords: 0 };
  let latinWords = 0;
  let inLatinWord = 0;
  const n = sample.length;
  for (let chunk = 0; chunk < n; chunk += LANG_CHUNK) {
    const stop = Math.min(n, chunk + LANG_CHUNK);
    let sums = 0;
    for (let i = chunk; i < stop; i++) {
      const c = units[i]!;
      const entry = UNIT_COUNTS[c] || classify(c);
      sums += entry & COUNTER_BITS;
      const letter = (entry >>> LETTER_BIT) & 1;
      latinWords += letter & (inLatinWord ^ 1);
      inLatinWord = letter | (inLatinWord & continuesWord(c));
    }
    addPackedCounts(counts, sums);
  }
  counts.latinWords = latinWords;
  return decideLang(counts);
}

/**
 * Whether detectLang must take links and addresses out of `sample` before counting (it has an
 * `@`, `://` or `www.`). Callers that count classes themselves (the scorer's one pass) count only
 * texts without them, at most LANG_SAMPLE_CHARS long.
 */
export function hasLinkMarkers(sample: string): boolean {
  return sample.includes('@') || sample.includes('://') || sample.includes('www.');
}

/** What detectLang counts in a text. */
export interface LanguageCounts {
  /** ASCII letters (full-width ones too) and accented Latin letters. */
  latinLetters: number;
  accented: number;
  /** Han units (a supplementary ideograph counts once, by its high surrogate). */
  han: number;
  kanaHangul: number;
  /** Letters of other scripts (Cyrillic, Greek, Thai…). */
  otherLetters: number;
  /** Runs of Latin letters (an apostrophe inside does not end one). */
  latinWords: number;
}

/** The language from the counts (see detectLang); `latinLetters` excludes the accented ones here. */
export function decideLang(counts: LanguageCounts): Lang {
  const { accented, han, kanaHangul, otherLetters, latinWords } = counts;
  // Accented letters are Latin letters too.
  const latinLetters = counts.latinLetters + accented;
  const cjkUnits = han + kanaHangul;
  // Japanese and Korean text carries Han characters too; a real share of kana/hangul tells them apart.
  if (kanaHangul >= 2 && kanaHangul * 5 >= cjkUnits) return 'other';
  const zhScore = han;
  const enScore = latinWords * 2;
  if (han > 0 && zhScore >= enScore && zhScore >= otherLetters) return 'zh';
  if (latinWords > 0 && enScore >= otherLetters && accented * 20 <= latinLetters) return 'en';
  return 'other';
}

/** 1 when an apostrophe (inside a word, as in don't, it does not end the word), else 0: (((c ^ 0x27) - 1) >>> 31). */
export function continuesWord(c: number): number {
  return ((c ^ 0x27) - 1) >>> 31;
}

/**
 * Classes a code unit counts in (see languageClassOf). A tally may pack them in one number,
 * LANG_FIELD_BITS bits per class, class k at bit LANG_FIELD_BITS × (k − 1); LANG_CHUNK units fit
 * before a field can overflow.
 */
export const LANG_NOT_COUNTED = 0;
export const LANG_LATIN_LETTER = 1; // ASCII letters, full-width ones too (the text has not been normalised yet)
export const LANG_ACCENTED_LETTER = 2;
export const LANG_HAN = 3;
export const LANG_KANA_HANGUL = 4;
export const LANG_OTHER_LETTER = 5;
export const LANG_FIELD_BITS = 6;
export const LANG_CHUNK = (1 << LANG_FIELD_BITS) - 1;

/** Add a packed tally (see LANG_FIELD_BITS) to the counts. */
export function addPackedCounts(counts: LanguageCounts, sums: number): void {
  counts.latinLetters += sums & FIELD_MASK;
  counts.accented += (sums >>> (FIELD_BITS * 1)) & FIELD_MASK;
  counts.han += (sums >>> (FIELD_BITS * 2)) & FIELD_MASK;
  counts.kanaHangul += (sums >>> (FIELD_BITS * 3)) & FIELD_MASK;
  counts.otherLetters += (sums >>> (FIELD_BITS * 4)) & FIELD_MASK;
}

/** The class detectLang counts a BMP code unit in (a LANG_* constant). */
export function languageClassOf(c: number): number {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a)) return LANG_LATIN_LETTER;
  if (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) return LANG_ACCENTED_LETTER;
  if (isHan(c)) return LANG_HAN;
  if (isKanaOrHangul(c)) return LANG_KANA_HANGUL;
  if (c >= 0x370 && isOtherLetter(c)) return LANG_OTHER_LETTER;
  return LANG_NOT_COUNTED;
}

// What a code unit counts as, per BMP unit: 1 in its class's 6-bit counter field (or none) and the
// Latin-letter flag; 0 = not classified yet (classified entries are never 0: NOT_COUNTED has bit 31).
const FIELD_BITS = LANG_FIELD_BITS;
const FIELD_MASK = (1 << FIELD_BITS) - 1;
const COUNTER_BITS = (1 << (FIELD_BITS * 5)) - 1;
const LETTER_BIT = 30;
const NOT_COUNTED = 1 << 31;
const UNIT_COUNTS = new Int32Array(0x10000);

function classify(c: number): number {
  const cls = languageClassOf(c);
  const letter = cls === LANG_LATIN_LETTER || cls === LANG_ACCENTED_LETTER ? 1 << LETTER_BIT : 0;
  const entry = cls === LANG_NOT_COUNTED ? NOT_COUNTED : (1 << (FIELD_BITS * (cls - 1))) | letter;
  UNIT_COUNTS[c] = entry;
  return entry;
}

function isHan(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    // High surrogate of CJK Extension B–F (U+20000–U+2FFFF): count the pair once.
    (c >= 0xd840 && c <= 0xd87f)
  );
}

function isKanaOrHangul(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0x31f0 && c <= 0x31ff) ||
    (c >= 0xff66 && c <= 0xff9f) ||
    (c >= 0xac00 && c <= 0xd7af) ||
    (c >= 0x1100 && c <= 0x11ff) ||
    (c >= 0x3130 && c <= 0x318f)
  );
}

const LETTER = /\p{L}/u;

function isOtherLetter(c: number): boolean {
  // CJK punctuation, full-width forms and symbols are not letters of another script.
  if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return LETTER.test(String.fromCharCode(c));
}
