import { createHash } from 'node:crypto';
import alertsTemplate from './mappings/alerts-template.json';
import mentionsTemplate from './mappings/mentions-template.json';
import { DEFAULT_INDEX_PREFIX, type IndexNames } from './index-names';

/** A composable index template as committed in `mappings/*.json`. */
export interface TemplateFile {
  index_patterns: string[];
  priority: number;
  _meta: Record<string, unknown>;
  template: {
    aliases?: Record<string, Record<string, unknown>>;
    settings: Record<string, unknown>;
    mappings: { dynamic: string; properties: Record<string, unknown>; _meta?: Record<string, unknown> };
  };
}

/** One template with what setup needs to know about it. */
export interface TemplateSpec {
  /** Template name in Elasticsearch. */
  name: string;
  /** The committed file's content, with index patterns and aliases renamed for the prefix. */
  body: TemplateFile;
  /**
   * sha256 (first 16 hex) of the committed JSON: stored in the template's and the mapping's `_meta`
   * so `yuqing es setup` can tell "unchanged" from "updated" without a deep comparison.
   */
  hash: string;
  /** sha256 (first 16 hex) of the mapping alone: existing indices get `put mapping` only when it changed. */
  mappingHash: string;
  /** An index setup creates up front (the alerts index); monthly mention indices are created on first write. */
  createIndex?: string;
}

function hashOf(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
}

/** `yuqing-…` → `<prefix>-…` in the names a template file refers to (patterns and aliases, not fields). */
function renamed(file: TemplateFile, prefix: string): TemplateFile {
  if (prefix === DEFAULT_INDEX_PREFIX) return file;
  const swap = (name: string): string => (name.startsWith(`${DEFAULT_INDEX_PREFIX}-`) ? `${prefix}${name.slice(DEFAULT_INDEX_PREFIX.length)}` : name);
  const aliases = file.template.aliases ? Object.fromEntries(Object.entries(file.template.aliases).map(([k, v]) => [swap(k), v])) : undefined;
  return { ...file, index_patterns: file.index_patterns.map(swap), template: { ...file.template, ...(aliases ? { aliases } : {}) } };
}

function spec(name: string, file: TemplateFile, prefix: string, createIndex?: string): TemplateSpec {
  const body = renamed(file, prefix);
  return { name, body, hash: hashOf(body), mappingHash: hashOf(body.template.mappings), ...(createIndex ? { createIndex } : {}) };
}

/** The committed index layout for these names, mentions first. The JSON files are the single source of truth. */
export function indexLayout(names: IndexNames): TemplateSpec[] {
  return [
    spec(names.mentionsTemplate, mentionsTemplate as TemplateFile, names.prefix),
    spec(names.alertsTemplate, alertsTemplate as TemplateFile, names.prefix, names.alertsIndex),
  ];
}

/** Field paths (dotted, sub-fields included) a template's mapping defines: what dashboards may reference. */
export function mappedFields(spec: Pick<TemplateSpec, 'body'>): string[] {
  const out: string[] = [];
  const walk = (props: Record<string, unknown>, prefix: string): void => {
    for (const [name, raw] of Object.entries(props)) {
      const def = raw as { properties?: Record<string, unknown>; fields?: Record<string, unknown> };
      const path = prefix + name;
      if (def.properties) walk(def.properties, `${path}.`);
      else out.push(path);
      for (const sub of Object.keys(def.fields ?? {})) out.push(`${path}.${sub}`);
    }
  };
  walk(spec.body.template.mappings.properties, '');
  return out.sort();
}
