/**
 * Google News and Google Alerts specifics, as pure helpers: building the zh-TW news search URL,
 * unwrapping Alerts' `google.com/url?…&url=<target>` redirect links, and splitting the publisher
 * off a news title.
 */

export interface GoogleNewsQuery {
  /** The search, as typed into Google News (operators such as `when:1d`, `site:`, quotes, OR pass through). */
  query: string;
  /** Interface language; default `zh-TW`. */
  hl?: string;
  /** Country; default `TW`. */
  gl?: string;
  /** Edition `country:language`; default `TW:zh-Hant`. */
  ceid?: string;
}

/** `https://news.google.com/rss/search?q=…&hl=zh-TW&gl=TW&ceid=TW:zh-Hant` for a query. */
export function googleNewsSearchUrl(q: GoogleNewsQuery): string {
  const url = new URL('https://news.google.com/rss/search');
  url.searchParams.set('q', q.query);
  url.searchParams.set('hl', q.hl ?? 'zh-TW');
  url.searchParams.set('gl', q.gl ?? 'TW');
  url.searchParams.set('ceid', q.ceid ?? 'TW:zh-Hant');
  return url.href;
}

/** Whether a URL is a Google News feed (its titles carry " - 出版者"). */
export function isGoogleNewsUrl(url: string): boolean {
  try {
    return new URL(url).hostname === 'news.google.com';
  } catch {
    return false;
  }
}

const GOOGLE_HOST = /^(?:www\.)?google\.(?:com|[a-z]{2,3}|com?\.[a-z]{2})$/i;

/**
 * The target of a Google redirect link (`https://www.google.com/url?rct=j&sa=t&url=<target>&…`,
 * as in Google Alerts feeds; `q=` is the older spelling). Any other URL is returned unchanged, as
 * is a redirect whose target is not an absolute http(s) URL.
 */
export function unwrapGoogleRedirect(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!GOOGLE_HOST.test(parsed.hostname) || parsed.pathname !== '/url') return url;
  const target = parsed.searchParams.get('url') ?? parsed.searchParams.get('q');
  if (!target) return url;
  try {
    const t = new URL(target);
    return t.protocol === 'http:' || t.protocol === 'https:' ? t.href : url;
  } catch {
    return url;
  }
}

/** Longest publisher name we believe in when there is no `<source>` to confirm it. */
const MAX_PUBLISHER_CHARS = 40;

/**
 * Split a Google News title `標題 - 出版者` into the headline and the publisher. The item's
 * `<source>` is authoritative when present (and its suffix is removed from the title if it is
 * there); otherwise the text after the last " - " is taken when it is short enough to be a name.
 */
export function splitPublisher(title: string, source?: string): { title: string; site?: string } {
  const src = source?.trim();
  if (src) {
    const suffix = ` - ${src}`;
    return { title: title.endsWith(suffix) ? title.slice(0, -suffix.length).trim() : title, site: src };
  }
  const at = title.lastIndexOf(' - ');
  if (at <= 0) return { title };
  const site = title.slice(at + 3).trim();
  if (!site || site.length > MAX_PUBLISHER_CHARS) return { title };
  return { title: title.slice(0, at).trim(), site };
}
