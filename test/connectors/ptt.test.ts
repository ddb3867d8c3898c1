import type { MockAgent } from 'undici';
import { pttConnector, pttOptionsSchema } from '../../src/connectors/ptt';
import { isOver18Page, parseNrec, parsePttArticle, parsePttIndex, pttArticleTime } from '../../src/connectors/ptt-parse';
import { ConnectorError, HttpError } from '../../src/core/errors';
import { fixtureText } from './fixtures';
import { mockRuntime, offlineAgent } from './runtime';

const PTT = 'https://www.ptt.cc';
const HTML = { headers: { 'content-type': 'text/html; charset=utf-8' } };
const ATOM = { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } };
const A = (id: string): string => `${PTT}/bbs/facelift/M.${id}.html`;

describe('PTT parsers', () => {
  it('reads the 推文數 column: 爆, X1…XX, digits, empty', () => {
    expect(['爆', 'X1', 'X9', 'XX', '25', '', ' 3 ', '??'].map(parseNrec)).toEqual([100, -10, -90, -100, 25, 0, 3, 0]);
  });

  it('takes the post time from the article id', () => {
    expect(pttArticleTime(A('1772432100.A.2B4'))?.toISOString()).toBe('2026-03-02T06:15:00.000Z');
    expect(pttArticleTime(`${PTT}/bbs/BeautySalon/G.1772431500.A.C03.html`)?.toISOString()).toBe('2026-03-02T06:05:00.000Z');
    expect(pttArticleTime(`${PTT}/bbs/facelift/index.html`)).toBeUndefined();
  });

  it('parses a current (v2.27) index page: deleted rows marked, pinned rows after the separator left out', () => {
    const page = parsePttIndex(fixtureText('ptt/index-new.html'), `${PTT}/bbs/facelift/index.html`);
    expect(page.entries.map((e) => [e.url ?? null, e.nrec, e.deleted])).toEqual([
      [A('1772431200.A.1F3'), 12, false],
      [null, 0, true],
      [A('1772432100.A.2B4'), 100, false],
      [A('1772433000.A.3C5'), -20, false],
      [A('1772434200.A.4D6'), 3, false],
    ]);
    expect(page.entries[3]!.title).toBe('[廣告] 範例醫美 三月療程 8 折 <限時>');
    expect(page.entries[2]).toMatchObject({ author: 'peachtea', mark: 'M' });
    expect(page.previousPageUrl).toBe(`${PTT}/bbs/facelift/index2718.html`);
  });

  it('parses the old (v2.14) index markup, whose children come in another order', () => {
    const page = parsePttIndex(fixtureText('ptt/index-old.html'), `${PTT}/bbs/BeautySalon/index.html`);
    expect(page.entries.map((e) => [e.title, e.author, e.nrec, e.deleted])).toEqual([
      ['[心得] 範例診所的淨膚雷射四次心得', 'mintcandy', 7, false],
      ['[討論] 醫美診所亂收費該找誰申訴', 'angrybird', -100, false],
      ['(本文已被刪除) <mod01>', '-', 0, true],
      ['[請益] 敏感肌適合的保濕精華', 'dewdrop', 0, false],
    ]);
    expect(page.entries[3]!.url).toBe(`${PTT}/bbs/BeautySalon/G.1772431500.A.C03.html`);
    expect(page.previousPageUrl).toBe(`${PTT}/bbs/BeautySalon/index3051.html`);
  });

  it('refuses a page that is not an index page rather than reporting no posts', () => {
    expect(() => parsePttIndex(fixtureText('ptt/over18.html'), `${PTT}/ask/over18`)).toThrow(/not a PTT board index page/);
  });

  it('parses an article: meta by tag, body without footer, signature or pushes, pushes only after the footer', () => {
    const a = parsePttArticle(fixtureText('ptt/article.html'), A('1772432100.A.2B4'));
    expect(a).toMatchObject({ title: '[問題] 有人在範例診所做音波拉提後神經麻痺嗎？', author: 'peachtea', board: 'facelift' });
    expect(a.publishedAt?.toISOString()).toBe('2026-03-02T06:15:00.000Z');
    expect(a.body.split('\n')[0]).toBe('上週在範例診所做了音波拉提，王大明醫師親自操作。');
    expect(a.body).toContain('需不需要找消保官？');
    expect(a.body).toContain(': 音波術後短暫麻木偶爾會有');
    for (const leaked of ['發信站', '文章網址', '簽名檔', '快去大醫院', '引文裡的推文', 'do-not-leak', '作者']) expect(a.body).not.toContain(leaked);
    expect(a.pushes.map((p) => p.tag)).toEqual(['推', '噓', '推', '→', '推']);
    expect(a.pushes[2]).toEqual({ tag: '推', user: 'lawyer_lin', content: '保留病歷，可以申請醫療爭議調解', when: '03/02 14:30' });
    expect(a.engagement).toEqual({ pushes: 3, boos: 1, comments: 5, net: 2 });
  });

  it('recognises PTT’s age question page', () => {
    expect(isOver18Page(`${PTT}/ask/over18?from=%2Fbbs%2FGossiping%2Findex.html`)).toBe(true);
    expect(isOver18Page(`${PTT}/bbs/Gossiping/index.html`)).toBe(false);
  });
});

describe('ptt connector kind', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = offlineAgent();
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  const create = (options: Record<string, unknown> = {}) => pttConnector.create(pttOptionsSchema.parse({ board: 'facelift', ...options }), { id: 'ptt-facelift' });
  /** 1F3 and 4D6 were ingested before; 2B4 and 3C5 are new. */
  const known = (url: string): boolean => url === A('1772431200.A.1F3') || url === A('1772434200.A.4D6');

  it('reads Atom and the index, fetches the articles of new posts only, keeps a post deleted before we read it as an excerpt', async () => {
    const ptt = agent.get(PTT);
    ptt.intercept({ path: '/atom/facelift.xml' }).reply(200, fixtureText('ptt/atom.xml'), ATOM);
    ptt.intercept({ path: '/bbs/facelift/index.html' }).reply(200, fixtureText('ptt/index-new.html'), HTML);
    ptt.intercept({ path: '/bbs/facelift/M.1772432100.A.2B4.html' }).reply(200, fixtureText('ptt/article.html'), HTML);
    ptt.intercept({ path: '/bbs/facelift/M.1772433000.A.3C5.html' }).reply(404, 'Not Found');
    const sleeps: number[] = [];

    const { items, warnings } = await create().poll(mockRuntime(agent, { known, sleeps }));
    expect(warnings).toEqual([]);
    expect(items.map((i) => i.url)).toEqual([A('1772432100.A.2B4'), A('1772433000.A.3C5')]);
    const [full, gone] = items;
    expect(full).toMatchObject({ title: '[問題] 有人在範例診所做音波拉提後神經麻痺嗎？', author: 'peachtea', site: 'PTT facelift', engagement: { pushes: 3, boos: 1, net: 2 } });
    expect(full!.partial).toBeUndefined();
    expect(full!.text).toContain('王大明醫師');
    expect(gone).toMatchObject({ author: 'promo168', partial: true, engagement: { net: -20 } });
    expect(gone!.publishedAt?.toISOString()).toBe('2026-03-02T06:30:00.000Z');
    // Every request after the first waited for PTT's own gap.
    expect(sleeps.every((ms) => ms > 1_900 && ms <= 2_000)).toBe(true);
    expect(sleeps).toHaveLength(3);
  });

  it('falls back to the index pages when the Atom feed fails, and says so', async () => {
    const ptt = agent.get(PTT);
    ptt.intercept({ path: '/atom/facelift.xml' }).reply(500, 'oops');
    ptt.intercept({ path: '/bbs/facelift/index.html' }).reply(200, fixtureText('ptt/index-new.html'), HTML);
    const { items, warnings } = await create({ fetchArticles: false }).poll(mockRuntime(agent, { id: 'ptt-facelift' }));
    expect(items).toHaveLength(4);
    expect(items.every((i) => i.partial)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^ptt-facelift https:\/\/www\.ptt\.cc\/atom\/facelift\.xml E_HTTP_STATUS /);
  });

  it('does not fall back on 429: the source asked us to slow down', async () => {
    agent.get(PTT).intercept({ path: '/atom/facelift.xml' }).reply(429, 'slow down', { headers: { 'retry-after': '600' } });
    const err = await create().poll(mockRuntime(agent)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(429);
    expect((err as HttpError).retryAfterMs).toBe(600_000);
  });

  it('reports a Cloudflare challenge as blocked', async () => {
    agent
      .get(PTT)
      .intercept({ path: '/atom/facelift.xml' })
      .reply(403, '<html>Just a moment...</html>', { headers: { 'content-type': 'text/html', 'cf-mitigated': 'challenge' } });
    const err = await create().poll(mockRuntime(agent)).catch((e: unknown) => e);
    expect((err as HttpError).code).toBe('E_HTTP_BLOCKED');
  });

  it('refuses an 18+ board unless the connector opts in, and then sends the over18 cookie', async () => {
    const over18 = `/ask/over18?from=${encodeURIComponent('/bbs/Gossiping/index.html')}`;
    const ptt = agent.get(PTT);
    ptt.intercept({ path: '/atom/Gossiping.xml' }).reply(302, '', { headers: { location: over18 } });
    ptt.intercept({ path: over18 }).reply(200, fixtureText('ptt/over18.html'), HTML);
    const refused = await create({ board: 'Gossiping' }).poll(mockRuntime(agent)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect((refused as Error).message).toContain('over18: true');

    ptt.intercept({ path: '/atom/Gossiping.xml', headers: { cookie: 'over18=1' } }).reply(200, fixtureText('ptt/atom.xml'), ATOM);
    ptt.intercept({ path: '/bbs/Gossiping/index.html', headers: { cookie: 'over18=1' } }).reply(200, fixtureText('ptt/index-new.html'), HTML);
    const { items } = await create({ board: 'Gossiping', over18: true, fetchArticles: false }).poll(mockRuntime(agent));
    expect(items.length).toBeGreaterThan(0);
  });

  it('fetches at most maxArticlesPerPoll articles and the rest on the next poll', async () => {
    const ptt = agent.get(PTT);
    ptt.intercept({ path: '/atom/facelift.xml' }).reply(200, fixtureText('ptt/atom.xml'), ATOM).times(2);
    ptt.intercept({ path: '/bbs/facelift/index.html' }).reply(200, fixtureText('ptt/index-new.html'), HTML).times(2);
    ptt.intercept({ path: '/bbs/facelift/M.1772432100.A.2B4.html' }).reply(200, fixtureText('ptt/article.html'), HTML);
    ptt.intercept({ path: '/bbs/facelift/M.1772433000.A.3C5.html' }).reply(200, fixtureText('ptt/article.html'), HTML);
    const connector = create({ maxArticlesPerPoll: 1 });
    const first = await connector.poll(mockRuntime(agent, { known }));
    expect(first.items.map((i) => i.url)).toEqual([A('1772432100.A.2B4')]);
    const second = await connector.poll(mockRuntime(agent, { known: (u) => known(u) || u === A('1772432100.A.2B4') }));
    expect(second.items.map((i) => i.url)).toEqual([A('1772433000.A.3C5')]);
    expect(second.items[0]!.partial).toBeUndefined();
  });

  it('revisits an article: the edited text and new pushes, or a deletion (404)', async () => {
    const ptt = agent.get(PTT);
    ptt.intercept({ path: '/bbs/facelift/M.1772432100.A.2B4.html' }).reply(200, fixtureText('ptt/article-edited.html'), HTML);
    ptt.intercept({ path: '/bbs/facelift/M.1772434200.A.4D6.html' }).reply(404, 'Not Found');
    const revisit = create().revisit!;
    expect(revisit.policy.afterMs[0]).toBe(30 * 60_000);

    const edited = await revisit.fetch(mockRuntime(agent), { url: A('1772432100.A.2B4') });
    expect(edited.status).toBe('present');
    if (edited.status !== 'present') return;
    expect(edited.item.text).toContain('已與診所和解');
    expect(edited.item.text).not.toContain('消保官');
    expect(edited.item.text).not.toContain('編輯');
    expect(edited.item.engagement).toEqual({ pushes: 3, boos: 2, comments: 6, net: 1 });

    expect(await revisit.fetch(mockRuntime(agent), { url: A('1772434200.A.4D6') })).toEqual({ status: 'gone', detail: 'HTTP 404（文章已刪除 deleted）' });
  });

  it('can turn revisits off', () => {
    expect(create({ revisit: { enabled: false } }).revisit).toBeUndefined();
  });
});
