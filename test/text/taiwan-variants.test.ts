import { Converter } from 'opencc-js';
import { normalizeForMatch, normalizeWithOffsets } from '../../src/text/normalize';

/**
 * The Taiwan-variant stage of opencc-js has entries that change a character (樑 → 梁, 喫 → 吃)
 * and entries that keep a name whole (林國樑 → 林國樑) so that its characters are not changed.
 * The fast conversion skips the stage for text where no unit starts a changing entry; these texts
 * put the names' first characters (林, 張, 楊…) with and without the rest of the name, next to
 * the characters the stage changes, and compare with opencc-js.
 */
describe('Taiwan variants', () => {
  const convert = Converter({ from: 'cn', to: 'tw' });
  const reference = (t: string) => {
    let s = t.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '').normalize('NFKC').toLowerCase();
    if (/[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uD840-\uD87F]/.test(s)) s = convert(s);
    return s.replace(/\s+/g, ' ').trim();
  };
  const pieces = ['林', '張', '楊', '羅', '葉', '蔣', '黃', '國', '棟', '士', '樑', '梁', '喫', '茶', '小舖', '純', '林國樑', '張棟樑', '林國', '張棟', '喫茶小舖', '纯喫茶', '醫師', '诊所', '头发', ' ', '，'];

  it('converts names the variant stage keeps whole, and their first characters alone, as opencc-js does', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let k = 0; k < 3000; k++) {
      let t = '';
      const len = Math.floor(rand() * 12);
      for (let i = 0; i < len; i++) t += pieces[Math.floor(rand() * pieces.length)];
      expect({ t, out: normalizeForMatch(t) }).toEqual({ t, out: reference(t) });
      expect({ t, out: normalizeWithOffsets(t).text }).toEqual({ t, out: reference(t) });
    }
  });

  it('leaves a surname that merely starts a protected name as it is', () => {
    expect(normalizeForMatch('林醫師')).toBe('林醫師');
    expect(normalizeForMatch('林國樑醫師')).toBe('林國樑醫師');
    expect(normalizeForMatch('樑柱')).toBe(reference('樑柱'));
  });
});
