// Frozen copy of src/text/normalize.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
import { toTraditionalWithOffsets, type OffsetSink } from './simplified-to-traditional';

/**
 * Text normalisation for matching. Rule terms and mention text both go through the same steps, so
 * a term written once in Traditional Chinese matches full-width, upper-case, Simplified and
 * zero-width-riddled variants of itself:
 *
 * 1. zero-width characters removed (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen);
 * 2. NFKC (full-width letters, digits and punctuation → half-width, ㎏ → kg, compatibility
 *    ideographs → unified ones);
 * 3. lower case;
 * 4. Simplified → Traditional, Taiwan usage (opencc-js dictionaries, see simplified-to-traditional.ts);
 * 5. whitespace runs → one space, trimmed.
 *
 * {@link normalizeWithOffsets} also says, for every unit of the result, which range of the
 * original text produced it, so matches can be highlighted in what the user wrote.
 *
 * Steps 2 and 3 run per character (a character plus the combining marks that follow it), which
 * equals whole-string NFKC and lower-casing except for context-dependent cases that do not occur
 * in the texts we match: Greek final sigma and Hangul jamo written as separate letters.
 */

/** A normalised text and, per UTF-16 unit of it, the range of the original text it came from. */
export interface NormalizedText {
  text: string;
  /** `start[i]`: original offset where unit `i` of `text` begins. */
  start: Int32Array;
  /** `end[i]`: original offset (exclusive) where unit `i` of `text` ends. */
  end: Int32Array;
}

/**
 * The original range [start, end) behind the normalised range [from, to): where the
 * normalised span's first unit begins and its last unit ends.
 */
export function originalRange(n: NormalizedText, from: number, to: number): { start: number; end: number } {
  if (to <= from) {
    const at = from < n.text.length ? n.start[from]! : from > 0 ? n.end[from - 1]! : 0;
    return { start: at, end: at };
  }
  return { start: n.start[from]!, end: n.end[to - 1]! };
}

/**
 * Normalise text for substring matching (steps above). The converter runs only when the text has
 * Han characters. It also maps some Traditional variants (台 → 臺, 裏 → 裡), so only compare strings
 * that have both been through this function.
 */
export function normalizeForMatch(text: string): string {
  if (PLAIN_ASCII.test(text)) return text.toLowerCase().replace(WHITESPACE_RUN, ' ').trim();
  return normalizeWithOffsetsTransient(text).text;
}

// Printable ASCII only: nothing but lower-casing and spaces to do.
const PLAIN_ASCII = /^[\x20-\x7E\t\n\r]*$/;
const WHITESPACE_RUN = /\s+/g;

/** Growable output buffer: code units plus their source ranges. */
class Builder implements OffsetSink {
  codes: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.codes = new Uint16Array(Math.max(16, capacity));
    this.start = new Int32Array(this.codes.length);
    this.end = new Int32Array(this.codes.length);
  }

  push(code: number, start: number, end: number): void {
    if (this.length === this.codes.length) this.grow();
    this.codes[this.length] = code;
    this.start[this.length] = start;
    this.end[this.length] = end;
    this.length++;
  }

  toText(): string {
    return codesToString(this.codes, this.length);
  }

  private grow(): void {
    const size = this.codes.length * 2;
    const codes = new Uint16Array(size);
    codes.set(this.codes);
    const start = new Int32Array(size);
    start.set(this.start);
    const end = new Int32Array(size);
    end.set(this.end);
    this.codes = codes;
    this.start = start;
    this.end = end;
  }
}

/**
 * Collapses whitespace runs to one space and trims, in front of the final buffer: a space is
 * written only once a non-space follows it.
 */
class SpaceCollapser implements OffsetSink {
  private pendingStart = -1;
  private pendingEnd = -1;

  constructor(private readonly out: Builder) {}

  push(code: number, start: number, end: number): void {
    if (isSpace(code)) {
      if (this.pendingStart < 0) this.pendingStart = start;
      this.pendingEnd = end;
      return;
    }
    if (this.pendingStart >= 0) {
      if (this.out.length > 0) this.out.push(0x20, this.pendingStart, this.pendingEnd);
      this.pendingStart = -1;
    }
    this.out.push(code, start, end);
  }
}

/**
 * Normalise (see {@link normalizeForMatch}) and keep, for every unit of the result, the original
 * range it came from. An expansion (㎏ → kg) maps each produced unit to the whole source
 * character; a collapsed whitespace run maps to the whole run.
 */
export function normalizeWithOffsets(text: string): NormalizedText {
  const out = normalizeInto(text, new Builder(text.length));
  return { text: out.toText(), start: out.start.subarray(0, out.length), end: out.end.subarray(0, out.length) };
}

// Buffers reused by every call on the hot path (scoring is synchronous and single-threaded).
const scratchFolded = new Builder(1024);
const scratchOut = new Builder(1024);

/**
 * Like {@link normalizeWithOffsets}, but `start`/`end` are views into buffers that the next call
 * overwrites: for callers that read the offsets at once (the scorer), sparing two allocations per
 * text.
 */
export function normalizeWithOffsetsTransient(text: string): NormalizedText {
  scratchOut.length = 0;
  const out = normalizeInto(text, scratchOut);
  return { text: out.toText(), start: out.start.subarray(0, out.length), end: out.end.subarray(0, out.length) };
}

function normalizeInto(text: string, out: Builder): Builder {
  // Pass 1: remove invisibles, NFKC, lower-case, per character.
  const folded = scratchFolded;
  folded.length = 0;
  let han = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    // A combining mark after this character composes with it under NFKC: take the slow path.
    const composes = next >= 0x300 && isMark(next);
    if (!composes) {
      if (c < 0x80) {
        folded.push(c >= 0x41 && c <= 0x5a ? c + 0x20 : c, i, i + 1);
        continue;
      }
      if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
        han = true;
        folded.push(c, i, i + 1);
        continue;
      }
      if (c >= 0xff01 && c <= 0xff5e) {
        // Full-width ASCII: NFKC maps it to the ASCII character 0xFEE0 below.
        const a = c - 0xfee0;
        folded.push(a >= 0x41 && a <= 0x5a ? a + 0x20 : a, i, i + 1);
        continue;
      }
      if (INVISIBLE.has(c)) continue;
      // Any other BMP character NFKC and lower-casing leave alone (CJK punctuation, kana, …).
      if (unchangedByFolding(c)) {
        if (isHanUnit(c)) han = true;
        folded.push(c, i, i + 1);
        continue;
      }
    }
    // Everything else: one code point plus the combining marks after it, through NFKC and
    // lower-casing (cached for single characters).
    let j = i + 1;
    if (c >= 0xd800 && c <= 0xdbff && j < n) {
      const low = text.charCodeAt(j);
      if (low >= 0xdc00 && low <= 0xdfff) j++;
    }
    while (j < n && text.charCodeAt(j) >= 0x300 && isMark(text.charCodeAt(j))) j++;
    const cluster = text.slice(i, j);
    const folding = j - i === 1 || (j - i === 2 && c >= 0xd800 && c <= 0xdbff) ? foldChar(cluster) : foldCluster(cluster);
    for (let k = 0; k < folding.length; k++) {
      const f = folding.charCodeAt(k);
      if (INVISIBLE.has(f)) continue;
      if (isHanUnit(f)) han = true;
      folded.push(f, i, j);
    }
    i = j - 1;
  }

  // Pass 2: Simplified → Traditional when there is Han text, then whitespace.
  const spaces = new SpaceCollapser(out);
  if (han) {
    toTraditionalWithOffsets(folded.codes, folded.length, folded.start, folded.end, spaces);
  } else {
    for (let k = 0; k < folded.length; k++) spaces.push(folded.codes[k]!, folded.start[k]!, folded.end[k]!);
  }
  return out;
}

// Invisible characters used (on purpose or by editors) to break words apart: ZWSP, ZWNJ, ZWJ,
// word joiner, BOM, and the soft hyphen, which browsers also hide.
const INVISIBLE = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad]);

const foldCache = new Map<string, string>();
// Per BMP code unit: 0 not yet known, 1 unchanged by NFKC + lower-casing, 2 changed (or a surrogate).
const foldState = new Uint8Array(0x10000);

function unchangedByFolding(c: number): boolean {
  let state = foldState[c]!;
  if (state === 0) {
    const ch = String.fromCharCode(c);
    state = c < 0xd800 || c > 0xdfff ? (foldChar(ch) === ch ? 1 : 2) : 2;
    foldState[c] = state;
  }
  return state === 1;
}

function foldChar(ch: string): string {
  let folded = foldCache.get(ch);
  if (folded === undefined) {
    folded = ch.normalize('NFKC').toLowerCase();
    foldCache.set(ch, folded);
  }
  return folded;
}

function foldCluster(cluster: string): string {
  return cluster.normalize('NFKC').toLowerCase();
}

const MARK = /\p{M}/u;
const markCache = new Map<number, boolean>();

/** Whether a BMP code unit is a combining mark (cached; only called for units ≥ U+0300). */
function isMark(c: number): boolean {
  if (c >= 0x4e00 && c <= 0x9fff) return false;
  let mark = markCache.get(c);
  if (mark === undefined) {
    mark = MARK.test(String.fromCharCode(c));
    markCache.set(c, mark);
  }
  return mark;
}

/** Han ideographs, BMP blocks and the high surrogates of the supplementary ones. */
function isHanUnit(c: number): boolean {
  return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xd840 && c <= 0xd87f);
}

/** JavaScript's `\s`, by code unit. */
function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const UTF16 = new TextDecoder('utf-16le');

/** A string from the first `length` units of `codes`. */
export function codesToString(codes: Uint16Array, length: number): string {
  // The decoder is several times faster than fromCharCode, but replaces lone surrogates, which
  // must survive unchanged: use it only when there are none.
  let surrogates = false;
  for (let i = 0; i < length; i++) {
    const c = codes[i]!;
    if (c >= 0xd800 && c <= 0xdfff) {
      surrogates = true;
      break;
    }
  }
  if (!surrogates) return UTF16.decode(new Uint8Array(codes.buffer, codes.byteOffset, length * 2));
  const CHUNK = 8192;
  if (length <= CHUNK) return String.fromCharCode.apply(null, codes.subarray(0, length) as unknown as number[]);
  let s = '';
  for (let i = 0; i < length; i += CHUNK) s += String.fromCharCode.apply(null, codes.subarray(i, Math.min(length, i + CHUNK)) as unknown as number[]);
  return s;
}
