import { ConfigError } from '../../src/core/errors';
import { compileMatcher } from '../../src/text/matcher';
import { normalizeForMatch } from '../../src/text/normalize';
import { ruleFixture } from './rule-fixture';

const clinic = ruleFixture({
  id: 'example-clinic',
  match: { any: ['範例診所', '王大明醫師', 'Example Clinic'], exclude: ['徵才', '誠徵'] },
  topics: {
    dispute: { name: '醫療糾紛', risk: 'high', terms: ['醫療糾紛', '醫療疏失', '提告'] },
    privacy: { risk: 'high', terms: ['個資外洩', '病歷外流'] },
    service: { risk: 'medium', terms: ['態度差', '退費', '等很久'] },
    praise: { risk: 'low', terms: ['感謝'] },
  },
});
const matcher = compileMatcher([clinic]);
const match = (text: string) => matcher.match(normalizeForMatch(text));

describe('compileMatcher / match', () => {
  it('hits a rule when any match term occurs, with its topics and highest risk', () => {
    const [hit, ...rest] = match('範例診所傳出醫療糾紛，家屬揚言提告，另有民眾抱怨退費');
    expect(rest).toEqual([]);
    expect(hit).toEqual({
      ruleId: 'example-clinic',
      terms: ['範例診所'],
      topics: [
        { topic: 'dispute', risk: 'high', terms: ['醫療糾紛', '提告'] },
        { topic: 'service', risk: 'medium', terms: ['退費'] },
      ],
      risk: 'high',
    });
  });

  it('matches 「醫療糾紛」 in a Simplified, full-width, zero-width-split post', () => {
    const [hit] = match('范例诊所 医\u200B疗纠纷 ＥＸＡＭＰＬＥ ＣＬＩＮＩＣ');
    expect(hit?.terms).toEqual(['範例診所', 'Example Clinic']);
    expect(hit?.topics.map((t) => t.topic)).toEqual(['dispute']);
  });

  it('excludes a recruiting post even when it names a risk topic', () => {
    expect(match('範例診所徵才：誠徵櫃台人員，無醫療糾紛紀錄者優先')).toEqual([]);
  });

  it('does not hit on topic terms alone', () => {
    expect(match('某醫院爆發醫療糾紛與個資外洩')).toEqual([]);
  });

  it('gives risk none and no topics when only match terms occur', () => {
    expect(match('王大明醫師今天看診')).toEqual([{ ruleId: 'example-clinic', terms: ['王大明醫師'], topics: [], risk: 'none' }]);
  });

  it('requires every all term', () => {
    const m = compileMatcher([ruleFixture({ id: 'pico', match: { any: ['範例診所'], all: ['皮秒', '雷射'] } })]);
    expect(m.match(normalizeForMatch('範例診所皮秒'))).toEqual([]);
    expect(m.match(normalizeForMatch('範例診所的皮秒雷射'))[0]?.terms).toEqual(['範例診所', '皮秒', '雷射']);
  });

  it('matches Latin terms only on word boundaries, CJK terms anywhere', () => {
    const m = compileMatcher([ruleFixture({ id: 'ace', match: { any: ['Ace', '艾斯'] } })]);
    expect(m.match(normalizeForMatch('a nice place to visit'))).toEqual([]);
    expect(m.match(normalizeForMatch('推薦ACE診所'))[0]?.terms).toEqual(['Ace']);
    expect(m.match(normalizeForMatch('Ace.'))[0]?.terms).toEqual(['Ace']);
    expect(m.match(normalizeForMatch('去了艾斯診所'))[0]?.terms).toEqual(['艾斯']);
  });

  it('lists each matched spelling as written, in file order, once', () => {
    const m = compileMatcher([ruleFixture({ id: 'dup', match: { any: ['醫師', '医师', 'DR. WANG'] } })]);
    expect(m.match(normalizeForMatch('醫師 dr. wang 醫師 醫師'))[0]?.terms).toEqual(['醫師', '医师', 'DR. WANG']);
  });

  it('evaluates many rules in one pass and returns hits in rule order', () => {
    const rules = Array.from({ length: 200 }, (_, i) => ruleFixture({ id: `clinic-${i}`, match: { any: [`診所${i}號`] }, topics: { t: { risk: 'low', terms: ['退費'] } } }));
    const m = compileMatcher(rules);
    expect(m.termCount).toBe(201);
    expect(m.match(normalizeForMatch('診所150號與診所7號都被要求退費')).map((h) => h.ruleId)).toEqual(['clinic-7', 'clinic-150']);
  });

  it('rejects a term that is empty after normalisation, naming the rule and key', () => {
    expect.assertions(3);
    try {
      compileMatcher([ruleFixture({ id: 'broken', match: { any: ['範例', '\u200B\u200B'] } })]);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('E_CONFIG_SCHEMA');
      expect((err as ConfigError).message).toContain('規則 broken 鍵 match.any[1]');
    }
  });

  it('rejects two rules with the same id', () => {
    expect(() => compileMatcher([clinic, clinic])).toThrow(/規則 id「example-clinic」重複/);
  });
});
