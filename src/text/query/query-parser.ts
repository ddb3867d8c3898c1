import { ExpressionError } from '../../core/errors';
import { normalizeForMatch } from '../normalize';
import { tokenizeQuery, type QueryField, type QueryToken } from './query-lexer';

/**
 * The rule query language, parsed once into a tree that the matcher evaluates for every text.
 *
 * ```
 * query   := or
 * or      := and ( OR and )*
 * and     := unary ( [AND] unary )*         two parts side by side mean AND
 * unary   := ( NOT | - ) unary | near
 * near    := primary [ NEAR/n primary ]     both sides: a term, a phrase, or ( terms joined by OR )
 * primary := ( title: | body: ) primary | ( or ) | term | "phrase"
 * ```
 * Operators are case-insensitive (`or` = `OR`); quote a word to search for it literally (`"or"`).
 */

/** Where a term must occur: anywhere, or only in the title or the body. */
export type Scope = 'any' | QueryField;

/** A term or phrase. `norm` is its normalised form (what the automaton looks for). */
export interface QueryTerm {
  kind: 'term';
  /** As written in the rule file (without quotes). */
  written: string;
  norm: string;
  phrase: boolean;
  scope: Scope;
  /** Id in the matcher's term index, set when the rule is compiled (-1 until then). */
  id: number;
  /** Offsets of the token in the query text. */
  start: number;
  end: number;
}

export interface QueryNear {
  kind: 'near';
  left: QueryTerm[];
  right: QueryTerm[];
  /** At most this many characters (CJK) or words (Latin) between the two. */
  distance: number;
  unit: 'chars' | 'words';
  start: number;
  end: number;
}

export type QueryNode =
  | QueryTerm
  | QueryNear
  | { kind: 'and' | 'or'; children: QueryNode[]; start: number; end: number }
  | { kind: 'not'; child: QueryNode; start: number; end: number };

/** A parsed query: its text and tree. */
export interface CompiledQuery {
  source: string;
  root: QueryNode;
  /** Every term in the tree, in the order written. */
  terms: QueryTerm[];
}

/**
 * Parse a query.
 * @throws ExpressionError (E_EXPRESSION) with the offset of the offending token and a zh-TW
 *   message (English in parentheses).
 */
export function parseQuery(source: string): CompiledQuery {
  if (source.trim() === '') throw new ExpressionError('查詢是空的 (empty query)', 0);
  const parser = new Parser(tokenizeQuery(source));
  const root = parser.parseOr();
  const rest = parser.peek();
  if (rest.kind === ')') throw new ExpressionError('多了一個右括號「)」 (unmatched closing parenthesis)', rest.start);
  if (rest.kind !== 'end') throw new ExpressionError('無法解析這裡 (unexpected token)', rest.start);
  if (!requiresSomeTerm(root)) {
    throw new ExpressionError('查詢至少要有一個必須出現的詞；只有排除詞（NOT、-）的查詢會比對到所有貼文 (the query must require at least one term)', 0);
  }
  return { source, root, terms: collectTerms(root, []) };
}

/** Nesting (parentheses, NOT, -, field prefixes) a query may have; deeper is refused before it can exhaust the stack. */
export const MAX_QUERY_NESTING = 64;

class Parser {
  private pos = 0;
  private scope: Scope = 'any';
  private nesting = 0;

  /** Count one level of nesting at `offset`. @throws ExpressionError beyond {@link MAX_QUERY_NESTING} */
  private nest(offset: number): void {
    if (++this.nesting > MAX_QUERY_NESTING) {
      throw new ExpressionError(`查詢的括號、NOT 與欄位巢狀超過 ${MAX_QUERY_NESTING} 層，請簡化 (query nested too deeply)`, offset);
    }
  }

  constructor(private readonly tokens: QueryToken[]) {}

  peek(): QueryToken {
    return this.tokens[this.pos]!;
  }

  private take(): QueryToken {
    return this.tokens[this.pos++]!;
  }

  parseOr(): QueryNode {
    const first = this.parseAnd();
    const children = [first];
    while (this.peek().kind === 'or') {
      const op = this.take();
      this.expectOperand(op, 'OR');
      children.push(this.parseAnd());
    }
    return children.length === 1 ? first : { kind: 'or', children, start: first.start, end: children[children.length - 1]!.end };
  }

  private parseAnd(): QueryNode {
    const first = this.parseUnary();
    const children = [first];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'and') {
        this.take();
        this.expectOperand(t, 'AND');
        children.push(this.parseUnary());
      } else if (startsOperand(t)) {
        children.push(this.parseUnary());
      } else break;
    }
    return children.length === 1 ? first : { kind: 'and', children, start: first.start, end: children[children.length - 1]!.end };
  }

  private parseUnary(): QueryNode {
    const t = this.peek();
    if (t.kind === 'not' || t.kind === 'minus') {
      this.take();
      if (t.kind === 'not') this.expectOperand(t, 'NOT');
      this.nest(t.start);
      const child = this.parseUnary();
      this.nesting--;
      return { kind: 'not', child, start: t.start, end: child.end };
    }
    return this.parseNear();
  }

  private parseNear(): QueryNode {
    const left = this.parsePrimary();
    const op = this.peek();
    if (op.kind !== 'near') return left;
    this.take();
    this.expectOperand(op, `NEAR/${op.distance}`);
    const right = this.parsePrimary();
    const next = this.peek();
    if (next.kind === 'near') throw new ExpressionError('NEAR 不能連用；請改寫成「(A NEAR/5 B) AND (B NEAR/5 C)」 (NEAR cannot be chained)', next.start);
    const l = nearSide(left);
    const r = nearSide(right);
    const latin = [...l, ...r].every((term) => !CJK.test(term.norm));
    return { kind: 'near', left: l, right: r, distance: op.distance, unit: latin ? 'words' : 'chars', start: left.start, end: right.end };
  }

  private parsePrimary(): QueryNode {
    const t = this.take();
    switch (t.kind) {
      case 'term':
      case 'phrase':
        return this.term(t);
      case 'field': {
        if (this.scope !== 'any' && this.scope !== t.field) {
          throw new ExpressionError(`「${this.scope === 'title' ? 'title' : 'body'}:」裡面不能再指定「${t.field}:」 (conflicting fields)`, t.start);
        }
        const next = this.peek();
        if (!startsPrimary(next)) throw new ExpressionError(`「${t.field}:」後面要接詞、片語或括號，例如「title:醫療糾紛」 (a field needs a term after it)`, t.start);
        const outer = this.scope;
        this.scope = t.field;
        this.nest(t.start);
        const inner = this.parsePrimary();
        this.nesting--;
        this.scope = outer;
        return { ...inner, start: t.start } as QueryNode;
      }
      case '(': {
        if (this.peek().kind === ')') throw new ExpressionError('括號裡沒有內容 (empty parentheses)', t.start);
        this.nest(t.start);
        const inner = this.parseOr();
        this.nesting--;
        const close = this.peek();
        if (close.kind !== ')') throw new ExpressionError('這個左括號「(」沒有對應的右括號「)」 (missing closing parenthesis)', t.start);
        this.take();
        return inner;
      }
      case ')':
        throw new ExpressionError('多了一個右括號「)」，或括號前少了詞 (unexpected closing parenthesis)', t.start);
      case 'end':
        throw new ExpressionError('查詢在這裡意外結束，少了詞 (query ends too early)', t.start);
      case 'and':
      case 'or':
        throw new ExpressionError(`「${t.kind.toUpperCase()}」前面要有詞 (operator without a term before it)`, t.start);
      case 'near':
        throw new ExpressionError('「NEAR」前面要有詞 (NEAR without a term before it)', t.start);
      case 'not':
      case 'minus':
        throw new ExpressionError('排除（NOT、-）不能用在 NEAR 的兩邊 (NOT cannot be an operand of NEAR)', t.start);
    }
  }

  private term(t: Extract<QueryToken, { kind: 'term' | 'phrase' }>): QueryTerm {
    const norm = normalizeForMatch(t.text);
    if (norm === '') throw new ExpressionError(`「${t.text}」正規化後是空字串，無法比對 (term is empty after normalisation)`, t.start);
    return { kind: 'term', written: t.text, norm, phrase: t.kind === 'phrase', scope: this.scope, id: -1, start: t.start, end: t.end };
  }

  /** An operator must be followed by something it can apply to. */
  private expectOperand(op: QueryToken, name: string): void {
    const next = this.peek();
    if (next.kind === 'end' || next.kind === ')' || next.kind === 'and' || next.kind === 'or' || next.kind === 'near') {
      throw new ExpressionError(`「${name}」後面少了詞 (operator without a term after it)`, op.start);
    }
  }
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ud840-\ud87f]/;

function startsPrimary(t: QueryToken): boolean {
  return t.kind === 'term' || t.kind === 'phrase' || t.kind === 'field' || t.kind === '(';
}

function startsOperand(t: QueryToken): boolean {
  return startsPrimary(t) || t.kind === 'not' || t.kind === 'minus';
}

/** A NEAR side must be a term, a phrase, or terms joined by OR. */
function nearSide(node: QueryNode): QueryTerm[] {
  if (node.kind === 'term') return [node];
  if (node.kind === 'or' && node.children.every((c) => c.kind === 'term')) return node.children as QueryTerm[];
  throw new ExpressionError('NEAR 的兩邊只能是詞、片語，或用 OR 連接的詞，例如「(診所 OR 醫師) NEAR/10 糾紛」 (NEAR operands must be terms)', node.start);
}

/**
 * Whether the query can only be true when at least one of its terms occurs. The matcher evaluates a
 * rule only for texts in which some term of it was found, so a query true on an empty text (only
 * exclusions) would be silently wrong.
 */
function requiresSomeTerm(node: QueryNode): boolean {
  switch (node.kind) {
    case 'term':
    case 'near':
      return true;
    case 'not':
      return false;
    case 'and':
      return node.children.some(requiresSomeTerm);
    case 'or':
      return node.children.every(requiresSomeTerm);
  }
}

function collectTerms(node: QueryNode, out: QueryTerm[]): QueryTerm[] {
  switch (node.kind) {
    case 'term':
      out.push(node);
      break;
    case 'near':
      out.push(...node.left, ...node.right);
      break;
    case 'not':
      collectTerms(node.child, out);
      break;
    default:
      for (const c of node.children) collectTerms(c, out);
  }
  return out;
}
