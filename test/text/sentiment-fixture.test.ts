import { metrics, readExamples } from '../../bench/text-sentiment-eval';

describe('labelled sentiment sets', () => {
  it('hold at least 400 zh-TW texts and a small English set, every row well-formed, with a held-out split', () => {
    const zh = readExamples('sentiment-zh-TW.tsv');
    const en = readExamples('sentiment-en.tsv');
    expect(zh.length).toBeGreaterThanOrEqual(400);
    expect(en.length).toBeGreaterThanOrEqual(50);
    for (const e of [...zh, ...en]) {
      expect(['dev', 'test']).toContain(e.split);
      expect(['negative', 'neutral', 'positive']).toContain(e.label);
      expect(e.text.trim().length).toBeGreaterThan(0);
    }
    expect(new Set(zh.map((e) => e.text)).size).toBe(zh.length);
    expect(zh.filter((e) => e.split === 'test').length).toBeGreaterThanOrEqual(100);
    // Every class is well represented, and the hard cases the issue names are there.
    for (const label of ['negative', 'neutral', 'positive'] as const) expect(zh.filter((e) => e.label === label).length).toBeGreaterThanOrEqual(100);
    for (const kind of ['hard-negation', 'hard-contrast', 'hard-sarcasm', 'hard-rhetorical', 'mixed-lang', 'forum', 'news']) expect(zh.some((e) => e.kind === kind)).toBe(true);
  });
});

describe('metrics', () => {
  it('computes accuracy and the macro average of per-class F1', () => {
    const m = metrics([
      { gold: 'positive', predicted: 'positive' },
      { gold: 'positive', predicted: 'neutral' },
      { gold: 'negative', predicted: 'negative' },
      { gold: 'neutral', predicted: 'negative' },
    ]);
    expect(m.accuracy).toBe(0.5);
    // positive: P 1, R 0.5 → 2/3; negative: P 0.5, R 1 → 2/3; neutral: 0.
    expect(m.f1).toEqual({ positive: 2 / 3, negative: 2 / 3, neutral: 0 });
    expect(m.macroF1).toBeCloseTo(4 / 9, 10);
  });
});
