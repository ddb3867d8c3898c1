import { normalizeForMatch } from '../../src/text/normalize';

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
