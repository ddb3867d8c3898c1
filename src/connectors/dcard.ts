import { z } from 'zod';
import type { HttpResponse } from '../http/types';
import { defineConnector, type ConnectorRuntime, type PollResult, type Revisitor } from './define';
import { parseDcardPost, parseDcardPosts } from './dcard-parse';
import { DetailQueue, fetchDetails } from './detail-queue';
import { isGone } from './item-errors';
import { jsonBody } from './json-body';
import { revisitOptionsSchema, revisitPolicy } from './revisit-options';

/**
 * The `dcard` connector kind: a Dcard forum's newest posts, or a search, through Dcard's JSON API
 * (undocumented; shared/reference/sources.md §2). Opt-in and best-effort: Dcard sits behind
 * Cloudflare and often refuses data-centre clients. A 403 or a Cloudflare challenge is reported
 * as `blocked` (the HTTP client never retries it) and the source then backs off for hours — this
 * kind sends a plain, honest request with a Referer and does nothing to get past a challenge.
 * Requests keep at least `minIntervalMs` (default 5 s) between them and obey robots.txt.
 */

const alias = z.string().regex(/^[a-z0-9_]{1,40}$/, { message: '看板代稱只含小寫英數與 _，例如 facelift (forum alias)' });

export const dcardOptionsSchema = z
  .strictObject({
    /** Forum alias as in https://www.dcard.tw/f/<alias>, e.g. `facelift` (醫美). */
    forum: alias.optional(),
    /** A search instead of a forum: the query, optionally within one forum. */
    search: z.strictObject({ query: z.string().trim().min(1), forum: alias.optional() }).optional(),
    /** Posts per list request. */
    limit: z.number().int().min(1).max(100).default(30),
    /** Fetch each new post's full text (one request each). */
    fetchPosts: z.boolean().default(true),
    maxPostsPerPoll: z.number().int().min(1).max(50).default(5),
    /** Least gap between two requests to Dcard (ms). */
    minIntervalMs: z.number().int().min(1_000).default(5_000),
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://www.dcard.tw'),
    revisit: revisitOptionsSchema,
  })
  .refine((o) => (o.forum === undefined) !== (o.search === undefined), { message: '請擇一設定 forum 或 search (set exactly one of forum, search)' });

export type DcardOptions = z.output<typeof dcardOptionsSchema>;

/** The list URL a `dcard` connector polls. */
export function dcardListUrl(o: DcardOptions): string {
  const base = o.baseUrl.replace(/\/+$/, '');
  if (o.forum) return `${base}/service/api/v2/forums/${o.forum}/posts?popular=false&limit=${o.limit}`;
  const u = new URL(`${base}/service/api/v2/search/posts`);
  u.searchParams.set('query', o.search!.query);
  u.searchParams.set('limit', String(o.limit));
  if (o.search!.forum) u.searchParams.set('forum', o.search!.forum);
  return u.href;
}

/** `…/f/<alias>/p/<id>` → `<id>`. */
function postIdOf(url: string): string | undefined {
  return /\/p\/(\d+)/.exec(new URL(url).pathname)?.[1];
}

export const dcardConnector = defineConnector({
  kind: 'dcard',
  sourceType: 'forum',
  description: 'Dcard 看板或搜尋（JSON API；選用，遇 Cloudflare 挑戰或 403 即標示被封鎖並退避數小時）(Dcard forum/search; opt-in, blocked on 403/challenge)',
  optionsSchema: dcardOptionsSchema,
  create(options) {
    const base = options.baseUrl.replace(/\/+$/, '');
    const listUrl = dcardListUrl(options);
    const referer = options.forum ? `${base}/f/${options.forum}` : `${base}/search?query=${encodeURIComponent(options.search!.query)}`;
    const queue = new DetailQueue();
    const policy = revisitPolicy(options.revisit);

    function get(rt: ConnectorRuntime, url: string): Promise<HttpResponse> {
      return rt.http.request(url, {
        headers: { accept: 'application/json', referer },
        conditional: false,
        robots: true,
        minHostIntervalMs: options.minIntervalMs,
        ...(rt.signal ? { signal: rt.signal } : {}),
      });
    }

    async function detail(rt: ConnectorRuntime, postUrl: string) {
      const id = postIdOf(postUrl);
      const res = await get(rt, `${base}/service/api/v2/posts/${id}`);
      return parseDcardPost(jsonBody(res), base, res.url, rt.clock.now());
    }

    async function poll(rt: ConnectorRuntime): Promise<PollResult> {
      const res = await get(rt, listUrl);
      const parsed = parseDcardPosts(jsonBody(res), base, res.url, rt.clock.now());
      const warnings = parsed.warnings.map((w) => `${rt.id} ${res.url} E_FEED_PARSE ${w}`);
      for (const w of parsed.warnings) rt.log.warn({ connector: rt.id, url: res.url, code: 'E_FEED_PARSE' }, w);
      const items = await fetchDetails(rt, parsed.items, {
        queue,
        max: options.fetchPosts ? options.maxPostsPerPoll : 0,
        warnings,
        fetch: (item) => detail(rt, item.url),
      });
      return { items, notModified: false, warnings };
    }

    const revisit: Revisitor | undefined = policy && {
      policy,
      async fetch(rt, target) {
        try {
          const found = await detail(rt, target.url);
          return found === 'gone' ? { status: 'gone', detail: '文章已隱藏或刪除 (hidden or deleted)' } : { status: 'present', item: found };
        } catch (err) {
          if (isGone(err)) return { status: 'gone', detail: `HTTP ${err.status}（文章已刪除 deleted）` };
          throw err;
        }
      },
    };
    return { poll, ...(revisit ? { revisit } : {}) };
  },
});
