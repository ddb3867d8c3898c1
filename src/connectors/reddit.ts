import { z } from 'zod';
import { FeedParseError } from '../core/errors';
import type { RawItem } from '../core/types';
import type { HttpResponse } from '../http/types';
import { defineConnector, type ConnectorRuntime, type PollResult, type Revisitor } from './define';
import { isGone } from './item-errors';
import { asRecord, jsonBody, num, str } from './json-body';
import { revisitOptionsSchema, revisitPolicy } from './revisit-options';

/**
 * The `reddit` connector kind: a subreddit's newest posts or a search, from Reddit's public JSON
 * listings (shared/reference/sources.md §5.1). Reddit asks for an honest, unique User-Agent
 * (set `http.userAgent`) and reports its budget in `X-Ratelimit-Remaining/Reset`: when nothing
 * remains, the source is held back until the reset instead of being asked again. Low relevance
 * for Taiwan; for international coverage. Unauthenticated access is limited (see the README).
 */

const sub = z.string().regex(/^[A-Za-z0-9_]{2,21}$/, { message: 'subreddit 名稱，例如 taiwan (subreddit name)' });

export const redditOptionsSchema = z
  .strictObject({
    subreddit: sub.optional(),
    search: z.strictObject({ query: z.string().trim().min(1), subreddit: sub.optional() }).optional(),
    limit: z.number().int().min(1).max(100).default(50),
    minIntervalMs: z.number().int().min(1_000).default(2_000),
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://www.reddit.com'),
    revisit: revisitOptionsSchema,
  })
  .refine((o) => (o.subreddit === undefined) !== (o.search === undefined), { message: '請擇一設定 subreddit 或 search (set exactly one of subreddit, search)' });

export type RedditOptions = z.output<typeof redditOptionsSchema>;

/** The listing URL a `reddit` connector polls. */
export function redditListingUrl(o: RedditOptions): string {
  const base = o.baseUrl.replace(/\/+$/, '');
  const u = o.subreddit
    ? new URL(`${base}/r/${o.subreddit}/new.json`)
    : new URL(o.search!.subreddit ? `${base}/r/${o.search!.subreddit}/search.json` : `${base}/search.json`);
  if (o.search) {
    u.searchParams.set('q', o.search.query);
    u.searchParams.set('sort', 'new');
    if (o.search.subreddit) u.searchParams.set('restrict_sr', '1');
  }
  u.searchParams.set('limit', String(o.limit));
  // Entities in titles and text arrive unescaped.
  u.searchParams.set('raw_json', '1');
  return u.href;
}

const REMOVED = new Set(['[deleted]', '[removed]']);

/** One `t3` (link/post) as an item; undefined for other kinds or posts without a permalink. */
export function redditPostItem(data: Record<string, unknown>, base: string): RawItem | undefined {
  const permalink = str(data.permalink);
  if (!permalink) return undefined;
  const item: RawItem = { url: new URL(permalink, base).href, title: str(data.title) ?? '', text: str(data.selftext) ?? '' };
  const name = str(data.name);
  if (name) item.guid = name;
  const author = str(data.author);
  if (author && !REMOVED.has(author)) item.author = author;
  const created = num(data.created_utc);
  if (created !== undefined) item.publishedAt = new Date(created * 1000);
  const subreddit = str(data.subreddit);
  if (subreddit) item.site = `Reddit r/${subreddit}`;
  const score = num(data.score);
  const comments = num(data.num_comments);
  item.engagement = { ...(score !== undefined ? { net: score } : {}), ...(comments !== undefined ? { comments } : {}) };
  return item;
}

/**
 * A Listing: `{kind: "Listing", data: {children: [{kind: "t3", data: {…}}]}}`.
 * @throws FeedParseError when the payload is not a Listing.
 */
export function parseRedditListing(json: unknown, base: string, url: string): RawItem[] {
  const children = asRecord(asRecord(json)?.data)?.children;
  if (asRecord(json)?.kind !== 'Listing' || !Array.isArray(children)) throw new FeedParseError('Reddit 回應不是 Listing (not a Reddit listing)', url);
  return children.flatMap((c) => {
    const child = asRecord(c);
    const data = asRecord(child?.data);
    if (child?.kind !== 't3' || !data) return [];
    const item = redditPostItem(data, base);
    return item ? [item] : [];
  });
}

/** Milliseconds until the rate-limit window resets, when none of it remains. */
export function rateLimitWaitMs(headers: Record<string, string>): number | undefined {
  const remaining = Number(headers['x-ratelimit-remaining']);
  const reset = Number(headers['x-ratelimit-reset']);
  if (!Number.isFinite(remaining) || remaining >= 1 || !Number.isFinite(reset)) return undefined;
  return Math.max(0, Math.ceil(reset * 1000));
}

export const redditConnector = defineConnector({
  kind: 'reddit',
  sourceType: 'social',
  description: 'Reddit 看板或搜尋的最新貼文（公開 JSON，遵守速率限制標頭）(Reddit subreddit/search via public JSON listings)',
  optionsSchema: redditOptionsSchema,
  create(options) {
    const base = options.baseUrl.replace(/\/+$/, '');
    const url = redditListingUrl(options);
    const policy = revisitPolicy(options.revisit);

    function get(rt: ConnectorRuntime, target: string): Promise<HttpResponse> {
      return rt.http.request(target, {
        headers: { accept: 'application/json' },
        conditional: false,
        robots: true,
        minHostIntervalMs: options.minIntervalMs,
        ...(rt.signal ? { signal: rt.signal } : {}),
      });
    }

    async function poll(rt: ConnectorRuntime): Promise<PollResult> {
      const res = await get(rt, url);
      const items = parseRedditListing(jsonBody(res), base, res.url);
      const waitMs = rateLimitWaitMs(res.headers);
      return { items, notModified: false, warnings: [], ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}) };
    }

    const revisit: Revisitor | undefined = policy && {
      policy,
      async fetch(rt, target) {
        const u = new URL(target.url);
        u.pathname = `${u.pathname.replace(/\/+$/, '')}.json`;
        u.searchParams.set('raw_json', '1');
        let res: HttpResponse;
        try {
          res = await get(rt, u.href);
        } catch (err) {
          if (isGone(err)) return { status: 'gone', detail: `HTTP ${err.status}` };
          throw err;
        }
        // A post page is [listing of the post, listing of its comments].
        const json = jsonBody(res);
        const first = Array.isArray(json) ? json[0] : json;
        const [item] = parseRedditListing(first, base, res.url);
        if (!item) return { status: 'gone', detail: '貼文不存在 (post not found)' };
        const children = asRecord(asRecord(first)?.data)?.children;
        const removedBy = Array.isArray(children) ? asRecord(asRecord(children[0])?.data)?.removed_by_category : undefined;
        if (REMOVED.has(item.text ?? '') || (typeof removedBy === 'string' && removedBy !== '')) {
          return { status: 'gone', detail: `貼文已刪除或移除 (${typeof removedBy === 'string' ? removedBy : item.text})` };
        }
        return { status: 'present', item };
      },
    };
    return { poll, ...(revisit ? { revisit } : {}) };
  },
});
