import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { benchmarkRules, benchmarkTexts } from '../../bench/text-corpus';
import { ruleFileSchema, type RuleFile } from '../../src/config/rule-schema';
import type { Lang } from '../../src/core/types';
import { detectLang } from '../../src/text/language';
import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { compileMatcher } from '../../src/text/matcher';
import { normalizeForMatch, normalizeTitled, normalizeWithOffsets } from '../../src/text/normalize';
import { createScorer } from '../../src/text/scorer';
import { createEnSentiment } from '../../src/text/sentiment-en';
import { createZhSentiment } from '../../src/text/sentiment-zh';
import { detectLang as detectLangV1 } from './reference-v1/language';
import { compileMatcher as compileMatcherV1 } from './reference-v1/matcher';
import { normalizeForMatch as normalizeForMatchV1, normalizeWithOffsets as normalizeWithOffsetsV1 } from './reference-v1/normalize';
import { createScorer as createScorerV1 } from './reference-v1/scorer';
import { createEnSentiment as createEnSentimentV1 } from './reference-v1/sentiment-en';
import { createZhSentiment as createZhSentimentV1 } from './reference-v1/sentiment-zh';
import { ruleFixture } from './rule-fixture';
import { rng } from '../helpers/seeded-picker';

/**
 * The text stage was rewritten for throughput (flat automaton, offset-free normalisation on the
 * scoring path, typed-array sentiment); its outputs must not change by one byte. The first
 * version is kept, frozen, under reference-v1/ and both run here on the same randomised texts:
 * normalisation (with offsets), language, rule hits, sentiment, score, scoreText and explain.
 * Results are compared as JSON that also tells −0 from 0, so key order and every digit count.
 */

const lexicon = loadLexicon(defaultLexiconPath());

/** JSON that keeps −0 apart from 0 and shows typed arrays as lists. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && Object.is(v, -0)) return '-0';
    if (ArrayBuffer.isView(v)) return Array.from(v as Int32Array);
    return v;
  });
}

function loadRuleYaml(name: string): RuleFile {
  return ruleFileSchema.parse(parseYaml(readFileSync(join(__dirname, '..', '..', 'rules', name), 'utf8')));
}

/** Rules exercising every part of the matcher: any/all/exclude, queries with NEAR, scopes and NOT, topic queries, extra sentiment words. */
function queryRules(): RuleFile[] {
  return [
    loadRuleYaml('example-clinic.yaml'),
    ruleFixture({
      id: 'queries',
      match: { any: [], query: '(範例診所 OR "Example Clinic" OR 王大明醫師) -徵才 (糾紛 NEAR/6 醫師 OR title:提告 OR body:(退費 OR refund))' } as never,
      topics: {
        dispute: { risk: 'high', terms: ['醫療糾紛'], query: '(告 OR 賠) NEAR/3 (醫師 OR 診所)' },
        service: { risk: 'medium', query: '櫃台 NEAR/4 (兇 OR 差) -客氣' },
        english: { risk: 'low', query: 'refund NEAR/2 clinic' },
      },
      sentiment: { positive: ['很細心', 'worth the wait', '專業'], negative: ['做壞了', 'rude', '推'] },
    }),
    ruleFixture({
      id: 'all-terms',
      match: { any: ['皮秒', 'Pico'], all: ['雷射', '診所'], exclude: ['廣告'] },
      topics: { price: { risk: 'low', terms: ['太貴', '價格', '便宜'] } },
      sentiment: { positive: ['不推'], negative: ['很細心', 'not helpful'] },
    }),
    ruleFixture({ id: 'latin', match: { any: ['ace', 'Dr. Wang', '101'] }, topics: { t: { risk: 'medium', terms: ['ok', 'bad'] } } }),
  ];
}

function textPieces(rules: readonly RuleFile[]): string[] {
  const lex = [
    ...lexicon.positive.map((w) => w.term),
    ...lexicon.negative.map((w) => w.term),
    ...lexicon.negators,
    ...lexicon.intensifiers.map((w) => w.term),
    ...lexicon.contrast,
    ...lexicon.concession,
    ...lexicon.rhetorical,
    ...lexicon.neutral,
  ];
  const ruleTerms = rules.flatMap((r) => [...r.match.any, ...r.match.all, ...r.match.exclude, ...Object.values(r.topics).flatMap((t) => t.terms), ...r.sentiment.positive, ...r.sentiment.negative]);
  const chars = [
    ...'范例诊所医疗纠纷台湾后面头发干净里面這個醫院態度很差不推薦着僞裏爲牀了么发面干系',
    ...'，。！？、；：,.!?;:…~～「」()【】 \t\n\r\u3000\u00A0\u2003',
    ...'ＡＢＣ１２３ａｂｃ！？，㎏①ｶ',
    '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD',
    'e\u0301', 'A\u0308', '\u0301', '⿰氵可', '⿱', '😀', '😡', '👍', '𠀋', '𪚥', '\uD800', '\uDC00', '(╯°□°)╯', '(｡◕‿◕｡)',
    'ΣΑΣ', 'İ', 'ß', 'ǅ', 'ﬁ', 'ｶﾞ', '각', 'カタカナ', 'ひらがな', 'Привет', 'K', 'GOOD', 'NOT', 'İNDEED',
    'http://example.com/x', 'www.example.com', 'me@example.com',
  ];
  const english = ['the', 'clinic', 'doctor', 'good', 'bad', 'rude', 'great', 'not', "don't", 'never', 'no', 'but', 'however', 'yet', 'very', 'really', 'so', 'refund', 'recommend', 'recommended', 'helpful', 'worth', 'wait', 'Ace', 'place', 'OK', 'Dr.', 'Wang', '101', '1010', "isn't", 'didn’t', 'Example', 'Clinic'];
  return [...lex, ...ruleTerms, ...chars, ...english.map((w) => ` ${w} `), ...english];
}

function randomTexts(seed: number, count: number, pieces: readonly string[], maxPieces: number): string[] {
  const rand = rng(seed);
  return Array.from({ length: count }, () => {
    let t = '';
    const len = Math.floor(rand.next() * maxPieces);
    for (let i = 0; i < len; i++) t += rand.pick(pieces);
    return t;
  });
}

function fixtureTexts(): string[] {
  const dir = join(__dirname, '..', 'fixtures', 'sentiment');
  return ['sentiment-zh-TW.tsv', 'sentiment-en.tsv'].flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((row) => row.split('\t')[4]!),
  );
}

/** The first text on which `a` and `b` disagree (as exact JSON), or undefined. */
function firstDifference<T>(texts: readonly T[], a: (t: T) => unknown, b: (t: T) => unknown): { input: T; current: unknown; reference: unknown } | undefined {
  for (const t of texts) {
    const current = a(t);
    const reference = b(t);
    if (exact(current) !== exact(reference)) return { input: t, current, reference };
  }
  return undefined;
}

describe('the optimised text stage equals the first version', () => {
  const benchRules = benchmarkRules(50, 40);
  const rules = [...queryRules(), ...benchRules.slice(0, 10)];
  const pieces = textPieces(rules);
  const texts = [...randomTexts(1, 1500, pieces, 40), ...randomTexts(2, 300, pieces, 200), ...benchmarkTexts(benchRules, 300, 500), ...fixtureTexts()];

  it('normalises identically, offsets included', () => {
    expect(firstDifference(texts, normalizeForMatch, normalizeForMatchV1)).toBeUndefined();
    expect(firstDifference(texts, normalizeWithOffsets, normalizeWithOffsetsV1)).toBeUndefined();
  });

  it('locates the title in the normalised text without offsets as the offsets do', () => {
    const rand = rng(6);
    const firstIndex = (values: Int32Array, limit: number, after: boolean) => values.findIndex((v) => (after ? v > limit : v >= limit));
    const inputs = texts.map((t) => {
      const cut = Math.floor(rand.next() * t.length);
      const title = t.slice(0, cut) + rand.pick(['', ' ', '  \n', '\u200B']);
      const body = rand.pick(['', ' ', '\u3000']) + t.slice(cut) + rand.pick(['', ' ']);
      return { text: `${title}。\n${body}`, titleLength: title.length };
    });
    // Texts that need the general conversion are told so (the scorer then uses offsets); every
    // other text must be located exactly where the offsets say.
    const fast = inputs.filter((x) => normalizeTitled(x.text, x.titleLength) !== undefined);
    expect(fast.length).toBeGreaterThan(inputs.length / 2);
    const located = firstDifference(
      fast,
      (x) => normalizeTitled(x.text, x.titleLength),
      (x) => {
        const n = normalizeWithOffsetsV1(x.text);
        const at = (values: Int32Array, limit: number, after: boolean) => {
          const i = firstIndex(values, limit, after);
          return i < 0 ? n.text.length : i;
        };
        return { text: n.text, titleEnd: at(n.end, x.titleLength, true), bodyStart: at(n.start, x.titleLength + 2, false) };
      },
    );
    expect(located).toBeUndefined();
  });

  it('detects the same language', () => {
    expect(firstDifference(texts, detectLang, detectLangV1)).toBeUndefined();
    // Past the 4,000-unit sample, with links and addresses.
    const long = Array.from({ length: 40 }, (_, k) => [...texts.slice(k * 20, k * 20 + 20), ...benchmarkTexts(benchRules, 10, 500)].join(k % 3 === 0 ? ' https://example.com/a?b=c ' : ' '));
    expect(long.every((t) => t.length > 5000)).toBe(true);
    expect(firstDifference(long, detectLang, detectLangV1)).toBeUndefined();
  });

  it('scores free text identically (rules, topics, risk, sentiment with contributions)', () => {
    const current = createScorer({ rules, lexicon });
    const reference = createScorerV1({ rules, lexicon });
    expect(firstDifference(texts, (t) => current.scoreText(t), (t) => reference.scoreText(t))).toBeUndefined();
    for (const lang of ['zh', 'en', 'other'] as Lang[]) {
      expect(firstDifference(texts.slice(0, 600), (t) => current.scoreText(t, lang), (t) => reference.scoreText(t, lang))).toBeUndefined();
    }
  });

  it('scores mentions with a title identically, and explains them identically', () => {
    const current = createScorer({ rules, lexicon });
    const reference = createScorerV1({ rules, lexicon });
    const rand = rng(3);
    const mentions = texts.map((t) => {
      const cut = Math.floor(rand.next() * (t.length + 1));
      const roll = rand.next();
      const title = roll < 0.1 ? '' : t.slice(0, cut);
      const body = roll > 0.9 ? '' : t.slice(cut);
      const lang: Lang = rand.pick(['zh', 'en', 'other', detectLangV1(t)]);
      return { title, body, lang };
    });
    expect(firstDifference(mentions, (m) => current.score(m), (m) => reference.score(m))).toBeUndefined();
    expect(firstDifference(mentions, (m) => current.explain({ title: m.title, body: m.body }), (m) => reference.explain({ title: m.title, body: m.body }))).toBeUndefined();
  });

  it('scores the benchmark workload identically', () => {
    const current = createScorer({ rules: benchRules, lexicon });
    const reference = createScorerV1({ rules: benchRules, lexicon });
    const bench = benchmarkTexts(benchRules, 2000, 500);
    expect(firstDifference(bench, (t) => current.scoreText(t), (t) => reference.scoreText(t))).toBeUndefined();
  });

  it('matches rules identically with explicit title/body fields', () => {
    const current = compileMatcher(rules);
    const reference = compileMatcherV1(rules);
    const rand = rng(4);
    const inputs = texts.slice(0, 800).map((t) => {
      const n = normalizeForMatchV1(t);
      const titleEnd = Math.floor(rand.next() * (n.length + 1));
      const bodyStart = Math.min(n.length, titleEnd + Math.floor(rand.next() * 3));
      return { n, fields: rand.next() < 0.3 ? { titleEnd: 0, bodyStart: 0 } : { titleEnd, bodyStart } };
    });
    expect(firstDifference(inputs, (x) => current.match(x.n, x.fields), (x) => reference.match(x.n, x.fields))).toBeUndefined();
    expect(firstDifference(inputs, (x) => current.explain(x.n, x.fields), (x) => reference.explain(x.n, x.fields))).toBeUndefined();
  });

  it('scores sentiment identically through the stand-alone scorers, with and without active groups', () => {
    const extras = rules.flatMap((r) => [
      ...r.sentiment.positive.map((term) => ({ term, polarity: 'positive' as const, group: r.id })),
      ...r.sentiment.negative.map((term) => ({ term, polarity: 'negative' as const, group: r.id, weight: 1.5 })),
    ]);
    const zh = createZhSentiment(lexicon, extras);
    const zhV1 = createZhSentimentV1(lexicon, extras);
    const en = createEnSentiment({ extras });
    const enV1 = createEnSentimentV1({ extras });
    const groups = [undefined, new Set<string>(), new Set(['queries']), new Set(['all-terms', 'queries']), new Set(rules.map((r) => r.id))];
    const rand = rng(5);
    const inputs = texts.map((t) => ({ n: normalizeForMatchV1(t), groups: rand.pick(groups) }));
    expect(firstDifference(inputs, (x) => zh.score(x.n, x.groups), (x) => zhV1.score(x.n, x.groups))).toBeUndefined();
    expect(firstDifference(inputs, (x) => en.score(x.n, x.groups), (x) => enV1.score(x.n, x.groups))).toBeUndefined();
    // The English scorer also lower-cases text that was not normalised.
    const raw = texts.map((t, i) => ({ t, groups: groups[i % groups.length] }));
    expect(firstDifference(raw, (x) => en.score(x.t, x.groups), (x) => enV1.score(x.t, x.groups))).toBeUndefined();
  });
});
