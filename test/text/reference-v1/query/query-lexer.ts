// Frozen copy of src/text/query/query-lexer.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
import { ExpressionError } from '../../../../src/core/errors';

/**
 * Tokens of the rule query language (`match.query`, `topics.<id>.query`). Offsets are UTF-16
 * offsets into the query as written, so an error can point at the exact column in the YAML file.
 */

export type QueryField = 'title' | 'body';

export type QueryToken =
  /** A bare word: everything up to whitespace, a parenthesis or a quote. */
  | { kind: 'term'; text: string; start: number; end: number }
  /** A quoted phrase; `text` is what is between the quotes. */
  | { kind: 'phrase'; text: string; start: number; end: number }
  | { kind: 'and' | 'or' | 'not'; start: number; end: number }
  /** `-` glued to what follows: exclude it. */
  | { kind: 'minus'; start: number; end: number }
  | { kind: 'near'; distance: number; start: number; end: number }
  /** `title:` / `body:` (or 標題: / 內文:). */
  | { kind: 'field'; field: QueryField; start: number; end: number }
  | { kind: '(' | ')' | 'end'; start: number; end: number };

/** Largest NEAR distance accepted: beyond it "near" means nothing in a post of a few hundred characters. */
export const MAX_NEAR_DISTANCE = 200;

const FIELDS: Record<string, QueryField> = { title: 'title', body: 'body', 標題: 'title', 內文: 'body', 内文: 'body' };

/** Closing quote for each opening quote a Chinese or English keyboard produces. */
const QUOTES: Record<string, string> = { '"': '"', '“': '”', '「': '」', '『': '』' };

/**
 * Full-width ASCII typed with a Chinese input method (`（`, `＂`, `：`, `ＯＲ`) and the ideographic
 * space, mapped one character for one so offsets still point into the original text.
 */
function foldSyntax(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

// Characters that end a bare word.
const WORD_END = /[\s()"“「『]/;
const OPERATOR = /^(and|or|not)$/i;
const NEAR = /^near(?:\/(.*))?$/i;

/**
 * Split a query into tokens, ending with an `end` token at `text.length`.
 * @throws ExpressionError (E_EXPRESSION) at the first malformed token, with its offset.
 */
export function tokenizeQuery(original: string): QueryToken[] {
  const text = foldSyntax(original);
  const tokens: QueryToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const close = QUOTES[c];
    if (close !== undefined) {
      const end = text.indexOf(close, i + 1);
      if (end < 0) throw new ExpressionError(`引號「${c}」沒有結束，請補上「${close}」 (unterminated phrase)`, i);
      const inner = original.slice(i + 1, end);
      if (inner.trim() === '') throw new ExpressionError('引號裡沒有內容 (empty phrase)', i);
      tokens.push({ kind: 'phrase', text: inner, start: i, end: end + 1 });
      i = end + 1;
      continue;
    }
    if (c === '-') {
      const next = text[i + 1];
      if (next === undefined || /\s/.test(next) || next === ')') throw new ExpressionError('減號後面要緊接要排除的詞，例如「-徵才」 (a minus must be followed by what to exclude)', i);
      tokens.push({ kind: 'minus', start: i, end: i + 1 });
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && !WORD_END.test(text[end]!)) end++;
    const word = text.slice(i, end);
    const field = fieldPrefix(word);
    if (field) {
      const name = word.slice(0, word.indexOf(':'));
      const known = FIELDS[name.toLowerCase()];
      if (!known) throw new ExpressionError(`未知的欄位「${name}」，可用 title（標題）或 body（內文） (unknown field)`, i);
      tokens.push({ kind: 'field', field: known, start: i, end: i + name.length + 1 });
      i += name.length + 1;
      continue;
    }
    if (OPERATOR.test(word)) {
      tokens.push({ kind: word.toLowerCase() as 'and' | 'or' | 'not', start: i, end });
      i = end;
      continue;
    }
    const near = NEAR.exec(word);
    if (near) {
      tokens.push({ kind: 'near', distance: nearDistance(near[1], i), start: i, end });
      i = end;
      continue;
    }
    tokens.push({ kind: 'term', text: original.slice(i, end), start: i, end });
    i = end;
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length });
  return tokens;
}

/**
 * `title:…`, `body:…`, `標題:…`: a field name and a colon at the start of a bare word. Only a
 * prefix of ASCII letters or a known Chinese field name counts, so 「公告:」 or a time like
 * 「10:30」 stay ordinary terms.
 */
function fieldPrefix(word: string): boolean {
  const colon = word.indexOf(':');
  if (colon <= 0) return false;
  const name = word.slice(0, colon);
  if (FIELDS[name.toLowerCase()]) return true;
  // An unknown ASCII word before a colon is almost certainly a mistyped field; a URL is not.
  return /^[A-Za-z]+$/.test(name) && word[colon + 1] !== '/';
}

function nearDistance(raw: string | undefined, at: number): number {
  if (raw === undefined || raw === '') throw new ExpressionError('NEAR 後面要寫距離，例如「NEAR/5」 (NEAR needs a distance, e.g. NEAR/5)', at);
  if (!/^\d+$/.test(raw)) throw new ExpressionError(`NEAR 的距離「${raw}」不是整數，例如「NEAR/5」 (NEAR distance must be a whole number)`, at + 5);
  const n = Number(raw);
  if (n > MAX_NEAR_DISTANCE) throw new ExpressionError(`NEAR 的距離 ${n} 太大，最多 ${MAX_NEAR_DISTANCE} (NEAR distance too large)`, at + 5);
  return n;
}
