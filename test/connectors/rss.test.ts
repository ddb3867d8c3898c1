import type { MockAgent } from 'undici';
import { googleNewsSearchUrl } from '../../src/connectors/google';
import { rssConnector, rssOptionsSchema } from '../../src/connectors/rss';
import { FeedParseError, HttpError } from '../../src/core/errors';
import { feedBytes, feedText } from './fixtures';
import { capturingLogger, MemoryValidators, mockRuntime, offlineAgent } from './runtime';

const RSS_XML = { 'content-type': 'application/rss+xml; charset=utf-8' };
const ATOM_XML = { 'content-type': 'application/atom+xml; charset=UTF-8' };

function create(options: unknown, id = 'test-feed') {
  return rssConnector.create(rssOptionsSchema.parse(options), { id });
}

describe('rss connector kind', () => {
  let agent: MockAgent;

  beforeEach(() => {
    agent = offlineAgent();
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  it('polls a news feed and returns its items, asking for feed types', async () => {
    let accept: string | undefined;
    agent
      .get('https://news.example-daily.tw')
      .intercept({ path: '/rss/life.xml', method: 'GET' })
      .reply((req) => {
        accept = (req.headers as Record<string, string>).accept;
        return { statusCode: 200, data: feedText('tw-news-rss2.xml'), responseOptions: { headers: RSS_XML } };
      });

    const result = await create({ url: 'https://news.example-daily.tw/rss/life.xml' }).poll(mockRuntime(agent));
    expect(result.notModified).toBe(false);
    expect(result.items).toHaveLength(4);
    expect(result.items[0]!.title).toBe('醫美診所術後感染 消費者控訴求償 衛生局介入調查');
    expect(result.warnings).toEqual([]);
    expect(accept).toContain('application/rss+xml');
  });

  it('searches Google News in zh-TW and splits the publisher into site', async () => {
    const url = new URL(googleNewsSearchUrl({ query: '"範例診所" when:7d' }));
    agent
      .get('https://news.google.com')
      .intercept({ path: url.pathname + url.search, method: 'GET' })
      .reply(200, feedText('google-news-search.xml'), { headers: { 'content-type': 'application/xml; charset=utf-8' } });

    const { items } = await create({ googleNews: { query: '"範例診所" when:7d' } }).poll(mockRuntime(agent));
    expect(items.map((i) => [i.title, i.site])).toEqual([
      ['範例診所醫療糾紛 衛生局今稽查', '範例新聞網'],
      ['醫美糾紛頻傳 消保官：簽約前看清楚', '範例日報 - 生活'],
      ['診所評價兩極 網友吵翻', '科技與生活'],
    ]);
    expect(items[0]!.url).toMatch(/^https:\/\/news\.google\.com\/rss\/articles\/CBMi/);
  });

  it('reads a Google Alerts feed: target URLs unwrapped, titles plain', async () => {
    const path = '/alerts/feeds/04822417751832914417/9513307201440592113';
    agent.get('https://www.google.com').intercept({ path, method: 'GET' }).reply(200, feedText('google-alerts.xml'), { headers: ATOM_XML });

    const { items, warnings } = await create({ url: `https://www.google.com${path}` }).poll(mockRuntime(agent));
    expect(items.map((i) => new URL(i.url).hostname)).toEqual(['www.example-news.com.tw', 'www.dcard.tw', 'www.example-biz.com']);
    for (const item of items) expect(item.title).not.toMatch(/<|&[a-z]+;/);
    expect(warnings).toHaveLength(1);
  });

  it('decodes a Big5 feed declared only in its XML declaration', async () => {
    agent
      .get('http://www.example-local.com.tw')
      .intercept({ path: '/news/health/rss.xml', method: 'GET' })
      .reply(200, feedBytes('big5-local-news.xml'), { headers: { 'content-type': 'text/xml' } });

    const { items } = await create({ url: 'http://www.example-local.com.tw/news/health/rss.xml' }).poll(mockRuntime(agent));
    expect(items[0]!.title).toBe('許姓醫師涉醫療疏失 家屬到診所外陳情');
    expect(items[1]!.title).toBe('復健科門診成功預約率提升 民眾：功能不錯');
  });

  it('keeps at most maxItems items', async () => {
    agent.get('https://news.example-daily.tw').intercept({ path: '/rss/life.xml' }).reply(200, feedText('tw-news-rss2.xml'), { headers: RSS_XML });
    const { items } = await create({ url: 'https://news.example-daily.tw/rss/life.xml', maxItems: 2 }).poll(mockRuntime(agent));
    expect(items.map((i) => i.url)).toEqual([
      'https://news.example-daily.tw/news/life/breakingnews/5012345',
      'https://news.example-daily.tw/news/life/breakingnews/5012301',
    ]);
  });

  it('leaves the validators to commit once the items are stored, then reports the next 304 as notModified', async () => {
    const pool = agent.get('https://www.ptt.cc');
    pool.intercept({ path: '/atom/MedicalTalk.xml' }).reply(200, feedText('ptt-atom.xml'), { headers: { ...ATOM_XML, etag: '"ptt-1"' } });
    pool.intercept({ path: '/atom/MedicalTalk.xml', headers: { 'if-none-match': '"ptt-1"' } }).reply(304, '');

    const validators = new MemoryValidators();
    const rt = mockRuntime(agent, { validators });
    const connector = create({ url: 'https://www.ptt.cc/atom/MedicalTalk.xml' });

    const first = await connector.poll(rt);
    expect(first.items).toHaveLength(4);
    expect(validators.getValidators('https://www.ptt.cc/atom/MedicalTalk.xml')).toBeUndefined();
    first.commit?.();
    expect(validators.getValidators('https://www.ptt.cc/atom/MedicalTalk.xml')).toEqual({ etag: '"ptt-1"' });

    const second = await connector.poll(rt);
    expect(second).toEqual({ items: [], notModified: true, warnings: [] });
  });

  it('does not commit validators for a feed that fails to parse', async () => {
    agent
      .get('https://news.example-daily.tw')
      .intercept({ path: '/rss/all.xml' })
      .reply(200, feedText('truncated.xml'), { headers: { ...RSS_XML, etag: '"broken"' } });
    const validators = new MemoryValidators();

    const err = await create({ url: 'https://news.example-daily.tw/rss/all.xml' })
      .poll(mockRuntime(agent, { validators }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedParseError);
    expect(validators.map.size).toBe(0);
  });

  it('lets HTTP failures through as typed errors', async () => {
    agent
      .get('https://news.example-daily.tw')
      .intercept({ path: '/rss/life.xml' })
      .reply(403, '<html>Just a moment...</html>', { headers: { 'cf-mitigated': 'challenge', 'content-type': 'text/html' } });
    const err = await create({ url: 'https://news.example-daily.tw/rss/life.xml' })
      .poll(mockRuntime(agent))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).code).toBe('E_HTTP_BLOCKED');
  });

  it('returns and logs per-item warnings naming the connector, URL and code', async () => {
    agent.get('https://feeds.example.tw').intercept({ path: '/edge.xml' }).reply(200, feedText('edge-cases-rss2.xml'), { headers: RSS_XML });
    const { log, lines } = capturingLogger();

    const { warnings } = await create({ url: 'https://feeds.example.tw/edge.xml' }, 'edge-feed').poll(mockRuntime(agent, { log, id: 'edge-feed' }));
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toMatch(/^edge-feed https:\/\/feeds\.example\.tw\/edge\.xml E_FEED_PARSE /);
    const logged = lines.filter((l) => l.connector === 'edge-feed');
    expect(logged).toHaveLength(warnings.length);
    expect(logged[0]).toMatchObject({ url: 'https://feeds.example.tw/edge.xml', code: 'E_FEED_PARSE' });
  });

  describe('options', () => {
    it('needs exactly one of url and googleNews', () => {
      expect(rssOptionsSchema.safeParse({}).success).toBe(false);
      expect(rssOptionsSchema.safeParse({ url: 'https://a.tw/feed', googleNews: { query: 'x' } }).success).toBe(false);
      expect(rssOptionsSchema.safeParse({ url: 'https://a.tw/feed' }).success).toBe(true);
    });

    it('refuses non-web URLs, empty queries and unknown keys', () => {
      expect(rssOptionsSchema.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
      expect(rssOptionsSchema.safeParse({ googleNews: { query: '  ' } }).success).toBe(false);
      expect(rssOptionsSchema.safeParse({ url: 'https://a.tw/feed', urls: [] }).success).toBe(false);
    });

    it('fills defaults: 100 items and the zh-TW edition', () => {
      expect(rssOptionsSchema.parse({ googleNews: { query: '範例診所' } })).toEqual({
        googleNews: { query: '範例診所', hl: 'zh-TW', gl: 'TW', ceid: 'TW:zh-Hant' },
        maxItems: 100,
      });
    });
  });
});
