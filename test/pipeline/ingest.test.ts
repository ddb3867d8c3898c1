import { ManualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { ingestItems } from '../../src/pipeline/ingest';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { createScorer } from '../../src/text/scorer';
import { ruleFileSchema } from '../../src/config/rule-schema';

const NOW = Date.parse('2026-03-16T02:00:00Z');
const rule = ruleFileSchema.parse({
  id: 'clinic',
  name: '診所',
  match: { any: ['範例診所'], exclude: ['徵才'] },
  topics: { dispute: { risk: 'high', terms: ['醫療糾紛'] } },
  levels: { L1: { when: 'highRisk >= 1', sla: { respond: '1h', resolve: '24h' }, notify: ['a'] } },
});

describe('ingest', () => {
  let store: StateStore;
  const deps = (keepUnmatched = false) => ({ store, scorer: createScorer({ rules: [rule], lexicon: loadLexicon(defaultLexiconPath()) }), clock: new ManualClock(NOW), log: silentLogger(), keepUnmatched });

  beforeEach(() => {
    store = openStateStore({ path: ':memory:', clock: new ManualClock(NOW), storeMentionDocuments: true });
  });
  afterEach(() => store.close());

  it('stores matching mentions once, across connectors and repeated polls', () => {
    const item = { url: 'https://news.example.tw/a/1?utm_source=x', title: '范例诊所 医疗纠纷', text: '內文' };
    const first = ingestItems(deps(), { id: 'feed-a', sourceType: 'news' }, [item, { ...item }]);
    expect(first).toMatchObject({ fetched: 2, stored: 1, duplicates: 1, unmatched: 0, skipped: 0 });
    expect(first.fresh[0]!.rules[0]).toMatchObject({ ruleId: 'clinic', risk: 'high' });
    const second = ingestItems(deps(), { id: 'feed-b', sourceType: 'news' }, [{ ...item, url: 'https://news.example.tw/a/1' }]);
    expect(second).toMatchObject({ stored: 0, duplicates: 1 });
    expect(store.mentions.countMentions()).toBe(1);
  });

  it('marks unmatched and excluded items as seen without storing them, unless asked to keep them', () => {
    const items = [
      { url: 'https://x.tw/1', title: '別家診所開幕', text: '' },
      { url: 'https://x.tw/2', title: '範例診所徵才', text: '' },
    ];
    expect(ingestItems(deps(), { id: 'f', sourceType: 'rss' }, items)).toMatchObject({ stored: 0, unmatched: 2 });
    expect(store.mentions.countMentions()).toBe(0);
    expect(ingestItems(deps(), { id: 'f', sourceType: 'rss' }, items)).toMatchObject({ stored: 0, duplicates: 2, unmatched: 0 });
    const kept = ingestItems(deps(true), { id: 'f', sourceType: 'rss' }, [{ url: 'https://x.tw/3', title: '別家診所', text: '' }]);
    expect(kept).toMatchObject({ stored: 1 });
    expect(kept.fresh[0]!.rules).toEqual([]);
  });

  it('skips an item it cannot normalise and keeps the rest', () => {
    const r = ingestItems(deps(), { id: 'f', sourceType: 'rss' }, [{ url: '', title: '範例診所 沒有網址' }, { url: 'https://x.tw/ok', title: '範例診所 好評' }]);
    expect(r).toMatchObject({ fetched: 2, stored: 1, skipped: 1 });
  });
});
