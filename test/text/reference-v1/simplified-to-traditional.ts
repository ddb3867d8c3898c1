// Frozen copy of src/text/simplified-to-traditional.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
import { Locale } from 'opencc-js';

/**
 * Simplified → Traditional (Taiwan) conversion that keeps track of where every output character
 * came from, so a match found in the converted text can be highlighted in the original.
 *
 * The dictionaries are opencc-js's own (its `s2tw` configuration: phrase segmentation, then
 * Simplified phrases and characters → Traditional, then Taiwan variants, each step applied within
 * one segment), so the output is the same as `Converter({ from: 'cn', to: 'tw' })` — the tests
 * compare the two on randomised text. What differs is speed: opencc-js walks a Map per character
 * and builds strings for three passes; here the first character of every entry is looked up in a
 * flat table, which answers "nothing starts here" for most characters of a Traditional text.
 */

/** Where each unit of a converted string came from: `start[i]`/`end[i]` are source offsets. */
export interface OffsetSink {
  /** Append one output unit that came from the source range [start, end). */
  push(code: number, start: number, end: number): void;
}

const PAIR_BITS = 1 << 21;

function pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> (32 - 21);
}

/** A trie over UTF-16 code units; node 0 is the root, whose children live in a flat table. */
class CodeTrie {
  readonly root = new Int32Array(0x10000).fill(-1);
  private readonly children: Map<number, number>[] = [new Map()];
  /** Replacement ending at a node (undefined: no entry ends here). */
  readonly value: (string | undefined)[] = [undefined];
  /** Whether an entry ending here is a phrase used for segmentation. */
  readonly segment: boolean[] = [false];
  /** 1 for a first code unit that begins some segmentation phrase. */
  readonly segmentRoot = new Uint8Array(0x10000);
  /** Node where the entry found by the last {@link longest} call ends. */
  lastNode = -1;
  // Bitmap over a hash of the first two code units of every segmentation phrase. Most positions
  // of a Traditional text whose character begins some phrase fail on the second character; the
  // bitmap answers that without walking the trie's maps.
  private readonly pairs = new Uint8Array(PAIR_BITS >> 3);
  /** 1 for a code unit that is a whole segmentation phrase by itself. */
  private readonly single = new Uint8Array(0x10000);

  /** Whether a segmentation phrase may start with `c` followed by `next` (-1 at the end of the text). */
  maySegment(c: number, next: number): boolean {
    if (this.segmentRoot[c] === 0) return false;
    if (this.single[c] === 1) return true;
    if (next < 0) return false;
    const h = pairHash(c, next);
    return (this.pairs[h >> 3]! & (1 << (h & 7))) !== 0;
  }

  /** Add `source → target`; an existing entry keeps its value (earlier dictionaries win, as in opencc-js). */
  add(source: string, target: string, segment: boolean): void {
    let node = 0;
    for (let i = 0; i < source.length; i++) node = this.child(node, source.charCodeAt(i));
    if (this.value[node] === undefined) this.value[node] = target;
    if (segment) {
      this.segment[node] = true;
      this.segmentRoot[source.charCodeAt(0)] = 1;
      if (source.length === 1) this.single[source.charCodeAt(0)] = 1;
      else {
        const h = pairHash(source.charCodeAt(0), source.charCodeAt(1));
        this.pairs[h >> 3]! |= 1 << (h & 7);
      }
    }
  }

  /**
   * End of the longest entry starting at `i` and ending at or before `limit` (only segmentation
   * phrases when `segmentOnly`), or -1; its node is left in {@link lastNode}.
   */
  longest(s: Uint16Array, i: number, limit: number, segmentOnly: boolean): number {
    let node = this.root[s[i]!]!;
    if (node < 0) return -1;
    let best = -1;
    for (let j = i + 1; ; j++) {
      if (this.value[node] !== undefined && (!segmentOnly || this.segment[node])) {
        best = j;
        this.lastNode = node;
      }
      if (j >= limit) break;
      const next = this.children[node]!.get(s[j]!);
      if (next === undefined) break;
      node = next;
    }
    return best;
  }

  private child(node: number, code: number): number {
    if (node === 0) {
      const existing = this.root[code]!;
      if (existing >= 0) return existing;
      const created = this.create();
      this.root[code] = created;
      return created;
    }
    const map = this.children[node]!;
    const existing = map.get(code);
    if (existing !== undefined) return existing;
    const created = this.create();
    map.set(code, created);
    return created;
  }

  private create(): number {
    this.children.push(new Map());
    this.value.push(undefined);
    this.segment.push(false);
    return this.children.length - 1;
  }
}

interface Tables {
  /** Stage 1: Simplified phrases (also the segmentation dictionary) and characters. */
  stage1: CodeTrie;
  /** Stage 2: Taiwan variants (phrases that protect names, then single characters). */
  stage2: CodeTrie;
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
  tables = { stage1, stage2 };
  return tables;
}

/** Build the converter's tables now rather than on the first Chinese text (benchmarks, warm start). */
export function warmUpTraditional(): void {
  getTables();
}

// Stage-1 output of the current segment, waiting for stage 2 (reused between calls).
let midCodes = new Uint16Array(256);
let midStart = new Int32Array(256);
let midEnd = new Int32Array(256);
let midLength = 0;

function pushMid(code: number, start: number, end: number): void {
  if (midLength === midCodes.length) {
    const size = midLength * 2;
    const codes = new Uint16Array(size);
    codes.set(midCodes);
    const starts = new Int32Array(size);
    starts.set(midStart);
    const ends = new Int32Array(size);
    ends.set(midEnd);
    midCodes = codes;
    midStart = starts;
    midEnd = ends;
  }
  midCodes[midLength] = code;
  midStart[midLength] = start;
  midEnd[midLength] = end;
  midLength++;
}

/**
 * Convert the first `n` code units of `s` (already NFKC-folded and lower-cased) to Traditional Chinese (Taiwan), appending each
 * output unit to `sink` with the source range it came from: `srcStart[i]`/`srcEnd[i]` give the
 * original range of unit `i` of `s`. A replacement of the same length maps unit for unit; one of
 * another length maps every output unit to the whole replaced range.
 *
 * opencc's three passes are folded into one: a Simplified phrase starting at a position is a
 * segment of its own and is replaced whole; between phrases, characters are replaced one by one
 * (the character dictionary has single characters only); the Taiwan-variant pass then runs over
 * each segment's output, and only when that output has a character it could change.
 */
export function toTraditionalWithOffsets(s: Uint16Array, n: number, srcStart: Int32Array, srcEnd: Int32Array, sink: OffsetSink): void {
  const { stage1, stage2 } = getTables();
  midLength = 0;
  let variants = false;
  const flush = (): void => {
    if (variants) convertSegmentVariants(stage2, sink);
    else for (let k = 0; k < midLength; k++) sink.push(midCodes[k]!, midStart[k]!, midEnd[k]!);
    midLength = 0;
    variants = false;
  };
  const plain = plainTable(stage1, stage2);
  let i = 0;
  while (i < n) {
    const c = s[i]!;
    // Most characters of a Traditional text start no entry at all: copy them.
    if (plain[c] === 1) {
      pushMid(c, srcStart[i]!, srcEnd[i]!);
      i++;
      continue;
    }
    const phraseEnd = stage1.maySegment(c, i + 1 < n ? s[i + 1]! : -1) ? stage1.longest(s, i, n, true) : -1;
    if (phraseEnd > 0) {
      // A phrase is a segment of its own: close the run before it, convert it, close it.
      flush();
      const value = stage1.value[stage1.lastNode]!;
      const same = value.length === phraseEnd - i;
      for (let k = 0; k < value.length; k++) {
        const code = value.charCodeAt(k);
        if (stage2.root[code]! >= 0) variants = true;
        pushMid(code, srcStart[same ? i + k : i]!, srcEnd[same ? i + k : phraseEnd - 1]!);
      }
      flush();
      i = phraseEnd;
      continue;
    }
    const len = unmatchedLength(s, n, i);
    const node = stage1.root[c]!;
    const value = len === 1 && node >= 0 ? stage1.value[node] : undefined;
    if (value !== undefined) {
      for (let k = 0; k < value.length; k++) {
        const code = value.charCodeAt(k);
        if (stage2.root[code]! >= 0) variants = true;
        pushMid(code, srcStart[i]!, srcEnd[i]!);
      }
    } else if (len === 2 && node >= 0 && stage1.longest(s, i, i + 2, false) === i + 2) {
      // A supplementary-plane character with its own entry.
      const v = stage1.value[stage1.lastNode]!;
      for (let k = 0; k < v.length; k++) {
        const code = v.charCodeAt(k);
        if (stage2.root[code]! >= 0) variants = true;
        pushMid(code, srcStart[v.length === 2 ? i + k : i]!, srcEnd[v.length === 2 ? i + k : i + 1]!);
      }
    } else {
      for (let k = 0; k < len; k++) {
        const code = s[i + k]!;
        if (stage2.root[code]! >= 0) variants = true;
        pushMid(code, srcStart[i + k]!, srcEnd[i + k]!);
      }
    }
    i += len;
  }
  flush();
}

let plainCache: Uint8Array | undefined;

/**
 * 1 for code units that no dictionary entry of either stage starts with and that are neither
 * surrogates nor ideographic description characters: they are copied unchanged.
 */
function plainTable(stage1: CodeTrie, stage2: CodeTrie): Uint8Array {
  if (plainCache) return plainCache;
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const special = stage1.root[c]! >= 0 || stage2.root[c]! >= 0 || (c >= 0xd800 && c <= 0xdfff) || (c >= 0x2ff0 && c <= 0x2fff);
    table[c] = special ? 0 : 1;
  }
  plainCache = table;
  return table;
}

/** Stage 2 (Taiwan variants) over the buffered segment, longest match first. */
function convertSegmentVariants(trie: CodeTrie, sink: OffsetSink): void {
  let i = 0;
  while (i < midLength) {
    const end = trie.root[midCodes[i]!]! >= 0 ? trie.longest(midCodes, i, midLength, false) : -1;
    if (end < 0) {
      const len = unmatchedLength(midCodes, midLength, i);
      for (let k = 0; k < len; k++) sink.push(midCodes[i + k]!, midStart[i + k]!, midEnd[i + k]!);
      i += len;
      continue;
    }
    const value = trie.value[trie.lastNode]!;
    const same = value.length === end - i;
    for (let k = 0; k < value.length; k++) sink.push(value.charCodeAt(k), midStart[same ? i + k : i]!, midEnd[same ? i + k : end - 1]!);
    i = end;
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

