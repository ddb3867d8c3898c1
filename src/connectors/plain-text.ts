import { load } from 'cheerio';

/**
 * Plain text from a title or snippet that may carry HTML (Google Alerts wraps keywords in
 * `<b>`; many feeds escape markup into titles): tags removed, entities decoded, whitespace
 * collapsed to single spaces.
 */
export function plainText(fragment: string): string {
  const text = fragment.includes('<') || fragment.includes('&') ? load(fragment, null, false).root().text() : fragment;
  return text.replace(/\s+/g, ' ').trim();
}
