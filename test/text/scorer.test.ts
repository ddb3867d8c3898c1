import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { createScorer } from '../../src/text/scorer';
import { EN_SENTIMENT_METHOD } from '../../src/text/sentiment-en';
import { ZH_SENTIMENT_METHOD } from '../../src/text/sentiment-zh';
import { toMention } from '../../src/text/to-mention';
import { ruleFixture } from './rule-fixture';

const lexicon = loadLexicon(defaultLexiconPath());
const clinic = ruleFixture({
  id: 'example-clinic',
  match: { any: ['範例診所', 'Example Clinic'], exclude: ['徵才'] },
  topics: { dispute: { risk: 'high', terms: ['醫療糾紛', '提告'] }, service: { risk: 'medium', terms: ['態度差'] } },
  sentiment: { positive: ['王醫師很細心'], negative: ['做壞了'] },
});
const other = ruleFixture({ id: 'other-clinic', match: { any: ['別的診所'] }, sentiment: { negative: ['王醫師很細心'] } });
const scorer = createScorer({ rules: [clinic, other], lexicon });
const mention = (title: string, text: string) => toMention({ url: `https://example.com/${encodeURIComponent(title)}`, title, text }, { connector: 'test', sourceType: 'forum' }, Date.UTC(2026, 2, 2));

describe('createScorer', () => {
  it('matches rules and scores sentiment from one normalised text', () => {
    const s = scorer.score(mention('[抱怨] 范例诊所', '医疗纠纷，家属说要提告，态度很差'));
    expect(s.rules).toHaveLength(1);
    expect(s.rules[0]).toMatchObject({ ruleId: 'example-clinic', risk: 'high' });
    expect(s.rules[0]?.topics.map((t) => t.topic)).toEqual(['dispute']);
    expect(s.sentiment.label).toBe('negative');
    expect(s.sentiment.method).toBe(ZH_SENTIMENT_METHOD);
  });

  it('adds the extra sentiment words of the rules that hit, and only those', () => {
    const hit = scorer.score(mention('範例診所心得', '王醫師很細心'));
    expect(hit.sentiment.contributions).toEqual([{ term: '王醫師很細心', weight: 2, note: '規則 example-clinic 加詞' }]);
    const miss = scorer.score(mention('某診所心得', '鼻子做壞了'));
    expect(miss.rules).toEqual([]);
    expect(miss.sentiment.contributions).toEqual([]);
  });

  it('uses the English scorer for English mentions', () => {
    const m = mention('Example Clinic review', 'The doctor was not helpful and the staff were rude.');
    expect(m.lang).toBe('en');
    const s = scorer.score(m);
    expect(s.rules[0]?.ruleId).toBe('example-clinic');
    expect(s.sentiment.method).toBe(EN_SENTIMENT_METHOD);
    expect(s.sentiment.label).toBe('negative');
  });

  it('keeps negation in the title from reaching the body', () => {
    const s = scorer.score({ title: '範例診所 不', body: '推', lang: 'zh' });
    expect(s.sentiment.label).toBe('positive');
  });

  it('scores free text for explain, detecting the language', () => {
    const s = scorer.scoreText('範例診所徵才，待遇很好');
    expect(s.rules).toEqual([]);
    expect(s.sentiment.label).toBe('positive');
  });
});
