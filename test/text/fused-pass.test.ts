import { benchmarkRules, benchmarkTexts } from '../../bench/text-corpus';
import type { Lang } from '../../src/core/types';
import { FusedPass } from '../../src/text/fused-pass';
import { detectLang, LANG_SAMPLE_CHARS } from '../../src/text/language';
import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { normalizeForMatch, normalizeTitled } from '../../src/text/normalize';
import { createScorer } from '../../src/text/scorer';
import { closesSentence } from '../../src/text/sentiment-zh-workspace';
import { ruleFixture } from './rule-fixture';
import { rng } from '../helpers/seeded-picker';

/**
 * The scorer's one pass (fused-pass.ts) against the modular path it stands in for: the same
 * normalised text, title/body split, sentence ends and language, on randomised texts built from
 * the pieces that exercise every branch of either; and the scorer's results through the pass
 * (score, scoreText) against its results through the modular path (explain's scoring).
 */

/** What most posts are made of: the pass handles texts of these alone. */
const COMMON = [
  ...'范例诊所医疗纠纷台湾后面头发干净里面這個醫院態度很差不推薦了么发面干系林張嗎呢',
  ...'，。！？、；：,.!?;:…~～「」()【】 \t\n\r\u3000\u00A0',
  ...'ＡＢＣ１２３ａｂｃ！？，．ｶ',
  '\u200B', '\uFEFF', '😀', '😡', '👍', '👍🏻', 'GOOD', "don't", 'NOT', 'Clinic ', ' doctor', 'the', 'a', '?', '？',
  '头发干了', '一了百了', '醫師', '診所', '不推', '很細心', '但是', '雖然', '難道',
];

/** Everything, the rare cases included. */
const PIECES = [
  ...'范例诊所医疗纠纷台湾后面头发干净里面這個醫院態度很差不推薦着僞裏爲牀了么发面干系林張樑',
  ...'，。！？、；：,.!?;:…~～「」()【】 \t\n\r\u3000\u00A0\u2003',
  ...'ＡＢＣ１２３ａｂｃ！？，．＠㎏①ｶ',
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD',
  'e\u0301', 'A\u0308', '\u0301', '❤\uFE0F', '⿰氵可', '⿱', '😀', '😡', '👍', '👍🏻', '𠀋', '𪚥', '𰬸', '\uD800', '\uDC00', '(╯°□°)╯',
  'ΣΑΣ', 'İ', 'ß', 'ǅ', 'ﬁ', 'ｶﾞ', '각', 'カタカナ', 'Привет', 'K', 'GOOD', "don't", 'NOT', 'Clinic ', ' doctor', 'the', 'a',
  'http://example.com/x', 'www.example.com', 'me@example.com', '@', '://', 'www.',
  '头发干了', '一了百了', '张栋梁', '喫茶小铺', '醫師', '診所', '嗎', '呢', '?', '？',
];

function randomTexts(seed: number, count: number, maxPieces: number, pieces: readonly string[]): string[] {
  const rand = rng(seed);
  return Array.from({ length: count }, () => {
    let t = '';
    const len = Math.floor(rand.next() * maxPieces);
    for (let i = 0; i < len; i++) t += rand.pick(pieces);
    return t;
  });
}

/** Positions of the units that close sentences in a normalised text. */
function closersOf(normalised: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < normalised.length; i++) if (closesSentence(normalised.charCodeAt(i))) out.push(i);
  return out;
}

function passed(pass: FusedPass): { text: string; closers: number[] } {
  return { text: String.fromCharCode(...pass.units.subarray(0, pass.length)), closers: Array.from(pass.closers.subarray(0, pass.closerCount)) };
}

const benchRules = benchmarkRules(50, 40);
const bench = benchmarkTexts(benchRules, 2000, 500);
const texts = [...randomTexts(11, 2000, 30, COMMON), ...randomTexts(12, 1500, 30, PIECES), ...randomTexts(13, 300, 300, COMMON), ...bench.slice(0, 300)];

describe('the scorer’s one pass', () => {
  it('normalises as normalizeForMatch does and records its sentence ends, or leaves the text to it', () => {
    const pass = new FusedPass();
    let handled = 0;
    for (const t of texts) {
      if (!pass.run(t, -1, false)) continue;
      handled++;
      const normalised = normalizeForMatch(t);
      expect({ t, ...passed(pass) }).toEqual({ t, text: normalised, closers: closersOf(normalised) });
    }
    // Half the randomised texts are full of the rare cases the pass leaves to the modular path.
    expect(handled).toBeGreaterThan(texts.length / 2);
  });

  it('handles nearly every benchmark text itself', () => {
    const pass = new FusedPass();
    expect(bench.filter((t) => pass.run(t, -1, true)).length).toBeGreaterThan(bench.length * 0.98);
  });

  it('counts the language detectLang gives, for texts without links up to the sample length', () => {
    const pass = new FusedPass();
    const long = Array.from({ length: 20 }, (_, k) => bench.slice(k * 10, k * 10 + 10).join(' '));
    for (const t of [...texts, ...long]) {
      if (!pass.run(t, -1, true)) continue;
      const counted = t.length <= LANG_SAMPLE_CHARS && !t.includes('@') && !t.includes('://') && !t.includes('www.');
      expect({ t, lang: pass.lang }).toEqual({ t, lang: counted ? detectLang(t) : undefined });
    }
  });

  it('finds where the title ends and the body starts as normalizeTitled does', () => {
    const pass = new FusedPass();
    const rand = rng(13);
    let handled = 0;
    for (const t of texts) {
      const cut = Math.floor(rand.next() * (t.length + 1));
      const title = t.slice(0, cut) + rand.pick(['', ' ', '  \n', '\u200B', '😀']);
      const body = rand.pick(['', ' ', '\u3000', '😡']) + t.slice(cut);
      const text = `${title}。\n${body}`;
      const titled = normalizeTitled(text, title.length);
      if (!pass.run(text, title.length, false)) continue;
      handled++;
      expect({ text, passed: { text: passed(pass).text, titleEnd: pass.titleEnd, bodyStart: pass.bodyStart } }).toEqual({ text, passed: titled });
    }
    expect(handled).toBeGreaterThan(texts.length / 2);
  });
});

describe('the scorer through the pass and through the modular path', () => {
  const lexicon = loadLexicon(defaultLexiconPath());
  const rules = [
    ...benchRules.slice(0, 10),
    ruleFixture({
      id: 'mixed',
      match: { any: ['範例診所', 'Example Clinic', 'Dr. Wang', '醫師'], exclude: ['徵才'] },
      topics: { dispute: { risk: 'high', terms: ['醫療糾紛', '提告'] }, english: { risk: 'low', terms: ['refund', 'rude'] } },
      sentiment: { positive: ['很細心', 'worth the wait'], negative: ['做壞了', 'rude', '推'] },
    }),
    ruleFixture({ id: 'query', match: { any: [], query: '(診所 OR clinic) NEAR/8 (態度 OR 推薦) -廣告' } as never, topics: { t: { risk: 'medium', query: 'title:醫師 OR body:不推' } } }),
  ];
  const scorer = createScorer({ rules, lexicon });
  const rand = rng(14);
  const mentions = texts.map((t) => {
    const cut = Math.floor(rand.next() * (t.length + 1));
    const roll = rand.next();
    return { title: roll < 0.3 ? '' : t.slice(0, cut), body: roll > 0.9 ? '' : t.slice(cut), lang: rand.pick<Lang>(['zh', 'en', 'other']) };
  });

  it('scores mentions identically', () => {
    for (const m of mentions) expect({ m, scoring: scorer.score(m) }).toEqual({ m, scoring: scorer.explain(m).scoring });
  });

  it('scores free text identically, detecting the language or told it', () => {
    for (const t of texts) {
      expect({ t, scoring: scorer.scoreText(t) }).toEqual({ t, scoring: scorer.explain({ body: t }).scoring });
      expect({ t, scoring: scorer.scoreText(t, 'en') }).toEqual({ t, scoring: scorer.explain({ body: t, lang: 'en' }).scoring });
    }
  });
});
