import type * as cheerio from 'cheerio';
import { loadHtml } from '../text/bounded-html';
import type { AnyNode, Element } from 'domhandler';
import { FeedParseError } from '../core/errors';
import type { Engagement } from '../core/types';

/**
 * PTT web pages (www.ptt.cc) as pure functions on the HTML, after shared/reference/sources.md §1:
 * board index pages in the current (2024, v2.27) and the old (2016, v2.14) markup, and article
 * pages. Everything is selected by class name, never by child position (the two markups order
 * the children differently).
 */

/** One row of a board index page. */
export interface PttIndexEntry {
  /** Absolute article URL; absent for a deleted post (its row has no link). */
  url?: string;
  title: string;
  author: string;
  /** The 推文數 column as a number (see {@link parseNrec}). */
  nrec: number;
  /** `M`, `!`, `S`…, or empty. */
  mark: string;
  /** "(本文已被刪除)" rows: the post is gone, nothing to fetch. */
  deleted: boolean;
}

export interface PttIndexPage {
  /** Rows above the `r-list-sep` separator (pinned announcements below it are left out), in page order (oldest first). */
  entries: PttIndexEntry[];
  /** The "‹ 上頁" link (older posts), absolute, when there is one. */
  previousPageUrl?: string;
}

/** One 推文 line. */
export interface PttPush {
  tag: '推' | '噓' | '→';
  user: string;
  content: string;
  /** `MM/DD HH:MM` as shown (no year), with a leading IP on some boards removed. */
  when: string;
}

export interface PttArticle {
  title: string;
  /** The user id (the nickname in parentheses is dropped). */
  author: string;
  board: string;
  /** From the 時間 meta line (Asia/Taipei), else from the article id. */
  publishedAt?: Date;
  /** Plain text without meta lines, pushes and the 發信站/文章網址/編輯 footer. */
  body: string;
  pushes: PttPush[];
  engagement: Engagement;
}

/**
 * The 推文數 column: `爆` → 100, `X1`…`X9` → −10…−90, `XX` → −100, digits → themselves, empty or
 * anything else → 0. It is the net count (推 − 噓), capped for display.
 */
export function parseNrec(text: string): number {
  const t = text.trim();
  if (t === '爆') return 100;
  if (t === 'XX') return -100;
  const x = /^X(\d)$/.exec(t);
  if (x) return -10 * Number(x[1]);
  return /^\d+$/.test(t) ? Number(t) : 0;
}

const ARTICLE_ID = /\/([MG])\.(\d{9,11})\.A\.([0-9A-Z]{3})\.html$/i;

/** The post time encoded in an article URL (`M.1709207019.A.650.html` → 2024-02-29T11:43:39Z), or undefined. */
export function pttArticleTime(url: string): Date | undefined {
  const m = ARTICLE_ID.exec(new URL(url).pathname);
  return m ? new Date(Number(m[2]) * 1000) : undefined;
}

/** Whether a URL is a PTT article page. */
export function isPttArticleUrl(url: string): boolean {
  try {
    return ARTICLE_ID.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/**
 * Parse a board index page (current or old markup).
 * @throws FeedParseError when the page has no post list at all (not an index page: an error page,
 * the 18+ question, a changed layout) — never "no posts" for a page we cannot read.
 */
export function parsePttIndex(html: string, pageUrl: string): PttIndexPage {
  const $ = loadHtml(html);
  if ($('.r-list-container').length === 0) throw new FeedParseError('不是 PTT 看板列表頁（找不到 r-list-container）(not a PTT board index page)', pageUrl);
  const entries: PttIndexEntry[] = [];
  // Document order: rows until the separator; what follows it are the pinned 置底 posts.
  for (const el of $('.r-list-container .r-ent, .r-list-container .r-list-sep').toArray()) {
    const row = $(el);
    if (row.hasClass('r-list-sep')) break;
    const link = row.find('.title a').first();
    const href = link.attr('href');
    const title = (link.length ? link.text() : row.find('.title').text()).trim();
    const entry: PttIndexEntry = {
      title,
      author: row.find('.meta .author').text().trim(),
      nrec: parseNrec(row.find('.nrec').text()),
      mark: row.find('.mark').text().trim(),
      deleted: !href,
    };
    if (href) entry.url = new URL(href, pageUrl).href;
    entries.push(entry);
  }
  const previous = $('a.btn')
    .toArray()
    .find((a) => $(a).text().includes('上頁') && $(a).attr('href'));
  const page: PttIndexPage = { entries };
  if (previous) page.previousPageUrl = new URL($(previous).attr('href')!, pageUrl).href;
  return page;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const CTIME = /^[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})$/;
const TAIPEI_OFFSET_MS = 8 * 3_600_000;

/** `Sun Apr  3 21:04:15 2016` (Asia/Taipei, no DST) → Date; undefined when it is not that shape. */
export function parsePttTime(text: string): Date | undefined {
  const m = CTIME.exec(text.trim());
  if (!m || MONTHS[m[1]!] === undefined) return undefined;
  return new Date(Date.UTC(Number(m[6]), MONTHS[m[1]!]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - TAIPEI_OFFSET_MS);
}

/** A signature block (between two "--" lines above the footer) is at most this long. */
const SIGNATURE_MAX_LINES = 8;

/** Footer lines the site adds to every article: not the author's text. */
const FOOTER = /^※\s*(發信站|文章網址|編輯|轉錄者|Origin)[:：]/;

/**
 * Parse an article page.
 * @throws FeedParseError when there is no `#main-content` (not an article page).
 */
export function parsePttArticle(html: string, url: string): PttArticle {
  const $ = loadHtml(html);
  const main = $('#main-content').first();
  if (main.length === 0) throw new FeedParseError('不是 PTT 文章頁（找不到 #main-content）(not a PTT article page)', url);

  const meta = new Map<string, string>();
  main.find('.article-metaline, .article-metaline-right').each((_i, el) => {
    const tag = $(el).find('.article-meta-tag').text().trim();
    if (tag) meta.set(tag, $(el).find('.article-meta-value').text().trim());
  });
  const title = meta.get('標題') ?? $('meta[property="og:title"]').attr('content')?.trim() ?? '';
  const authorRaw = meta.get('作者') ?? '';
  const paren = authorRaw.indexOf(' (');
  const author = (paren > 0 ? authorRaw.slice(0, paren) : authorRaw).trim();
  const publishedAt = parsePttTime(meta.get('時間') ?? '') ?? pttArticleTime(url);

  // Pushes count only after the 文章網址 / 發信站 footer: a .push before it is quoted text.
  const children = main.contents().toArray();
  const footerAt = children.findIndex((n) => FOOTER.test(textOf($, n).trim()) && /文章網址|發信站/.test(textOf($, n)));
  const pushes: PttPush[] = [];
  children.forEach((n, i) => {
    if (!isElement(n) || !$(n).hasClass('push') || (footerAt >= 0 && i < footerAt)) return;
    const tag = $(n).find('.push-tag').text().trim();
    if (tag !== '推' && tag !== '噓' && tag !== '→') return;
    pushes.push({
      tag,
      user: $(n).find('.push-userid').text().trim(),
      content: $(n).find('.push-content').text().replace(/^:\s?/, '').trim(),
      when: $(n).find('.push-ipdatetime').text().trim().replace(/^\d+\.\d+\.\d+\.\d+\s*/, ''),
    });
  });

  const body = main.clone();
  body.find('.article-metaline, .article-metaline-right, .push, script, style').remove();
  const lines = body.text().replace(/\r\n?/g, '\n').split('\n');
  // The signature block starts at the last "--" line before the footer; the footer itself goes.
  const footerLine = lines.findIndex((l) => FOOTER.test(l.trim()));
  let end = footerLine >= 0 ? footerLine : lines.length;
  for (let i = end - 1; i >= 0; i--) {
    if (lines[i]!.trim() === '--') {
      end = i;
      // A signature sits between two "--" lines: cut at the first when it is close above.
      for (let j = i - 1; j >= Math.max(0, i - SIGNATURE_MAX_LINES); j--) {
        if (lines[j]!.trim() === '--') {
          end = j;
          break;
        }
      }
      break;
    }
  }
  const text = lines
    .slice(0, end)
    .filter((l) => !FOOTER.test(l.trim()))
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

  const count = (t: PttPush['tag']): number => pushes.filter((p) => p.tag === t).length;
  const engagement: Engagement = { pushes: count('推'), boos: count('噓'), comments: pushes.length, net: count('推') - count('噓') };
  const article: PttArticle = { title, author, board: meta.get('看板') ?? '', body: text, pushes, engagement };
  if (publishedAt) article.publishedAt = publishedAt;
  return article;
}

function isElement(n: AnyNode): n is Element {
  return n.type === 'tag';
}

function textOf($: cheerio.CheerioAPI, n: AnyNode): string {
  return n.type === 'text' ? (n as unknown as { data: string }).data : $(n).text();
}

/** Whether a page is PTT's "are you over 18?" question (where 18+ boards redirect without the cookie). */
export function isOver18Page(url: string): boolean {
  try {
    return new URL(url).pathname.startsWith('/ask/over18');
  } catch {
    return false;
  }
}
