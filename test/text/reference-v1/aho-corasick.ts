// Frozen copy of src/text/aho-corasick.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
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

/** An immutable automaton over a fixed set of patterns. */
export class AhoCorasick {
  // Goto function: per state, code unit → next state. Maps keep memory proportional to the
  // trie, which matters with a CJK alphabet of tens of thousands of code units.
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  // Patterns ending exactly at a state (indices into ids/lengths).
  private readonly own: number[][] = [[]];
  // Nearest state on the failure chain with its own patterns (-1: none): walking these finds the
  // shorter patterns that end at the same place without visiting every failure state.
  private readonly dict: number[] = [-1];
  private readonly ids: number[] = [];
  private readonly lengths: number[] = [];
  // The root's transitions in a flat table (-1: none). Most characters of a text lead back to the
  // root, so this one lookup is the hot path of every scan.
  private readonly rootNext = new Int32Array(0x10000).fill(-1);

  /**
   * Build the automaton; O(total pattern length).
   * @throws RangeError for an empty pattern (it would match between every two characters) —
   *   a programming error: callers validate user terms before building.
   */
  constructor(patterns: Iterable<AcPattern>) {
    for (const p of patterns) {
      if (p.text.length === 0) throw new RangeError(`Aho–Corasick: pattern ${p.id} is empty`);
      let state = 0;
      for (let i = 0; i < p.text.length; i++) {
        const c = p.text.charCodeAt(i);
        let to = this.next[state]!.get(c);
        if (to === undefined) {
          to = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.own.push([]);
          this.dict.push(-1);
          this.next[state]!.set(c, to);
        }
        state = to;
      }
      this.own[state]!.push(this.ids.length);
      this.ids.push(p.id);
      this.lengths.push(p.text.length);
    }
    this.linkFailures();
    for (const [c, child] of this.next[0]!) this.rootNext[c] = child;
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
    const { next, fail, own, dict, ids, lengths, rootNext } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let to = state === 0 ? rootNext[c]! : (next[state]!.get(c) ?? -1);
      while (to < 0 && state !== 0) {
        state = fail[state]!;
        to = state === 0 ? rootNext[c]! : (next[state]!.get(c) ?? -1);
      }
      state = to < 0 ? 0 : to;
      if (state === 0) continue;
      const end = i + 1;
      for (let s = own[state]!.length > 0 ? state : dict[state]!; s !== -1; s = dict[s]!) {
        for (const p of own[s]!) visit(ids[p]!, end - lengths[p]!, end);
      }
    }
  }

  // Breadth-first, so a state's failure target (always shallower) is final before it is used.
  private linkFailures(): void {
    const queue: number[] = [];
    for (const child of this.next[0]!.values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [c, child] of this.next[state]!) {
        let f = this.fail[state]!;
        let to = this.next[f]!.get(c);
        while (to === undefined && f !== 0) {
          f = this.fail[f]!;
          to = this.next[f]!.get(c);
        }
        const target = to ?? 0;
        this.fail[child] = target;
        this.dict[child] = this.own[target]!.length > 0 ? target : this.dict[target]!;
        queue.push(child);
      }
    }
  }
}
