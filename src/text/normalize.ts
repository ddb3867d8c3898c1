import { Converter } from 'opencc-js';

/**
 * Text normalisation for matching. Rule terms and mention text both go through
 * {@link normalizeForMatch}, so a term written once in Traditional Chinese matches full-width,
 * upper-case, Simplified and zero-width-riddled variants of itself.
 */

type ConvertFn = (text: string) => string;

let toTraditional: ConvertFn | undefined;

/**
 * The Simplified → Traditional (Taiwan) converter, built on first use: building its dictionaries
 * costs ~150 ms, which commands that never match text should not pay.
 */
function traditional(): ConvertFn {
  toTraditional ??= Converter({ from: 'cn', to: 'tw' });
  return toTraditional;
}

// Invisible characters used (on purpose or by editors) to break words apart: ZWSP, ZWNJ, ZWJ,
// word joiner, BOM, and the soft hyphen, which browsers also hide.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const WHITESPACE_RUN = /\s+/g;
// Printable ASCII only: nothing for NFKC or the converter to do.
const PLAIN_ASCII = /^[\x20-\x7E\t\n\r]*$/;
// CJK ideographs (BMP blocks and the surrogate range of the supplementary ones): only then is the
// converter worth calling.
const HAN = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uD840-\uD87F]/;

/**
 * Normalise text for substring matching, in this order: remove zero-width characters, NFKC
 * (full-width letters, digits and punctuation → half-width), lower-case, Simplified → Traditional
 * (Taiwan usage, opencc-js `cn` → `tw`), whitespace runs → one space, trimmed.
 *
 * Calls the converter at most once per text, and not at all when the text has no Han characters.
 * The converter is phrase-based and also maps some Traditional variants (台 → 臺, 裏 → 裡), so
 * only compare strings that have both been through this function. Offsets in the result do not
 * map back to the input.
 */
export function normalizeForMatch(text: string): string {
  if (PLAIN_ASCII.test(text)) return text.toLowerCase().replace(WHITESPACE_RUN, ' ').trim();
  let s = text.replace(INVISIBLE, '').normalize('NFKC').toLowerCase();
  if (HAN.test(s)) s = traditional()(s);
  return s.replace(WHITESPACE_RUN, ' ').trim();
}
