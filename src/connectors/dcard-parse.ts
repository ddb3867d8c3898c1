import { FeedParseError } from '../core/errors';
import type { Engagement, RawItem } from '../core/types';
import { parseFeedDate } from './feed-date';
import { asRecord, num, str } from './json-body';

/**
 * Dcard's JSON API payloads (shared/reference/sources.md §2.1) as pure functions. The API is
 * undocumented: every field is read defensively, and a payload of the wrong shape is an error of
 * the source, not an empty result.
 */

export interface DcardParsed {
  items: RawItem[];
  /** One line per skipped post. */
  warnings: string[];
}

/** The web page of a post: https://www.dcard.tw/f/<forum alias>/p/<id>. */
export function dcardPostUrl(base: string, forumAlias: string, id: number | string): string {
  return `${base}/f/${encodeURIComponent(forumAlias)}/p/${id}`;
}

function engagementOf(p: Record<string, unknown>): Engagement | undefined {
  const likes = num(p.likeCount) ?? num(p.reactionCount);
  const comments = num(p.commentCount);
  if (likes === undefined && comments === undefined) return undefined;
  return { ...(likes !== undefined ? { likes } : {}), ...(comments !== undefined ? { comments } : {}) };
}

/** One post object (list item or detail) as an item; `full` when `content` (the whole text) is present. */
function postItem(p: Record<string, unknown>, base: string, nowMs: number, warnings: string[], index: number): RawItem | undefined {
  const id = num(p.id) ?? (str(p.id) && /^\d+$/.test(str(p.id)!) ? Number(p.id) : undefined);
  const alias = str(p.forumAlias);
  const title = str(p.title) ?? '';
  if (id === undefined || !alias) {
    warnings.push(`第 ${index + 1} 則「${title || '(無標題)'}」：缺少 id 或 forumAlias，已略過 (post without id or forum skipped)`);
    return undefined;
  }
  const content = str(p.content);
  const item: RawItem = {
    url: dcardPostUrl(base, alias, id),
    guid: String(id),
    title,
    text: content ?? str(p.excerpt) ?? '',
    site: `Dcard ${str(p.forumName) ?? alias}`,
  };
  if (content === undefined) item.partial = true;
  // Dcard is anonymous: the school (unless hidden) is the only byline it shows.
  const school = p.anonymousSchool === true ? undefined : str(p.school);
  if (school) item.author = school;
  const created = str(p.createdAt);
  if (created) {
    const d = parseFeedDate(created, nowMs);
    if (d.date) item.publishedAt = d.date;
    else warnings.push(`第 ${index + 1} 則「${title}」：${d.problem}，日期已捨棄 (date dropped)`);
  }
  const engagement = engagementOf(p);
  if (engagement) item.engagement = engagement;
  return item;
}

/**
 * A post list (`/forums/<alias>/posts`, `/search/posts`): a JSON array of posts. Pinned posts are
 * kept (they are posts like any other); items come in the API's order (newest first).
 * @throws FeedParseError when the payload is not an array.
 */
export function parseDcardPosts(json: unknown, base: string, url: string, nowMs: number): DcardParsed {
  if (!Array.isArray(json)) throw new FeedParseError('Dcard 回應不是文章陣列 (Dcard payload is not a post list)', url);
  const warnings: string[] = [];
  const items: RawItem[] = [];
  json.forEach((raw, i) => {
    const p = asRecord(raw);
    const item = p ? postItem(p, base, nowMs, warnings, i) : undefined;
    if (item) items.push(item);
  });
  return { items, warnings };
}

/**
 * A post detail (`/posts/<id>`): the full text in `content`. `hidden`/`deleted` flags, when the
 * API sets them, mean the post is gone.
 * @throws FeedParseError when the payload is not a post.
 */
export function parseDcardPost(json: unknown, base: string, url: string, nowMs: number): RawItem | 'gone' {
  const p = asRecord(json);
  if (!p) throw new FeedParseError('Dcard 回應不是文章 (Dcard payload is not a post)', url);
  if (p.hidden === true || p.deleted === true) return 'gone';
  const warnings: string[] = [];
  const item = postItem(p, base, nowMs, warnings, 0);
  if (!item) throw new FeedParseError(`Dcard 文章缺少必要欄位：${warnings.join('；')} (Dcard post lacks fields)`, url);
  return item;
}
