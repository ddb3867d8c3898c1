import { AhoCorasick, type AcMatches } from './aho-corasick';
import { needsTermBoundaries } from './term-boundary';
import { unitsOf } from './unit-buffer';

/**
 * One automaton for every word the scorer looks for — rule terms, query terms, topic terms and
 * the sentiment lexicon — so a text is scanned once, however many rules and words there are.
 * Users register normalised strings while compiling (getting a stable id each), then the index is
 * built; a scan returns every occurrence that stands on proper boundaries (see term-boundary.ts).
 */

/** Occurrences from one scan, ordered by end offset (longest first at the same end). */
export type Occurrences = AcMatches;

/** Collects the normalised strings to look for; {@link build} freezes them into an index. */
export class TermIndexBuilder {
  private readonly ids = new Map<string, number>();

  /** The id of a normalised string (the same string always gets the same id). */
  add(normalised: string): number {
    if (normalised === '') throw new RangeError('TermIndexBuilder: empty term');
    let id = this.ids.get(normalised);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(normalised, id);
    }
    return id;
  }

  get size(): number {
    return this.ids.size;
  }

  build(): TermIndex {
    return new TermIndex([...this.ids.keys()]);
  }
}

/** An immutable index; see {@link TermIndexBuilder}. */
export class TermIndex {
  private readonly automaton: AhoCorasick;
  private readonly buffer: Occurrences = { length: 0, term: new Int32Array(64), start: new Int32Array(64), end: new Int32Array(64) };

  // 1 for terms that begin or end with a Latin letter or digit: only their occurrences need the
  // word-boundary check (CJK terms match anywhere).
  private readonly latinEdged: Uint8Array;

  constructor(readonly terms: readonly string[]) {
    this.automaton = new AhoCorasick(terms.map((text, id) => ({ id, text })));
    this.latinEdged = Uint8Array.from(terms, (t) => (needsTermBoundaries(t) ? 1 : 0));
  }

  get size(): number {
    return this.terms.length;
  }

  /**
   * Every occurrence of every term in `text` (normalised). The result is a buffer reused by the
   * next scan of this index: read it before scanning again.
   */
  scan(text: string): Occurrences {
    return this.scanUnits(unitsOf(text), text.length);
  }

  /** {@link scan} over the first `n` code units of `units` (the scorer's one pass has them already). */
  scanUnits(units: Uint16Array, n: number): Occurrences {
    const out = this.buffer;
    out.length = 0;
    // Latin terms must stand on word boundaries: the automaton drops the occurrences that do not
    // (most occurrences begin and end with CJK characters, which need no check).
    this.automaton.collect(units, n, out, this.latinEdged);
    return out;
  }
}
