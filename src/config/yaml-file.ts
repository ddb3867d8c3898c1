import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Document, LineCounter, parseDocument, isMap, isPair, isScalar } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../core/errors';

/** A parsed user-editable YAML file that remembers where every key is, so errors can name the line. */
export interface YamlFile {
  /** Path as shown to people (relative to the working directory). */
  displayPath: string;
  text: string;
  doc: Document;
  lineCounter: LineCounter;
  data: unknown;
}

// The yaml package's error codes, in words a clinic can act on.
const YAML_CODE_ZH: Record<string, string> = {
  BAD_INDENT: '縮排不正確',
  BAD_SCALAR_START: '值的開頭字元不合法（含冒號、# 等特殊字元的字串請加引號）',
  BLOCK_AS_IMPLICIT_KEY: '鍵的寫法不正確',
  DUPLICATE_KEY: '同一層有重複的鍵',
  MISSING_CHAR: '缺少必要的字元（例如括號或引號未關閉）',
  MULTILINE_IMPLICIT_KEY: '鍵不可跨行',
  TAB_AS_INDENT: '不可用 Tab 縮排，請改用空白',
  UNEXPECTED_TOKEN: '出現非預期的符號',
  ALIAS_PROPS: '別名（alias）不可帶屬性',
  BAD_ALIAS: '別名（alias）不正確',
  RESOURCE_EXHAUSTION: '巢狀層次過深或內容過大，無法讀取',
};

/** Above this many alias expansions a file is refused ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/**
 * Nesting a user-editable file may have: flow collections (`[` `{`) open at once, and the
 * indentation of a line, in columns. The YAML parser recurses once per level; thousands of levels
 * exhaust the stack, and in a fresh process V8 can then abort outright (out of memory while
 * compiling a regular expression deep in the recursion) instead of throwing. Real files nest a few
 * levels and indent a few dozen columns.
 */
export const MAX_YAML_FLOW_DEPTH = 64;
export const MAX_YAML_INDENT = 256;

/**
 * Where a YAML text nests deeper than the limits, if it does. One linear pass: quoted strings and
 * comments are skipped; block scalars (`|`, `>`) are not told apart, so their lines count as indented.
 */
export function yamlNestingProblem(text: string): { line: number; column: number; message: string } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      atLineStart = true;
      continue;
    }
    if (atLineStart) {
      if (c === ' ') continue;
      atLineStart = false;
      if (i - lineStart > MAX_YAML_INDENT) return { line, column: i - lineStart + 1, message: `縮排超過 ${MAX_YAML_INDENT} 欄，巢狀過深 (indentation too deep)` };
    }
    if (c === '#' && (i === lineStart || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
      continue;
    }
    if (c === '"' || c === "'") {
      // A quote opens a string only where a scalar can start (after space, a flow indicator, or `:`).
      const prev = i === lineStart ? ' ' : text[i - 1]!;
      if (/[\s[{,:-]/.test(prev)) {
        let j = i + 1;
        for (; j < text.length; j++) {
          if (text[j] === '\\' && c === '"') j++;
          else if (text[j] === c) {
            if (c === "'" && text[j + 1] === "'") j++;
            else break;
          }
        }
        for (let k = i; k < j && k < text.length; k++) if (text[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
        i = j;
      }
      continue;
    }
    if (c === '[' || c === '{') {
      if (++depth > MAX_YAML_FLOW_DEPTH) return { line, column: i - lineStart + 1, message: `括號巢狀超過 ${MAX_YAML_FLOW_DEPTH} 層 (flow collections nested too deeply)` };
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Read and parse a YAML file.
 * @throws ConfigError E_CONFIG_IO when unreadable, E_CONFIG_YAML with file:line:column on syntax errors.
 */
export function readYamlFile(path: string): YamlFile {
  const rel = relative(process.cwd(), path);
  const displayPath = rel && !rel.startsWith('..') ? rel : path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError('E_CONFIG_IO', [{ file: displayPath, message: `無法讀取檔案 (cannot read file): ${(cause as Error).message}` }], { cause });
  }
  return parseYamlText(text, displayPath);
}

/** Parse YAML text that came from `displayPath`. @throws ConfigError E_CONFIG_YAML */
export function parseYamlText(text: string, displayPath: string): YamlFile {
  const deep = yamlNestingProblem(text);
  if (deep) throw new ConfigError('E_CONFIG_YAML', [{ file: displayPath, line: deep.line, column: deep.column, message: `YAML 語法錯誤：${deep.message}` }]);
  const lineCounter = new LineCounter();
  // prettyErrors adds line/column to every error.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      'E_CONFIG_YAML',
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const first = e.message.split('\n')[0] ?? e.message;
        return { file: displayPath, line: pos?.line, column: pos?.col, message: `YAML 語法錯誤：${YAML_CODE_ZH[e.code] ?? e.code} (${first})` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    throw new ConfigError('E_CONFIG_YAML', [{ file: displayPath, message: `YAML 內容無法展開（別名過多或結構錯誤）(${(cause as Error).message})` }], { cause });
  }
  return { displayPath, text, doc, lineCounter, data: data ?? {} };
}

/** 1-based line/column of the value at `keyPath` (or of the key itself with `at: 'key'`); the nearest existing parent otherwise. */
export function locate(file: YamlFile, keyPath: ReadonlyArray<PropertyKey>, at: 'value' | 'key' = 'value'): { line: number; column: number } | undefined {
  for (let n = keyPath.length; n >= 0; n--) {
    const path = keyPath.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k));
    let offset: number | undefined;
    if (at === 'key' && n === keyPath.length && n > 0) {
      const parent = path.length > 1 ? file.doc.getIn(path.slice(0, -1), true) : file.doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
        const key = pair?.key as { range?: [number, number, number] } | undefined;
        offset = key?.range?.[0];
      }
    } else {
      const node = (n === 0 ? file.doc.contents : file.doc.getIn(path, true)) as { range?: [number, number, number] } | null | undefined;
      offset = node?.range?.[0];
    }
    if (offset !== undefined) {
      const pos = file.lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

/** Dotted key path as people read it: `levels.L3.when`, `match.any[2]`. */
export function formatKeyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += (out ? '.' : '') + String(k);
  }
  return out;
}

/** Turn zod issues into problems located in the file. `prefix` is prepended to every issue path (e.g. `['options']`). */
export function issuesToProblems(file: YamlFile, issues: ReadonlyArray<z.core.$ZodIssue>, prefix: ReadonlyArray<PropertyKey> = []): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyPath = [...base, key];
        const pos = locate(file, keyPath, 'key');
        problems.push({ file: file.displayPath, keyPath: formatKeyPath(keyPath), line: pos?.line, column: pos?.column, message: `無法識別的鍵「${key}」(unknown key; 請檢查拼字)` });
      }
      continue;
    }
    const pos = locate(file, base);
    problems.push({ file: file.displayPath, keyPath: formatKeyPath(base) || '(根)', line: pos?.line, column: pos?.column, message: issue.message });
  }
  return problems;
}

/**
 * Validate the file's data (or `data` when given) with a zod schema.
 * @throws ConfigError E_CONFIG_SCHEMA naming file, key path and line of every problem.
 */
export function validateYaml<S extends z.ZodType>(file: YamlFile, schema: S, data: unknown = file.data, prefix: ReadonlyArray<PropertyKey> = []): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new ConfigError('E_CONFIG_SCHEMA', issuesToProblems(file, result.error.issues, prefix));
  return result.data;
}
