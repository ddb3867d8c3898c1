/** HTML-safety helpers for every renderer that writes markup from outside strings. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for use in HTML element content *and* in double- or single-quoted attribute values.
 * Every string that comes from outside (titles, URLs, site names, terms, rule names) goes through it.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * The URL normalised by WHATWG URL parsing when it is an absolute http(s) URL, else `undefined`.
 * Only such URLs become links: `javascript:`, `data:`, relative and malformed URLs are shown as text.
 * The result still needs `escapeHtml` before it goes into an attribute.
 */
export function httpUrlOrUndefined(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const text = url.trim();
  if (!URL.canParse(text)) return undefined;
  const parsed = new URL(text);
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}
