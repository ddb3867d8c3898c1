import { renderEmail } from '../../src/alerts/render/email';
import type { LoadedRule } from '../../src/config/load';
import { mainConfigSchema } from '../../src/config/main-schema';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ManualClock } from '../../src/core/clock';
import { compileLevels } from '../../src/crisis/grade';
import { runDetection, type DetectDeps } from '../../src/pipeline/detect';
import { RisingTermsFinder } from '../../src/pipeline/rising-terms';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { scoredMention } from '../helpers/scored-mentions';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 2026-03-02 10:00 Asia/Taipei. */
const T0 = Date.UTC(2026, 2, 2, 2, 0);

const main = mainConfigSchema.parse({ recipients: { 'pr-lead': { email: ['pr@clinic.test'] } } });

function loadedRule(): LoadedRule {
  const config = ruleFileSchema.parse({
    id: 'example-clinic',
    name: '範例診所',
    match: { any: ['範例診所', '王大明醫師'] },
    topics: { dispute: { name: '醫療糾紛', risk: 'high', terms: ['醫療糾紛'] } },
    volume: { bucket: '15m', window: '1h', baseline: '3d', minCount: 3, warmup: '1h' },
    levels: { L2: { when: 'highRisk >= 4', sla: { respond: '30m', resolve: '12h' }, notify: ['pr-lead'] } },
    cooldown: '1h',
  });
  return { file: 'test.yaml', config, version: 'v1', levels: compileLevels(config) };
}

/** Everyday titles for two days, then a flare-up whose titles bring words the rule does not list (毀容, 退費). */
function seed(store: StateStore): void {
  const everyday = ['範例診所 回診心得 護理師親切', '王大明醫師 門診 分享', '王大明醫師 停車 交通 請益', '王大明醫師 價格 詢問'];
  const history = Array.from({ length: 160 }, (_, i) => ({ ...scoredMention({ i, atMs: T0 - 48 * HOUR + i * 18 * MIN }), title: everyday[i % everyday.length]! }));
  const flareTitles = ['範例診所 術後毀容 要求退費', '王大明醫師 病患毀容 提告', '範例診所 退費糾紛 毀容照片', '毀容案 範例診所 拒絕退費', '範例診所 醫療糾紛 毀容'];
  const flare = flareTitles.map((title, k) => ({ ...scoredMention({ i: 1000 + k, atMs: T0 - 40 * MIN + k * 5 * MIN, risk: 'high', sentiment: 'negative' }), title }));
  store.mentions.ingest([...history, ...flare], T0);
}

describe('rising words in crisis alerts', () => {
  const rule = loadedRule();
  let store: StateStore;
  const deps = (risingTerms?: RisingTermsFinder): DetectDeps => ({ store, recipients: main.recipients, timeZone: 'Asia/Taipei', ...(risingTerms ? { risingTerms } : {}) });

  beforeEach(() => {
    store = openStateStore({ path: ':memory:', clock: new ManualClock(T0), storeMentionDocuments: false });
    store.ruleState.historyStart(rule.config.id, T0 - 48 * HOUR);
    seed(store);
  });
  afterEach(() => store.close());

  it('lists the words of the titles that rose against the baseline when the alert opens, keeps them while it stays, and shows them in the email', () => {
    const finder = RisingTermsFinder.forRules([rule]);
    const opened = runDetection(deps(finder), [rule], T0).find((o) => o.kind === 'crisis')!;
    expect(opened.events.map((e) => e.type)).toEqual(['opened']);
    const rising = opened.alert!.drivers!.risingTerms!;
    // 毀容 is in all five flare titles and in none of the baseline's; 退費 in three.
    expect(rising[0]).toEqual({ term: '毀容', count: 5, expected: expect.any(Number) });
    expect(rising[0]!.expected).toBeLessThan(0.1);
    expect(rising.map((t) => t.term)).toContain('退費');
    // The brand rose too (in most flare titles, a quarter of the baseline's), but it is the rule's own
    // match term: its rise is the spike itself. 分享 is in the baseline as often as in the window.
    expect(rising.map((t) => t.term)).not.toContain('範例診所');
    expect(rising.map((t) => t.term)).not.toContain('分享');
    expect(store.alerts.get(opened.alert!.id)!.drivers!.risingTerms).toEqual(rising);

    // Fifteen minutes on the level still holds with no new event: the words stay as found.
    const later = runDetection(deps(finder), [rule], T0 + 15 * MIN).find((o) => o.kind === 'crisis')!;
    expect(later.events).toEqual([]);
    expect(store.alerts.get(opened.alert!.id)!.drivers!.risingTerms).toEqual(rising);

    const notice = store.outbox.claimDue(T0, 10)[0]!.notice;
    const email = renderEmail(notice);
    expect(email.text).toContain('上升詞（標題，與基準期比）：毀容 ×5（預期 <0.1）、退費 ×3（預期 <0.1）');
    expect(email.html).toContain('毀容 ×5（預期 &lt;0.1）');
  });

  it('never lists the rule\'s own match terms: their rise is the spike itself', () => {
    const finder = RisingTermsFinder.forRules([rule]);
    const window = ['範例診所 感染 爭議', '範例診所 感染 求助', '範例診所 感染 消息'];
    const baseline = ['診所 心得 分享', '醫美 心得 分享', '回診 心得 分享', '停車 心得 分享'];
    expect(finder.find(window, baseline).map((t) => t.term)).toEqual(expect.arrayContaining(['範例診所', '感染']));
    expect(finder.find(window, baseline, ['範例診所']).map((t) => t.term)).toEqual(['感染']);
  });

  it('lists none when turned off', () => {
    const opened = runDetection(deps(), [rule], T0).find((o) => o.kind === 'crisis')!;
    expect(opened.events.map((e) => e.type)).toEqual(['opened']);
    expect(opened.alert!.drivers!.risingTerms).toBeUndefined();
    const email = renderEmail(store.outbox.claimDue(T0, 10)[0]!.notice);
    expect(email.text).not.toContain('上升詞');
    expect(email.text).toContain('熱門詞');
  });
});
