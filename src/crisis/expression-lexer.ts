import { ExpressionError } from '../core/errors';

/** Comparison operators of the condition language. */
export type ComparisonOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

/** One token of a level condition; `start`/`end` are string offsets into the original text. */
export type Token =
  | { kind: 'number'; value: number; start: number; end: number }
  /** A bare word: keyword, risk literal or variable. `word` is lower-cased (the language is case-insensitive). */
  | { kind: 'word'; word: string; start: number; end: number }
  /**
   * `topic.<id>` or `topic.<id>.<field>`; `id` lower-cased (topic ids are lower-case slugs), `field`
   * as written (checked by the parser).
   */
  | { kind: 'topic'; id: string; field?: string; start: number; end: number }
  | { kind: 'op'; op: ComparisonOp; start: number; end: number }
  | { kind: '(' | ')' | 'end'; start: number; end: number };

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;
const TOPIC_ID = /[A-Za-z0-9_-]*/y;
const OPERATORS: readonly ComparisonOp[] = ['==', '!=', '>=', '<=', '>', '<'];

/**
 * Full-width ASCII (`＞＝`, `（`, `ａｎｄ`) typed with a Chinese input method, and the ideographic
 * space, mapped to plain ASCII one character for one, so offsets still point into the original text.
 */
export function foldFullWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/**
 * Splits a condition into tokens, ending with an `end` token at `text.length`.
 * @throws ExpressionError at the first character that starts no token
 */
export function tokenize(original: string): Token[] {
  const text = foldFullWidth(original);
  const tokens: Token[] = [];
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
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      const end = i + num[0].length;
      tokens.push({ kind: 'number', value: Number(num[0]), start: i, end });
      i = end;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(text);
    if (word) {
      let end = i + word[0].length;
      const lower = word[0].toLowerCase();
      if (lower === 'topic' && text[end] === '.') {
        TOPIC_ID.lastIndex = end + 1;
        const id = TOPIC_ID.exec(text)![0];
        if (id === '') throw new ExpressionError(`「topic.」後面要接議題 id，例如「topic.dispute」 (missing topic id)`, i);
        end += 1 + id.length;
        let field: string | undefined;
        if (text[end] === '.') {
          WORD.lastIndex = end + 1;
          const f = WORD.exec(text);
          if (!f) throw new ExpressionError(`「topic.${id}.」後面要接欄位，例如「topic.${id}.spikeRatio」 (missing topic field)`, end);
          field = f[0];
          end += 1 + f[0].length;
        }
        tokens.push({ kind: 'topic', id: id.toLowerCase(), ...(field ? { field } : {}), start: i, end });
      } else {
        tokens.push({ kind: 'word', word: lower, start: i, end });
      }
      i = end;
      continue;
    }
    throw new ExpressionError(unexpectedCharacterMessage(text, i), i);
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length });
  return tokens;
}

function unexpectedCharacterMessage(text: string, i: number): string {
  const c = text[i]!;
  if (c === '=') return '單一「=」不是比較運算子，相等請寫「==」 (use == to compare)';
  if (text.startsWith('&&', i) || text.startsWith('||', i)) return `請用 and / or 連接條件，而不是「${text.slice(i, i + 2)}」 (use and / or)`;
  if (c === '!') return '請用 not 否定條件，不相等請寫「!=」 (use not, or != to compare)';
  const shown = String.fromCodePoint(text.codePointAt(i)!);
  return `無法辨識的字元「${shown}」 (unexpected character)`;
}
