import type { Cheerio } from 'cheerio';
import { loadHtml } from '../text/bounded-html';
import type { AnyNode } from 'domhandler';
import { FeedParseError } from '../core/errors';
import type { RawItem } from '../core/types';
import { parseFeedDate } from './feed-date';

/**
 * Any list page read with CSS selectors a user writes in a connector file (the `html` kind), as
 * pure functions. A selector is `css` (the element's text) or `css@attr` (an attribute, e.g.
 * `a.title@href`, `time@datetime`); it is looked for inside each item element.
 */

/** `css` or `css@attr`, split. */
export interface FieldSelector {
  css: string;
  attr?: string;
}

export function parseFieldSelector(text: string): FieldSelector {
  const at = text.lastIndexOf('@');
  // `@` inside brackets belongs to the CSS (`a[href^="mailto:a@b"]`), not to us.
  if (at > 0 && !text.slice(at).includes(']')) return { css: text.slice(0, at).trim(), attr: text.slice(at + 1).trim() };
  return { css: text.trim() };
}

export interface ListSelectors {
  /** Each post/article on the list page. */
  item: string;
  /** The link to the post (default attribute href). */
  link: string;
  /** Title (default: the link's text). */
  title?: string;
  date?: string;
  author?: string;
  /** An excerpt or the whole text on the list page. */
  body?: string;
}

export interface DetailSelectors {
  /** The post text on the detail page. */
  body: string;
  title?: string;
  date?: string;
  author?: string;
}

export interface HtmlParsed {
  items: RawItem[];
  warnings: string[];
}

/** Elements whose content is never text meant for people. */
const NOISE = 'script, style, noscript, template, iframe';

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

function pick(scope: Cheerio<AnyNode>, sel: FieldSelector | undefined): Cheerio<AnyNode> | undefined {
  if (!sel) return undefined;
  const found = sel.css === '' || sel.css === ':scope' ? scope : scope.find(sel.css).first();
  return found.length > 0 ? found : undefined;
}

function value(scope: Cheerio<AnyNode>, sel: FieldSelector | undefined): string | undefined {
  const el = pick(scope, sel);
  if (!el || !sel) return undefined;
  const v = sel.attr ? el.attr(sel.attr) : el.text();
  return v === undefined ? undefined : collapse(v) || undefined;
}

// Dates as list pages write them, beyond what feeds use: a bare date, or with dots. Taipei time.
const DATE_ONLY = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DOTTED = /^(\d{4})\.(\d{1,2})\.(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** Parse a page date; the same plausibility rules as feed dates. */
export function parsePageDate(text: string, nowMs: number): ReturnType<typeof parseFeedDate> {
  const t = collapse(text);
  const d = DATE_ONLY.exec(t);
  if (d) return parseFeedDate(`${d[1]}-${d[2]}-${d[3]} 00:00`, nowMs);
  const dot = DOTTED.exec(t);
  if (dot) return parseFeedDate(`${dot[1]}-${dot[2]}-${dot[3]} ${dot[4]}:${dot[5]}${dot[6] ? `:${dot[6]}` : ''}`, nowMs);
  return parseFeedDate(t, nowMs);
}

/**
 * Read the items of a list page. Links resolve against `pageUrl` and must be http(s); items
 * without one, and repeats of an earlier link, are skipped with a warning; unreadable dates are
 * dropped with a warning.
 * @throws FeedParseError when the item selector matches nothing: a changed layout or a block
 * page must not read as "no posts".
 */
export function parseHtmlList(html: string, pageUrl: string, selectors: ListSelectors, nowMs: number): HtmlParsed {
  const $ = loadHtml(html);
  $(NOISE).remove();
  const rows = $(selectors.item);
  if (rows.length === 0) throw new FeedParseError(`項目選擇器「${selectors.item}」在頁面上找不到任何元素（版面改變或被擋？）(item selector matched nothing)`, pageUrl);
  const link = parseFieldSelector(selectors.link);
  link.attr ??= 'href';
  const title = selectors.title ? parseFieldSelector(selectors.title) : { css: link.css };
  const date = selectors.date ? parseFieldSelector(selectors.date) : undefined;
  const author = selectors.author ? parseFieldSelector(selectors.author) : undefined;
  const body = selectors.body ? parseFieldSelector(selectors.body) : undefined;

  const items: RawItem[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  rows.each((index, el) => {
    const row = $(el);
    const t = value(row, title) ?? '';
    const label = `第 ${index + 1} 項「${t || '(無標題)'}」`;
    const href = value(row, link);
    let url: URL | undefined;
    try {
      url = href ? new URL(href, pageUrl) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      warnings.push(`${label}：沒有可用的連結，已略過 (item without a usable link skipped)`);
      return;
    }
    url.hash = '';
    if (seen.has(url.href)) {
      warnings.push(`${label}：與前面的項目連結相同，已略過 (duplicate item skipped)`);
      return;
    }
    seen.add(url.href);
    const item: RawItem = { url: url.href, title: t };
    const a = value(row, author);
    if (a) item.author = a;
    const bodyEl = pick(row, body);
    if (bodyEl && body) {
      if (body.attr) item.text = bodyEl.attr(body.attr) ?? '';
      else item.html = bodyEl.html() ?? '';
    }
    const d = value(row, date);
    if (d) {
      const parsed = parsePageDate(d, nowMs);
      if (parsed.date) item.publishedAt = parsed.date;
      else warnings.push(`${label}：${parsed.problem}，日期已捨棄 (date dropped)`);
    }
    items.push(item);
  });
  return { items, warnings };
}

export interface HtmlDetail {
  html: string;
  title?: string;
  author?: string;
  publishedAt?: Date;
  /** A problem with the date, when one was dropped. */
  dateProblem?: string;
}

/**
 * Read a detail page.
 * @throws FeedParseError when the body selector matches nothing.
 */
export function parseHtmlDetail(html: string, url: string, selectors: DetailSelectors, nowMs: number): HtmlDetail {
  const $ = loadHtml(html);
  $(NOISE).remove();
  const root = $.root() as unknown as Cheerio<AnyNode>;
  const body = parseFieldSelector(selectors.body);
  const el = pick(root, body);
  if (!el) throw new FeedParseError(`內文選擇器「${selectors.body}」在內頁找不到任何元素 (detail body selector matched nothing)`, url);
  const out: HtmlDetail = { html: body.attr ? (el.attr(body.attr) ?? '') : (el.html() ?? '') };
  const t = value(root, selectors.title ? parseFieldSelector(selectors.title) : undefined);
  if (t) out.title = t;
  const a = value(root, selectors.author ? parseFieldSelector(selectors.author) : undefined);
  if (a) out.author = a;
  const d = value(root, selectors.date ? parseFieldSelector(selectors.date) : undefined);
  if (d) {
    const parsed = parsePageDate(d, nowMs);
    if (parsed.date) out.publishedAt = parsed.date;
    else out.dateProblem = parsed.problem;
  }
  return out;
}
