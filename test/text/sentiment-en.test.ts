import { normalizeForMatch } from '../../src/text/normalize';
import { createEnSentiment, EN_SENTIMENT_METHOD } from '../../src/text/sentiment-en';

const scorer = createEnSentiment({ extras: [{ term: 'worth the wait', polarity: 'positive', group: 'example-clinic' }] });
const score = (text: string, groups?: string[]) => scorer.score(normalizeForMatch(text), groups ? new Set(groups) : undefined);

describe('English AFINN sentiment', () => {
  it('scores plain positive and negative reviews', () => {
    const good = score('Great clinic, the doctor was kind and helpful');
    expect(good.label).toBe('positive');
    expect(good.method).toBe(EN_SENTIMENT_METHOD);
    expect(score('Terrible service and rude staff').label).toBe('negative');
  });

  it('flips the next sentiment word after not / no / never / n\'t', () => {
    expect(score('The staff were not helpful').contributions).toEqual([{ term: 'helpful', weight: -2, note: '否定' }]);
    expect(score("I don't recommend this clinic").label).toBe('negative');
    expect(score('I don’t like it').label).toBe('negative');
    expect(score('never good').label).toBe('negative');
    expect(score('no problem at all').label).toBe('positive');
  });

  it('flips only one word, and not across punctuation', () => {
    expect(score('not good, great').contributions).toEqual([
      { term: 'good', weight: -3, note: '否定' },
      { term: 'great', weight: 3 },
    ]);
    expect(score('not bad and great').contributions.map((c) => c.weight)).toEqual([3, 3]);
  });

  it('strengthens a word after an intensifier', () => {
    expect(score('very rude').contributions).toEqual([{ term: 'rude', weight: -3, note: '加強' }]);
  });

  it('counts a rule phrase only when its rule is active', () => {
    expect(score('Worth the wait').contributions).toEqual([{ term: 'worth', weight: 2 }]);
    expect(score('Worth the wait', ['example-clinic']).contributions).toEqual([{ term: 'worth the wait', weight: 2, note: '規則 example-clinic 加詞' }]);
  });

  it('is neutral on text without sentiment words, with the score in [-1, 1] otherwise', () => {
    expect(score('The clinic opens at nine').label).toBe('neutral');
    const s = score('awful awful awful awful awful awful awful awful');
    expect(s.score).toBeGreaterThanOrEqual(-1);
    expect(s.score).toBeLessThan(-0.9);
  });
});

describe('English contrast', () => {
  const scorer = createEnSentiment();
  it('weighs the clause after but more and the one before less', () => {
    const s = scorer.score('the doctor was nice, but the results were awful.');
    expect(s.label).toBe('negative');
    expect(s.contributions).toEqual([
      { term: 'nice', weight: 1.5, note: '轉折前減輕' },
      { term: 'awful', weight: -4.5, note: '轉折後加重' },
    ]);
    expect(scorer.score('a bit expensive, but the results were excellent.').label).toBe('positive');
  });

  it('keeps contrast inside its sentence', () => {
    expect(scorer.score('great staff. but parking is hard.').contributions).toEqual([
      { term: 'great', weight: 3 },
      { term: 'hard', weight: -1.5, note: '轉折後加重' },
    ]);
  });
});
