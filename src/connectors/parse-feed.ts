import Parser from 'rss-parser';
import { FeedParseError } from '../core/errors';
import type { RawItem } from '../core/types';
import { parseFeedDate } from './feed-date';
import { unwrapGoogleRedirect } from './google';
import { stripTags } from '../text/html-to-text';
import { describeRepairs, prepareFeedXml } from './xml-repair';

/** Warnings kept per document; a feed of 100,000 broken items says so in one more line, not 100,000. */
export const MAX_FEED_WARNINGS = 50;

/** What rss-parser hands us per item, plus the fields we ask it for (all optional, any shape). */
interface ParserItem {
  title?: unknown;
  link?: unknown;
  guid?: unknown;
  id?: unknown;
  'rdf:about'?: unknown;
  'content:encoded'?: unknown;
  content?: unknown;
  summary?: unknown;
  creator?: unknown;
  author?: unknown;
  pubDate?: unknown;
  date?: unknown;
  yqPublished?: unknown;
  yqUpdated?: unknown;
  yqSource?: unknown;
}

export interface ParsedFeed {
  items: RawItem[];
  /** One zh-TW line per skipped item or dropped field (position, title or link, reason). */
  warnings: string[];
}

// rss-parser turns Atom <published>/<updated> into ISO strings with an unguarded toISOString(),
// so one bad date would reject the whole feed. We rename those tags on the way in and read them
// ourselves, like every other date.
const HIDDEN_DATE_TAGS: Record<string, string> = { published: 'yq:published', updated: 'yq:updated' };

function newParser(): Parser<Record<string, unknown>, ParserItem> {
  // A fresh parser per call: the underlying xml2js parser is stateful and not safe to share
  // between concurrent parses.
  return new Parser<Record<string, unknown>, ParserItem>({
    xml2js: { tagNameProcessors: [(name: string) => HIDDEN_DATE_TAGS[name] ?? name] },
    customFields: {
      item: [
        ['yq:published', 'yqPublished'],
        ['yq:updated', 'yqUpdated'],
        // RSS 2.0 <source url="…">Publisher</source> (Google News): keep the element, attributes and all.
        ['source', 'yqSource', { keepArray: true }],
      ],
    },
  });
}

/** The text of an xml2js value: a string, or an element with text content (`{ _: 'text', $: attrs }`). */
function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object' && typeof (value as { _?: unknown })._ === 'string') return textOf((value as { _: string })._);
  return undefined;
}

/** An absolute http(s) URL for an item link, with Google redirect wrappers removed; else undefined. */
function resolveLink(raw: string | undefined, base: string): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return unwrapGoogleRedirect(url.href);
}

/** A guid that is itself an absolute web URL (RSS `isPermaLink`), usable when `<link>` is missing. */
function guidAsLink(guid: string | undefined): string | undefined {
  return guid && /^https?:\/\//i.test(guid) ? resolveLink(guid, guid) : undefined;
}

/**
 * Parse an RSS 2.0, Atom or RDF (RSS 1.0) document into RawItems. Pure apart from being async
 * (rss-parser's parseString is); never fetches.
 *
 * Per item: links are resolved against `feedUrl` and must be http(s) (Google `…/url?url=` wrappers
 * are unwrapped); `guid` is the RSS guid, Atom id or RDF `rdf:about`; `title` is plain text;
 * `html` is content:encoded, else content/description, else summary; `author` comes from
 * dc:creator / author; `site` from an RSS `<source>`; dates before 1995, more than a day after
 * `nowMs` or unreadable are dropped. Items without a usable link, and repeats of an earlier guid or
 * link in the same document, are skipped. Every skip or drop adds a warning (at most
 * {@link MAX_FEED_WARNINGS}, then one line counting the rest).
 *
 * Before parsing, the document is checked and repaired (./xml-repair): entity declarations are
 * refused (no entity is ever expanded, no external entity or DTD ever read); bare `&`, HTML entities
 * and forbidden characters are repaired, each kind reported in one warning.
 * @param feedUrl the absolute URL the document was fetched from (after redirects).
 * @param nowMs epoch ms, the reference for "in the future".
 * @throws FeedParseError (E_FEED_PARSE) when the document is not well-formed XML, not a feed, or
 *   declares entities.
 */
export async function parseFeed(xml: string, feedUrl: string, nowMs: number): Promise<ParsedFeed> {
  let feed: Parser.Output<ParserItem>;
  const prepared = prepareFeedXml(xml);
  if (!prepared.ok) {
    throw new FeedParseError('文件宣告了 XML 實體（<!ENTITY>），為安全起見不讀取：實體可用來展開出極大內容或讀取本機檔案 (entity declarations refused: expansion bombs and XXE)', feedUrl, {
      context: { reason: prepared.reason },
    });
  }
  try {
    new URL(feedUrl);
    // Whitespace before the XML declaration is gone (prepareFeedXml), so the parser accepts it.
    feed = await newParser().parseString(prepared.xml);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new FeedParseError(`無法解析 RSS/Atom 內容：${detail} (feed parse error)`, feedUrl, { cause });
  }

  const items: RawItem[] = [];
  const warnings: string[] = describeRepairs(prepared.repairs);
  const seen = new Set<string>();

  feed.items.forEach((entry, index) => {
    const title = stripTags(textOf(entry.title) ?? '');
    const guid = textOf(entry.guid) ?? textOf(entry.id) ?? textOf(entry['rdf:about']);
    const label = `第 ${index + 1} 項「${title || guid || '(無標題)'}」`;

    const url = resolveLink(textOf(entry.link), feedUrl) ?? guidAsLink(guid);
    if (!url) {
      warnings.push(`${label}：沒有可用的連結，已略過 (item without a usable link skipped)`);
      return;
    }
    const key = guid ? `guid:${guid}` : `url:${url}`;
    if (seen.has(key)) {
      warnings.push(`${label}：與前面的項目重複，已略過 (duplicate item skipped)`);
      return;
    }
    seen.add(key);

    const item: RawItem = { url, title };
    if (guid) item.guid = guid;
    const html = textOf(entry['content:encoded']) ?? textOf(entry.content) ?? textOf(entry.summary);
    if (html) item.html = html;
    const author = textOf(entry.creator) ?? textOf(entry.author);
    if (author) item.author = stripTags(author);
    const site = textOf(entry.yqSource);
    if (site) item.site = stripTags(site);

    const rawDate = textOf(entry.pubDate) ?? textOf(entry.date) ?? textOf(entry.yqPublished) ?? textOf(entry.yqUpdated);
    if (rawDate) {
      const parsed = parseFeedDate(rawDate, nowMs);
      if (parsed.date) item.publishedAt = parsed.date;
      else warnings.push(`${label}：${parsed.problem}，日期已捨棄 (date dropped)`);
    }
    items.push(item);
  });

  if (warnings.length > MAX_FEED_WARNINGS) {
    const rest = warnings.length - MAX_FEED_WARNINGS;
    warnings.length = MAX_FEED_WARNINGS;
    warnings.push(`另有 ${rest} 則警告未列出 (${rest} more warnings not listed)`);
  }
  return { items, warnings };
}
