import type { RawItem } from '../core/types';
import type { HttpRequestOptions } from '../http/types';
import type { ConnectorRuntime, PollResult } from './define';
import { isGoogleNewsUrl, splitPublisher } from './google';
import { parseFeed } from './parse-feed';

/** What we accept, best first: feeds, then anything (some servers label feeds text/html). */
export const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export interface FeedPollOptions {
  /** Items kept per poll, newest-first as the feed lists them. */
  maxItems: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Split " - 出版者" off titles into `site` (Google News); also on when the feed is on news.google.com. */
  googleNews?: boolean;
  /** Site name for every item that does not name its own (a publisher feed's outlet). */
  site?: string;
  /** Extra request options (robots, host gap). */
  request?: Pick<HttpRequestOptions, 'robots' | 'minHostIntervalMs'>;
}

/**
 * Poll one feed URL through the shared client: conditional GET whose validators the pipeline
 * commits only after the items are stored, parse, Google News publisher split, per-item warnings
 * logged with connector, URL and code. Shared by the `rss` and `news` kinds.
 * @throws HttpError, FeedParseError when the feed fails as a whole.
 */
export async function pollFeed(rt: ConnectorRuntime, feedUrl: string, options: FeedPollOptions): Promise<PollResult> {
  const res = await rt.http.request(feedUrl, {
    headers: { accept: FEED_ACCEPT, ...options.headers },
    deferValidators: true,
    ...options.request,
    ...(rt.signal ? { signal: rt.signal } : {}),
  });
  if (res.notModified) return { items: [], notModified: true, warnings: [] };

  // Relative links resolve against where the feed really is, after redirects.
  const parsed = await parseFeed(res.text, res.url, rt.clock.now());
  const googleNews = options.googleNews === true || isGoogleNewsUrl(res.url);
  const items: RawItem[] = parsed.items.slice(0, options.maxItems).map((item) => {
    const withSite = googleNews ? withPublisher(item) : item;
    return options.site && !withSite.site ? { ...withSite, site: options.site } : withSite;
  });

  const warnings = parsed.warnings.map((w) => `${rt.id} ${res.url} E_FEED_PARSE ${w}`);
  for (const w of parsed.warnings) rt.log.warn({ connector: rt.id, url: res.url, code: 'E_FEED_PARSE' }, w);
  return { items, notModified: false, warnings, ...(res.commitValidators ? { commit: res.commitValidators } : {}) };
}

function withPublisher(item: RawItem): RawItem {
  const { title, site } = splitPublisher(item.title, item.site);
  return site ? { ...item, title, site } : { ...item, title };
}
