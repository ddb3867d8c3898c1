import { ExpressionError } from '../../src/core/errors';
import { compileCondition, NUMERIC_VARIABLES } from '../../src/crisis/expression';
import type { WindowSignal } from '../../src/spikes/types';

const scope = { topics: ['dispute', 'privacy', 'data-leak'] };

function signal(over: Partial<WindowSignal> = {}): WindowSignal {
  return {
    ruleId: 'clinic',
    windowStart: 0,
    windowEnd: 3_600_000,
    mentions: 0,
    baseline: 0,
    spikeRatio: 0,
    pValue: 1,
    zScore: 0,
    velocity: 0,
    warm: true,
    negative: 0,
    negativeShare: 0,
    risk: 'none',
    highRisk: 0,
    mediumRisk: 0,
    topics: {},
    ...over,
  };
}

function holds(text: string, over: Partial<WindowSignal> = {}): boolean {
  return compileCondition(text, scope).evaluate(signal(over));
}

function failure(text: string, topics: string[] = scope.topics): ExpressionError {
  try {
    compileCondition(text, { topics });
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

describe('compileCondition: errors name the problem in zh-TW and point at the token', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['empty input', '', 0, /條件是空的/],
    ['blank input', '   ', 0, /條件是空的/],
    ['misspelled variable, with the closest name', 'spikeRatoi >= 3', 0, /未知的變數「spikeRatoi」，是不是要寫「spikeRatio」/],
    ['misspelled variable later in the text', 'mentions >= 3 and negativeshar > 0.5', 18, /是不是要寫「negativeShare」/],
    ['unknown variable with nothing close', 'followers > 100', 0, /未知的變數「followers」，可用的變數：mentions、/],
    ['unknown topic id, with the closest topic', 'topic.dispte >= 1', 0, /此規則沒有議題「dispte」。是不是要寫「topic\.dispute」？此規則的議題：dispute、privacy、data-leak/],
    ['topic without an id', 'topic >= 1', 0, /「topic」後面要接議題 id/],
    ['topic. without an id', 'mentions > 1 or topic. >= 1', 16, /「topic\.」後面要接議題 id/],
    ['unexpected operator', 'mentions >= >= 3', 12, /此處不應出現「>=」/],
    ['keyword where a value belongs', 'and mentions > 1', 0, /此處不應出現「and」/],
    ['unexpected end', 'mentions >=', 11, /條件沒有寫完/],
    ['missing ) at the end', '(mentions >= 3 or risk == high', 30, /缺少右括號「\)」，用來結束位置 0 的「\(」/],
    ['missing ) before other input', '(mentions >= 3 5', 15, /缺少右括號/],
    ['unmatched )', 'mentions >= 3)', 13, /多出的右括號/],
    ['trailing input', 'mentions >= 3 5', 14, /條件在「mentions >= 3」之後已經完整，多出了「5」/],
    ['two conditions without and/or', 'spikeRatio >= 3 risk == high', 16, /多出了「risk」；要再加條件請用 and \/ or 連接/],
    ['risk compared with a number', 'risk >= 3', 8, /風險等級不能和數字比較：「risk」是風險等級.*「3」是數字/],
    ['number compared with a risk literal', 'mentions > high', 11, /風險等級不能和數字比較：「high」是風險等級.*「mentions」是數字/],
    ['a bare variable is not a condition', 'mentions', 0, /「mentions」是數值，不是條件；請加上比較，例如「mentions >= 5」/],
    ['a bare number is not a condition', '3', 0, /「3」是數值，不是條件/],
    ['a bare risk is not a condition', 'risk', 0, /「risk」是風險等級，不是條件/],
    ['and with a number', 'mentions >= 3 and spikeRatio', 18, /「spikeRatio」是數值，不是條件/],
    ['or with a parenthesised number', 'risk == high or (mentions)', 16, /「\(mentions\)」是數值，不是條件/],
    ['not with a number', 'not mentions', 4, /「mentions」是數值，不是條件/],
    ['chained comparison', '1 < mentions < 5', 13, /比較不能連寫/],
    ['comparing conditions', '(mentions > 1) == (risk > low)', 0, /「\(mentions > 1\)」已經是條件，不能再拿來比較/],
    ['single =', 'mentions = 3', 9, /相等請寫「==」/],
    ['&& instead of and', 'mentions >= 3 && risk == high', 14, /請用 and \/ or/],
    ['! instead of not', '!(mentions > 3)', 0, /請用 not/],
    ['unknown character', 'mentions >= 3 @', 14, /無法辨識的字元「@」/],
    ['misspelled topic field, with the closest field', 'topic.dispute.spikeRatoi >= 3', 0, /議題沒有欄位「spikeRatoi」，是不是要寫「topic\.dispute\.spikeRatio」/],
    ['topic field after the dot missing', 'topic.dispute. >= 3', 13, /「topic\.dispute\.」後面要接欄位/],
    ['misspelled velocity', 'velocty >= 3', 0, /是不是要寫「velocity」/],
  ];

  it.each(cases)('%s', (_name, text, offset, message) => {
    const err = failure(text);
    expect(err.code).toBe('E_EXPRESSION');
    expect(err.offset).toBe(offset);
    expect(err.context.offset).toBe(offset);
    expect(err.message).toMatch(message);
  });

  it('says so when the rule has no topics at all', () => {
    expect(failure('topic.dispute > 0', []).message).toMatch(/此規則沒有定義任何議題/);
  });

  it('carries the suggestion in the error context', () => {
    expect(failure('mention >= 5').context.suggestion).toBe('mentions');
  });
});

describe('compileCondition: meaning', () => {
  it('binds and tighter than or', () => {
    // a or (b and c): true through a alone; (a or b) and c would be false.
    expect(holds('mentions >= 10 or risk == high and negative >= 1', { mentions: 20 })).toBe(true);
    expect(holds('(mentions >= 10 or risk == high) and negative >= 1', { mentions: 20 })).toBe(false);
  });

  it('binds not tighter than and but looser than a comparison', () => {
    // (not risk == high) and mentions >= 1 — not: not (risk == high and mentions >= 1)
    expect(holds('not risk == high and mentions >= 1', { risk: 'high', mentions: 0 })).toBe(false);
    expect(holds('not risk == high and mentions >= 1', { risk: 'low', mentions: 2 })).toBe(true);
    expect(holds('not mentions >= 3', { mentions: 1 })).toBe(true);
    expect(holds('not not mentions >= 3', { mentions: 1 })).toBe(false);
  });

  it('reads the seed rule the way it is written (and before or)', () => {
    const text = 'risk == high and mentions >= 3 or spikeRatio >= 5 and negativeShare >= 0.6';
    expect(holds(text, { risk: 'high', mentions: 3 })).toBe(true);
    expect(holds(text, { spikeRatio: 6, negativeShare: 0.6 })).toBe(true);
    expect(holds(text, { spikeRatio: 6, negativeShare: 0.5, risk: 'high', mentions: 2 })).toBe(false);
  });

  it('ignores case in keywords, literals and variable names', () => {
    const text = 'SpikeRatio >= 3 AND Risk >= MEDIUM Or NOT MENTIONS < 100';
    expect(holds(text, { spikeRatio: 3, risk: 'medium' })).toBe(true);
    expect(holds(text, { mentions: 100 })).toBe(true);
    expect(holds(text, { mentions: 99, spikeRatio: 3, risk: 'low' })).toBe(false);
    expect(compileCondition(text, scope).variables).toEqual(['spikeRatio', 'risk', 'mentions']);
  });

  it('accepts full-width symbols typed with a Chinese input method, keeping offsets', () => {
    expect(holds('（mentions ＞＝ 3）　ａｎｄ risk ＝＝ high', { mentions: 3, risk: 'high' })).toBe(true);
    expect(failure('mentions ＞＝ 3 ＠').offset).toBe(14);
  });

  it.each([
    ['none', [true, false, false, false]],
    ['low', [true, true, false, false]],
    ['medium', [true, true, true, false]],
    ['high', [true, true, true, true]],
  ] as const)('orders risk levels: risk = %s', (risk, expected) => {
    const results = ['none', 'low', 'medium', 'high'].map((lit) => holds(`risk >= ${lit}`, { risk }));
    expect(results).toEqual(expected);
    expect(holds(`risk == ${risk}`, { risk })).toBe(true);
    expect(holds(`risk != ${risk}`, { risk })).toBe(false);
    expect(holds('medium < risk', { risk })).toBe(risk === 'high');
  });

  it('compares risk literals with each other', () => {
    expect(holds('high > low')).toBe(true);
    expect(holds('low >= medium')).toBe(false);
  });

  it('counts topic mentions by id, 0 for a topic with none in the window', () => {
    expect(holds('topic.dispute >= 2', { topics: { dispute: 2 } })).toBe(true);
    expect(holds('topic.dispute >= 2', { topics: { dispute: 1 } })).toBe(false);
    expect(holds('topic.privacy == 0', { topics: { dispute: 5 } })).toBe(true);
    expect(holds('Topic.Data-Leak > 0', { topics: { 'data-leak': 1 } })).toBe(true);
  });

  it('reads decimals and every comparison operator', () => {
    expect(holds('negativeShare >= 0.6', { negativeShare: 0.6 })).toBe(true);
    expect(holds('negativeShare >= 0.6', { negativeShare: 0.59 })).toBe(false);
    expect(holds('pValue < 0.01', { pValue: 0.001 })).toBe(true);
    expect(holds('pValue <= 0.01', { pValue: 0.01 })).toBe(true);
    expect(holds('pValue < 0.01', { pValue: 0.01 })).toBe(false);
    expect(holds('mentions > 4', { mentions: 4 })).toBe(false);
    expect(holds('mentions != 4', { mentions: 4 })).toBe(false);
    expect(holds('mentions == 4', { mentions: 4 })).toBe(true);
  });

  it.each(NUMERIC_VARIABLES)('reads %s from its own field of the signal', (name) => {
    expect(holds(`${name} >= 5`, { [name]: 5 })).toBe(true);
    expect(holds(`${name} >= 5`, { [name]: 4 })).toBe(false);
  });

  it('reads a topic’s own volume fields, 0 when the detector did not compute them', () => {
    const topicSignals = { dispute: { mentions: 6, baseline: 0.5, spikeRatio: 6, zScore: 5 } };
    expect(holds('topic.dispute.spikeRatio >= 5', { topicSignals })).toBe(true);
    expect(holds('topic.dispute.zScore >= 5.5', { topicSignals })).toBe(false);
    expect(holds('topic.dispute.baseline < 1', { topicSignals })).toBe(true);
    expect(holds('topic.dispute.spikeRatio >= 5', {})).toBe(false);
    expect(holds('Topic.Dispute.ZSCORE >= 5', { topicSignals })).toBe(true);
    expect(holds('topic.dispute.mentions == 2', { topics: { dispute: 2 } })).toBe(true);
    expect(compileCondition('topic.dispute.spikeRatio >= 3 or topic.dispute > 1', scope).variables).toEqual(['topic.dispute.spikeRatio', 'topic.dispute']);
  });

  it('lists the variables it uses once each, in order of first use', () => {
    const c = compileCondition('risk == high and mentions >= 3 or topic.dispute > 0 and mentions > 1', scope);
    expect(c.variables).toEqual(['risk', 'mentions', 'topic.dispute']);
    expect(c.text).toBe('risk == high and mentions >= 3 or topic.dispute > 0 and mentions > 1');
  });
});
