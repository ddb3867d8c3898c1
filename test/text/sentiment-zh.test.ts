import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { normalizeForMatch } from '../../src/text/normalize';
import { createZhSentiment, ZH_SENTIMENT_METHOD } from '../../src/text/sentiment-zh';

const lexicon = loadLexicon(defaultLexiconPath());
const scorer = createZhSentiment(lexicon, [
  { term: '王醫師很細心', polarity: 'positive', group: 'example-clinic' },
  { term: '做壞了', polarity: 'negative', group: 'example-clinic' },
  { term: '專業', polarity: 'negative', group: 'sarcastic-board', weight: 1 },
]);
const score = (text: string, groups?: string[]) => scorer.score(normalizeForMatch(text), groups ? new Set(groups) : undefined);

describe('Chinese lexicon sentiment', () => {
  it('labels 「很專業」 positive, intensified', () => {
    const s = score('醫師很專業');
    expect(s.label).toBe('positive');
    expect(s.method).toBe(ZH_SENTIMENT_METHOD);
    expect(s.contributions).toEqual([{ term: '專業', weight: 3, note: '加強' }]);
  });

  it('labels 「態度很差」 negative', () => {
    const s = score('櫃台態度很差');
    expect(s.label).toBe('negative');
    expect(s.contributions).toEqual([{ term: '差', weight: -3, note: '加強' }]);
  });

  it('reads 「推」 as praise and 「不推」 as a negative verdict', () => {
    expect(score('推').label).toBe('positive');
    const s = score('不推');
    expect(s.label).toBe('negative');
    expect(s.score).toBeLessThan(0);
  });

  it('flips a word after a negator within the window, milder than the opposite word', () => {
    const notPro = score('不專業');
    expect(notPro.label).toBe('negative');
    expect(notPro.contributions).toEqual([{ term: '專業', weight: -1.5, note: '否定' }]);
    expect(score('不是很推薦').contributions).toEqual([{ term: '推薦', weight: -2.25, note: '否定、加強' }]);
    expect(score('不用擔心').label).toBe('positive');
    expect(score('不太好').label).toBe('negative');
  });

  it('does not negate across punctuation or beyond the window', () => {
    expect(score('不，專業').contributions).toEqual([{ term: '專業', weight: 2 }]);
    expect(score('沒有想過這家居然專業').contributions).toEqual([{ term: '專業', weight: 2 }]);
  });

  it('applies a negator to the next sentiment word only', () => {
    expect(score('不專業細心').contributions).toEqual([
      { term: '專業', weight: -1.5, note: '否定' },
      { term: '細心', weight: 2 },
    ]);
  });

  it('cancels a double negation', () => {
    const s = score('不是不推');
    expect(s.label).toBe('positive');
    expect(s.contributions[0]?.note).toBe('否定');
  });

  it('lets whole words win over their characters (不錯, 特別, 非常, 不過, 不只)', () => {
    expect(score('還不錯').label).toBe('positive');
    expect(score('特別專業').contributions).toEqual([{ term: '專業', weight: 2.6, note: '加強' }]);
    expect(score('非常不好').contributions).toEqual([{ term: '不好', weight: -3.6, note: '加強' }]);
    expect(score('不過很專業').label).toBe('positive');
    expect(score('不只專業還很親切').contributions.every((c) => c.weight > 0)).toBe(true);
  });

  it('softens a word after a downtoner', () => {
    expect(score('有點貴').contributions).toEqual([{ term: '貴', weight: -0.7, note: '減弱' }]);
  });

  it('masks clinic words that contain a sentiment character (雷射, 推出, 十分鐘)', () => {
    expect(score('皮秒雷射').contributions).toEqual([]);
    expect(score('診所推出新療程').label).toBe('neutral');
    expect(score('等了十分鐘').contributions).toEqual([]);
    expect(score('這家是雷').label).toBe('negative');
  });

  it('counts crisis vocabulary from the seeds as negative', () => {
    for (const text of ['醫療糾紛', '個資外洩', '強制執行', '查封', '炎上', '負評', '詐騙', '亂收費', '踩雷', '避雷', '噓']) {
      expect(score(text).label).toBe('negative');
    }
  });

  it('reads Simplified input through normalisation', () => {
    expect(score('医生很专业，大推').label).toBe('positive');
  });

  it('sums repeated words into one contribution and keeps the score in [-1, 1]', () => {
    const s = score('推推推 推 推 推 推 推 推 推 推');
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.score).toBeGreaterThan(0.9);
    expect(score('爛'.repeat(50)).score).toBeGreaterThanOrEqual(-1);
    const twice = score('推，大推，推');
    expect(twice.contributions).toEqual([
      { term: '推', weight: 4 },
      { term: '大推', weight: 3 },
    ]);
  });

  it('is neutral without sentiment words', () => {
    expect(score('今天下午三點門診')).toEqual({ score: 0, label: 'neutral', method: ZH_SENTIMENT_METHOD, contributions: [] });
  });

  it('counts a rule word only when its rule is active, overriding the lexicon then', () => {
    expect(score('王醫師很細心').contributions).toEqual([{ term: '細心', weight: 3, note: '加強' }]);
    expect(score('王醫師很細心', ['example-clinic']).contributions).toEqual([{ term: '王醫師很細心', weight: 2, note: '規則 example-clinic 加詞' }]);
    expect(score('鼻子做壞了', ['example-clinic']).label).toBe('negative');
    expect(score('鼻子做壞了').contributions).toEqual([]);
    expect(score('好專業喔', ['sarcastic-board']).contributions).toEqual([{ term: '專業', weight: -1.3, note: '加強、規則 sarcastic-board 加詞' }]);
  });
});

describe('Chinese lexicon sentiment: contrast, questions, emoji and forum idioms', () => {
  it('weighs the clause after a contrast marker more, the one before less', () => {
    const s = score('服務很好，但是效果很差');
    expect(s.label).toBe('negative');
    expect(s.contributions).toEqual([
      { term: '很好', weight: 1, note: '轉折前減輕' },
      { term: '差', weight: -4.5, note: '加強、轉折後加重' },
    ]);
    expect(score('效果很差，但是服務很好').label).toBe('positive');
  });

  it('lets a contrast marker that opens a sentence weaken the sentence before it', () => {
    const s = score('服務很親切。不過價格太貴了');
    expect(s.contributions.map((c) => c.note)).toEqual(['加強、轉折前減輕', '加強、轉折後加重']);
    expect(s.label).toBe('negative');
  });

  it('weakens a concession clause (雖然…，)', () => {
    expect(score('雖然醫師很專業，效果很差').contributions).toEqual([
      { term: '專業', weight: 1.5, note: '加強、轉折前減輕' },
      { term: '差', weight: -3, note: '加強' },
    ]);
  });

  it('reads a rhetorical question as a complaint', () => {
    expect(score('這樣也叫專業？')).toMatchObject({ label: 'negative', contributions: [{ term: '專業', weight: -1.5, note: '反問' }] });
    expect(score('難道不用負責嗎？').label).toBe('negative');
  });

  it('counts a rhetorical question without sentiment words as an accusation', () => {
    expect(score('難道病人的時間不是時間嗎？').contributions).toEqual([{ term: '難道', weight: -1.5, note: '反問' }]);
    // A marker that contains a sentiment word still marks the question.
    expect(score('做壞了誰要負責？').label).toBe('negative');
  });

  it('does not read an A-not-A question (會不會, 有沒有) as a negation', () => {
    expect(score('會不會有副作用？').contributions).toEqual([{ term: '副作用', weight: -0.6, note: '疑問' }]);
  });

  it('weakens the words of a plain question (questionFactor): asking is not recommending', () => {
    expect(score('有人推薦這家嗎？')).toMatchObject({ label: 'neutral', contributions: [{ term: '推薦', weight: 0.6, note: '疑問' }] });
    expect(score('有人推薦這家').contributions).toEqual([{ term: '推薦', weight: 2 }]);
  });

  it('scores emoji and kaomoji', () => {
    expect(score('醫師很專業 👍').contributions).toContainEqual({ term: '👍', weight: 2 });
    expect(score('又等了兩小時 😡').label).toBe('negative');
    expect(score('(╯°□°)╯ 等了兩小時').label).toBe('negative');
    expect(score('櫃台態度差 QQ').contributions).toContainEqual({ term: 'QQ', weight: -1 });
    expect(score('術後恢復不錯 XD').label).toBe('positive');
  });

  it('knows the forum idioms: 推/噓, 大推, 雷, 踩雷, 避雷, 黑店, 勸退', () => {
    for (const text of ['推 王醫師人超好', '大推！', '推爆']) expect(score(text).label).toBe('positive');
    for (const text of ['噓 根本是黑店', '又踩雷了', '避雷這家', '這家很雷', '勸退', '快逃']) expect(score(text).label).toBe('negative');
  });
});

describe('rhetorical questions and negative words', () => {
  it('leaves negative words of a rhetorical question as they are, without a note', () => {
    expect(score('傳出醫療糾紛，這樣也叫專業？').contributions).toEqual([
      { term: '醫療糾紛', weight: -3 },
      { term: '專業', weight: -1.5, note: '反問' },
    ]);
  });
});
