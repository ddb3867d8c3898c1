import { isScalar } from 'yaml';
import { ExpressionError, type ConfigProblem } from '../core/errors';
import { normalizeForMatch } from '../text/normalize';
import { parseQuery } from '../text/query/query-parser';
import type { RuleFile } from './rule-schema';
import { formatKeyPath, locate, type YamlFile } from './yaml-file';

/**
 * What a rule file's schema cannot see about its text: every query must parse and every term must
 * still say something after normalisation. Checked at load (so `yuqing validate` reports it with
 * file, line and column) rather than when the scorer is built.
 */

/** Problems in the rule's queries and terms, located in the YAML file (the offending token's column for queries). */
export function ruleTextProblems(file: YamlFile, rule: RuleFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const terms = (list: readonly string[], keyPath: (string | number)[]) => {
    list.forEach((t, i) => {
      if (normalizeForMatch(t) !== '') return;
      const path = [...keyPath, i];
      const pos = locate(file, path);
      problems.push({ file: file.displayPath, keyPath: formatKeyPath(path), line: pos?.line, column: pos?.column, message: `「${t}」正規化後是空字串，無法比對 (term is empty after normalisation)` });
    });
  };
  const query = (source: string | undefined, keyPath: (string | number)[]) => {
    if (source === undefined) return;
    try {
      parseQuery(source);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      const pos = positionInScalar(file, keyPath, err.offset) ?? locate(file, keyPath);
      problems.push({ file: file.displayPath, keyPath: formatKeyPath(keyPath), line: pos?.line, column: pos?.column, message: `查詢語法錯誤：${err.message}` });
    }
  };
  terms(rule.match.any, ['match', 'any']);
  terms(rule.match.all, ['match', 'all']);
  terms(rule.match.exclude, ['match', 'exclude']);
  query(rule.match.query, ['match', 'query']);
  for (const [id, topic] of Object.entries(rule.topics)) {
    terms(topic.terms, ['topics', id, 'terms']);
    query(topic.query, ['topics', id, 'query']);
  }
  return problems;
}

/**
 * 1-based line and column, in the file, of character `offset` of the string value at `keyPath`.
 * Works for every scalar style: the value's characters are found in order in the raw source, so
 * quotes, escapes (`\"`, `''`), folded lines and block indentation are stepped over. Undefined
 * when the value is not a scalar or its character cannot be found (an escape like `\u00e9`).
 */
export function positionInScalar(file: YamlFile, keyPath: readonly (string | number)[], offset: number): { line: number; column: number } | undefined {
  const node = file.doc.getIn(keyPath, true);
  if (!isScalar(node) || !node.range) return undefined;
  const value = String(node.value);
  const [from, to] = node.range;
  const raw = file.text.slice(from, to);
  let r = 0;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') r = 1;
  else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') r = raw.indexOf('\n') + 1;
  const target = Math.min(offset, value.length);
  for (let v = 0; v <= target; v++) {
    if (v === value.length) break;
    // Whitespace in the value may come from a folded line break: match it loosely.
    while (r < raw.length && raw[r] !== value[v] && !(/\s/.test(value[v]!) && /\s/.test(raw[r]!))) r++;
    if (r >= raw.length) return undefined;
    if (v === target) break;
    r++;
  }
  const pos = file.lineCounter.linePos(from + r);
  return { line: pos.line, column: pos.col };
}
