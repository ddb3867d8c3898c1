import { Locale } from 'opencc-js';
import { UnitBuffer } from './unit-buffer';

/**
 * Simplified → Traditional (Taiwan) conversion that keeps track of where every output character
 * came from, so a match found in the converted text can be highlighted in the original.
 *
 * The dictionaries are opencc-js's own (its `s2tw` configuration: phrase segmentation, then
 * Simplified phrases and characters → Traditional, then Taiwan variants, each step applied within
 * one segment), so the output is the same as `Converter({ from: 'cn', to: 'tw' })` — the tests
 * compare the two on randomised text. What differs is speed: opencc-js walks a Map per character
 * and builds strings for three passes. Here every UTF-16 unit is looked up in a flat table that
 * says what it becomes on its own and whether a phrase may start with it; a bitmap over the
 * first two units of every phrase rules out most of those; the tries are flat arrays. Nearly
 * every text converts unit by unit ({@link toTraditionalUnitWise}); the rest — Taiwan variants
 * outside phrases, replacements of another length, description sequences — take
 * {@link toTraditionalInto}, the general conversion with offsets.
 */

const PAIR_BITS = 1 << 21;
const ENDS_ENTRY = 1;
const ENDS_SEGMENT = 2;

function pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> (32 - 21);
}

/**
 * A trie over UTF-16 code units; node 0 is the root, whose children live in a flat table. Built
 * with a Map per node, then frozen into flat arrays (each node's children sorted in one range),
 * which {@link longest} walks without hashing.
 */
class CodeTrie {
  readonly root = new Int32Array(0x10000).fill(-1);
  private building: Map<number, number>[] | undefined = [new Map()];
  // Frozen children: node `x`'s children are childCode/childNode[childStart[x] .. childStart[x + 1]).
  private childStart = new Int32Array(0);
  private childCode = new Uint16Array(0);
  private childNode = new Int32Array(0);
  /** Replacement ending at a node (undefined: no entry ends here). */
  readonly value: (string | undefined)[] = [undefined];
  /** 1 where an entry ending here is a phrase used for segmentation. */
  private segment = new Uint8Array(0);
  private readonly segmentList: boolean[] = [false];
  /** 1 for a first code unit that begins some segmentation phrase. */
  readonly segmentRoot = new Uint8Array(0x10000);
  /** 1 for a code unit that is a whole segmentation phrase by itself. */
  readonly wholePhrase = new Uint8Array(0x10000);
  /**
   * 1 for a first code unit of some entry that changes what it matches. Stage 2 also has entries
   * that map a phrase to itself (names such as 林國樑, kept whole so that their characters are not
   * converted): text where no unit starts a changing entry comes out of that stage as it went in.
   */
  readonly changingRoot = new Uint8Array(0x10000);
  /** Node where the entry found by the last {@link longest} call ends. */
  lastNode = -1;
  // Bitmap over a hash of the first two code units of every segmentation phrase. Most positions
  // of a Traditional text whose character begins some phrase fail on the second character; the
  // bitmap answers that without walking the trie.
  readonly pairs = new Uint8Array(PAIR_BITS >> 3);
  /** Per node, once frozen: ENDS_ENTRY if an entry ends there, ENDS_SEGMENT if a segmentation phrase does. */
  private ends = new Uint8Array(0);

  /** Whether a segmentation phrase may start with `c` followed by `next` (-1 at the end of the text). */
  maySegment(c: number, next: number): boolean {
    if (this.segmentRoot[c] === 0) return false;
    if (this.wholePhrase[c] === 1) return true;
    return next >= 0 && this.mayStartPair(c, next);
  }

  /** Whether some segmentation phrase of two or more units may start with `c`, `next` (false: certainly none). */
  mayStartPair(c: number, next: number): boolean {
    const h = pairHash(c, next);
    return (this.pairs[h >> 3]! & (1 << (h & 7))) !== 0;
  }

  /** Add `source → target`; an existing entry keeps its value (earlier dictionaries win, as in opencc-js). */
  add(source: string, target: string, segment: boolean): void {
    let node = 0;
    for (let i = 0; i < source.length; i++) node = this.child(node, source.charCodeAt(i));
    if (this.value[node] === undefined) this.value[node] = target;
    if (target !== source) this.changingRoot[source.charCodeAt(0)] = 1;
    if (segment) {
      this.segmentList[node] = true;
      this.segmentRoot[source.charCodeAt(0)] = 1;
      if (source.length === 1) this.wholePhrase[source.charCodeAt(0)] = 1;
      else {
        const h = pairHash(source.charCodeAt(0), source.charCodeAt(1));
        this.pairs[h >> 3]! |= 1 << (h & 7);
      }
    }
  }

  /** Turn the per-node maps into flat sorted child ranges; no entry can be added afterwards. */
  freeze(): void {
    const maps = this.building!;
    const nodes = maps.length;
    let edges = 0;
    for (const m of maps) edges += m.size;
    this.childStart = new Int32Array(nodes + 1);
    this.childCode = new Uint16Array(edges);
    this.childNode = new Int32Array(edges);
    let at = 0;
    for (let x = 0; x < nodes; x++) {
      this.childStart[x] = at;
      for (const [code, child] of [...maps[x]!].sort((p, q) => p[0] - q[0])) {
        this.childCode[at] = code;
        this.childNode[at] = child;
        at++;
      }
    }
    this.childStart[nodes] = at;
    this.segment = Uint8Array.from(this.segmentList, (b) => (b ? 1 : 0));
    this.ends = Uint8Array.from(this.value, (v, x) => (v === undefined ? 0 : ENDS_ENTRY | (this.segment[x] === 1 ? ENDS_SEGMENT : 0)));
    this.building = undefined;
  }

  /**
   * End of the longest entry starting at `i` and ending at or before `limit` (only segmentation
   * phrases when `segmentOnly`), or -1; its node is left in {@link lastNode}.
   */
  longest(s: Uint16Array, i: number, limit: number, segmentOnly: boolean): number {
    let node = this.root[s[i]!]!;
    if (node < 0) return -1;
    let best = -1;
    const ends = this.ends;
    const wanted = segmentOnly ? ENDS_SEGMENT : ENDS_ENTRY;
    for (let j = i + 1; ; j++) {
      if ((ends[node]! & wanted) !== 0) {
        best = j;
        this.lastNode = node;
      }
      if (j >= limit) break;
      node = this.next(node, s[j]!);
      if (node < 0) break;
    }
    return best;
  }

  /** The child of `node` along `code`, or -1 (binary search over its sorted children). */
  private next(node: number, code: number): number {
    let lo = this.childStart[node]!;
    let hi = this.childStart[node + 1]! - 1;
    const codes = this.childCode;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = codes[mid]!;
      if (c === code) return this.childNode[mid]!;
      if (c < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private child(node: number, code: number): number {
    if (node === 0) {
      const existing = this.root[code]!;
      if (existing >= 0) return existing;
      const created = this.create();
      this.root[code] = created;
      return created;
    }
    const map = this.building![node]!;
    const existing = map.get(code);
    if (existing !== undefined) return existing;
    const created = this.create();
    map.set(code, created);
    return created;
  }

  private create(): number {
    this.building!.push(new Map());
    this.value.push(undefined);
    this.segmentList.push(false);
    return this.building!.length - 1;
  }
}

interface Tables {
  /** Stage 1: Simplified phrases (also the segmentation dictionary) and characters. */
  stage1: CodeTrie;
  /** Stage 2: Taiwan variants (phrases that protect names, then single characters). */
  stage2: CodeTrie;
  /** Per BMP unit, what the conversion loop does with it (see unitActions). */
  actions: Int32Array;
}

let tables: Tables | undefined;

/** opencc-js dictionaries are `source target|source target|…` strings. */
function load(trie: CodeTrie, dicts: readonly unknown[], segment: (index: number) => boolean): void {
  dicts.forEach((dict, index) => {
    if (typeof dict !== 'string') throw new TypeError('opencc-js: unexpected dictionary format');
    for (const entry of dict.split('|')) {
      const space = entry.indexOf(' ');
      if (space <= 0) continue;
      const target = entry.slice(space + 1).split(' ')[0]!;
      trie.add(entry.slice(0, space), target, segment(index));
    }
  });
}

/**
 * Built on first use (~100 ms): commands that never convert text do not pay for it. Entries are
 * added in the dictionaries' priority order, earlier first.
 */
function getTables(): Tables {
  if (tables) return tables;
  const config = Locale.configs?.s2tw;
  if (!config) throw new Error('opencc-js: the s2tw configuration is missing');
  const [first, second] = config.conversionChain;
  const segmentation = new Set<unknown>(Array.isArray(config.segmentation) ? config.segmentation : [config.segmentation]);
  const stage1 = new CodeTrie();
  load(stage1, first ?? [], (i) => segmentation.has((first ?? [])[i]));
  const stage2 = new CodeTrie();
  load(stage2, second ?? [], () => false);
  stage1.freeze();
  stage2.freeze();
  tables = { stage1, stage2, actions: unitActions(stage1, stage2) };
  return tables;
}

/** Build the converter's tables now rather than on the first Chinese text (benchmarks, warm start). */
export function warmUpTraditional(): void {
  getTables();
}

// What the conversion does with a BMP unit, one Int32Array entry per unit: -1 for the general
// path (surrogates, ideographic description characters, character entries of several units);
// otherwise the unit stage 1 makes of it on its own (its character entry, or itself) in the low
// 16 bits, plus flags.
/** Bit of the flag: some segmentation phrase of two or more units starts with the unit. */
export const MAY_START_PHRASE_BIT = 16;
const MAY_START_PHRASE = 1 << MAY_START_PHRASE_BIT;
/** Bit of the flag: the unit is a segmentation phrase by itself. */
export const WHOLE_PHRASE_BIT = 17;
const WHOLE_PHRASE = 1 << WHOLE_PHRASE_BIT;
/** Flag: the unit it becomes starts a Taiwan-variant (stage 2) entry that changes something. */
export const VARIANT = 1 << 18;
// Unit-wise table only (see unitWiseTable): halves of a surrogate pair that converts to itself.
/** Bit of the flag: a low surrogate (itself, if a high one comes before it). */
const LOW_HALF_BIT = 19;
const LOW_HALF = 1 << LOW_HALF_BIT;
/** Bit of the flag: a high surrogate whose character starts no entry (itself, if a low one follows). */
const HIGH_HALF_BIT = 20;
const HIGH_HALF = 1 << HIGH_HALF_BIT;

function unitActions(stage1: CodeTrie, stage2: CodeTrie): Int32Array {
  const table = new Int32Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const node = stage1.root[c]!;
    const value = node >= 0 ? stage1.value[node] : undefined;
    if ((c >= 0xd800 && c <= 0xdfff) || (c >= 0x2ff0 && c <= 0x2fff) || (value !== undefined && value.length !== 1)) {
      table[c] = -1;
      continue;
    }
    const unit = value === undefined ? c : value.charCodeAt(0);
    let action = unit;
    if (stage1.segmentRoot[c] === 1) action |= stage1.wholePhrase[c] === 1 ? WHOLE_PHRASE : MAY_START_PHRASE;
    if (stage2.changingRoot[unit] === 1) action |= VARIANT;
    table[c] = action;
  }
  return table;
}

let unitWiseCache: Int32Array | undefined;
// Phrase replacements with their Taiwan variants settled (null: a variant changes the length), per
// stage-1 trie node, filled as phrases are met (sized with the table, so it stays a plain array).
let settledPhrases: (string | null | undefined)[] = [];

/**
 * The table for converting unit by unit (see {@link settleUnitWise}), built on first use: per BMP
 * unit, -1 for "convert the general way"; otherwise the unit it becomes alone (low 16 bits) with
 * the MAY_START_PHRASE and WHOLE_PHRASE flags (a phrase may start there) and VARIANT (the text
 * needs the general conversion); surrogates whose character starts no entry are themselves, with
 * LOW_HALF or HIGH_HALF (the caller checks that they pair up). Exported for the scorer's one pass
 * (fused-pass.ts), which looks folded units up in it as it folds them.
 */
export function unitWiseTable(): Int32Array {
  if (unitWiseCache) return unitWiseCache;
  const { stage1, stage2, actions } = getTables();
  const table = actions.slice();
  for (let c = 0xd800; c <= 0xdbff; c++) table[c] = stage1.root[c]! < 0 && stage2.root[c]! < 0 ? c | HIGH_HALF : -1;
  for (let c = 0xdc00; c <= 0xdfff; c++) table[c] = c | LOW_HALF;
  settledPhrases = new Array<string | null | undefined>(stage1.value.length).fill(undefined);
  unitWiseCache = table;
  return table;
}

/**
 * Finish converting `s[0..n)` unit by unit — the same conversion as {@link toTraditionalInto}
 * for nearly every text, and one that maps offsets unit for unit. The caller has looked every
 * unit up in {@link unitWiseTable}: `converted[k]` holds the low 16 bits of its entry,
 * `candidates[0..count)` (increasing) the positions whose entry has MAY_START_PHRASE or
 * WHOLE_PHRASE, each as position × 2 + 1 for WHOLE_PHRASE (no second unit to check) and
 * position × 2 otherwise, `all` the OR of all the entries (or -1 if surrogates did not pair up). Settles
 * the phrases leftmost-first as the general conversion does (a phrase is a segment of its own, so
 * its Taiwan variants are settled on its replacement alone) and returns true; returns false when
 * the text needs the general conversion: a Taiwan variant outside a phrase, a replacement of
 * another length than what it replaces, a character outside the BMP with an entry, a lone
 * surrogate, an ideographic description character.
 */
export function settleUnitWise(s: Uint16Array, n: number, converted: Uint16Array, candidates: Int32Array, count: number, all: number): boolean {
  if (all < 0 || (all & VARIANT) !== 0) return false;
  const { stage1, stage2 } = getTables();
  const pairs = stage1.pairs;
  let done = 0;
  for (let c = 0; c < count; c++) {
    const candidate = candidates[c]!;
    const i = candidate >>> 1;
    // Inside the phrase found before: the general conversion never looks here.
    if (i < done) continue;
    // Most candidates fail the two-unit bitmap at once (a whole phrase of one unit needs no second).
    if ((candidate & 1) === 0) {
      if (i + 1 === n) continue;
      const h = pairHash(s[i]!, s[i + 1]!);
      if ((pairs[h >> 3]! & (1 << (h & 7))) === 0) continue;
    }
    const end = stage1.longest(s, i, n, true);
    if (end < 0) continue;
    let value = settledPhrases[stage1.lastNode];
    if (value === undefined) {
      value = variantsSameLength(stage2, stage1.value[stage1.lastNode]!);
      settledPhrases[stage1.lastNode] = value;
    }
    if (value === null || value.length !== end - i) return false;
    for (let m = 0; m < value.length; m++) converted[i + m] = value.charCodeAt(m);
    done = end;
  }
  return true;
}

let candidateScratch = new Int32Array(1024);

/**
 * Convert `s[0..n)` unit by unit into `converted` (see {@link settleUnitWise}); false when the
 * text needs the general conversion. For callers that have the folded units already.
 */
export function toTraditionalUnitWise(s: Uint16Array, n: number, converted: Uint16Array): boolean {
  const table = unitWiseTable();
  if (candidateScratch.length < n) candidateScratch = new Int32Array(n);
  const candidates = candidateScratch;
  let count = 0;
  let all = 0;
  let highBefore = 0;
  let unpaired = 0;
  for (let k = 0; k < n; k++) {
    const action = table[s[k]!]!;
    all |= action;
    converted[k] = action & 0xffff;
    // Appended without a branch: most units start no phrase.
    candidates[count] = k * 2 + ((action >>> WHOLE_PHRASE_BIT) & 1);
    count += ((action >>> MAY_START_PHRASE_BIT) | (action >>> WHOLE_PHRASE_BIT)) & 1;
    // A low half must follow a high half, and only there.
    unpaired |= ((action >>> LOW_HALF_BIT) & 1) ^ highBefore;
    highBefore = (action >>> HIGH_HALF_BIT) & 1;
  }
  return settleUnitWise(s, n, converted, candidates, count, (unpaired | highBefore) !== 0 ? -1 : all);
}

/** Stage 2 over one segment's text, or null when a replacement has another length than what it replaces (offsets would not map unit for unit). */
function variantsSameLength(trie: CodeTrie, segment: string): string | null {
  const codes = new Uint16Array(segment.length);
  for (let i = 0; i < segment.length; i++) codes[i] = segment.charCodeAt(i);
  let out = '';
  let i = 0;
  while (i < codes.length) {
    const stop = trie.root[codes[i]!]! >= 0 ? trie.longest(codes, i, codes.length, false) : -1;
    if (stop < 0) {
      const len = unmatchedLength(codes, codes.length, i);
      out += segment.slice(i, i + len);
      i += len;
      continue;
    }
    const value = trie.value[trie.lastNode]!;
    if (value.length !== stop - i) return null;
    out += value;
    i = stop;
  }
  return out;
}

// The current segment while stage 2 rewrites it (reused between calls).
let segmentScratch: UnitBuffer | undefined;
let segmentScratchOffsets: UnitBuffer | undefined;

/**
 * Convert the first `n` code units of `s` (already NFKC-folded and lower-cased) to Traditional
 * Chinese (Taiwan), appending the result to `out`. When `out` keeps offsets, each output unit gets
 * a source range from `srcStart`/`srcEnd` (the original range of each unit of `s`): a replacement
 * of the same length maps unit for unit, one of another length maps every output unit to the whole
 * replaced range.
 *
 * opencc's three passes are folded into one: a Simplified phrase starting at a position is a
 * segment of its own and is replaced whole; between phrases, characters are replaced one by one
 * (the character dictionary has single characters only); the Taiwan-variant pass then rewrites
 * each segment's output in place, and only when that output has a character it could change.
 * Most units start no phrase and have a one-unit character entry or none: one table lookup
 * converts them.
 */
export function toTraditionalInto(s: Uint16Array, n: number, srcStart: Int32Array, srcEnd: Int32Array, out: UnitBuffer): void {
  const { stage1, stage2, actions } = getTables();
  const offsets = out.withOffsets;
  // One output unit per input unit on the common path; the other paths reserve for themselves
  // and leave one free slot per unit still to read.
  out.reserve(n);
  let { codes, start, end } = out;
  let k = out.length;
  let segmentStart = k;
  let variants = 0;
  let i = 0;
  while (i < n) {
    const c = s[i]!;
    const action = actions[c]!;
    // Most units start no phrase (or fail the two-unit bitmap at once): one unit out, here.
    if (action >= 0 && (action & WHOLE_PHRASE) === 0 && ((action & MAY_START_PHRASE) === 0 || i + 1 === n || !stage1.mayStartPair(c, s[i + 1]!))) {
      variants |= action;
      codes[k] = action & 0xffff;
      if (offsets) {
        start[k] = srcStart[i]!;
        end[k] = srcEnd[i]!;
      }
      k++;
      i++;
      continue;
    }
    out.length = k;
    const phraseEnd = action >= 0 || stage1.maySegment(c, i + 1 < n ? s[i + 1]! : -1) ? stage1.longest(s, i, n, true) : -1;
    if (phraseEnd > 0) {
      // A phrase is a segment of its own: close the run before it, convert it, close it.
      if ((variants & VARIANT) !== 0) rewriteVariants(stage2, out, segmentStart);
      const value = stage1.value[stage1.lastNode]!;
      const same = value.length === phraseEnd - i;
      segmentStart = out.length;
      variants = 0;
      for (let m = 0; m < value.length; m++) {
        const code = value.charCodeAt(m);
        if (stage2.changingRoot[code] === 1) variants = VARIANT;
        out.push(code, srcStart[same ? i + m : i]!, srcEnd[same ? i + m : phraseEnd - 1]!);
      }
      if (variants !== 0) rewriteVariants(stage2, out, segmentStart);
      segmentStart = out.length;
      variants = 0;
      i = phraseEnd;
    } else if (action >= 0) {
      // No phrase starts here after all: the unit alone.
      variants |= action;
      out.push(action & 0xffff, srcStart[i]!, srcEnd[i]!);
      i++;
    } else {
      // Surrogates, ideographic description sequences, entries of several units.
      const len = unmatchedLength(s, n, i);
      const node = stage1.root[c]!;
      const value = len === 1 && node >= 0 ? stage1.value[node] : undefined;
      if (value !== undefined) {
        for (let m = 0; m < value.length; m++) {
          const code = value.charCodeAt(m);
          if (stage2.changingRoot[code] === 1) variants = VARIANT;
          out.push(code, srcStart[i]!, srcEnd[i]!);
        }
      } else if (len === 2 && node >= 0 && stage1.longest(s, i, i + 2, false) === i + 2) {
        // A supplementary-plane character with its own entry.
        const v = stage1.value[stage1.lastNode]!;
        for (let m = 0; m < v.length; m++) {
          const code = v.charCodeAt(m);
          if (stage2.changingRoot[code] === 1) variants = VARIANT;
          out.push(code, srcStart[v.length === 2 ? i + m : i]!, srcEnd[v.length === 2 ? i + m : i + 1]!);
        }
      } else {
        for (let m = 0; m < len; m++) {
          const code = s[i + m]!;
          if (stage2.changingRoot[code] === 1) variants = VARIANT;
          out.push(code, srcStart[i + m]!, srcEnd[i + m]!);
        }
      }
      i += len;
    }
    out.reserve(n - i);
    ({ codes, start, end } = out);
    k = out.length;
  }
  out.length = k;
  if ((variants & VARIANT) !== 0) rewriteVariants(stage2, out, segmentStart);
}

/** Stage 2 (Taiwan variants) over the segment `out[from..]`, longest match first, in place. */
function rewriteVariants(trie: CodeTrie, out: UnitBuffer, from: number): void {
  const offsets = out.withOffsets;
  let seg = offsets ? segmentScratchOffsets : segmentScratch;
  if (!seg) {
    seg = new UnitBuffer(256, offsets);
    if (offsets) segmentScratchOffsets = seg;
    else segmentScratch = seg;
  }
  const length = out.length - from;
  seg.length = 0;
  seg.reserve(length);
  seg.codes.set(out.codes.subarray(from, out.length));
  if (offsets) {
    seg.start.set(out.start.subarray(from, out.length));
    seg.end.set(out.end.subarray(from, out.length));
  }
  seg.length = length;
  out.length = from;
  const { codes, start, end } = seg;
  let i = 0;
  while (i < length) {
    const stop = trie.root[codes[i]!]! >= 0 ? trie.longest(codes, i, length, false) : -1;
    if (stop < 0) {
      const len = unmatchedLength(codes, length, i);
      for (let k = 0; k < len; k++) out.push(codes[i + k]!, offsets ? start[i + k]! : 0, offsets ? end[i + k]! : 0);
      i += len;
      continue;
    }
    const value = trie.value[trie.lastNode]!;
    const same = value.length === stop - i;
    for (let k = 0; k < value.length; k++) out.push(value.charCodeAt(k), offsets ? start[same ? i + k : i]! : 0, offsets ? end[same ? i + k : stop - 1]! : 0);
    i = stop;
  }
}

/**
 * How far an unmatched position advances: one code point, or a whole Ideographic Description
 * Sequence (⿰氵可), which opencc leaves untouched as a unit.
 */
function unmatchedLength(s: Uint16Array, n: number, i: number): number {
  const end = idsEnd(s, n, i);
  return end > i ? end - i : codePointLength(s, n, i);
}

function codePointLength(s: Uint16Array, n: number, i: number): number {
  const c = s[i]!;
  return c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
}

function idsArity(c: number): number {
  if (c === 0x2ff2 || c === 0x2ff3) return 3;
  return c >= 0x2ff0 && c <= 0x2fff ? 2 : 0;
}

function idsEnd(s: Uint16Array, n: number, i: number): number {
  const arity = idsArity(s[i]!);
  if (arity === 0) return 0;
  let end = i + 1;
  for (let k = 0; k < arity; k++) {
    if (end >= n) return 0;
    const child = idsEnd(s, n, end);
    end = child || end + codePointLength(s, n, end);
  }
  return end;
}

