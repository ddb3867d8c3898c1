import { countDocuments, createTermSegmenter, risingTerms, risingTermsInTexts } from '../../src/text/term-stats';
import { normalizeForMatch } from '../../src/text/normalize';

describe('risingTerms', () => {
  it('ranks words by how far their window count rose above the baseline rate', () => {
    const window = new Map([['醫療糾紛', 6], ['範例診所', 10], ['提告', 3], ['皮秒', 1]]);
    const baseline = new Map([['範例診所', 100], ['皮秒', 30], ['醫療糾紛', 1]]);
    const out = risingTerms(window, baseline, { windowDocs: 10, baselineDocs: 100 });
    expect(out.map((t) => t.term)).toEqual(['醫療糾紛', '提告']);
    expect(out[0]).toEqual({ term: '醫療糾紛', count: 6, expected: 0.149, ratio: 12, score: 5.46 });
  });

  it('leaves out words below the minimum count or ratio, and honours the limit', () => {
    const window = new Map([['a', 1], ['b', 5], ['c', 4], ['d', 3]]);
    const baseline = new Map([['b', 50]]);
    expect(risingTerms(window, baseline, { windowDocs: 10, baselineDocs: 100, limit: 1 }).map((t) => t.term)).toEqual(['c']);
    expect(risingTerms(window, baseline, { windowDocs: 10, baselineDocs: 100, minCount: 1, limit: 10 }).map((t) => t.term)).toEqual(['c', 'd', 'a']);
  });

  it('counts a word once per mention, however often a mention repeats it', () => {
    expect(countDocuments([['推', '推', '雷'], ['推']])).toEqual(new Map([['推', 2], ['雷', 1]]));
  });
});

describe('createTermSegmenter', () => {
  const segmenter = createTermSegmenter(['範例診所', '王大明醫師', '醫療糾紛', '提告']);

  it('keeps rule terms whole and returns Traditional words as written', () => {
    const words = segmenter.terms(normalizeForMatch('范例诊所传出医疗纠纷，家属扬言对王大明医师提告，态度很差还乱收费'));
    expect(words).toEqual(expect.arrayContaining(['範例診所', '醫療糾紛', '王大明醫師', '提告', '家屬', '態度']));
    expect(words).not.toContain('医疗纠纷');
  });

  it('drops stop words, numbers, punctuation and single characters, and keeps Latin words of three letters or more', () => {
    const words = segmenter.terms(normalizeForMatch('我們覺得 2026 年的 refund 問題 很 ok，真的'));
    expect(words).toEqual(['refund']);
  });

  it('finds the words that drive a spike in a window of texts', () => {
    const baseline = ['範例診所皮秒雷射很推', '王大明醫師很細心', '範例診所環境乾淨', '櫃台態度親切', '範例診所預約方便', '範例診所停車方便'];
    const window = ['範例診所醫療糾紛 家屬提告', '王大明醫師被提告 醫療糾紛', '範例診所毀容 醫療糾紛 求償', '醫療糾紛延燒'];
    expect(risingTermsInTexts(segmenter, window, baseline).map((t) => t.term)).toEqual(['醫療糾紛', '提告']);
  });
});
