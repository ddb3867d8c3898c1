import { ConfigError, type ConfigProblem } from '../core/errors';

/**
 * Kibana saved objects as they travel in an export / import NDJSON file: one JSON object per line.
 * Only what Yuqing reads is typed; everything else rides along untouched.
 */

/** A link from one saved object to another (`name` is how the owner refers to it). */
export interface SavedObjectReference {
  name: string;
  type: string;
  id: string;
}

/** One saved object (`index-pattern`, `lens`, `dashboard`, …). */
export interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: SavedObjectReference[];
  /** Kibana's migration markers: the document is already in this shape, so older migrations are skipped. */
  coreMigrationVersion?: string;
  typeMigrationVersion?: string;
  [key: string]: unknown;
}

/** `lens/yuqing-lens-top-sites「主要網站」`: how problems and reports name an object. */
export function describeObject(o: Pick<SavedObject, 'type' | 'id' | 'attributes'>): string {
  const title = typeof o.attributes?.title === 'string' ? o.attributes.title : undefined;
  return title ? `${o.type}/${o.id}「${title}」` : `${o.type}/${o.id}`;
}

/**
 * Parse an NDJSON export. Blank lines are skipped, and so is the summary line Kibana appends to its
 * exports (`exportedCount` …, no `type`).
 * @throws ConfigError (E_CONFIG_SCHEMA) naming the file and line of every line that is not a saved object
 */
export function parseSavedObjects(text: string, file: string): SavedObject[] {
  const out: SavedObject[] = [];
  const problems: ConfigProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ file, line: i + 1, message: `不是有效的 JSON：${(err as Error).message} (invalid JSON)` });
      return;
    }
    if (!isRecord(value)) {
      problems.push({ file, line: i + 1, message: '每一行必須是一個 JSON 物件 (each line must be a JSON object)' });
      return;
    }
    if (value.type === undefined && 'exportedCount' in value) return;
    if (typeof value.type !== 'string' || typeof value.id !== 'string' || value.id === '' || !isRecord(value.attributes)) {
      problems.push({ file, line: i + 1, message: '缺少 type、id 或 attributes (a saved object needs type, id and attributes)' });
      return;
    }
    const refs = value.references ?? [];
    if (!Array.isArray(refs) || !refs.every((r) => isRecord(r) && typeof r.name === 'string' && typeof r.type === 'string' && typeof r.id === 'string')) {
      problems.push({ file, line: i + 1, message: 'references 必須是 {name, type, id} 的陣列 (references must be {name, type, id} objects)' });
      return;
    }
    out.push({ ...value, type: value.type, id: value.id, attributes: value.attributes, references: refs as SavedObjectReference[] });
  });
  if (problems.length > 0) throw new ConfigError('E_CONFIG_SCHEMA', problems);
  return out;
}

/** The NDJSON text of `objects`, one per line, ending with a newline (what the import API takes). */
export function toNdjson(objects: readonly SavedObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
}

/** A JSON string attribute (`panelsJSON`, `runtimeFieldMap` …) parsed; `fallback` when absent or not JSON. */
export function parseJsonAttribute<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string' || value === '') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
