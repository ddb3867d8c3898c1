import { FeedHost, rss } from '../helpers/feed-host';
import { FEEDS, type FeedName, type Post } from './scripted-timeline';

/** The article link of a post (the same on every feed that lists it, so one mention). */
export function postLink(post: Pick<Post, 'key'>): string {
  return `https://news.example.tw/articles/${post.key}`;
}

/**
 * The scenario's feeds on one loopback host: `/news.xml`, `/forum.xml`, `/mirror.xml`, RSS 2.0
 * with an ETag per version (a request with the current one gets 304, as real publishers answer),
 * newest first, the last `window` posts. Records which posts each 200 response carried, so a test
 * can say what the daemon fetched.
 */
export class ScenarioFeeds {
  readonly host = new FeedHost();
  /** Keys of posts served in a 200 response at least once. */
  readonly served = new Set<string>();
  /** Responses by status. */
  readonly responses = { ok: 0, notModified: 0 };
  private readonly lists = new Map<FeedName, Array<{ post: Post; atMs: number }>>(FEEDS.map((f) => [f, []]));
  private readonly versions = new Map<FeedName, number>(FEEDS.map((f) => [f, 0]));

  constructor(private readonly window = 80) {}

  /** Start serving; resolves with the feed URLs by name. */
  async start(): Promise<Record<FeedName, string>> {
    await this.host.start();
    const urls = {} as Record<FeedName, string>;
    for (const feed of FEEDS) {
      urls[feed] = this.host.route(`/${feed}.xml`, (req, res) => {
        const etag = `"${feed}-v${this.versions.get(feed)}"`;
        if (req.headers['if-none-match'] === etag) {
          this.responses.notModified++;
          res.writeHead(304, { etag }).end();
          return;
        }
        const items = this.lists.get(feed)!.slice(-this.window).reverse();
        for (const i of items) this.served.add(i.post.key);
        this.responses.ok++;
        res
          .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag })
          .end(rss(items.map((i) => ({ title: i.post.title, link: postLink(i.post), date: new Date(i.atMs), description: i.post.title }))));
      });
    }
    return urls;
  }

  /** Put a post on its feeds now (a new version of each). */
  publish(post: Post, atMs = Date.now()): void {
    for (const feed of post.feeds) {
      this.lists.get(feed)!.push({ post, atMs });
      this.versions.set(feed, this.versions.get(feed)! + 1);
    }
  }

  stop(): Promise<void> {
    return this.host.stop();
  }
}
