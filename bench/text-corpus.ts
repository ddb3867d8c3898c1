import { ruleFileSchema, type RuleFile } from '../src/config/rule-schema';

/**
 * Synthetic but realistic inputs for the text benchmarks: rule files shaped like a clinic's
 * (brand and doctor names, treatments, risk topics, exclusions) and 500-character posts mixing
 * Traditional and Simplified Chinese, English sentences, forum idioms and emoji. Deterministic
 * (seeded), so every run measures the same work.
 */

/** A small seeded generator (LCG), good enough to vary benchmark inputs. */
export function seeded(seed: number): { next(): number; pick<T>(xs: readonly T[]): T } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
  return { next, pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

const SURNAMES = [...'王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董潘袁蔡蔣余杜葉程魏蘇呂丁任沈'];
const GIVEN = [...'大明志偉淑芬建宏雅婷俊傑怡君家豪美玲宗翰佩珊冠宇欣怡承恩'];
const PLACES = ['信義', '大安', '中山', '板橋', '新莊', '桃園', '竹北', '台中', '西屯', '台南', '高雄', '左營', '鳳山', '花蓮', '宜蘭', '基隆'];
const KINDS = ['診所', '醫美', '牙醫', '皮膚科', '眼科', '中醫', '整形外科', '復健科'];
const TREATMENTS = ['皮秒', '音波拉提', '電波', '玻尿酸', '肉毒', '雙眼皮', '隆鼻', '植牙', '矯正', '抽脂', '雷射除斑', '飛梭'];
const RISK = [
  ['醫療糾紛', '醫療疏失', '提告', '求償', '消保官', '衛生局', '毀容', '感染', '誤診', '告上法院'],
  ['個資外洩', '病歷外流', '資料外洩', '個資外流', '隱私', '外流', '駭客', '勒索', '洩漏', '被盜'],
  ['強制執行', '查封', '法拍', '欠薪', '跳票', '倒閉', '積欠', '債務', '資遣', '停業'],
];
const SERVICE = ['態度差', '等很久', '亂收費', '退費', '強迫推銷', '爽約', '不退', '推銷', '隱形消費', '收費不透明'];

/**
 * `count` rule files with `termsPerRule` terms each: 8 brand/doctor/treatment terms in
 * `match.any`, 2 exclusions, and the rest spread over four topics (three high-risk, one service).
 * Terms carry the rule's place and kind, so rules overlap the way real clinics' do.
 */
export function benchmarkRules(count = 50, termsPerRule = 40): RuleFile[] {
  const rand = seeded(7);
  return Array.from({ length: count }, (_, r) => {
    const place = PLACES[r % PLACES.length]!;
    const kind = KINDS[r % KINDS.length]!;
    const brand = `${place}${SURNAMES[r % SURNAMES.length]}${kind}`;
    const doctor = () => `${SURNAMES[Math.floor(rand.next() * SURNAMES.length)]}${rand.pick(GIVEN)}${rand.pick(GIVEN)}醫師`;
    const any = [brand, `${brand}${rand.pick(['總院', '旗艦館', '分院'])}`, doctor(), doctor(), `${place}${rand.pick(TREATMENTS)}${r}`, `Clinic ${place} ${r}`, `${SURNAMES[r % SURNAMES.length]}院長${r}`, `${brand}評價`];
    const exclude = ['徵才', `誠徵${kind}助理`];
    const topicTerms = termsPerRule - any.length - exclude.length;
    const perTopic = Math.ceil(topicTerms / 4);
    const topicWords = (pool: readonly string[], k: number) => Array.from({ length: perTopic }, (_, i) => (i < pool.length ? pool[i]! : `${pool[i % pool.length]!}${r}-${k}`));
    const topics = {
      dispute: { risk: 'high', terms: topicWords(RISK[0]!, 0) },
      privacy: { risk: 'high', terms: topicWords(RISK[1]!, 1) },
      finance: { risk: 'high', terms: topicWords(RISK[2]!, 2) },
      service: { risk: 'medium', terms: topicWords(SERVICE, 3).slice(0, topicTerms - 3 * perTopic) },
    };
    return ruleFileSchema.parse({
      id: `bench-${r}`,
      name: brand,
      match: { any, exclude },
      topics,
      levels: { L1: { when: 'mentions >= 1', sla: { respond: '1h', resolve: '24h' }, notify: ['frontline'] } },
    });
  });
}

/** Every term of the rules as written (for the naive baseline). */
export function allTerms(rules: readonly RuleFile[]): string[] {
  return rules.flatMap((r) => [...r.match.any, ...r.match.all, ...r.match.exclude, ...Object.values(r.topics).flatMap((t) => t.terms)]);
}

const ZH_SENTENCES = [
  '上週去做了皮秒雷射，醫師很細心，術後恢復也不錯。',
  '櫃台態度很差，等了快兩個小時才看到醫師，真的不推。',
  '朋友推薦來做音波拉提，效果普通，但是價格真的太貴了。',
  '有人知道這間診所的評價嗎？最近看到很多負評。',
  '家屬說要提告，衛生局已經介入調查，後續值得關注。',
  '這樣也叫專業？收費不透明還一直強迫推銷療程。',
  '推 王醫師人超好 解說清楚 大推！',
  '噓 根本黑店 避雷',
  '诊所传出医疗纠纷，网友纷纷表示要避雷。',
  '环境干净，护理师很亲切，整体体验很满意。',
  '新聞報導指出該院積欠薪資，員工考慮申請強制執行。',
  '個資外洩事件延燒，民眾擔心病歷外流。',
  '雖然價格便宜，但是術後感染讓人很擔心 😡',
  '第一次來，整體感覺還可以，會再觀察看看。',
  '今天下午門診人很多，建議提早預約。',
  '醫師說明得很詳細，不會一直推銷，感謝 👍',
];
const EN_SENTENCES = [
  'The clinic staff were friendly and the doctor explained everything clearly.',
  'I waited two hours and the receptionist was rude, not recommended.',
  'Price is too high for such an average result, honestly disappointed.',
  'Great experience overall, would definitely come back again.',
  'They refused my refund and never answered the complaint.',
];

/**
 * `count` posts of about `chars` characters: Chinese sentences (Traditional and Simplified), about
 * one in five English, and now and then a brand, doctor or topic term of a random rule.
 */
export function benchmarkTexts(rules: readonly RuleFile[], count = 2000, chars = 500): string[] {
  const rand = seeded(11);
  const ruleTerms = rules.flatMap((r) => [...r.match.any.slice(0, 3), ...Object.values(r.topics).flatMap((t) => t.terms.slice(0, 2))]);
  return Array.from({ length: count }, () => {
    let text = '';
    while (text.length < chars) {
      const roll = rand.next();
      if (roll < 0.2) text += `${rand.pick(EN_SENTENCES)} `;
      else if (roll < 0.35) text += `${rand.pick(ruleTerms)}`;
      else text += rand.pick(ZH_SENTENCES);
    }
    return text.slice(0, chars);
  });
}
