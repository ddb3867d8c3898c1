import { AhoCorasick, type AcMatches } from '../../src/text/aho-corasick';

/**
 * collect() (the scoring path) follows precomputed jumps instead of failure links; it must report
 * exactly what scan()/findAll() report, in the same order.
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function collected(ac: AhoCorasick, text: string): Array<{ patternId: number; start: number; end: number }> {
  // By code unit (iterating the string would go by code point).
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  const out: AcMatches = { length: 0, term: new Int32Array(1), start: new Int32Array(1), end: new Int32Array(1) };
  ac.collect(units, units.length, out);
  return Array.from({ length: out.length }, (_, k) => ({ patternId: out.term[k]!, start: out.start[k]!, end: out.end[k]! }));
}

describe('AhoCorasick.collect', () => {
  it('reports what findAll reports, in the same order, on randomised inputs', () => {
    const next = rng(20261121);
    // Small alphabets make deep failure chains; the wide one gives states with many children
    // (searched rather than scanned) and units that share their low five bits (the jump mask).
    const wide = Array.from({ length: 40 }, (_, k) => String.fromCharCode(0x4e00 + k * 32 + (k % 3)));
    const alphabets = [[...'ab'], [...'abc'], [...'醫療糾紛推噓'], [...'a醫b療'], wide, [...'aA ', '😡']];
    for (let round = 0; round < 600; round++) {
      const alphabet = alphabets[round % alphabets.length]!;
      const pick = () => alphabet[Math.floor(next() * alphabet.length)]!;
      const word = (max: number) => Array.from({ length: 1 + Math.floor(next() * max) }, pick).join('');
      const patterns = Array.from({ length: 1 + Math.floor(next() * 60) }, (_, id) => ({ id, text: word(round % 2 === 0 ? 3 : 6) }));
      const ac = new AhoCorasick(patterns);
      const text = word(120);
      expect({ text, found: collected(ac, text) }).toEqual({ text, found: ac.findAll(text) });
    }
  });

  it('grows the output arrays as needed', () => {
    const ac = new AhoCorasick([
      { id: 0, text: 'a' },
      { id: 1, text: 'aa' },
    ]);
    expect(collected(ac, 'a'.repeat(100))).toHaveLength(199);
  });
});
