import type { TemplateFile } from '../store/elasticsearch/index-layout';

/**
 * The fields an index template's mapping defines, with their Elasticsearch types, as Kibana sees
 * them: dotted paths for object properties, multi-fields as `parent.sub` (`title.keyword`).
 * Objects mapped `enabled: false` hold data but are no fields (nothing can search or aggregate on
 * them), so they are left out.
 */
export type FieldTypes = ReadonlyMap<string, string>;

interface MappingNode {
  type?: string;
  enabled?: boolean;
  properties?: Record<string, MappingNode>;
  fields?: Record<string, MappingNode>;
}

/** Field path → Elasticsearch type (`keyword`, `text`, `date`, `integer`, `flattened` …). */
export function mappingFieldTypes(properties: Record<string, unknown>): FieldTypes {
  const out = new Map<string, string>();
  const walk = (props: Record<string, MappingNode>, prefix: string): void => {
    for (const [name, def] of Object.entries(props)) {
      const path = prefix + name;
      if (def.enabled === false) continue;
      if (def.properties) {
        walk(def.properties, `${path}.`);
        continue;
      }
      out.set(path, def.type ?? 'object');
      for (const [sub, subDef] of Object.entries(def.fields ?? {})) out.set(`${path}.${sub}`, subDef.type ?? 'object');
    }
  };
  walk(properties as Record<string, MappingNode>, '');
  return out;
}

/** The index patterns and aliases a template serves, and its fields: what a Kibana data view title can point at. */
export interface IndexTarget {
  /** The template's name (for messages). */
  name: string;
  patterns: readonly string[];
  aliases: readonly string[];
  fields: FieldTypes;
}

/** The target of one committed template. */
export function indexTarget(name: string, template: TemplateFile): IndexTarget {
  return {
    name,
    patterns: template.index_patterns,
    aliases: Object.keys(template.template.aliases ?? {}),
    fields: mappingFieldTypes(template.template.mappings.properties),
  };
}

/** `yuqing-mentions-*` matches `yuqing-mentions-2026.03`: Elasticsearch's index-pattern wildcard. */
function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/**
 * The templates whose indices a data view title reads: each comma-separated part is an alias, one of
 * a template's index patterns, or a concrete index name one of them matches.
 */
export function targetsOfTitle(title: string, targets: readonly IndexTarget[]): IndexTarget[] {
  const parts = title.split(',').map((p) => p.trim()).filter((p) => p !== '');
  return targets.filter((t) => parts.some((p) => t.aliases.includes(p) || t.patterns.includes(p) || t.patterns.some((pat) => globMatches(pat, p))));
}
