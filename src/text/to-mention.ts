import { createHash } from 'node:crypto';
import { ConnectorError } from '../core/errors';
import type { Mention, RawItem, SourceType } from '../core/types';
import { tryCanonicalUrl } from './canonical-url';
import { htmlToText, looksLikeHtml, stripTags } from './html-to-text';
import { detectLang } from './language';

/**
 * RawItem → Mention: the one place where items from every connector become the same record.
 * Pure: the fetch time is passed in.
 */

/** Bodies longer than this (UTF-16 units) are cut, so one giant post cannot blow memory or the index. */
export const MAX_BODY_CHARS = 20_000;
/** Titles longer than this are cut (some feeds put the whole post in the title). */
export const MAX_TITLE_CHARS = 500;

/** Where the item came from. */
export interface MentionSource {
  /** Connector file id. */
  connector: string;
  sourceType: SourceType;
  /** Site name from the connector file, used when the item does not name one. */
  site?: string;
}

/**
 * The mention id: first 32 hex digits (128 bits) of sha256 of `key`, where `key` is the
 * canonical URL, or `guid:<connector>:<guid>` when the item has no usable URL.
 */
export function mentionId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/**
 * Normalise one item.
 *
 * - `id`: from the canonical URL whenever the URL is usable, so the same article reached through
 *   two connectors (publisher RSS and Google News) is one mention. Only without a usable URL does
 *   the source's guid decide, scoped by connector (`guid:<connector>:<guid>`): a guid is unique
 *   only within its feed, and two feeds numbering posts 1, 2, 3… must not collide.
 * - `url`: the canonical URL (the raw one, trimmed, when unusable).
 * - `title`/`body`: plain text (tags, scripts and entities resolved), cut at
 *   {@link MAX_TITLE_CHARS}/{@link MAX_BODY_CHARS}. The body comes from `html` when present and
 *   non-empty, otherwise from `text`.
 * - `site`: the item's, else the connector's, else the URL host without `www.`, else the connector id.
 * - `publishedAt`: the item's date, clamped to the fetch time (never in its future); the fetch
 *   time when the item has none or an invalid one.
 * - `contentSha256`: sha256 hex of title + "\n" + body, as stored.
 * - `lang`: detected from title and body; `author`: trimmed, or null.
 *
 * @throws ConnectorError (E_CONNECTOR) when the item has neither a usable URL nor a guid: it
 *   could not be given a stable id (callers skip it with a warning).
 */
export function toMention(raw: RawItem, source: MentionSource, fetchedAtMs: number): Mention {
  const canonical = tryCanonicalUrl(raw.url ?? '');
  const guid = raw.guid?.trim();
  let key: string;
  if (canonical !== undefined) key = canonical;
  else if (guid) key = `guid:${source.connector}:${guid}`;
  else {
    throw new ConnectorError(`項目沒有可用的網址或 guid，無法產生固定的 id (item has no usable URL or guid)：「${String(raw.url).slice(0, 200)}」`, source.connector, {
      context: { url: raw.url, title: raw.title },
    });
  }

  const title = cap(stripTags(raw.title ?? ''), MAX_TITLE_CHARS);
  const body = cap(bodyText(raw), MAX_BODY_CHARS);
  const host = canonical !== undefined ? new URL(canonical).hostname.replace(/^www\./, '') : '';
  const site = nonEmpty(raw.site) ?? nonEmpty(source.site) ?? (host || source.connector);
  const publishedMs = raw.publishedAt instanceof Date ? raw.publishedAt.getTime() : Number.NaN;
  const author = nonEmpty(raw.author === undefined ? undefined : stripTags(raw.author));

  const mention: Mention = {
    id: mentionId(key),
    connector: source.connector,
    sourceType: source.sourceType,
    site,
    url: canonical ?? String(raw.url ?? '').trim(),
    title,
    body,
    author: author ?? null,
    publishedAt: new Date(Number.isFinite(publishedMs) ? Math.min(publishedMs, fetchedAtMs) : fetchedAtMs).toISOString(),
    fetchedAt: new Date(fetchedAtMs).toISOString(),
    lang: detectLang(body === '' ? title : `${title}\n${body}`),
    contentSha256: createHash('sha256').update(`${title}\n${body}`).digest('hex'),
  };
  if (raw.engagement) mention.engagement = { ...raw.engagement };
  return mention;
}

function bodyText(raw: RawItem): string {
  if (raw.html !== undefined && raw.html.trim() !== '') return htmlToText(raw.html);
  const text = raw.text ?? '';
  if (looksLikeHtml(text)) return htmlToText(text);
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cut to at most `max` UTF-16 units without splitting a surrogate pair. */
function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return s.slice(0, end).trimEnd();
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}
