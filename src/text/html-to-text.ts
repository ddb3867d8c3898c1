import { loadHtml } from './bounded-html';

/**
 * HTML → plain text for mention bodies and titles. Pages and feed bodies carry navigation, scripts
 * and markup that must never reach matching, the index or an alert email.
 */

// The few node shapes we read from cheerio's DOM (domhandler). Declared here so this file does
// not import a package we do not depend on directly.
interface DomNode {
  type: string;
  name?: string;
  data?: string;
  children?: DomNode[];
}

// Elements whose content is never article text: code, chrome around the article, and embedded
// documents. `head`/`title` too: a full page's <title> is the item title, given separately.
const DROPPED = 'script, style, noscript, iframe, nav, header, footer, form, svg, template, head, title, object, embed, canvas, select, button';

// Elements that start a new line in the rendered page.
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'main', 'ol', 'p', 'pre', 'section',
  'summary', 'table', 'tr', 'ul',
]);
const CELL = new Set(['td', 'th']);

// HTML collapses these; NBSP is included because for our purposes it is a space.
const HTML_SPACE = /[ \t\n\r\f\u00A0]+/g;

// Markup that survived one decoding pass: the source escaped its HTML twice (common in feeds).
const LEFTOVER_TAG = /<\/?(?:p|div|br|span|a|b|i|u|em|strong|img|script|style|iframe|ul|ol|li|h[1-6]|table|tr|td|th|blockquote|pre|font|section|article)\b[^>]*>/i;

/**
 * Plain text of an HTML document or fragment: drops script, style, noscript, iframe, nav, header,
 * footer, form, svg (and head/title, template, embeds, form controls); block elements and `<br>`
 * become line breaks, table cells are separated by a space; entities are decoded; spaces inside a
 * line are collapsed, at most one blank line is kept between paragraphs; the result is trimmed.
 * `<pre>` keeps its spacing. Double-escaped markup (`&lt;p&gt;`) gets a second pass, so the result
 * never contains tags.
 */
export function htmlToText(html: string): string {
  const once = extract(html);
  return LEFTOVER_TAG.test(once) ? extract(once) : once;
}

/**
 * One-line plain text for titles and names that may contain `<b>`, entities or line breaks:
 * tags and scripts removed, entities decoded, all whitespace collapsed to single spaces, trimmed.
 */
export function stripTags(text: string): string {
  // Only real markup is parsed: a title like 「血糖<100 & 飯後」 is text, not a broken tag.
  const plain = looksLikeHtml(text) ? htmlToText(text) : text;
  return plain.replace(/\s+/g, ' ').trim();
}

// A tag (`<b>`, `</p>`, `<a href=…>`) or an entity (`&amp;`, `&#39;`).
const LOOKS_LIKE_HTML = /<\/?[a-z][a-z0-9]*\b[^<>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i;

/** Whether a field that should be plain text carries markup (a mislabelled or double-escaped feed). */
export function looksLikeHtml(text: string): boolean {
  return LOOKS_LIKE_HTML.test(text);
}

function extract(html: string): string {
  // Parsed with a bounded cost (src/text/bounded-html.ts): hostile nesting cannot stall the daemon.
  const $ = loadHtml(html);
  $(DROPPED).remove();
  const out: string[] = [];
  walk($.root()[0] as unknown as DomNode, out);
  return tidy(out.join(''));
}

/** Depth-first, with an explicit stack (no recursion, whatever the depth of the tree). */
function walk(root: DomNode, out: string[]): void {
  type Step = { node: DomNode; pre: boolean } | { close: string };
  const todo: Step[] = [];
  const pushChildren = (node: DomNode, pre: boolean): void => {
    const children = node.children ?? [];
    for (let k = children.length - 1; k >= 0; k--) todo.push({ node: children[k]!, pre });
  };
  pushChildren(root, false);
  while (todo.length > 0) {
    const step = todo.pop()!;
    if ('close' in step) {
      out.push(step.close);
      continue;
    }
    const { node: child, pre } = step;
    if (child.type === 'text') {
      const data = child.data ?? '';
      out.push(pre ? data : data.replace(HTML_SPACE, ' '));
    } else if (child.type === 'tag') {
      // `script`/`style` have their own node types, so they are skipped here even if not removed.
      const name = child.name ?? '';
      if (name === 'br') {
        out.push('\n');
        continue;
      }
      const block = BLOCK.has(name);
      if (block) out.push('\n');
      else if (CELL.has(name)) out.push(' ');
      if (block) todo.push({ close: '\n' });
      pushChildren(child, pre || name === 'pre');
    }
  }
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^[ \t\u00A0]+|[ \t\u00A0]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
