import { FeedParseError } from '../core/errors';

/**
 * One spelling per article URL, so the same article reached through two connectors (a publisher's
 * RSS and Google News, say) gets the same mention id.
 */

// Parameters that only say how the reader arrived, never which page it is. Each entry is a
// well-known click or campaign tag; anything more generic (`ref`, `from`, `source`) is kept
// because some sites use it to select content.
const TRACKING_PARAMS = new Set([
  'fbclid', // Facebook outbound click id
  'gclid', // Google Ads click id
  'dclid', // Google Display (DoubleClick) click id
  'gbraid', // Google Ads (iOS, app → web)
  'wbraid', // Google Ads (iOS, web → app)
  'msclkid', // Microsoft Ads click id
  'yclid', // Yandex click id
  'mc_cid', // Mailchimp campaign id
  'mc_eid', // Mailchimp subscriber id
  'igshid', // Instagram share id
  'ref_src', // Twitter/X share source
  'spm', // Alibaba/Taobao page-position tracking
  '_ga', // Google Analytics cross-domain linker
  '_gl', // Google tag cross-domain linker
]);

/** Whether a query parameter name is a tracking tag (`utm_*` or one of the known click ids). Case-insensitive. */
export function isTrackingParam(name: string): boolean {
  const key = name.toLowerCase();
  return key.startsWith('utm_') || TRACKING_PARAMS.has(key);
}

/**
 * The canonical form of an absolute http(s) URL: scheme and host lower-cased, default port,
 * credentials, fragment and tracking parameters dropped, remaining parameters sorted by name
 * (stable, so repeated names keep their order), no trailing `?`, percent-escapes upper-cased.
 * The path keeps its case, and parameter values keep their original encoding.
 *
 * `base` resolves a relative link (a connector passes the page URL).
 * @throws FeedParseError (E_FEED_PARSE) when the result is not an absolute http(s) URL.
 */
export function canonicalUrl(url: string, base?: string): string {
  const canonical = tryCanonicalUrl(url, base);
  if (canonical === undefined) {
    const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
    throw new FeedParseError(`無法使用的網址「${shown}」：不是 http(s) 絕對網址 (not an absolute http(s) URL)`, url);
  }
  return canonical;
}

/** Like {@link canonicalUrl}, but `undefined` instead of throwing for an unusable URL. */
export function tryCanonicalUrl(url: string, base?: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.trim(), base);
  } catch {
    // Not a URL at all: that is the answer, not a failure to hide.
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return undefined;
  // URL already lower-cases scheme and host and omits the scheme's default port.
  const path = upperEscapes(u.pathname);
  const query = canonicalQuery(u.search);
  return `${u.protocol}//${u.host}${path}${query ? `?${query}` : ''}`;
}

function canonicalQuery(search: string): string {
  if (search.length <= 1) return '';
  const kept: { key: string; segment: string }[] = [];
  for (const segment of search.slice(1).split('&')) {
    if (segment === '') continue;
    const key = decodeKey(segment.split('=', 1)[0] ?? '');
    if (!isTrackingParam(key)) kept.push({ key, segment: upperEscapes(segment) });
  }
  // Array.prototype.sort is stable: equal keys keep their relative order.
  kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return kept.map((p) => p.segment).join('&');
}

function decodeKey(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A malformed escape: compare the name as written.
    return spaced;
  }
}

function upperEscapes(s: string): string {
  return s.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}
