// Frozen copy of src/text/term-index.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
import { AhoCorasick } from './aho-corasick';
import { hasTermBoundaries } from './term-boundary';

/**
 * One automaton for every word the scorer looks for — rule terms, query terms, topic terms and
 * the sentiment lexicon — so a text is scanned once, however many rules and words there are.
 * Users register normalised strings while compiling (getting a stable id each), then the index is
 * built; a scan returns every occurrence that stands on proper boundaries (see term-boundary.ts).
 */

/** Occurrences from one scan, ordered by end offset (longest first at the same end). */
export interface Occurrences {
  length: number;
  term: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

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

  constructor(readonly terms: readonly string[]) {
    this.automaton = new AhoCorasick(terms.map((text, id) => ({ id, text })));
  }

  get size(): number {
    return this.terms.length;
  }

  /**
   * Every occurrence of every term in `text` (normalised). The result is a buffer reused by the
   * next scan of this index: read it before scanning again.
   */
  scan(text: string): Occurrences {
    const out = this.buffer;
    out.length = 0;
    this.automaton.scan(text, (id, start, end) => {
      if (!hasTermBoundaries(text, start, end)) return;
      if (out.length === out.term.length) grow(out);
      out.term[out.length] = id;
      out.start[out.length] = start;
      out.end[out.length] = end;
      out.length++;
    });
    return out;
  }
}

function grow(o: Occurrences): void {
  const size = o.term.length * 2;
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
