import type { QueryNear, QueryNode, QueryTerm, Scope } from './query-parser';

/**
 * Evaluating a parsed query against the terms found in one text, and explaining the result in
 * words a clinic can act on ("「提告」 is missing", "the two words are 12 characters apart").
 */

/** The field an occurrence lies in; `none` for one that straddles the title/body seam. */
export type Field = 'title' | 'body' | 'none';

/** One occurrence of a term in the normalised text. */
export interface TermOccurrence {
  start: number;
  end: number;
  field: Field;
}

/** What a query needs to know about a text. */
export interface QueryContext {
  /** The normalised text (NEAR counts words in it). */
  readonly text: string;
  /** Whether the term occurs within the scope. */
  has(termId: number, scope: Scope): boolean;
  /** Occurrences of the term in text order. */
  occurrences(termId: number): readonly TermOccurrence[];
}

/** Whether the query holds for the text. */
export function evaluateQuery(node: QueryNode, ctx: QueryContext): boolean {
  switch (node.kind) {
    case 'term':
      return ctx.has(node.id, node.scope);
    case 'near':
      return closestPair(node, ctx) <= node.distance;
    case 'not':
      return !evaluateQuery(node.child, ctx);
    case 'and':
      return node.children.every((c) => evaluateQuery(c, ctx));
    case 'or':
      return node.children.some((c) => evaluateQuery(c, ctx));
  }
}

/** Terms of the query that occur in the text and are not under a NOT (the ones that made it match). */
export function foundPositiveTerms(node: QueryNode, ctx: QueryContext, out: QueryTerm[] = []): QueryTerm[] {
  switch (node.kind) {
    case 'term':
      if (ctx.has(node.id, node.scope)) out.push(node);
      break;
    case 'near':
      for (const t of [...node.left, ...node.right]) if (ctx.has(t.id, t.scope)) out.push(t);
      break;
    case 'not':
      break;
    default:
      for (const c of node.children) foundPositiveTerms(c, ctx, out);
  }
  return out;
}

/**
 * Why the query does not hold, as short zh-TW sentences (empty when it holds). Only the parts that
 * decide the outcome are named: the missing term of an AND, the exclusion that fired, the NEAR
 * pair that is too far apart.
 */
export function explainQueryFailure(node: QueryNode, ctx: QueryContext): string[] {
  if (evaluateQuery(node, ctx)) return [];
  switch (node.kind) {
    case 'term':
      return [`缺少「${node.written}」${scopeWords(node.scope)} (missing term)`];
    case 'near': {
      const left = node.left.filter((t) => ctx.has(t.id, t.scope));
      const right = node.right.filter((t) => ctx.has(t.id, t.scope));
      if (left.length === 0) return [`NEAR 左邊的${listWords(node.left)}沒有出現 (NEAR: left side missing)`];
      if (right.length === 0) return [`NEAR 右邊的${listWords(node.right)}沒有出現 (NEAR: right side missing)`];
      const gap = closestPair(node, ctx);
      const unit = node.unit === 'words' ? '個字詞' : '個字';
      if (!Number.isFinite(gap)) return [`${listWords(left)}與${listWords(right)}不在同一個欄位 (NEAR: not in the same field)`];
      return [`${listWords(left)}與${listWords(right)}最近相距 ${gap} ${unit}，超過 NEAR/${node.distance} (NEAR: too far apart)`];
    }
    case 'not': {
      const fired = foundPositiveTerms(node.child, ctx);
      return [`排除條件成立：出現${listWords(fired.length > 0 ? fired : [])} (an exclusion fired)`];
    }
    case 'and':
      return node.children.flatMap((c) => explainQueryFailure(c, ctx));
    case 'or': {
      const parts = node.children.flatMap((c) => explainQueryFailure(c, ctx));
      return parts.length <= 1 ? parts : [`以下都不成立 (none of the alternatives holds)：${parts.join('；')}`];
    }
  }
}

/**
 * Smallest distance between an occurrence of a left term and one of a right term in the same
 * field (either order), in the NEAR's unit; Infinity when there is no such pair.
 *
 * One sweep over the occurrences in text order, not every pair: for an occurrence, the nearest one
 * of the other side that starts no later is the one that ends last, so each field keeps the
 * largest end seen per side. Overlapping occurrences are 0 apart. Words are counted with a prefix
 * table of the text, built once per text. Cost O(k log k + n) for k occurrences and a text of n
 * characters, so a post repeating both terms thousands of times costs milliseconds (every pair of
 * 10,000 + 10,000 occurrences was 10⁸ distance computations).
 */
export function closestPair(node: QueryNear, ctx: QueryContext): number {
  const events: Array<{ start: number; end: number; field: Field; side: 0 | 1 }> = [];
  for (const t of node.left) for (const o of inScope(ctx.occurrences(t.id), t.scope)) events.push({ start: o.start, end: o.end, field: o.field, side: 0 });
  const lefts = events.length;
  for (const t of node.right) for (const o of inScope(ctx.occurrences(t.id), t.scope)) events.push({ start: o.start, end: o.end, field: o.field, side: 1 });
  if (lefts === 0 || events.length === lefts) return Number.POSITIVE_INFINITY;
  events.sort((a, b) => a.start - b.start);
  const words = node.unit === 'words' ? wordPrefix(ctx.text) : undefined;
  // Largest end so far per field and side (-1: none yet).
  const maxEnd: Record<Field, [number, number]> = { title: [-1, -1], body: [-1, -1], none: [-1, -1] };
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < events.length; ) {
    let g = k;
    // Occurrences starting at the same offset see each other (they overlap: 0 apart).
    while (g < events.length && events[g]!.start === events[k]!.start) {
      const e = events[g]!;
      const ends = maxEnd[e.field];
      if (e.end > ends[e.side]) ends[e.side] = e.end;
      g++;
    }
    for (let m = k; m < g; m++) {
      const e = events[m]!;
      const other = maxEnd[e.field][1 - e.side]!;
      if (other < 0) continue;
      const gap = other >= e.start ? 0 : words ? wordsBetween(ctx.text, words, other, e.start) : e.start - other;
      if (gap < best) best = gap;
      if (best === 0) return 0;
    }
    k = g;
  }
  return best;
}

function inScope(list: readonly TermOccurrence[], scope: Scope): readonly TermOccurrence[] {
  return scope === 'any' ? list : list.filter((o) => o.field === scope);
}

const isLatinWordUnit = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0xc0 && c <= 0x24f) || c === 0x27;
const isCjkUnit = (c: number): boolean => c >= 0x3400 && c <= 0x9fff;

/** The text the last prefix table was built for, and the table (NEAR evaluates the same text many times). */
let prefixText: string | undefined;
let prefixTable: Uint32Array | undefined;

/** `table[i]`: words starting before offset i (a run of Latin letters/digits starts one; each CJK character is one). */
function wordPrefix(text: string): Uint32Array {
  if (prefixText === text && prefixTable) return prefixTable;
  const table = new Uint32Array(text.length + 1);
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const latin = isLatinWordUnit(c);
    table[i + 1] = table[i]! + ((latin && !inWord) || (!latin && isCjkUnit(c)) ? 1 : 0);
    inWord = latin;
  }
  prefixText = text;
  prefixTable = table;
  return table;
}

/**
 * Words strictly between two offsets: runs of Latin letters/digits, and each CJK character. A run
 * already under way at `from` counts as one (it is cut there).
 */
function wordsBetween(text: string, table: Uint32Array, from: number, to: number): number {
  const cutRun = from > 0 && isLatinWordUnit(text.charCodeAt(from)) && isLatinWordUnit(text.charCodeAt(from - 1)) ? 1 : 0;
  return table[to]! - table[from]! + cutRun;
}

function scopeWords(scope: Scope): string {
  return scope === 'title' ? '（標題）' : scope === 'body' ? '（內文）' : '';
}

function listWords(terms: readonly QueryTerm[]): string {
  const names = [...new Set(terms.map((t) => `「${t.written}」`))];
  return names.length > 0 ? names.join('或') : '排除詞';
}
