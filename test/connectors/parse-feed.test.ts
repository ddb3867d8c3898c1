import { FeedParseError } from '../../src/core/errors';
import { parseFeed } from '../../src/connectors/parse-feed';
import { FIXTURE_NOW_MS, feedBytes, feedText } from './fixtures';

describe('parseFeed', () => {
  describe('RSS 2.0 from a Taiwanese news site', () => {
    const FEED_URL = 'https://news.example-daily.tw/rss/life.xml';

    it('reads every item with title, link, guid, body and date', async () => {
      const { items, warnings } = await parseFeed(feedText('tw-news-rss2.xml'), FEED_URL, FIXTURE_NOW_MS);
      expect(warnings).toEqual([]);
      expect(items).toHaveLength(4);
      expect(items[0]).toEqual({
        url: 'https://news.example-daily.tw/news/life/breakingnews/5012345',
        guid: 'https://news.example-daily.tw/news/life/breakingnews/5012345',
        title: '醫美診所術後感染 消費者控訴求償 衛生局介入調查',
        html: expect.stringContaining('已向消保官申訴並提告求償'),
        publishedAt: new Date('2026-03-02T06:05:00Z'),
      });
    });

    it('prefers content:encoded over the description and takes the author from dc:creator', async () => {
      const { items } = await parseFeed(feedText('tw-news-rss2.xml'), FEED_URL, FIXTURE_NOW_MS);
      expect(items[1]!.html).toContain('<strong>3月1日</strong>');
      expect(items[1]!.author).toBe('林小明');
    });

    it('resolves a relative link against the feed URL and keeps a non-URL guid', async () => {
      const { items } = await parseFeed(feedText('tw-news-rss2.xml'), FEED_URL, FIXTURE_NOW_MS);
      expect(items[2]!.url).toBe('https://news.example-daily.tw/news/life/paper/1732001');
      expect(items[2]!.guid).toBe('paper-1732001');
    });

    it('trims whitespace around links and decodes entities in titles', async () => {
      const { items } = await parseFeed(feedText('tw-news-rss2.xml'), FEED_URL, FIXTURE_NOW_MS);
      expect(items[3]!.url).toBe('https://news.example-daily.tw/news/life/breakingnews/5012277');
      expect(items[3]!.title).toBe('藥師公會：感冒藥別混吃 & 留意成分重複');
    });
  });

  describe('skips and drops, with a warning each', () => {
    const parse = () => parseFeed(feedText('edge-cases-rss2.xml'), 'https://feeds.example.tw/edge.xml', FIXTURE_NOW_MS);

    it('skips items without a usable link (none, or javascript:) but uses a permalink guid', async () => {
      const { items, warnings } = await parse();
      const urls = items.map((i) => i.url);
      expect(urls.filter((u) => !u.startsWith('https://'))).toEqual([]);
      expect(urls).toContain('https://feeds.example.tw/post/permalink-guid');
      expect(warnings.filter((w) => w.includes('沒有可用的連結'))).toHaveLength(2);
      expect(warnings.some((w) => w.includes('沒有連結的項目'))).toBe(true);
    });

    it.each([
      ['https://feeds.example.tw/post/epoch', '早於 1995 年'],
      ['https://feeds.example.tw/post/future', '在未來超過一天'],
      ['https://feeds.example.tw/post/chinese-date', '無法解析的日期'],
    ])('keeps %s without a date and warns "%s"', async (url, why) => {
      const { items, warnings } = await parse();
      const item = items.find((i) => i.url === url)!;
      expect(item).toBeDefined();
      expect(item.publishedAt).toBeUndefined();
      expect(warnings.some((w) => w.includes(why))).toBe(true);
    });

    it('reads a zone-less local time as Taipei time', async () => {
      const { items } = await parse();
      expect(items.find((i) => i.url.endsWith('/zoneless'))!.publishedAt).toEqual(new Date('2026-03-02T06:30:00Z'));
    });

    it('strips markup from titles', async () => {
      const { items } = await parse();
      expect(items.find((i) => i.url.endsWith('/markup-title'))!.title).toBe('標題裡的 標記');
    });

    it('skips a repeated item in the same document', async () => {
      const { items, warnings } = await parse();
      expect(items.filter((i) => i.url.endsWith('/markup-title'))).toHaveLength(1);
      expect(warnings.some((w) => w.includes('重複'))).toBe(true);
    });
  });

  it('reads Atom (PTT board feed): id as guid, author name, published or else updated, html content or summary', async () => {
    const { items, warnings } = await parseFeed(feedText('ptt-atom.xml'), 'https://www.ptt.cc/atom/MedicalTalk.xml', FIXTURE_NOW_MS);
    expect(items).toHaveLength(4);
    expect(items[0]).toMatchObject({
      guid: 'https://www.ptt.cc/bbs/MedicalTalk/M.1772430645.A.1F2.html',
      url: 'https://www.ptt.cc/bbs/MedicalTalk/M.1772430645.A.1F2.html',
      author: 'skylark0910 (雲雀)',
      publishedAt: new Date('2026-03-02T05:50:45Z'),
    });
    expect(items[0]!.html).toContain('態度差、等很久');
    // No <published>: falls back to <updated>; relative href resolved against the feed.
    expect(items[2]!.publishedAt).toEqual(new Date('2026-03-02T02:40:30Z'));
    expect(items[2]!.url).toBe('https://www.ptt.cc/bbs/MedicalTalk/M.1772419230.A.077.html');
    expect(items[2]!.html).toBe('可以向衛生局申訴，保留收據。');
    // An unreadable Atom date loses the date, not the feed.
    expect(items[3]!.publishedAt).toBeUndefined();
    expect(items[3]!.author).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('not-a-date')]);
  });

  it('reads RDF / RSS 1.0 with Dublin Core dates and creators', async () => {
    const { items } = await parseFeed(feedText('blog-rdf.xml'), 'https://health-notes.example.tw/index.rdf', FIXTURE_NOW_MS);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      guid: 'https://health-notes.example.tw/2026/03/flu-season.html',
      author: '陳醫師',
      publishedAt: new Date('2026-03-01T13:15:00Z'),
    });
    expect(items[0]!.html).toContain('<em>流感</em>');
    expect(items[1]!.url).toBe('https://health-notes.example.tw/2026/02/clinic-hours.html');
  });

  it('unwraps Google Alerts redirect links and strips <b> from their titles', async () => {
    const { items, warnings } = await parseFeed(feedText('google-alerts.xml'), 'https://www.google.com/alerts/feeds/04822417751832914417/9513307201440592113', FIXTURE_NOW_MS);
    expect(items.map((i) => i.url)).toEqual([
      'https://www.example-news.com.tw/news/society/20260302/4455667',
      'https://www.dcard.tw/f/medical/p/260091234?ref=alert&utm_source=google',
      'https://www.example-biz.com/2026/03/01/example-clinic-taichung/',
    ]);
    expect(items.map((i) => i.title)).toEqual(['範例診所醫療糾紛延燒 患者家屬揚言提告', '網友熱議 範例診所 王大明醫師 回應了', 'Example Clinic & 範例診所 expands to Taichung']);
    expect(items[0]!.guid).toBe('tag:google.com,2013:googlealerts/feed:10393817262718399201');
    expect(items[0]!.author).toBeUndefined();
    // The entry without <link> is skipped, with a warning naming it.
    expect(warnings).toEqual([expect.stringContaining('範例診所徵才：櫃檯人員')]);
  });

  it('keeps the publisher of a Google News item from <source>', async () => {
    const { items } = await parseFeed(feedText('google-news-search.xml'), 'https://news.google.com/rss/search?q=x', FIXTURE_NOW_MS);
    expect(items[0]!.site).toBe('範例新聞網');
    expect(items[0]!.guid).toMatch(/^CBMi/);
    expect(items[2]!.site).toBeUndefined();
  });

  it('reads a Big5 feed once decoded', async () => {
    const text = new TextDecoder('big5').decode(feedBytes('big5-local-news.xml'));
    const { items } = await parseFeed(text, 'http://www.example-local.com.tw/news/health/rss.xml', FIXTURE_NOW_MS);
    expect(items[0]!.title).toBe('許姓醫師涉醫療疏失 家屬到診所外陳情');
    expect(items[1]!.url).toBe('http://www.example-local.com.tw/news/health/show.asp?id=88207');
  });

  it('rejects truncated XML with FeedParseError (E_FEED_PARSE)', async () => {
    const err = await parseFeed(feedText('truncated.xml'), 'https://news.example-daily.tw/rss/all.xml', FIXTURE_NOW_MS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as FeedParseError).code).toBe('E_FEED_PARSE');
    expect((err as FeedParseError).context.url).toBe('https://news.example-daily.tw/rss/all.xml');
  });

  it('rejects an HTML page served in place of a feed', async () => {
    await expect(parseFeed('<!doctype html><html><body>Just a moment...</body></html>', 'https://x.example.tw/feed', FIXTURE_NOW_MS)).rejects.toMatchObject({
      code: 'E_FEED_PARSE',
    });
  });

  it('accepts a leading byte-order mark and blank lines', async () => {
    const { items } = await parseFeed('\uFEFF\n\n' + feedText('blog-rdf.xml'), 'https://health-notes.example.tw/index.rdf', FIXTURE_NOW_MS);
    expect(items).toHaveLength(2);
  });
});
