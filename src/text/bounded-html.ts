import { load, type CheerioAPI } from 'cheerio';

/**
 * HTML parsing with a bounded cost. cheerio parses HTML with parse5, which follows the HTML
 * standard to the letter — including steps whose cost grows with the number of open elements: a
 * page of 20,000 unclosed `<b x=…>` tags (200 KB) took 75 s to parse, and 20,000 nested `<div>`s
 * 2 s, blocking the daemon all that time. Real pages nest a few dozen elements deep and keep a
 * handful of formatting elements open. So before parsing, one linear pass drops the start tags
 * that would open an element beyond {@link MAX_OPEN_ELEMENTS} open elements, or a formatting element
 * beyond {@link MAX_OPEN_FORMATTING}. Text is never dropped; only markup that real pages do not
 * have is. The count is an upper bound of what the parser will have open: end tags close what they
 * name, and elements that the next sibling closes implicitly (`<p>`, `<li>`, `<td>`, `<a>`…) do not
 * stack.
 */

/** Open elements at most (the depth of the tree, roughly). */
export const MAX_OPEN_ELEMENTS = 256;
/** Open formatting elements at most (what the parser's "active formatting elements" list holds). */
export const MAX_OPEN_FORMATTING = 32;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'basefont', 'bgsound', 'frame', 'image']);
/** Whose content is raw text up to their own end tag (markup inside is not markup). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
const FORMATTING = new Set(['a', 'b', 'big', 'code', 'em', 'font', 'i', 'nobr', 's', 'small', 'strike', 'strong', 'tt', 'u']);
/** Opening one of these while one is open closes the earlier one first (so they do not stack). */
const SIBLING_CLOSED = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'rb', 'rt', 'rp', 'rtc', 'a', 'nobr', 'button', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

const NAME_CHAR = /[A-Za-z0-9:_-]/;
const RAW_TEXT_END = new Map<string, RegExp>();
/** A sticky-free, case-insensitive search for `</name`, reused per element name. */
function rawTextEnd(name: string): RegExp {
  let re = RAW_TEXT_END.get(name);
  if (!re) RAW_TEXT_END.set(name, (re = new RegExp(`</${name}`, 'gi')));
  return re;
}

/**
 * The HTML with start tags beyond the limits removed (the same string when none is). Linear in the
 * length of `html`: every element is pushed and popped at most once, and the formatting entries
 * searched are at most {@link MAX_OPEN_FORMATTING}.
 *
 * The model follows what parse5 keeps: a stack of open elements (an end tag pops up to the element it
 * names, closing what was opened inside it; an element its next sibling closes — `<p>`, `<li>`,
 * `<td>`, `<a>` — is not stacked twice) and the list of active formatting elements (an unclosed `<b>`
 * stays on it after its parent closes; at most three identical entries, as the parser's "Noah's Ark"
 * rule). `<a>` start tags are never dropped for the formatting limit (links matter; a new `<a>`
 * replaces the open one).
 */
export function boundHtml(html: string): string {
  const stack: string[] = [];
  const counts = new Map<string, number>();
  const active: Array<{ name: string; key: string }> = [];
  const parts: string[] = [];
  let copiedTo = 0;
  let i = 0;
  const n = html.length;
  const foreign = (): boolean => (counts.get('svg') ?? 0) > 0 || (counts.get('math') ?? 0) > 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0 || lt + 1 >= n) break;
    const c = html[lt + 1]!;
    if (c === '!') {
      const comment = html.startsWith('<!--', lt);
      const close = comment ? html.indexOf('-->', lt + 4) : html.indexOf('>', lt + 2);
      if (close < 0) break;
      i = close + (comment ? 3 : 1);
      continue;
    }
    if (c === '?') {
      const close = html.indexOf('>', lt + 2);
      if (close < 0) break;
      i = close + 1;
      continue;
    }
    const isEnd = c === '/';
    let j = lt + (isEnd ? 2 : 1);
    if (j >= n || !/[A-Za-z]/.test(html[j]!)) {
      i = lt + 1;
      continue;
    }
    const nameStart = j;
    while (j < n && NAME_CHAR.test(html[j]!)) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    const attrsStart = j;
    // The rest of the tag, as the HTML tokenizer reads it: a quote only opens an attribute value right after `=`.
    let selfClosing = false;
    let ended = false;
    while (j < n) {
      const ch = html[j]!;
      if (ch === '>') {
        ended = true;
        break;
      }
      if (ch === '/') {
        selfClosing = html[j + 1] === '>';
        j++;
        continue;
      }
      if (ch === '=') {
        j++;
        while (j < n && /\s/.test(html[j]!)) j++;
        const q = html[j];
        if (q === '"' || q === "'") {
          const closeQuote = html.indexOf(q, j + 1);
          if (closeQuote < 0) break;
          j = closeQuote + 1;
        }
        continue;
      }
      j++;
    }
    // A tag cut off by the end of the document: the parser drops it, and there is nothing after it.
    if (!ended) break;
    const tagEnd = j + 1;
    i = tagEnd;

    if (isEnd) {
      if ((counts.get(name) ?? 0) > 0) {
        for (;;) {
          const top = stack.pop()!;
          counts.set(top, counts.get(top)! - 1);
          if (top === name) break;
        }
      }
      if (FORMATTING.has(name)) {
        for (let k = active.length - 1; k >= 0; k--) {
          if (active[k]!.name === name) {
            active.splice(k, 1);
            break;
          }
        }
      }
      continue;
    }
    if (RAW_TEXT.has(name)) {
      // Skip to its end tag: nothing inside is markup.
      const re = rawTextEnd(name);
      re.lastIndex = tagEnd;
      const closeAt = re.exec(html)?.index ?? -1;
      i = closeAt < 0 ? n : closeAt;
      continue;
    }
    if (VOID.has(name) || (selfClosing && foreign())) continue;

    let drop = false;
    let addActive: { name: string; key: string } | undefined;
    if (FORMATTING.has(name) && !(name === 'a' && active.some((e) => e.name === 'a'))) {
      const key = `${name} ${html.slice(attrsStart, j).trim().toLowerCase()}`;
      const identical = active.reduce((k, e) => k + (e.key === key ? 1 : 0), 0);
      if (identical >= 3) active.splice(active.findIndex((e) => e.key === key), 1);
      else if (active.length >= MAX_OPEN_FORMATTING && name !== 'a') drop = true;
      if (!drop) addActive = { name, key };
    }
    const stacked = !(SIBLING_CLOSED.has(name) && (counts.get(name) ?? 0) > 0);
    if (!drop && stacked && stack.length >= MAX_OPEN_ELEMENTS) drop = true;
    if (drop) {
      parts.push(html.slice(copiedTo, lt));
      copiedTo = tagEnd;
      continue;
    }
    if (addActive) active.push(addActive);
    if (stacked) {
      stack.push(name);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  if (copiedTo === 0) return html;
  parts.push(html.slice(copiedTo));
  return parts.join('');
}

/** cheerio's `load` (parse5) on {@link boundHtml} of the input: the one way HTML is parsed here. */
export function loadHtml(html: string): CheerioAPI {
  return load(boundHtml(html));
}
