import { z } from 'zod';
import { FeedParseError, HttpError } from '../core/errors';
import type { RawItem } from '../core/types';
import type { HttpResponse } from '../http/types';
import { defineConnector, type ConnectorRuntime, type PollResult, type Revisitor } from './define';
import { DetailQueue, fetchDetails } from './detail-queue';
import { parseFeedDate } from './feed-date';
import { isGone } from './item-errors';
import { asRecord, jsonBody, num, str } from './json-body';
import { revisitOptionsSchema, revisitPolicy } from './revisit-options';

/**
 * The `discourse` connector kind: a Discourse forum's newest topics (`/latest.json?order=created`)
 * or a search (`/search.json`), with each new topic's first post read from `/t/<id>.json`
 * (shared/reference/sources.md §5.3). Topic pages answer 404/410 — or 403 without a challenge —
 * once a topic is deleted or hidden, which a revisit records as gone.
 */

export const discourseOptionsSchema = z.strictObject({
  /** The forum's root, e.g. https://meta.discourse.org. */
  baseUrl: z.url({ protocol: /^https?$/, message: '必須是 http 或 https 網址 (an http(s) URL)' }),
  /** Search instead of the newest topics (Discourse syntax: `category:<slug>`, `order:latest` …). */
  search: z.string().trim().min(1).optional(),
  /** First posts read per poll at most. */
  maxTopicsPerPoll: z.number().int().min(1).max(50).default(5),
  /** Least gap between two requests (ms); Discourse's own limits are about 60 requests a minute. */
  minIntervalMs: z.number().int().min(500).default(1_500),
  revisit: revisitOptionsSchema,
});

export type DiscourseOptions = z.output<typeof discourseOptionsSchema>;

function date(v: unknown, nowMs: number): Date | undefined {
  const s = str(v);
  return s ? parseFeedDate(s, nowMs).date : undefined;
}

/**
 * `/latest.json`: topics with their original poster (from `posters[0]` through `users`). Pinned
 * topics (announcements) are left out.
 * @throws FeedParseError when there is no `topic_list.topics`.
 */
export function parseDiscourseLatest(json: unknown, base: string, url: string, nowMs: number): RawItem[] {
  const root = asRecord(json);
  const topics = asRecord(root?.topic_list)?.topics;
  if (!Array.isArray(topics)) throw new FeedParseError('Discourse 回應缺少 topic_list.topics (not a Discourse topic list)', url);
  const users = new Map<number, string>();
  for (const u of Array.isArray(root?.users) ? root.users : []) {
    const r = asRecord(u);
    const id = num(r?.id);
    const name = str(r?.username);
    if (id !== undefined && name) users.set(id, name);
  }
  return topics.flatMap((raw) => {
    const t = asRecord(raw);
    const id = num(t?.id);
    if (!t || id === undefined || t.pinned === true || t.pinned_globally === true) return [];
    const item: RawItem = { url: `${base}/t/${str(t.slug) ?? 'topic'}/${id}`, guid: `topic:${id}`, title: str(t.title) ?? str(t.fancy_title) ?? '', text: str(t.excerpt) ?? '', partial: true };
    const op = asRecord(Array.isArray(t.posters) ? t.posters[0] : undefined);
    const author = users.get(num(op?.user_id) ?? -1);
    if (author) item.author = author;
    const created = date(t.created_at, nowMs);
    if (created) item.publishedAt = created;
    const posts = num(t.posts_count);
    const likes = num(t.like_count);
    item.engagement = { ...(posts !== undefined ? { comments: Math.max(0, posts - 1) } : {}), ...(likes !== undefined ? { likes } : {}) };
    return [item];
  });
}

/**
 * `/search.json`: one item per matching post, linked to the post inside its topic.
 * @throws FeedParseError when the payload is not a search result.
 */
export function parseDiscourseSearch(json: unknown, base: string, url: string, nowMs: number): RawItem[] {
  const root = asRecord(json);
  if (!root || !('grouped_search_result' in root || 'posts' in root)) throw new FeedParseError('Discourse 回應不是搜尋結果 (not a Discourse search result)', url);
  const topics = new Map<number, Record<string, unknown>>();
  for (const t of Array.isArray(root.topics) ? root.topics : []) {
    const r = asRecord(t);
    const id = num(r?.id);
    if (r && id !== undefined) topics.set(id, r);
  }
  return (Array.isArray(root.posts) ? root.posts : []).flatMap((raw) => {
    const p = asRecord(raw);
    const topicId = num(p?.topic_id);
    const postNumber = num(p?.post_number);
    if (!p || topicId === undefined || postNumber === undefined) return [];
    const topic = topics.get(topicId);
    const item: RawItem = {
      url: `${base}/t/${str(topic?.slug) ?? 'topic'}/${topicId}${postNumber > 1 ? `/${postNumber}` : ''}`,
      guid: `post:${num(p.id) ?? `${topicId}/${postNumber}`}`,
      title: str(topic?.title) ?? str(topic?.fancy_title) ?? '',
      html: str(p.blurb) ?? '',
      partial: true,
    };
    const author = str(p.username);
    if (author) item.author = author;
    const created = date(p.created_at, nowMs);
    if (created) item.publishedAt = created;
    const likes = num(p.like_count);
    if (likes !== undefined) item.engagement = { likes };
    return [item];
  });
}

/**
 * `/t/<id>.json`: the post at `postNumber` (1 = the topic's first post) in full.
 * @throws FeedParseError when the post is not in the payload.
 */
export function parseDiscourseTopic(json: unknown, base: string, url: string, nowMs: number, postNumber = 1): RawItem {
  const t = asRecord(json);
  const posts = asRecord(t?.post_stream)?.posts;
  const post = Array.isArray(posts) ? posts.map(asRecord).find((p) => num(p?.post_number) === postNumber) : undefined;
  const id = num(t?.id);
  if (!t || !post || id === undefined) throw new FeedParseError(`Discourse 主題中找不到第 ${postNumber} 則貼文 (post not in topic payload)`, url);
  const item: RawItem = {
    url: `${base}/t/${str(t.slug) ?? 'topic'}/${id}${postNumber > 1 ? `/${postNumber}` : ''}`,
    title: str(t.title) ?? str(t.fancy_title) ?? '',
    html: str(post.cooked) ?? '',
  };
  const author = str(post.username) ?? str(asRecord(asRecord(t.details)?.created_by)?.username);
  if (author) item.author = author;
  const created = date(post.created_at, nowMs);
  if (created) item.publishedAt = created;
  const replies = num(t.posts_count);
  const likes = num(post.like_count);
  item.engagement = { ...(postNumber === 1 && replies !== undefined ? { comments: Math.max(0, replies - 1) } : {}), ...(likes !== undefined ? { likes } : {}) };
  return item;
}

/** `/t/<slug>/<id>[/<n>]` → topic id and post number. */
function topicRef(url: string): { id: string; postNumber: number } | undefined {
  const m = /\/t\/[^/]+\/(\d+)(?:\/(\d+))?\/?$/.exec(new URL(url).pathname);
  return m ? { id: m[1]!, postNumber: m[2] ? Number(m[2]) : 1 } : undefined;
}

export const discourseConnector = defineConnector({
  kind: 'discourse',
  sourceType: 'forum',
  description: 'Discourse 論壇的最新主題或搜尋（JSON），讀取首篇全文 (Discourse latest topics or search via JSON)',
  optionsSchema: discourseOptionsSchema,
  create(options) {
    const base = options.baseUrl.replace(/\/+$/, '');
    const listUrl = options.search ? `${base}/search.json?q=${encodeURIComponent(`${options.search} order:latest`)}` : `${base}/latest.json?order=created`;
    const queue = new DetailQueue();
    const policy = revisitPolicy(options.revisit);

    function get(rt: ConnectorRuntime, url: string): Promise<HttpResponse> {
      return rt.http.request(url, {
        headers: { accept: 'application/json' },
        conditional: false,
        robots: true,
        minHostIntervalMs: options.minIntervalMs,
        ...(rt.signal ? { signal: rt.signal } : {}),
      });
    }

    async function readPost(rt: ConnectorRuntime, url: string): Promise<RawItem> {
      const ref = topicRef(url);
      if (!ref) throw new FeedParseError('不是 Discourse 主題網址 (not a Discourse topic URL)', url);
      const res = await get(rt, `${base}/t/${ref.id}${ref.postNumber > 1 ? `/${ref.postNumber}` : ''}.json`);
      return parseDiscourseTopic(jsonBody(res), base, res.url, rt.clock.now(), ref.postNumber);
    }

    async function poll(rt: ConnectorRuntime): Promise<PollResult> {
      const res = await get(rt, listUrl);
      const json = jsonBody(res);
      const listed = options.search ? parseDiscourseSearch(json, base, res.url, rt.clock.now()) : parseDiscourseLatest(json, base, res.url, rt.clock.now());
      const warnings: string[] = [];
      const items = await fetchDetails(rt, listed, {
        queue,
        max: options.maxTopicsPerPoll,
        warnings,
        fetch: async (item) => ({ ...(await readPost(rt, item.url)), ...(item.guid ? { guid: item.guid } : {}) }),
      });
      return { items, notModified: false, warnings };
    }

    const revisit: Revisitor | undefined = policy && {
      policy,
      async fetch(rt, target) {
        try {
          return { status: 'present', item: await readPost(rt, target.url) };
        } catch (err) {
          if (isGone(err)) return { status: 'gone', detail: `HTTP ${err.status}（主題已刪除 deleted）` };
          // Discourse answers a hidden topic with a JSON 403; a challenge page is a real block.
          if (err instanceof HttpError && err.code === 'E_HTTP_BLOCKED' && err.context.challenge !== true && String(err.context.bodySnippet ?? '').trimStart().startsWith('{')) {
            return { status: 'gone', detail: 'HTTP 403（主題已隱藏 hidden）' };
          }
          throw err;
        }
      },
    };
    return { poll, ...(revisit ? { revisit } : {}) };
  },
});
