// Frozen copy of src/text/query/query-eval.ts as of commit 644d37b, before the throughput work:
// the reference that test/text/scorer-equivalence.test.ts compares the current code with. Do not edit.
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
 */
export function closestPair(node: QueryNear, ctx: QueryContext): number {
  let best = Number.POSITIVE_INFINITY;
  const rights = node.right.flatMap((t) => inScope(ctx.occurrences(t.id), t.scope));
  if (rights.length === 0) return best;
  for (const lt of node.left) {
    for (const a of inScope(ctx.occurrences(lt.id), lt.scope)) {
      for (const b of rights) {
        if (a.field !== b.field) continue;
        const [first, second] = a.start <= b.start ? [a, b] : [b, a];
        const gapStart = first.end;
        const gapEnd = second.start;
        const gap = gapEnd <= gapStart ? 0 : node.unit === 'chars' ? gapEnd - gapStart : wordsBetween(ctx.text, gapStart, gapEnd);
        if (gap < best) best = gap;
        if (best === 0) return 0;
      }
    }
  }
  return best;
}

function inScope(list: readonly TermOccurrence[], scope: Scope): readonly TermOccurrence[] {
  return scope === 'any' ? list : list.filter((o) => o.field === scope);
}

/** Words strictly between two offsets: runs of Latin letters/digits, and each CJK character. */
function wordsBetween(text: string, from: number, to: number): number {
  let words = 0;
  let inWord = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const latin = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0xc0 && c <= 0x24f) || c === 0x27;
    if (latin) {
      if (!inWord) words++;
      inWord = true;
      continue;
    }
    inWord = false;
    if (c >= 0x3400 && c <= 0x9fff) words++;
  }
  return words;
}

function scopeWords(scope: Scope): string {
  return scope === 'title' ? '（標題）' : scope === 'body' ? '（內文）' : '';
}

function listWords(terms: readonly QueryTerm[]): string {
  const names = [...new Set(terms.map((t) => `「${t.written}」`))];
  return names.length > 0 ? names.join('或') : '排除詞';
}
