import { toTraditionalInto, toTraditionalUnitWise } from './simplified-to-traditional';
import { codesToString, UnitBuffer, unitsOf } from './unit-buffer';

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
  const out = normalizeInto(text, plain);
  return codesToString(out.codes, out.length);
}

// Printable ASCII only: nothing but lower-casing and spaces to do.
const PLAIN_ASCII = /^[\x20-\x7E\t\n\r]*$/;
const WHITESPACE_RUN = /\s+/g;

/**
 * Normalise (see {@link normalizeForMatch}) and keep, for every unit of the result, the original
 * range it came from. An expansion (㎏ → kg) maps each produced unit to the whole source
 * character; a collapsed whitespace run maps to the whole run.
 */
export function normalizeWithOffsets(text: string): NormalizedText {
  const out = normalizeInto(text, withOffsets);
  return { text: codesToString(out.codes, out.length), start: out.start.slice(0, out.length), end: out.end.slice(0, out.length) };
}

/**
 * Like {@link normalizeWithOffsets}, but `start`/`end` are views into buffers that the next call
 * overwrites: for callers that read the offsets at once (the scorer), sparing two allocations per
 * text.
 */
export function normalizeWithOffsetsTransient(text: string): NormalizedText {
  const out = normalizeInto(text, withOffsets);
  return { text: codesToString(out.codes, out.length), start: out.start.subarray(0, out.length), end: out.end.subarray(0, out.length) };
}

/**
 * {@link normalizeForMatch} of a title and a body joined as `title + '。\n' + body` (the scorer's
 * join; `titleLength` is the title's length), with where the title ends and the body starts in
 * the result — the first unit whose source ends after the title, the first whose source starts
 * after the seam — as the offsets of {@link normalizeWithOffsets} would tell, but without keeping
 * offsets: the folding counts its units as it passes those two positions, and the unit-wise
 * conversion keeps units in step with the folded ones. Undefined when the text needed the
 * general conversion (which may change lengths): ask normalizeWithOffsets then.
 */
export function normalizeTitled(text: string, titleLength: number): { text: string; titleEnd: number; bodyStart: number } | undefined {
  const out = normalizeInto(text, plain, titleLength);
  if (out === plain.out) return undefined;
  return { text: codesToString(out.codes, out.length), titleEnd: Math.min(plain.marked, out.length), bodyStart: Math.min(plain.markedAfter, out.length) };
}

/** What normalisation does with one BMP code unit on its own (for tables derived from pass 1's, see unitFolding). */
export interface UnitFolding {
  /**
   * `emit`: it becomes the one unit `unit`; `skip`: it is dropped (invisible); `cluster`: it takes
   * the cluster path (a surrogate, or it folds to several units or to none).
   */
  kind: 'emit' | 'skip' | 'cluster';
  /** For `emit`: the unit it becomes under NFKC and lower-casing (whitespace stays itself; collapsing is the caller's). */
  unit: number;
  /** A combining mark: it composes with the character before it, which then takes the cluster path. */
  mark: boolean;
  /** The unit it becomes (a surrogate: itself) is whitespace, Han, an ideographic description character. */
  space: boolean;
  han: boolean;
  ids: boolean;
}

/**
 * How pass 1 treats the BMP code unit `c` when no combining mark follows it: read from the same
 * per-unit table the normalisation loops use, so a table derived from it (the scorer's one pass,
 * fused-pass.ts) folds exactly as they do.
 */
export function unitFolding(c: number): UnitFolding {
  const entry = foldTable[c]! || classify(c);
  const kind = entry & FOLD_KIND;
  const unit = kind === FOLD_EMIT ? entry >>> FOLD_SHIFT : c;
  const flags = kind === FOLD_EMIT ? entry : unitFlags(c);
  return {
    kind: kind === FOLD_EMIT ? 'emit' : kind === FOLD_SKIP ? 'skip' : 'cluster',
    unit,
    mark: (entry & FOLD_MARK) !== 0,
    space: (flags & FOLD_SPACE) !== 0,
    han: (flags & FOLD_HAN) !== 0,
    ids: (flags & FOLD_IDS) !== 0,
  };
}

/**
 * Whether NFKC and lower-casing leave the supplementary-plane character `codePoint` as it is, as
 * the cluster path folds it alone (not cached: callers ask once per character).
 */
export function foldsToItself(codePoint: number): boolean {
  const ch = String.fromCodePoint(codePoint);
  return ch.normalize('NFKC').toLowerCase() === ch;
}

/** Units with their source ranges (the ranges only when the buffers keep offsets). */
interface Units {
  codes: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  length: number;
}

/** Buffers for one kind of call, reused by every call (normalisation is synchronous and single-threaded). */
interface Scratch {
  folded: UnitBuffer;
  /** Unit-wise conversion of the folded units. */
  converted: Uint16Array;
  /** Result of the general conversion. */
  out: UnitBuffer;
  /** Result of the unit-wise conversion: its codes with the folded units' offsets. */
  view: Units;
  /**
   * For foldPlain with a mark: the units whose source ends at or before the mark, and those whose
   * source starts before mark + 2 (the title and the seam, see normalizeTitled).
   */
  marked: number;
  markedAfter: number;
}

function scratch(offsets: boolean): Scratch {
  const folded = new UnitBuffer(1024, offsets);
  return { folded, converted: new Uint16Array(1024), out: new UnitBuffer(1024, offsets), view: { codes: folded.codes, start: folded.start, end: folded.end, length: 0 }, marked: 0, markedAfter: 0 };
}

// Without offsets for normalizeForMatch (the scoring path), with them for explain.
const plain = scratch(false);
const withOffsets = scratch(true);

/**
 * Pass 1 folds (NFKC, lower case, invisibles, whitespace) into `folded`; when there is Han text,
 * pass 2 converts Simplified → Traditional unit by unit and settles the few positions where a
 * phrase may start (toTraditionalUnitWise). Texts the unit-wise conversion cannot do exactly
 * (Taiwan variants, ideographic description sequences, rare supplementary-plane entries) are
 * converted from the folded units the general way. Returns the result.
 *
 * Whitespace is collapsed before the conversion rather than after it, which gives the same result
 * because no dictionary entry contains whitespace — except around ideographic description
 * characters (⿰氵可), which opencc copies together with the next code points, whitespace
 * included: texts with those convert first and collapse after, the original order.
 */
function normalizeInto(text: string, work: Scratch, mark = -1): Units {
  const { folded, out } = work;
  folded.length = 0;
  const seen = folded.withOffsets ? foldInto(text, folded, true) : foldPlain(text, folded, mark, work);
  if ((seen & FOLD_HAN) === 0) return folded;
  if ((seen & FOLD_IDS) !== 0) {
    folded.length = 0;
    foldInto(text, folded, false);
    out.length = 0;
    toTraditionalInto(folded.codes, folded.length, folded.start, folded.end, out);
    collapseSpaces(out);
    return out;
  }
  if (work.converted.length < folded.length) work.converted = new Uint16Array(folded.codes.length);
  if (toTraditionalUnitWise(folded.codes, folded.length, work.converted)) {
    const view = work.view;
    view.codes = work.converted;
    view.start = folded.start;
    view.end = folded.end;
    view.length = folded.length;
    return view;
  }
  out.length = 0;
  toTraditionalInto(folded.codes, folded.length, folded.start, folded.end, out);
  return out;
}

// Per BMP code unit, what pass 1 does with it, in one Int32Array entry: the unit it becomes in
// the high bits (for FOLD_EMIT) and flags in the low byte; 0 = not classified yet (see classify).
const FOLD_EMIT = 1; // becomes one unit (itself, or what NFKC and lower-casing make of it)
const FOLD_SKIP = 2; // invisible: dropped
const FOLD_SLOW = 3; // a surrogate, or folds to several units (or none): the cluster path
const FOLD_KIND = 3;
const FOLD_HAN = 4; // the unit it becomes is Han
const FOLD_MARK = 8; // a combining mark (composes with the character before it)
const FOLD_SPACE_BIT = 4;
const FOLD_SPACE = 1 << FOLD_SPACE_BIT; // the unit it becomes is whitespace
const FOLD_IDS = 32; // the unit it becomes is an ideographic description character
const FOLD_SHIFT = 8;
const foldTable = new Int32Array(0x10000);

/** Flags of a unit pass 1 emits. */
function unitFlags(unit: number): number {
  return (isHanUnit(unit) ? FOLD_HAN : 0) | (SPACE[unit] === 1 ? FOLD_SPACE : 0) | (unit >= 0x2ff0 && unit <= 0x2fff ? FOLD_IDS : 0);
}

function classify(c: number): number {
  let entry: number;
  if (c >= 0xd800 && c <= 0xdfff) entry = FOLD_SLOW;
  else if (INVISIBLE.has(c)) entry = FOLD_SKIP;
  else {
    const f = foldChar(String.fromCharCode(c));
    const unit = f.charCodeAt(0);
    entry = f.length === 1 && !INVISIBLE.has(unit) ? (unit << FOLD_SHIFT) | FOLD_EMIT | unitFlags(unit) : FOLD_SLOW;
  }
  if (c >= 0x300 && isMark(c)) entry |= FOLD_MARK;
  foldTable[c] = entry;
  return entry;
}

/**
 * Pass 1 without offsets (the scoring path): remove invisibles, NFKC, lower-case, per character (a
 * character plus the combining marks after it), and collapse whitespace runs to one space,
 * trimmed, into `folded`. Returns the FOLD_HAN and FOLD_IDS flags of the units that came out.
 * Each BMP unit is classified once (NFKC of it alone, cached in a flat table); the loop then emits
 * most units with that one lookup, which also says whether the unit is a mark joining the
 * character before it. A unit is always written and kept unless it is a space after a space (or
 * at the start): no branch on whitespace.
 */
function foldPlain(text: string, folded: UnitBuffer, mark: number, work: Scratch): number {
  const n = text.length;
  const units = unitsOf(text);
  // At most one unit out per unit read; the cluster path reserves for itself.
  folded.reserve(n);
  let codes = folded.codes;
  let seen = 0;
  let k = 0;
  // 1 when the last unit kept is a space, or none is kept yet (leading spaces are dropped).
  let afterSpace = 1;
  let nextMark = mark < 0 ? Infinity : mark;
  work.marked = work.markedAfter = -1;
  let entry = n > 0 ? foldTable[units[0]!]! || classify(units[0]!) : 0;
  for (let i = 0; i < n; i++) {
    if (i >= nextMark) {
      // Units so far all came from before the mark (a cluster starting before it ends at most
      // there or covers it, and then its units start before it too).
      if (nextMark === mark) {
        work.marked = k;
        nextMark = mark + 2;
      } else {
        work.markedAfter = k;
        nextMark = Infinity;
      }
    }
    let next = 0;
    if (i + 1 < n) {
      const c = units[i + 1]!;
      next = foldTable[c]! || classify(c);
    }
    // A combining mark after this character composes with it under NFKC: take the cluster path.
    if ((next & FOLD_MARK) === 0) {
      const kind = entry & FOLD_KIND;
      if (kind === FOLD_EMIT) {
        const space = (entry >>> FOLD_SPACE_BIT) & 1;
        codes[k] = space === 1 ? 0x20 : entry >>> FOLD_SHIFT;
        k += 1 - (space & afterSpace);
        afterSpace = space;
        seen |= entry;
        entry = next;
        continue;
      }
      if (kind === FOLD_SKIP) {
        entry = next;
        continue;
      }
    }
    const stop = clusterEnd(text, i);
    const folding = foldClusterAt(text, i, stop);
    folded.length = k;
    folded.reserve(folding.length + n - stop);
    codes = folded.codes;
    for (let m = 0; m < folding.length; m++) {
      const f = folding.charCodeAt(m);
      if (INVISIBLE.has(f)) continue;
      const flags = unitFlags(f);
      const space = (flags >>> FOLD_SPACE_BIT) & 1;
      codes[k] = space === 1 ? 0x20 : f;
      k += 1 - (space & afterSpace);
      afterSpace = space;
      seen |= flags;
    }
    i = stop - 1;
    entry = stop < n ? foldTable[units[stop]!]! || classify(units[stop]!) : 0;
  }
  if (work.marked < 0 && mark >= 0) work.marked = k;
  if (work.markedAfter < 0 && mark >= 0) work.markedAfter = k;
  // A trailing space.
  if (afterSpace === 1 && k > 0) k--;
  folded.length = k;
  return seen & (FOLD_HAN | FOLD_IDS);
}

/**
 * Pass 1 with offsets: as {@link foldPlain}, keeping for every unit the original range it came
 * from (a collapsed space stands for the whole run); without `collapse`, whitespace is kept as
 * it is.
 */
function foldInto(text: string, folded: UnitBuffer, collapse: boolean): number {
  const n = text.length;
  const units = unitsOf(text);
  const offsets = folded.withOffsets;
  // At most one unit out per unit read (a pending space uses the slot of the space it replaces);
  // the cluster path reserves for itself.
  folded.reserve(n);
  let { codes, start, end } = folded;
  let seen = 0;
  let k = folded.length;
  let pending = false;
  let pendingStart = 0;
  let pendingEnd = 0;
  let entry = n > 0 ? foldTable[units[0]!]! || classify(units[0]!) : 0;
  for (let i = 0; i < n; i++) {
    let next = 0;
    if (i + 1 < n) {
      const c = units[i + 1]!;
      next = foldTable[c]! || classify(c);
    }
    // A combining mark after this character composes with it under NFKC: take the cluster path.
    if ((next & FOLD_MARK) === 0) {
      const kind = entry & FOLD_KIND;
      if (kind === FOLD_EMIT) {
        seen |= entry;
        if (collapse && (entry & FOLD_SPACE) !== 0) {
          if (!pending) pendingStart = i;
          pendingEnd = i + 1;
          pending = true;
        } else {
          if (pending) {
            if (k > 0) {
              codes[k] = 0x20;
              if (offsets) {
                start[k] = pendingStart;
                end[k] = pendingEnd;
              }
              k++;
            }
            pending = false;
          }
          codes[k] = entry >>> FOLD_SHIFT;
          if (offsets) {
            start[k] = i;
            end[k] = i + 1;
          }
          k++;
        }
        entry = next;
        continue;
      }
      if (kind === FOLD_SKIP) {
        entry = next;
        continue;
      }
    }
    const stop = clusterEnd(text, i);
    const folding = foldClusterAt(text, i, stop);
    folded.length = k;
    folded.reserve(folding.length + 1 + n - stop);
    ({ codes, start, end } = folded);
    for (let m = 0; m < folding.length; m++) {
      const f = folding.charCodeAt(m);
      if (INVISIBLE.has(f)) continue;
      seen |= unitFlags(f);
      if (collapse && SPACE[f] === 1) {
        if (!pending) pendingStart = i;
        pendingEnd = stop;
        pending = true;
        continue;
      }
      if (pending) {
        if (k > 0) {
          codes[k] = 0x20;
          if (offsets) {
            start[k] = pendingStart;
            end[k] = pendingEnd;
          }
          k++;
        }
        pending = false;
      }
      codes[k] = f;
      if (offsets) {
        start[k] = i;
        end[k] = stop;
      }
      k++;
    }
    i = stop - 1;
    entry = stop < n ? foldTable[units[stop]!]! || classify(units[stop]!) : 0;
  }
  folded.length = k;
  return seen & (FOLD_HAN | FOLD_IDS);
}

/** End of the cluster at `i`: one code point plus the combining marks after it. */
function clusterEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  let j = i + 1;
  if (c >= 0xd800 && c <= 0xdbff && j < n) {
    const low = text.charCodeAt(j);
    if (low >= 0xdc00 && low <= 0xdfff) j++;
  }
  while (j < n && isMarkUnit(text.charCodeAt(j))) j++;
  return j;
}

/** The cluster `text[i..j)` through NFKC and lower-casing (cached for single characters). */
function foldClusterAt(text: string, i: number, j: number): string {
  const cluster = text.slice(i, j);
  const c = text.charCodeAt(i);
  return j - i === 1 || (j - i === 2 && c >= 0xd800 && c <= 0xdbff) ? foldChar(cluster) : foldClusterText(cluster);
}

/**
 * Whitespace runs → one space, trimmed, in place: a space is written only once a non-space
 * follows it, and stands for the whole run it replaced.
 */
function collapseSpaces(buf: UnitBuffer): void {
  const { codes, start, end, withOffsets: offsets } = buf;
  const n = buf.length;
  let w = 0;
  let pending = false;
  let pendingStart = 0;
  let pendingEnd = 0;
  for (let r = 0; r < n; r++) {
    const code = codes[r]!;
    if (SPACE[code] === 1) {
      if (offsets) {
        if (!pending) pendingStart = start[r]!;
        pendingEnd = end[r]!;
      }
      pending = true;
      continue;
    }
    // Writes never overtake reads: every space written stands for at least one read.
    if (pending) {
      if (w > 0) {
        codes[w] = 0x20;
        if (offsets) {
          start[w] = pendingStart;
          end[w] = pendingEnd;
        }
        w++;
      }
      pending = false;
    }
    codes[w] = code;
    if (offsets) {
      start[w] = start[r]!;
      end[w] = end[r]!;
    }
    w++;
  }
  buf.length = w;
}

// Invisible characters used (on purpose or by editors) to break words apart: ZWSP, ZWNJ, ZWJ,
// word joiner, BOM, and the soft hyphen, which browsers also hide.
const INVISIBLE = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad]);

const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  let folded = foldCache.get(ch);
  if (folded === undefined) {
    folded = ch.normalize('NFKC').toLowerCase();
    foldCache.set(ch, folded);
  }
  return folded;
}

function foldClusterText(cluster: string): string {
  return cluster.normalize('NFKC').toLowerCase();
}

/** Whether a code unit is a combining mark (classified once, see classify). */
function isMarkUnit(c: number): boolean {
  return ((foldTable[c]! || classify(c)) & FOLD_MARK) !== 0;
}

const MARK = /\p{M}/u;

/** Whether a BMP code unit is a combining mark (only asked once per unit, see classify). */
function isMark(c: number): boolean {
  if (c >= 0x4e00 && c <= 0x9fff) return false;
  return MARK.test(String.fromCharCode(c));
}

/** Han ideographs, BMP blocks and the high surrogates of the supplementary ones. */
function isHanUnit(c: number): boolean {
  return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xd840 && c <= 0xd87f);
}

/** JavaScript's `\s`, by code unit. */
const SPACE = (() => {
  const table = new Uint8Array(0x10000);
  for (const c of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) table[c] = 1;
  for (let c = 0x2000; c <= 0x200a; c++) table[c] = 1;
  return table;
})();
