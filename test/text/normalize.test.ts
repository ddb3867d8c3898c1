import { Converter } from 'opencc-js';
import { normalizeForMatch, normalizeWithOffsets, originalRange } from '../../src/text/normalize';

describe('normalizeForMatch', () => {
  it('folds full-width letters, digits and punctuation to half-width and lower case', () => {
    expect(normalizeForMatch('ＥＸＡＭＰＬＥ　Ｃｌｉｎｉｃ　２０２６！')).toBe('example clinic 2026!');
  });

  it('turns Simplified Chinese into the Traditional form a rule term is written in', () => {
    expect(normalizeForMatch('范例诊所发生医疗纠纷，个资外泄')).toBe(normalizeForMatch('範例診所發生醫療糾紛,個資外洩'));
    expect(normalizeForMatch('医疗纠纷')).toBe('醫療糾紛');
  });

  it('removes zero-width characters hidden inside a term', () => {
    expect(normalizeForMatch('醫\u200B療\u200C糾\u200D紛\uFEFF與\u2060個資')).toBe('醫療糾紛與個資');
  });

  it('collapses whitespace runs (including newlines and ideographic spaces) to one space and trims', () => {
    expect(normalizeForMatch('  範例\n\n\t診所\u3000\u00A0 很棒  ')).toBe('範例 診所 很棒');
  });

  it('leaves Traditional text that needs no conversion unchanged', () => {
    const text = '王大明醫師的皮秒雷射療程。強制執行與查封的消息讓診所炎上';
    expect(normalizeForMatch(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = normalizeForMatch('范例ＣＬＩＮＩＣ 头发\u200B 台湾');
    expect(normalizeForMatch(once)).toBe(once);
  });

  it('lower-cases plain ASCII without touching anything else', () => {
    expect(normalizeForMatch('Example  Clinic\tIS Great')).toBe('example clinic is great');
  });
});

describe('normalizeWithOffsets', () => {
  const span = (original: string, from: number, to: number) => {
    const n = normalizeWithOffsets(original);
    const o = originalRange(n, from, to);
    return original.slice(o.start, o.end);
  };

  it('maps every unit of the result back to the characters it came from', () => {
    const original = '  范例诊所\u200B ＥＸＡＭＰＬＥ\n\n医疗纠纷';
    const n = normalizeWithOffsets(original);
    expect(n.text).toBe('範例診所 example 醫療糾紛');
    expect(n.start).toHaveLength(n.text.length);
    const at = (term: string) => n.text.indexOf(term);
    expect(span(original, at('範例診所'), at('範例診所') + 4)).toBe('范例诊所');
    expect(span(original, at('example'), at('example') + 7)).toBe('ＥＸＡＭＰＬＥ');
    expect(span(original, at('醫療糾紛'), at('醫療糾紛') + 4)).toBe('医疗纠纷');
    // The collapsed space stands for the whole run it replaced.
    expect(span(original, at(' 醫'), at(' 醫') + 1)).toBe('\n\n');
  });

  it('maps an expansion (㎏ → kg) to the whole source character', () => {
    const n = normalizeWithOffsets('5㎏重');
    expect(n.text).toBe('5kg重');
    expect([...n.start]).toEqual([0, 1, 1, 2]);
    expect([...n.end]).toEqual([1, 2, 2, 3]);
  });

  it('composes a letter with the combining mark after it', () => {
    const n = normalizeWithOffsets('Cafe\u0301 好');
    expect(n.text).toBe('café 好');
    expect(originalRange(n, 3, 4)).toEqual({ start: 3, end: 5 });
  });

  it('gives an empty range at the right place for an empty span', () => {
    const n = normalizeWithOffsets('ab');
    expect(originalRange(n, 1, 1)).toEqual({ start: 1, end: 1 });
    expect(originalRange(n, 2, 2)).toEqual({ start: 2, end: 2 });
  });

  it('equals the reference pipeline (NFKC, lower case, opencc-js cn→tw, whitespace) on randomised text', () => {
    const convert = Converter({ from: 'cn', to: 'tw' });
    const reference = (t: string) => {
      let s = t.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '').normalize('NFKC').toLowerCase();
      if (/[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uD840-\uD87F]/.test(s)) s = convert(s);
      return s.replace(/\s+/g, ' ').trim();
    };
    // Simplified phrases and characters, Taiwan variants (着, 裏, 爲), names the variant pass
    // protects (张栋梁), full-width forms, compatibility characters, emoji, supplementary-plane
    // ideographs, zero-width characters and combining marks.
    const pieces = [...'范例诊所医疗纠纷台湾后面头发干净里面這個醫院態度很差不推薦着僞裏爲牀ＡＢＣ１２３ａｂｃ，。！？　abcXYZ \t\n\u200B\u00AD㎏①ｶ😀𠀋', 'e\u0301', 'SQL注入', '张栋梁', '喫茶小铺', '一了百了', '头发干了'];
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let k = 0; k < 3000; k++) {
      let t = '';
      const len = Math.floor(rand() * 30);
      for (let i = 0; i < len; i++) t += pieces[Math.floor(rand() * pieces.length)];
      const n = normalizeWithOffsets(t);
      expect({ t, out: n.text }).toEqual({ t, out: reference(t) });
      expect(n.start.length).toBe(n.text.length);
      for (let i = 1; i < n.start.length; i++) expect(n.start[i]! >= n.start[i - 1]!).toBe(true);
    }
  });
});
