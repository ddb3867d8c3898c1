import { createHash } from 'node:crypto';
import { YuqingError } from '../../src/core/errors';
import type { RawItem } from '../../src/core/types';
import { MAX_BODY_CHARS, mentionId, toMention } from '../../src/text/to-mention';

const FETCHED = Date.parse('2026-03-02T06:00:00Z');
const rss = { connector: 'example-news-rss', sourceType: 'rss' as const };
const gnews = { connector: 'google-news-example-clinic', sourceType: 'news' as const };

describe('toMention', () => {
  const raw: RawItem = {
    guid: 'tag:example-news.tw,2026:123',
    url: 'https://www.example-news.tw/news/123?utm_source=rss&utm_medium=feed#top',
    title: '<b>範例診所</b> 爆醫療糾紛 &amp; 求償',
    html: '<p>家屬指控<strong>醫療疏失</strong>。</p><script>track()</script>',
    author: '  記者王小明 ',
    publishedAt: new Date('2026-03-02T05:30:00Z'),
    engagement: { pushes: 12, boos: 3 },
  };

  it('turns title and body into plain text and keeps author and engagement', () => {
    const m = toMention(raw, rss, FETCHED);
    expect(m.title).toBe('範例診所 爆醫療糾紛 & 求償');
    expect(m.body).toBe('家屬指控醫療疏失。');
    expect(m.author).toBe('記者王小明');
    expect(m.engagement).toEqual({ pushes: 12, boos: 3 });
    expect(m.lang).toBe('zh');
    expect(m.connector).toBe('example-news-rss');
    expect(m.sourceType).toBe('rss');
  });

  it('stores the canonical URL and derives the id from it', () => {
    const m = toMention(raw, rss, FETCHED);
    expect(m.url).toBe('https://www.example-news.tw/news/123');
    expect(m.id).toBe(createHash('sha256').update('https://www.example-news.tw/news/123').digest('hex').slice(0, 32));
    expect(m.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives the same article from two connectors the same id, whatever their guids', () => {
    const fromRss = toMention(raw, rss, FETCHED);
    const fromGoogleNews = toMention({ guid: 'CBMiK2h0dHBz-google-news-guid', url: 'https://WWW.example-news.tw/news/123?gclid=zz', title: '範例診所 爆醫療糾紛 - 範例新聞', site: '範例新聞' }, gnews, FETCHED);
    expect(fromGoogleNews.id).toBe(fromRss.id);
  });

  it('falls back to the guid, scoped by connector, only when the URL is unusable', () => {
    const a = toMention({ guid: '42', url: 'not a url', title: 't' }, rss, FETCHED);
    expect(a.id).toBe(mentionId('guid:example-news-rss:42'));
    const b = toMention({ guid: '42', url: '', title: 't' }, gnews, FETCHED);
    expect(b.id).not.toBe(a.id);
  });

  it('refuses an item with neither a usable URL nor a guid', () => {
    expect(() => toMention({ url: 'javascript:void(0)', title: 't' }, rss, FETCHED)).toThrow(YuqingError);
    try {
      toMention({ url: '', title: 't' }, rss, FETCHED);
    } catch (err) {
      expect((err as YuqingError).code).toBe('E_CONNECTOR');
      expect((err as YuqingError).context.connector).toBe('example-news-rss');
    }
  });

  it('picks the site from the item, then the connector, then the host without www', () => {
    expect(toMention({ ...raw, site: '範例新聞' }, { ...rss, site: '連線器網站' }, FETCHED).site).toBe('範例新聞');
    expect(toMention(raw, { ...rss, site: '連線器網站' }, FETCHED).site).toBe('連線器網站');
    expect(toMention(raw, rss, FETCHED).site).toBe('example-news.tw');
  });

  it('never dates a mention after it was fetched, and uses the fetch time when the date is missing or invalid', () => {
    const future = toMention({ ...raw, publishedAt: new Date('2030-01-01T00:00:00Z') }, rss, FETCHED);
    expect(future.publishedAt).toBe('2026-03-02T06:00:00.000Z');
    expect(toMention({ ...raw, publishedAt: undefined }, rss, FETCHED).publishedAt).toBe('2026-03-02T06:00:00.000Z');
    expect(toMention({ ...raw, publishedAt: new Date('garbage') }, rss, FETCHED).publishedAt).toBe('2026-03-02T06:00:00.000Z');
    expect(toMention(raw, rss, FETCHED).publishedAt).toBe('2026-03-02T05:30:00.000Z');
    expect(toMention(raw, rss, FETCHED).fetchedAt).toBe('2026-03-02T06:00:00.000Z');
  });

  it('hashes exactly the stored title and body', () => {
    const m = toMention(raw, rss, FETCHED);
    expect(m.contentSha256).toBe(createHash('sha256').update(`${m.title}\n${m.body}`).digest('hex'));
    expect(toMention({ ...raw, html: '<p>不同內文</p>' }, rss, FETCHED).contentSha256).not.toBe(m.contentSha256);
  });

  it('caps a giant body without splitting a surrogate pair', () => {
    const huge = '雷'.repeat(MAX_BODY_CHARS - 1) + '😡'.repeat(10);
    const m = toMention({ url: 'https://example.com/p', title: 't', text: huge }, rss, FETCHED);
    expect(m.body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(m.body.endsWith('雷')).toBe(true);
  });

  it('uses plain text when there is no HTML, and cleans text that is really markup', () => {
    expect(toMention({ url: 'https://example.com/a', title: 't', text: '第一行  \r\n\r\n\r\n\r\n第二行' }, rss, FETCHED).body).toBe('第一行\n\n第二行');
    expect(toMention({ url: 'https://example.com/b', title: 't', text: '<p>推 &amp; 讚</p>' }, rss, FETCHED).body).toBe('推 & 讚');
  });

  it('gives an empty author as null and detects English', () => {
    const m = toMention({ url: 'https://example.com/en', title: 'Clinic review', text: 'The doctor was kind and the staff were helpful.', author: '  ' }, rss, FETCHED);
    expect(m.author).toBeNull();
    expect(m.lang).toBe('en');
  });
});
