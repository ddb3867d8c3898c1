import { z } from 'zod';
import { defineConnector } from './define';
import { pollFeed } from './feed-poll';
import { googleNewsSearchUrl } from './google';
import { googleNewsSchema } from './rss';

const httpUrl = z.url({ protocol: /^https?$/, message: '必須是 http 或 https 網址 (an http(s) URL)' });

/** A Google Alerts feed: https://www.google.com/alerts/feeds/<user id>/<alert id>. */
const googleAlertsUrl = httpUrl.refine((u) => /^https:\/\/www\.google\.com\/alerts\/feeds\/\d+\/\d+$/.test(u), {
  message: 'Google 快訊網址應為 https://www.google.com/alerts/feeds/<數字>/<數字>（在快訊設定選「傳送到：RSS 動態消息」取得）(a Google Alerts feed URL)',
});

/**
 * Options of a `news` connector: exactly one of `googleNews` (a zh-TW Google News search),
 * `googleAlerts` (an Alerts feed the user created) or `feed` (a publisher's RSS/Atom feed).
 */
export const newsOptionsSchema = z
  .strictObject({
    googleNews: googleNewsSchema.optional(),
    googleAlerts: googleAlertsUrl.optional(),
    feed: httpUrl.optional(),
    /** Outlet name for items that do not name one (publisher feeds), e.g. 自由時報. */
    publisher: z.string().trim().min(1).optional(),
    maxItems: z.number().int().min(1).max(1000).default(100),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .refine((o) => [o.googleNews, o.googleAlerts, o.feed].filter((x) => x !== undefined).length === 1, {
    message: '請擇一設定 googleNews、googleAlerts 或 feed (set exactly one of googleNews, googleAlerts, feed)',
  });

export type NewsOptions = z.output<typeof newsOptionsSchema>;

/** The feed URL a `news` connector polls. */
export function newsFeedUrl(o: NewsOptions): string {
  return o.googleNews ? googleNewsSearchUrl(o.googleNews) : (o.googleAlerts ?? o.feed)!;
}

/**
 * The `news` connector kind: news as feeds — a Google News search (publisher taken from the item's
 * `<source>`), a Google Alerts feed (its `google.com/url?…` links unwrapped to the article), or a
 * Taiwanese publisher's RSS (ready-made, disabled examples in connectors/news-*.yaml). The feed
 * machinery is the `rss` kind's (./feed-poll); this kind adds the news source type, the outlet
 * name and option checks that catch a wrong Alerts URL early.
 */
export const newsConnector = defineConnector({
  kind: 'news',
  sourceType: 'news',
  description: '新聞：Google 新聞搜尋（繁中、台灣）、Google 快訊、出版者 RSS (news: Google News search, Google Alerts, publisher feeds)',
  optionsSchema: newsOptionsSchema,
  create(options) {
    const url = newsFeedUrl(options);
    return {
      poll: (rt) =>
        pollFeed(rt, url, {
          maxItems: options.maxItems,
          googleNews: options.googleNews !== undefined,
          ...(options.publisher ? { site: options.publisher } : {}),
          ...(options.headers ? { headers: options.headers } : {}),
        }),
    };
  },
});
