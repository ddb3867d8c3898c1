import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock';
import { closeServer } from '../server/close-server';
import type { DemoFeed, DemoItem } from './scenario';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number): string => new Date(ms).toISOString();

/** Feed paths, shaped like the real sources they stand for. */
export const DEMO_FEED_PATHS: Record<DemoFeed, string> = {
  news: '/rss/search?q=%E7%AF%84%E4%BE%8B%E8%A8%BA%E6%89%80&hl=zh-TW&gl=TW&ceid=TW:zh-Hant',
  ptt: '/atom/facelift.xml',
  alerts: '/alerts/feeds/01234567890123456789/9876543210987654321',
};

function newsRss(items: DemoItem[], base: string): string {
  const entries = items
    .map(
      (i) => `    <item>
      <title>${esc(`${i.title} - ${i.source ?? ''}`)}</title>
      <link>${esc(i.url)}</link>
      <guid isPermaLink="false">${esc(i.guid)}</guid>
      <pubDate>${new Date(i.publishedAt).toUTCString()}</pubDate>
      <description>${esc(`<a href="${i.url}">${i.title}</a>&nbsp;&nbsp;<font color="#6f6f6f">${i.source ?? ''}</font><p>${i.body}</p>`)}</description>
      <source url="https://${esc(i.source ?? 'news')}.example.tw">${esc(i.source ?? '')}</source>
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>"範例診所" - Google 新聞</title>
    <link>${base}</link>
    <language>zh-TW</language>
    <description>Google 新聞</description>
${entries}
  </channel>
</rss>
`;
}

function pttAtom(items: DemoItem[], base: string): string {
  const entries = items
    .map(
      (i) => `  <entry>
    <title>${esc(i.title)}</title>
    <link href="${esc(i.url)}"/>
    <id>${esc(i.url)}</id>
    <author><name>${esc(i.author)}</name></author>
    <published>${iso(i.publishedAt)}</published>
    <updated>${iso(i.publishedAt)}</updated>
    <content type="html">${esc(`<pre>${i.body}</pre>`)}</content>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>看板 facelift 文章列表</title>
  <id>${base}/bbs/facelift/index.html</id>
  <updated>${iso(items[0]?.publishedAt ?? 0)}</updated>
${entries}
</feed>
`;
}

function alertsAtom(items: DemoItem[]): string {
  const entries = items
    .map((i) => {
      const redirect = `https://www.google.com/url?rct=j&sa=t&url=${encodeURIComponent(i.url)}&ct=ga&cd=CAIyGjA&usg=AOvVaw0demo`;
      return `  <entry>
    <id>${esc(i.guid)}</id>
    <title type="html">${esc(i.title)}</title>
    <link href="${esc(redirect)}"/>
    <published>${iso(i.publishedAt)}</published>
    <updated>${iso(i.publishedAt)}</updated>
    <content type="html">${esc(i.body)}</content>
    <author><name/></author>
  </entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reference:demo</id>
  <title>Google 快訊 - 範例診所</title>
  <link href="https://www.google.com/alerts/feeds/01234567890123456789/9876543210987654321" rel="self"/>
  <updated>${iso(items[0]?.publishedAt ?? 0)}</updated>
${entries}
</feed>
`;
}

/**
 * A loopback HTTP server publishing the scenario's feeds as they stand at the (simulated) clock's
 * time: only items already published, newest first, at most `window` per feed. It sends an ETag and
 * answers 304 when nothing changed, like a well-behaved real feed.
 */
export class DemoFeedServer {
  private server: Server | undefined;
  /** Requests served, by status, for the demo's report. */
  readonly served = { ok: 0, notModified: 0 };
  baseUrl = '';

  constructor(private readonly items: DemoItem[], private readonly clock: Clock, private readonly window = 30) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const feed = (Object.keys(DEMO_FEED_PATHS) as DemoFeed[]).find((f) => DEMO_FEED_PATHS[f].split('?')[0] === url.pathname);
      if (!feed) {
        res.writeHead(404).end();
        return;
      }
      const now = this.clock.now();
      const visible = this.items.filter((i) => i.feed === feed && i.publishedAt <= now).sort((a, b) => b.publishedAt - a.publishedAt).slice(0, this.window);
      const etag = `"${createHash('sha1').update(visible.map((i) => i.guid).join(',')).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) {
        this.served.notModified++;
        res.writeHead(304, { etag }).end();
        return;
      }
      const body = feed === 'news' ? newsRss(visible, this.baseUrl) : feed === 'ptt' ? pttAtom(visible, this.baseUrl) : alertsAtom(visible);
      this.served.ok++;
      res.writeHead(200, { 'content-type': feed === 'news' ? 'application/rss+xml; charset=UTF-8' : 'application/atom+xml; charset=UTF-8', etag });
      res.end(body);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  url(feed: DemoFeed): string {
    return this.baseUrl + DEMO_FEED_PATHS[feed];
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeServer(server);
  }
}
