import type { MockAgent } from 'undici';
import { htmlConnector, htmlOptionsSchema } from '../../src/connectors/html';
import { parseFieldSelector, parseHtmlList, parsePageDate } from '../../src/connectors/html-list-parse';
import { FeedParseError } from '../../src/core/errors';
import { toMention } from '../../src/text/to-mention';
import { FIXTURE_NOW_MS, fixtureBytes } from './fixtures';
import { mockRuntime, offlineAgent } from './runtime';

const SITE = 'http://forum.example-health.com.tw';
const LIST = '/forum/viewforum.php?f=12';
const HTML = { headers: { 'content-type': 'text/html' } };
const OPTIONS = {
  url: `${SITE}${LIST}`,
  selectors: { item: 'tr.topic-row:not(.head)', link: '.subject a', title: '.subject a', date: '.date', author: '.poster', body: '.summary' },
};

describe('html kind', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = offlineAgent();
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
  const create = (extra: Record<string, unknown> = {}) => htmlConnector.create(htmlOptionsSchema.parse({ ...OPTIONS, ...extra }), { id: 'health-forum' });

  it('splits `css@attr` selectors, leaving @ inside brackets to CSS', () => {
    expect(parseFieldSelector('time@datetime')).toEqual({ css: 'time', attr: 'datetime' });
    expect(parseFieldSelector('a[href^="mailto:x@y"]')).toEqual({ css: 'a[href^="mailto:x@y"]' });
    expect(parseFieldSelector('.date')).toEqual({ css: '.date' });
  });

  it('reads dates as list pages write them, in Taipei time', () => {
    expect(parsePageDate('2026/03/02 13:05', FIXTURE_NOW_MS).date?.toISOString()).toBe('2026-03-02T05:05:00.000Z');
    expect(parsePageDate('2026.03.01 22:40', FIXTURE_NOW_MS).date?.toISOString()).toBe('2026-03-01T14:40:00.000Z');
    expect(parsePageDate('2026-02-28', FIXTURE_NOW_MS).date?.toISOString()).toBe('2026-02-27T16:00:00.000Z');
    expect(parsePageDate('昨天', FIXTURE_NOW_MS).problem).toContain('無法解析');
  });

  it('reads a Big5 list page declared only in <meta>: titles, absolute links without fragments, authors, dates, bodies', async () => {
    agent.get(SITE).intercept({ path: LIST }).reply(200, fixtureBytes('html/forum-list.big5.html'), HTML);
    const { items, warnings } = await create().poll(mockRuntime(agent, { id: 'health-forum' }));
    expect(items.map((i) => [i.title, i.url, i.author])).toEqual([
      ['範例診所割雙眼皮失敗求償經驗', `${SITE}/forum/viewtopic.php?t=88121&sid=abc`, '小雨'],
      ['請推薦台中的皮膚科診所', `${SITE}/forum/viewtopic.php?t=88119`, '阿明'],
      ['玻尿酸注射後瘀青正常嗎', `${SITE}/forum/viewtopic.php?t=88100`, '美美'],
    ]);
    expect(items[0]!.publishedAt?.toISOString()).toBe('2026-03-02T05:05:00.000Z');
    expect(toMention(items[0]!, { connector: 'health-forum', sourceType: 'forum' }, FIXTURE_NOW_MS).body).toBe('術後一邊高一邊低，診所只願退一半費用……');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^health-forum .* E_FEED_PARSE 第 4 項「（版主公告，請勿回覆）」：沒有可用的連結/);
  });

  it('fails loudly when the item selector matches nothing (a changed layout or a block page)', () => {
    expect(() => parseHtmlList('<html><body>Access denied</body></html>', `${SITE}${LIST}`, OPTIONS.selectors, FIXTURE_NOW_MS)).toThrow(FeedParseError);
  });

  it('fetches the detail page of new items for the full text, scripts removed', async () => {
    const pool = agent.get(SITE);
    pool.intercept({ path: LIST }).reply(200, fixtureBytes('html/forum-list.big5.html'), HTML);
    pool.intercept({ path: '/forum/viewtopic.php?t=88121&sid=abc' }).reply(200, fixtureBytes('html/topic-88121.big5.html'), HTML);
    const known = (url: string) => !url.includes('t=88121');
    const { items } = await create({ detail: { body: '.post-body', title: 'h1.post-title', date: '.post-time' } }).poll(mockRuntime(agent, { known }));
    expect(items).toHaveLength(1);
    const m = toMention(items[0]!, { connector: 'health-forum', sourceType: 'forum' }, FIXTURE_NOW_MS);
    expect(m.body).toContain('已經向衛生局申請醫療爭議調解');
    expect(m.body).not.toContain('do-not-leak');
    expect(m.body).not.toContain('路人');
  });

  it('revisits a detail page, keeping the recorded title when the page has no title selector; 404 is a deletion', async () => {
    const pool = agent.get(SITE);
    pool.intercept({ path: '/forum/viewtopic.php?t=88121&sid=abc' }).reply(200, fixtureBytes('html/topic-88121.big5.html'), HTML);
    pool.intercept({ path: '/forum/viewtopic.php?t=88119' }).reply(410, 'Gone');
    const revisit = create({ detail: { body: '.post-body' } }).revisit!;
    const present = await revisit.fetch(mockRuntime(agent), { url: `${SITE}/forum/viewtopic.php?t=88121&sid=abc`, title: '範例診所割雙眼皮失敗求償經驗' });
    expect(present.status === 'present' && present.item.title).toBe('範例診所割雙眼皮失敗求償經驗');
    expect((await revisit.fetch(mockRuntime(agent), { url: `${SITE}/forum/viewtopic.php?t=88119` })).status).toBe('gone');
  });

  it('has no revisits without a detail page', () => {
    expect(create().revisit).toBeUndefined();
  });
});
