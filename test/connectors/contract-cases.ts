/**
 * Recorded inputs for the contract test, per connector kind. Every kind in the built-in registry
 * must have at least one case here; a new kind adds its fixtures and cases in the same change.
 */

export interface RecordedResponse {
  /** Absolute URL the connector is expected to request. */
  url: string;
  /** File under test/fixtures served as the body, byte for byte (`feeds/…`, `ptt/…`); absent = empty body. */
  file?: string;
  headers: Record<string, string>;
  /** Status to answer with (default 200). */
  status?: number;
  /** Times this response is served per poll (default 1). */
  times?: number;
}

export interface ContractCase {
  name: string;
  /** Connector options as they would appear in a connector file. */
  options: Record<string, unknown>;
  responses: RecordedResponse[];
}

const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const ATOM = { 'content-type': 'application/atom+xml; charset=utf-8' };
const HTML = { 'content-type': 'text/html; charset=utf-8' };
const JSON_H = { 'content-type': 'application/json; charset=utf-8' };
const GONE = { status: 404, headers: { 'content-type': 'text/html' } };

export const contractCases: Record<string, ContractCase[]> = {
  rss: [
    { name: 'zh-TW news RSS 2.0', options: { url: 'https://news.example-daily.tw/rss/life.xml' }, responses: [{ url: 'https://news.example-daily.tw/rss/life.xml', file: 'feeds/tw-news-rss2.xml', headers: RSS }] },
    { name: 'RSS 2.0 edge cases', options: { url: 'https://feeds.example.tw/edge.xml' }, responses: [{ url: 'https://feeds.example.tw/edge.xml', file: 'feeds/edge-cases-rss2.xml', headers: RSS }] },
    { name: 'PTT Atom', options: { url: 'https://www.ptt.cc/atom/MedicalTalk.xml' }, responses: [{ url: 'https://www.ptt.cc/atom/MedicalTalk.xml', file: 'feeds/ptt-atom.xml', headers: ATOM }] },
    { name: 'RDF / RSS 1.0', options: { url: 'https://health-notes.example.tw/index.rdf' }, responses: [{ url: 'https://health-notes.example.tw/index.rdf', file: 'feeds/blog-rdf.xml', headers: { 'content-type': 'application/rdf+xml' } }] },
    {
      name: 'Google Alerts Atom',
      options: { url: 'https://www.google.com/alerts/feeds/04822417751832914417/9513307201440592113' },
      responses: [{ url: 'https://www.google.com/alerts/feeds/04822417751832914417/9513307201440592113', file: 'feeds/google-alerts.xml', headers: ATOM }],
    },
    {
      name: 'Google News search',
      options: { googleNews: { query: '"範例診所" when:7d' } },
      responses: [
        {
          url: 'https://news.google.com/rss/search?q=%22%E7%AF%84%E4%BE%8B%E8%A8%BA%E6%89%80%22+when%3A7d&hl=zh-TW&gl=TW&ceid=TW%3Azh-Hant',
          file: 'feeds/google-news-search.xml',
          headers: { 'content-type': 'application/xml; charset=utf-8' },
        },
      ],
    },
    {
      name: 'Big5 local news RSS',
      options: { url: 'http://www.example-local.com.tw/news/health/rss.xml' },
      responses: [{ url: 'http://www.example-local.com.tw/news/health/rss.xml', file: 'feeds/big5-local-news.xml', headers: { 'content-type': 'text/xml' } }],
    },
  ],
  ptt: [
    {
      name: 'board: Atom, current index markup, articles (one deleted before it was read)',
      options: { board: 'facelift' },
      responses: [
        { url: 'https://www.ptt.cc/atom/facelift.xml', file: 'ptt/atom.xml', headers: ATOM },
        { url: 'https://www.ptt.cc/bbs/facelift/index.html', file: 'ptt/index-new.html', headers: HTML },
        { url: 'https://www.ptt.cc/bbs/facelift/M.1772431200.A.1F3.html', ...GONE },
        { url: 'https://www.ptt.cc/bbs/facelift/M.1772432100.A.2B4.html', file: 'ptt/article.html', headers: HTML },
        { url: 'https://www.ptt.cc/bbs/facelift/M.1772433000.A.3C5.html', ...GONE },
        { url: 'https://www.ptt.cc/bbs/facelift/M.1772434200.A.4D6.html', ...GONE },
      ],
    },
    {
      name: 'board: no Atom, old index markup, list data only',
      options: { board: 'BeautySalon', fetchArticles: false },
      responses: [
        { url: 'https://www.ptt.cc/atom/BeautySalon.xml', ...GONE },
        { url: 'https://www.ptt.cc/bbs/BeautySalon/index.html', file: 'ptt/index-old.html', headers: HTML },
      ],
    },
  ],
  news: [
    {
      name: 'Google News search',
      options: { googleNews: { query: '"範例診所" when:7d' } },
      responses: [
        {
          url: 'https://news.google.com/rss/search?q=%22%E7%AF%84%E4%BE%8B%E8%A8%BA%E6%89%80%22+when%3A7d&hl=zh-TW&gl=TW&ceid=TW%3Azh-Hant',
          file: 'feeds/google-news-search.xml',
          headers: { 'content-type': 'application/xml; charset=utf-8' },
        },
      ],
    },
    {
      name: 'Google Alerts (redirect links)',
      options: { googleAlerts: 'https://www.google.com/alerts/feeds/04822417751832914417/9513307201440592113' },
      responses: [{ url: 'https://www.google.com/alerts/feeds/04822417751832914417/9513307201440592113', file: 'feeds/google-alerts.xml', headers: ATOM }],
    },
    {
      name: 'publisher feed (Big5)',
      options: { feed: 'http://www.example-local.com.tw/news/health/rss.xml', publisher: '地方日報' },
      responses: [{ url: 'http://www.example-local.com.tw/news/health/rss.xml', file: 'feeds/big5-local-news.xml', headers: { 'content-type': 'text/xml' } }],
    },
  ],
  dcard: [
    {
      name: 'forum posts with full text',
      options: { forum: 'facelift', maxPostsPerPoll: 3 },
      responses: [
        { url: 'https://www.dcard.tw/service/api/v2/forums/facelift/posts?popular=false&limit=30', file: 'dcard/forum-posts.json', headers: JSON_H },
        { url: 'https://www.dcard.tw/service/api/v2/posts/255990001', ...GONE },
        { url: 'https://www.dcard.tw/service/api/v2/posts/256030112', ...GONE },
        { url: 'https://www.dcard.tw/service/api/v2/posts/256031744', file: 'dcard/post-detail.json', headers: JSON_H },
      ],
    },
  ],
  html: [
    {
      name: 'Big5 forum list with a detail page',
      options: {
        url: 'http://forum.example-health.com.tw/forum/viewforum.php?f=12',
        selectors: { item: 'tr.topic-row:not(.head)', link: '.subject a', date: '.date', author: '.poster', body: '.summary' },
        detail: { body: '.post-body', maxPerPoll: 1 },
      },
      responses: [
        { url: 'http://forum.example-health.com.tw/forum/viewforum.php?f=12', file: 'html/forum-list.big5.html', headers: { 'content-type': 'text/html' } },
        { url: 'http://forum.example-health.com.tw/forum/viewtopic.php?t=88100', file: 'html/topic-88121.big5.html', headers: { 'content-type': 'text/html' } },
      ],
    },
  ],
  reddit: [
    {
      name: 'subreddit listing',
      options: { subreddit: 'taiwan' },
      responses: [{ url: 'https://www.reddit.com/r/taiwan/new.json?limit=50&raw_json=1', file: 'reddit/new.json', headers: JSON_H }],
    },
  ],
  discourse: [
    {
      name: 'latest topics with first posts',
      options: { baseUrl: 'https://forum.example.org' },
      responses: [
        { url: 'https://forum.example.org/latest.json?order=created', file: 'discourse/latest.json', headers: JSON_H },
        { url: 'https://forum.example.org/t/9150.json', ...GONE },
        { url: 'https://forum.example.org/t/9154.json', file: 'discourse/topic-9154.json', headers: JSON_H },
      ],
    },
  ],
};
