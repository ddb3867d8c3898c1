import * as termBoundary from './term-boundary';

// Read once: under tsx every use of an imported name is a getter call.
const onBoundaries = termBoundary.hasTermBoundariesIn;

/**
 * Aho–Corasick multi-pattern search: one pass over the text finds every occurrence of every
 * pattern, so matching cost grows with the text's length (and the number of hits), not with the
 * number of rules or terms. Works on UTF-16 code units; offsets are code-unit offsets.
 */

/** A pattern and the caller's id for it. Several patterns may share an id or a text. */
export interface AcPattern {
  id: number;
  text: string;
}

/** One occurrence: `text.slice(start, end) === pattern` (end exclusive, UTF-16 offsets). */
export interface AcMatch {
  patternId: number;
  start: number;
  end: number;
}

/** Called for each occurrence; see {@link AhoCorasick.scan}. */
export type AcVisitor = (patternId: number, start: number, end: number) => void;

/** Occurrences in parallel arrays (`term[i]` is a pattern id), filled by {@link AhoCorasick.collect}. */
export interface AcMatches {
  length: number;
  term: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

/** An immutable automaton over a fixed set of patterns. */
export class AhoCorasick {
  // Goto function in flat arrays: the children of state `x` are childCode/childNode[childStart[x]
  // .. childStart[x + 1]), sorted by code unit. Memory stays proportional to the trie (a CJK
  // alphabet has tens of thousands of code units), and a lookup is a short scan of numbers rather
  // than a hash of a Map per state.
  private readonly childStart: Int32Array;
  private readonly childCode: Uint16Array;
  private readonly childNode: Int32Array;
  private readonly fail: Int32Array;
  // Patterns ending exactly at a state: ownIndex[ownStart[x] .. ownStart[x + 1]) (indices into
  // ids/lengths).
  private readonly ownStart: Int32Array;
  private readonly ownIndex: Int32Array;
  // Nearest state on the failure chain with its own patterns (-1: none): walking these finds the
  // shorter patterns that end at the same place without visiting every failure state.
  private readonly dict: Int32Array;
  // First state to report from when the automaton is in a state: itself if it has patterns, else
  // its dict link (-1: nothing ends here), so most states cost one comparison.
  private readonly report: Int32Array;
  private readonly ids: Int32Array;
  private readonly lengths: Int32Array;
  // The root's transitions in a flat table (-1: none). Most characters of a text lead back to the
  // root, so this one lookup is the hot path of every scan.
  private readonly rootNext = new Int32Array(0x10000).fill(-1);
  // The transitions collect() follows, each target stored as `state * 2 + (1 if a pattern ends
  // there or on its dict chain)`, so the scan learns whether to report without another lookup,
  // and 0 (the root, nothing to report) for "no transition". rootTo is the root's. A non-root
  // state x's are jumpCode/jumpTo[jumpStart[x] .. jumpStart[x + 1]), sorted by code unit: its own
  // children and those of the states on its failure chain short of the root (the first along the
  // chain wins). A unit found in none of them goes where it goes from the root, so a step never
  // walks failure links. jumpMask[x] has bit (c & 31) set for every c listed: most units of a
  // text in a non-root state are ruled out by that one test (0 for the root, which has no list).
  private readonly rootTo: Int32Array;
  // What collect() reports in a state, flattened: the patterns ending there and along its dict
  // chain, in scan()'s order, as outId/outLength[outStart[x] .. outStart[x + 1]).
  private readonly outStart: Int32Array;
  private readonly outId: Int32Array;
  private readonly outLength: Int32Array;
  private readonly jumpStart: Int32Array;
  private readonly jumpCode: Uint16Array;
  private readonly jumpTo: Int32Array;
  private readonly jumpMask: Int32Array;

  /**
   * Build the automaton; O(total pattern length).
   * @throws RangeError for an empty pattern (it would match between every two characters) —
   *   a programming error: callers validate user terms before building.
   */
  constructor(patterns: Iterable<AcPattern>) {
    // Built with a Map per state, then frozen into the flat arrays above.
    const next: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    const ids: number[] = [];
    const lengths: number[] = [];
    for (const p of patterns) {
      if (p.text.length === 0) throw new RangeError(`Aho–Corasick: pattern ${p.id} is empty`);
      let state = 0;
      for (let i = 0; i < p.text.length; i++) {
        const c = p.text.charCodeAt(i);
        let to = next[state]!.get(c);
        if (to === undefined) {
          to = next.length;
          next.push(new Map());
          own.push([]);
          next[state]!.set(c, to);
        }
        state = to;
      }
      own[state]!.push(ids.length);
      ids.push(p.id);
      lengths.push(p.text.length);
    }
    const states = next.length;
    this.ids = Int32Array.from(ids);
    this.lengths = Int32Array.from(lengths);

    let edges = 0;
    for (const m of next) edges += m.size;
    this.childStart = new Int32Array(states + 1);
    this.childCode = new Uint16Array(edges);
    this.childNode = new Int32Array(edges);
    let at = 0;
    for (let x = 0; x < states; x++) {
      this.childStart[x] = at;
      for (const [c, child] of [...next[x]!].sort((p, q) => p[0] - q[0])) {
        this.childCode[at] = c;
        this.childNode[at] = child;
        at++;
      }
    }
    this.childStart[states] = at;
    for (const [c, child] of next[0]!) this.rootNext[c] = child;

    this.ownStart = new Int32Array(states + 1);
    this.ownIndex = new Int32Array(ids.length);
    at = 0;
    for (let x = 0; x < states; x++) {
      this.ownStart[x] = at;
      for (const p of own[x]!) this.ownIndex[at++] = p;
    }
    this.ownStart[states] = at;

    this.fail = new Int32Array(states);
    this.dict = new Int32Array(states).fill(-1);
    this.linkFailures();
    this.report = new Int32Array(states);
    for (let x = 0; x < states; x++) this.report[x] = this.ownStart[x + 1]! > this.ownStart[x]! ? x : this.dict[x]!;
    const encode = (x: number): number => (x < 0 ? 0 : x * 2 + (this.report[x] !== -1 ? 1 : 0));
    this.rootTo = this.rootNext.map(encode);
    const outs: number[] = [];
    this.outStart = new Int32Array(states + 1);
    for (let x = 0; x < states; x++) {
      this.outStart[x] = outs.length;
      for (let t = this.report[x]!; t !== -1; t = this.dict[t]!) for (let k = this.ownStart[t]!; k < this.ownStart[t + 1]!; k++) outs.push(this.ownIndex[k]!);
    }
    this.outStart[states] = outs.length;
    this.outId = Int32Array.from(outs, (p) => this.ids[p]!);
    this.outLength = Int32Array.from(outs, (p) => this.lengths[p]!);
    const jumps = this.resolveJumps(states);
    this.jumpStart = jumps.start;
    this.jumpCode = jumps.code;
    this.jumpTo = jumps.target.map(encode);
    this.jumpMask = jumps.mask;
  }

  /** Number of patterns the automaton was built from. */
  get patternCount(): number {
    return this.ids.length;
  }

  /**
   * Every occurrence of every pattern, overlaps included, ordered by end offset and, for the same
   * end, longest first.
   */
  findAll(text: string): AcMatch[] {
    const found: AcMatch[] = [];
    this.scan(text, (patternId, start, end) => found.push({ patternId, start, end }));
    return found;
  }

  /** Like {@link findAll} without building an array: `visit` is called per occurrence, in the same order. */
  scan(text: string, visit: AcVisitor): void {
    const { fail, ownStart, ownIndex, dict, report, ids, lengths, rootNext } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (state === 0) {
        state = rootNext[c]!;
        if (state < 0) {
          state = 0;
          continue;
        }
      } else {
        let to = this.child(state, c);
        while (to < 0) {
          state = fail[state]!;
          if (state === 0) {
            to = rootNext[c]!;
            break;
          }
          to = this.child(state, c);
        }
        state = to < 0 ? 0 : to;
        if (state === 0) continue;
      }
      const end = i + 1;
      for (let s = report[state]!; s !== -1; s = dict[s]!) {
        for (let k = ownStart[s]!; k < ownStart[s + 1]!; k++) {
          const p = ownIndex[k]!;
          visit(ids[p]!, end - lengths[p]!, end);
        }
      }
    }
  }

  /**
   * Like {@link scan} over the first `n` code units of `units`, appending each occurrence to `out`
   * (grown as needed) instead of calling back: the scoring path, one call per text. With
   * `boundaries`, an occurrence of a pattern id whose entry there is 1 is kept only if it stands
   * on word boundaries (see term-boundary.ts), checked here where the units are at hand.
   */
  collect(units: Uint16Array, n: number, out: AcMatches, boundaries?: Uint8Array): void {
    const { outStart, outId, outLength, rootTo, jumpStart, jumpCode, jumpTo, jumpMask } = this;
    let { term, start, end } = out;
    let length = out.length;
    let state = 0;
    for (let i = 0; i < n; i++) {
      const c = units[i]!;
      // Where c leads from the root, unless the state (or a state on its failure chain) has a
      // child along c. The root's target does not depend on the state, so it is loaded while
      // the mask test is decided.
      let to = rootTo[c]!;
      if ((jumpMask[state]! & (1 << (c & 31))) !== 0) {
        const from = jumpStart[state]!;
        const until = jumpStart[state + 1]!;
        if (until - from <= 8) {
          for (let k = from; k < until; k++) {
            if (jumpCode[k] === c) {
              to = jumpTo[k]!;
              break;
            }
          }
        } else to = this.wideJump(from, until, c, to);
      }
      state = to >> 1;
      if ((to & 1) === 0) continue;
      const stop = i + 1;
      for (let k = outStart[state]!; k < outStart[state + 1]!; k++) {
        const id = outId[k]!;
        const begin = stop - outLength[k]!;
        if (boundaries !== undefined && boundaries[id] === 1 && !onBoundaries(units, n, begin, stop)) continue;
        if (length === term.length) {
          out.length = length;
          growMatches(out);
          ({ term, start, end } = out);
        }
        term[length] = id;
        start[length] = begin;
        end[length] = stop;
        length++;
      }
    }
    out.length = length;
  }

  /** The target along `c` in the sorted jump range [from, until), or `otherwise` (binary search, for states with many). */
  private wideJump(from: number, until: number, c: number, otherwise: number): number {
    const codes = this.jumpCode;
    let lo = from;
    let hi = until - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = codes[mid]!;
      if (v === c) return this.jumpTo[mid]!;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return otherwise;
  }

  /**
   * Every state's jumps (see jumpStart): its children, then its failure target's jumps along
   * units it has no child for. States are visited breadth-first, so a failure target (always
   * shallower) is resolved first. Targets are plain states here; the caller encodes them.
   */
  private resolveJumps(states: number): { start: Int32Array; code: Uint16Array; target: Int32Array; mask: Int32Array } {
    const { childStart, childCode, childNode, fail } = this;
    const lists: Map<number, number>[] = new Array(states);
    lists[0] = new Map();
    const queue: number[] = [];
    for (let k = childStart[0]!; k < childStart[1]!; k++) queue.push(childNode[k]!);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const own = new Map<number, number>();
      for (let k = childStart[state]!; k < childStart[state + 1]!; k++) {
        own.set(childCode[k]!, childNode[k]!);
        queue.push(childNode[k]!);
      }
      // The root's list is empty: its transitions are rootTo.
      for (const [c, to] of lists[fail[state]!]!) if (!own.has(c)) own.set(c, to);
      lists[state] = own;
    }
    let total = 0;
    for (const m of lists) total += m.size;
    const start = new Int32Array(states + 1);
    const code = new Uint16Array(total);
    const target = new Int32Array(total);
    const mask = new Int32Array(states);
    let at = 0;
    for (let x = 0; x < states; x++) {
      start[x] = at;
      for (const [c, to] of [...lists[x]!].sort((p, q) => p[0] - q[0])) {
        code[at] = c;
        target[at] = to;
        mask[x]! |= 1 << (c & 31);
        at++;
      }
    }
    start[states] = at;
    return { start, code, target, mask };
  }

  /** The child of non-root `state` along `c`, or -1. */
  private child(state: number, c: number): number {
    const codes = this.childCode;
    let lo = this.childStart[state]!;
    let hi = this.childStart[state + 1]!;
    // Most states have a child or two: scan those; search the wide ones.
    if (hi - lo <= 8) {
      for (; lo < hi; lo++) if (codes[lo] === c) return this.childNode[lo]!;
      return -1;
    }
    hi--;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = codes[mid]!;
      if (v === c) return this.childNode[mid]!;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  // Breadth-first, so a state's failure target (always shallower) is final before it is used.
  private linkFailures(): void {
    const { childStart, childCode, childNode, fail, dict, ownStart } = this;
    const queue: number[] = [];
    for (let k = childStart[0]!; k < childStart[1]!; k++) queue.push(childNode[k]!);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (let k = childStart[state]!; k < childStart[state + 1]!; k++) {
        const c = childCode[k]!;
        const child = childNode[k]!;
        let f = fail[state]!;
        let to = f === 0 ? this.rootNext[c]! : this.child(f, c);
        while (to < 0 && f !== 0) {
          f = fail[f]!;
          to = f === 0 ? this.rootNext[c]! : this.child(f, c);
        }
        const target = to < 0 ? 0 : to;
        fail[child] = target;
        dict[child] = ownStart[target + 1]! > ownStart[target]! ? target : dict[target]!;
        queue.push(child);
      }
    }
  }
}

function growMatches(o: AcMatches): void {
  const size = Math.max(64, o.term.length * 2);
  const term = new Int32Array(size);
  term.set(o.term);
  const start = new Int32Array(size);
  start.set(o.start);
  const end = new Int32Array(size);
  end.set(o.end);
  o.term = term;
  o.start = start;
  o.end = end;
}
