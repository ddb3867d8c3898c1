import { AhoCorasick, type AcMatch, type AcPattern } from '../../src/text/aho-corasick';

/** The obvious quadratic search, as the reference. */
function naive(patterns: AcPattern[], text: string): AcMatch[] {
  const out: AcMatch[] = [];
  for (const p of patterns) {
    for (let i = text.indexOf(p.text); i !== -1; i = text.indexOf(p.text, i + 1)) out.push({ patternId: p.id, start: i, end: i + p.text.length });
  }
  return out;
}

const key = (m: AcMatch) => `${m.start}:${m.end}:${m.patternId}`;
const sorted = (ms: AcMatch[]) => ms.map(key).sort();

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('AhoCorasick', () => {
  it('finds every occurrence including overlaps and nested patterns', () => {
    const patterns = [
      { id: 1, text: '醫療' },
      { id: 2, text: '醫療糾紛' },
      { id: 3, text: '糾紛' },
      { id: 4, text: '紛紛' },
      { id: 5, text: '療' },
    ];
    const ac = new AhoCorasick(patterns);
    const text = '醫療糾紛紛紛，醫療';
    expect(sorted(ac.findAll(text))).toEqual(sorted(naive(patterns, text)));
    expect(ac.findAll('醫療糾紛')).toEqual([
      { patternId: 1, start: 0, end: 2 },
      { patternId: 5, start: 1, end: 2 },
      { patternId: 2, start: 0, end: 4 },
      { patternId: 3, start: 2, end: 4 },
    ]);
  });

  it('reports every id of patterns that share a text', () => {
    const ac = new AhoCorasick([
      { id: 7, text: '推' },
      { id: 8, text: '推' },
    ]);
    expect(ac.findAll('推推').map((m) => m.patternId).sort()).toEqual([7, 7, 8, 8]);
  });

  it('agrees with a naive search on randomised inputs', () => {
    const next = rng(20260302);
    const alphabets = ['ab', 'abc', '醫療糾紛推噓', 'a醫b療'];
    for (let round = 0; round < 300; round++) {
      const alphabet = alphabets[round % alphabets.length]!;
      const pick = () => alphabet[Math.floor(next() * alphabet.length)]!;
      const word = (max: number) => Array.from({ length: 1 + Math.floor(next() * max) }, pick).join('');
      const patterns = Array.from({ length: 1 + Math.floor(next() * 12) }, (_, id) => ({ id, text: word(5) }));
      const text = word(80);
      const ac = new AhoCorasick(patterns);
      expect(sorted(ac.findAll(text))).toEqual(sorted(naive(patterns, text)));
    }
  });

  it('orders matches by end, longest first', () => {
    const ac = new AhoCorasick([
      { id: 0, text: 'b' },
      { id: 1, text: 'ab' },
      { id: 2, text: 'xab' },
    ]);
    expect(ac.findAll('xab').map((m) => m.patternId)).toEqual([2, 1, 0]);
  });

  it('handles surrogate pairs as two code units', () => {
    const ac = new AhoCorasick([{ id: 0, text: '😡' }]);
    expect(ac.findAll('爛😡😡')).toEqual([
      { patternId: 0, start: 1, end: 3 },
      { patternId: 0, start: 3, end: 5 },
    ]);
  });

  it('finds nothing with no patterns and rejects an empty pattern', () => {
    expect(new AhoCorasick([]).findAll('任何文字')).toEqual([]);
    expect(() => new AhoCorasick([{ id: 0, text: '' }])).toThrow(RangeError);
  });
});
