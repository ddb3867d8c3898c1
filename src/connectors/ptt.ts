import { z } from 'zod';
import { ConnectorError } from '../core/errors';
import type { RawItem } from '../core/types';
import type { HttpRequestOptions, HttpResponse } from '../http/types';
import { defineConnector, type ConnectorRuntime, type PollResult, type Revisitor } from './define';
import { DetailQueue, fetchDetails } from './detail-queue';
import { FEED_ACCEPT } from './feed-poll';
import { isGone, isSourceLevel, warnItem } from './item-errors';
import { parseFeed } from './parse-feed';
import { isOver18Page, parsePttArticle, parsePttIndex, pttArticleTime, type PttArticle } from './ptt-parse';
import { revisitOptionsSchema, revisitPolicy } from './revisit-options';

/**
 * The `ptt` connector kind: one PTT board (shared/reference/sources.md §1).
 *
 * Each poll reads the board's Atom feed first (conditional GET) and the newest index page(s) —
 * for the 推文數 and for posts beyond the Atom window. New posts get their article page (full
 * text, 推/噓/→ counts, the time from the article id), within a per-poll budget; the rest wait
 * for the next poll. If the Atom feed fails for any reason but a block, 429 or robots, the index
 * pages carry the poll alone (a warning says so). 18+ boards are read only with `over18: true`
 * (the over18 cookie); otherwise PTT's age question is reported as an error, not as "no posts".
 * Every request obeys robots.txt and keeps at least `minIntervalMs` between requests to PTT.
 * Stored posts are revisited: a 404 records the deletion, a changed text a new version.
 */

const board = z.string().regex(/^[A-Za-z0-9_-]{2,20}$/, { message: '看板名稱只含英數、_ 與 -，例如 facelift (board name, e.g. facelift)' });

export const pttOptionsSchema = z.strictObject({
  /** Board name as in the URL, e.g. `facelift`, `BeautySalon`. */
  board,
  /** Opt in to an 18+ board (sends the over18 cookie). */
  over18: z.boolean().default(false),
  /** Index pages read per poll (1 = the newest page, about 20 posts). */
  indexPages: z.number().int().min(1).max(10).default(1),
  /** Fetch the article page of each new post (full text and pushes). */
  fetchArticles: z.boolean().default(true),
  /** Article pages fetched per poll at most; the rest wait for the next poll. */
  maxArticlesPerPoll: z.number().int().min(1).max(100).default(10),
  /** Least gap between two requests to PTT (ms); PTT throttles dense crawling. */
  minIntervalMs: z.number().int().min(1_000).default(2_000),
  /** Site root (a mirror or a test server). */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://www.ptt.cc'),
  /** Revisits of stored posts (engagement, edits, deletion). */
  revisit: revisitOptionsSchema,
});

export type PttOptions = z.output<typeof pttOptionsSchema>;

/** `peachtea (蜜桃紅茶)` → `peachtea`. */
function userId(author: string | undefined): string | undefined {
  if (!author) return undefined;
  const at = author.indexOf(' (');
  return (at > 0 ? author.slice(0, at) : author).trim() || undefined;
}

/** An article page as an item. */
export function articleItem(article: PttArticle, url: string, site: string): RawItem {
  const item: RawItem = { url, guid: url, title: article.title, text: article.body, site, engagement: article.engagement };
  if (article.author) item.author = article.author;
  if (article.publishedAt) item.publishedAt = article.publishedAt;
  return item;
}

export const pttConnector = defineConnector({
  kind: 'ptt',
  sourceType: 'forum',
  description: 'PTT 看板：Atom 與列表頁、文章全文與推噓數、18 禁看板需明確開啟 (a PTT board: Atom + index pages, articles with pushes; 18+ opt-in)',
  optionsSchema: pttOptionsSchema,
  create(options, info) {
    const base = options.baseUrl.replace(/\/+$/, '');
    const atomUrl = `${base}/atom/${options.board}.xml`;
    const indexUrl = `${base}/bbs/${options.board}/index.html`;
    const site = `PTT ${options.board}`;
    const queue = new DetailQueue();
    const policy = revisitPolicy(options.revisit);

    function request(rt: ConnectorRuntime, url: string, extra: HttpRequestOptions = {}): Promise<HttpResponse> {
      return rt.http.request(url, {
        ...extra,
        headers: { ...extra.headers, ...(options.over18 ? { cookie: 'over18=1' } : {}) },
        robots: true,
        minHostIntervalMs: options.minIntervalMs,
        ...(rt.signal ? { signal: rt.signal } : {}),
      });
    }

    /** PTT answered with its age question: a refusal of the whole board, never "no posts". */
    function checkOver18(res: HttpResponse): void {
      if (!isOver18Page(res.url)) return;
      throw new ConnectorError(
        options.over18
          ? `PTT 仍要求年齡確認（over18 cookie 未被接受）：${res.url} (PTT still asks the age question)`
          : `看板 ${options.board} 是限制級（18 禁）看板；要收集請在連接器檔設定 options.over18: true (18+ board; opt in with over18: true)`,
        info.id,
        { context: { url: res.url, board: options.board } },
      );
    }

    async function readArticle(rt: ConnectorRuntime, url: string): Promise<PttArticle> {
      const res = await request(rt, url, { conditional: false });
      checkOver18(res);
      return parsePttArticle(res.text, res.url);
    }

    async function poll(rt: ConnectorRuntime): Promise<PollResult> {
      const warnings: string[] = [];
      const listed = new Map<string, RawItem>();
      let commit: (() => void) | undefined;
      let notModified = false;

      try {
        const res = await request(rt, atomUrl, { deferValidators: true, headers: { accept: FEED_ACCEPT } });
        checkOver18(res);
        notModified = res.notModified;
        if (!res.notModified) {
          const feed = await parseFeed(res.text, res.url, rt.clock.now());
          for (const w of feed.warnings) {
            rt.log.warn({ connector: rt.id, url: res.url, code: 'E_FEED_PARSE' }, w);
            warnings.push(`${rt.id} ${res.url} E_FEED_PARSE ${w}`);
          }
          for (const entry of feed.items) {
            const author = userId(entry.author);
            const published = pttArticleTime(entry.url) ?? entry.publishedAt;
            listed.set(entry.url, { ...entry, guid: entry.url, site, partial: true, ...(author ? { author } : {}), ...(published ? { publishedAt: published } : {}) });
          }
        }
        commit = res.commitValidators;
      } catch (err) {
        if (isSourceLevel(err, rt.signal)) throw err;
        warnItem(rt, warnings, atomUrl, err, 'Atom 讀取失敗，改用看板列表頁 (Atom feed failed; using the index pages)');
      }

      let pageUrl: string | undefined = indexUrl;
      for (let page = 0; page < options.indexPages && pageUrl; page++) {
        const res = await request(rt, pageUrl, { conditional: false });
        checkOver18(res);
        const parsed = parsePttIndex(res.text, res.url);
        for (const e of parsed.entries) {
          if (!e.url) continue; // (本文已被刪除): nothing left to read
          const fromAtom = listed.get(e.url);
          const published = pttArticleTime(e.url);
          listed.set(
            e.url,
            fromAtom
              ? { ...fromAtom, engagement: { net: e.nrec } }
              : { url: e.url, guid: e.url, title: e.title, site, partial: true, engagement: { net: e.nrec }, ...(e.author ? { author: e.author } : {}), ...(published ? { publishedAt: published } : {}) },
          );
        }
        pageUrl = parsed.previousPageUrl;
      }

      const items = await fetchDetails(rt, [...listed.values()], {
        queue,
        max: options.fetchArticles ? options.maxArticlesPerPoll : 0,
        warnings,
        // The index row's net count is kept when the article shows no pushes yet.
        fetch: async (item) => articleItem(await readArticle(rt, item.url), item.url, site),
      });
      return { items, notModified: notModified && items.length === 0, warnings, ...(commit ? { commit } : {}) };
    }

    const revisit: Revisitor | undefined = policy && {
      policy,
      async fetch(rt, target) {
        try {
          const article = await readArticle(rt, target.url);
          if (!article.title && !article.body) return { status: 'gone', detail: '文章內容已清空 (article emptied)' };
          return { status: 'present', item: articleItem(article, target.url, site) };
        } catch (err) {
          if (isGone(err)) return { status: 'gone', detail: `HTTP ${err.status}（文章已刪除 deleted）` };
          throw err;
        }
      },
    };

    return { poll, ...(revisit ? { revisit } : {}) };
  },
});
