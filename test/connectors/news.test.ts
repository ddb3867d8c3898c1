import type { MockAgent } from 'undici';
import { newsConnector, newsFeedUrl, newsOptionsSchema } from '../../src/connectors/news';
import { fixtureText } from './fixtures';
import { mockRuntime, offlineAgent } from './runtime';

describe('news kind', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = offlineAgent();
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  it('takes exactly one of googleNews, googleAlerts, feed, and checks the Alerts URL', () => {
    expect(() => newsOptionsSchema.parse({})).toThrow(/googleNews, googleAlerts, feed/);
    expect(() => newsOptionsSchema.parse({ feed: 'https://a.tw/rss', googleAlerts: 'https://www.google.com/alerts/feeds/1/2' })).toThrow(/exactly one/);
    expect(() => newsOptionsSchema.parse({ googleAlerts: 'https://www.google.com/alerts?q=x' })).toThrow(/Google Alerts feed URL/);
    expect(newsFeedUrl(newsOptionsSchema.parse({ googleNews: { query: '範例診所' } }))).toBe(
      'https://news.google.com/rss/search?q=%E7%AF%84%E4%BE%8B%E8%A8%BA%E6%89%80&hl=zh-TW&gl=TW&ceid=TW%3Azh-Hant',
    );
  });

  it('unwraps Google Alerts redirect links to the articles', async () => {
    const path = '/alerts/feeds/04822417751832914417/9513307201440592113';
    agent.get('https://www.google.com').intercept({ path }).reply(200, fixtureText('feeds/google-alerts.xml'), { headers: { 'content-type': 'application/atom+xml' } });
    const { items } = await newsConnector.create(newsOptionsSchema.parse({ googleAlerts: `https://www.google.com${path}` }), { id: 'alerts' }).poll(mockRuntime(agent));
    expect(items.map((i) => new URL(i.url).hostname)).toEqual(['www.example-news.com.tw', 'www.dcard.tw', 'www.example-biz.com']);
    expect(items.every((i) => !i.url.includes('google.com/url'))).toBe(true);
  });

  it('names the outlet of a publisher feed on every item', async () => {
    agent.get('https://news.example-daily.tw').intercept({ path: '/rss/life.xml' }).reply(200, fixtureText('feeds/tw-news-rss2.xml'), { headers: { 'content-type': 'application/rss+xml' } });
    const { items } = await newsConnector.create(newsOptionsSchema.parse({ feed: 'https://news.example-daily.tw/rss/life.xml', publisher: '範例日報' }), { id: 'daily' }).poll(mockRuntime(agent));
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.site))).toEqual(new Set(['範例日報']));
    expect(newsConnector.sourceType).toBe('news');
  });
});
