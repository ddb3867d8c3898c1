import { z } from 'zod';
import { defineConnector } from './define';
import { pollFeed } from './feed-poll';
import { googleNewsSearchUrl } from './google';

export { FEED_ACCEPT } from './feed-poll';

/** A Google News search in zh-TW (shared with the `news` kind). */
export const googleNewsSchema = z.strictObject({
  /** The search, e.g. `"範例診所" OR 王大明醫師 when:1d`. */
  query: z.string().trim().min(1, { message: '搜尋字串不可為空 (query must not be empty)' }),
  hl: z.string().min(1).default('zh-TW'),
  gl: z.string().min(1).default('TW'),
  ceid: z.string().min(1).default('TW:zh-Hant'),
});

/**
 * Options of an `rss` connector: exactly one of `url` (any RSS 2.0 / Atom / RDF feed, Google
 * Alerts feeds included) or `googleNews` (a Google News search in zh-TW).
 */
export const rssOptionsSchema = z
  .strictObject({
    /** Feed URL (http or https). */
    url: z.url({ protocol: /^https?$/, message: '必須是 http 或 https 網址 (an http(s) URL)' }).optional(),
    googleNews: googleNewsSchema.optional(),
    /** Items kept per poll, newest-first as the feed lists them. */
    maxItems: z.number().int().min(1).max(1000).default(100),
    /** Extra request headers (e.g. a cookie a feed needs). */
    headers: z.record(z.string(), z.string()).optional(),
  })
  .refine((o) => (o.url === undefined) !== (o.googleNews === undefined), {
    message: '請擇一設定 url 或 googleNews (set exactly one of url, googleNews)',
  });

export type RssOptions = z.output<typeof rssOptionsSchema>;

/** The URL an `rss` connector polls. */
export function rssFeedUrl(options: RssOptions): string {
  return options.url ?? googleNewsSearchUrl(options.googleNews!);
}

/**
 * The `rss` connector kind: fetch one feed through the shared client (conditional GET; the
 * validators are committed by the pipeline only after the items are stored), parse it, and for
 * Google News split the publisher off the title into `site`. Feeds are subscriptions the user
 * chose, so robots.txt is not consulted (as in feed readers); the crawling kinds do consult it.
 */
export const rssConnector = defineConnector({
  kind: 'rss',
  sourceType: 'rss',
  description: 'RSS 2.0 / Atom / RDF 訂閱源，含 Google 新聞搜尋與 Google 快訊 (RSS, Atom, RDF feeds incl. Google News search and Google Alerts)',
  optionsSchema: rssOptionsSchema,
  create(options) {
    const feedUrl = rssFeedUrl(options);
    return {
      poll: (rt) => pollFeed(rt, feedUrl, { maxItems: options.maxItems, googleNews: options.googleNews !== undefined, ...(options.headers ? { headers: options.headers } : {}) }),
    };
  },
});
