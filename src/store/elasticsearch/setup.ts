import type { Client } from '@elastic/elasticsearch';
import { indexLayout, type TemplateSpec } from './index-layout';
import { DEFAULT_INDEX_NAMES, type IndexNames } from './index-names';
import { IndexError, toIndexError } from './index-error';

/** What setup did to one object. */
export interface SetupChange {
  kind: 'template' | 'index' | 'mapping' | 'alias';
  /** Template, index or `index → alias` name. */
  target: string;
  action: 'created' | 'updated' | 'unchanged';
}

/** The outcome of {@link setupIndices}: one line per object looked at, in order. */
export interface SetupReport {
  changes: SetupChange[];
  /** True when anything was created or updated. */
  changed: boolean;
}

/** Where the committed file's hashes are kept in Elasticsearch (`_meta` of the template and of each mapping). */
const HASH_KEY = 'yuqing_hash';

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toIndexError(err, what);
  }
}

async function ensureTemplate(client: Client, spec: TemplateSpec, changes: SetupChange[]): Promise<void> {
  const found = await call('讀取索引範本', () => client.indices.getIndexTemplate({ name: spec.name }, { ignore: [404] }));
  const current = found.index_templates?.find((t) => t.name === spec.name);
  const currentHash = current?.index_template._meta?.[HASH_KEY];
  if (currentHash === spec.hash) {
    changes.push({ kind: 'template', target: spec.name, action: 'unchanged' });
    return;
  }
  const { template, ...rest } = spec.body;
  await call('寫入索引範本', () =>
    client.indices.putIndexTemplate({
      name: spec.name,
      ...rest,
      _meta: { ...rest._meta, [HASH_KEY]: spec.hash },
      template: { ...template, mappings: { ...template.mappings, _meta: { [HASH_KEY]: spec.mappingHash } } },
    } as Parameters<Client['indices']['putIndexTemplate']>[0]),
  );
  changes.push({ kind: 'template', target: spec.name, action: current ? 'updated' : 'created' });
}

/**
 * Bring existing indices of the template up to date: the mapping (additive changes only — Elasticsearch
 * refuses to change a field's type, and we say so) and the alias membership. Settings of existing
 * indices are left alone; new indices get the template's.
 */
async function upgradeExisting(client: Client, spec: TemplateSpec, changes: SetupChange[]): Promise<void> {
  const patterns = spec.body.index_patterns.join(',');
  const mappings = await call('讀取索引對應', () => client.indices.getMapping({ index: patterns, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'open' }));
  const aliases = Object.keys(spec.body.template.aliases ?? {});
  const aliasInfo = aliases.length > 0 ? await call('讀取別名', () => client.indices.getAlias({ index: patterns, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'open' })) : {};
  for (const index of Object.keys(mappings).sort()) {
    const meta = mappings[index]?.mappings._meta as Record<string, unknown> | undefined;
    if (meta?.[HASH_KEY] === spec.mappingHash) {
      changes.push({ kind: 'mapping', target: index, action: 'unchanged' });
    } else {
      const { dynamic, properties } = spec.body.template.mappings;
      try {
        await client.indices.putMapping({ index, dynamic: dynamic as 'strict', properties: properties as never, _meta: { [HASH_KEY]: spec.mappingHash } });
      } catch (err) {
        const e = toIndexError(err, `更新索引 ${index} 的對應`);
        throw new IndexError(
          `索引 ${index} 的既有對應與新版不相容，需重建索引 (reindex) 後再執行 setup (incompatible mapping change): ${e.message}`,
          { cause: e, retryable: false, ...(e.status ? { status: e.status } : {}), context: { index } },
        );
      }
      changes.push({ kind: 'mapping', target: index, action: 'updated' });
    }
    const has = (aliasInfo as Record<string, { aliases?: Record<string, unknown> }>)[index]?.aliases ?? {};
    for (const alias of aliases) {
      if (alias in has) continue;
      await call('加入別名', () => client.indices.updateAliases({ actions: [{ add: { index, alias } }] }));
      changes.push({ kind: 'alias', target: `${index} → ${alias}`, action: 'created' });
    }
  }
}

async function ensureIndex(client: Client, index: string, changes: SetupChange[]): Promise<void> {
  const exists = await call('檢查索引', () => client.indices.exists({ index }));
  if (exists) return;
  try {
    // The template gives it settings and mapping.
    await client.indices.create({ index });
    changes.push({ kind: 'index', target: index, action: 'created' });
  } catch (err) {
    const e = toIndexError(err, `建立索引 ${index}`);
    // Another setup created it between our check and our create: that is the state we want.
    if (e.esType !== 'resource_already_exists_exception') throw e;
    changes.push({ kind: 'index', target: index, action: 'unchanged' });
  }
}

/**
 * Create or upgrade the index templates, the alerts index, and the mappings and aliases of existing
 * indices from the committed JSON files. Idempotent: a second run reports every object `unchanged`.
 * @throws IndexError when Elasticsearch is unreachable, refuses a template (e.g. the `cjk` analyzer is
 *   missing), or an existing index's mapping cannot take the new one
 */
export async function setupIndices(client: Client, names: IndexNames = DEFAULT_INDEX_NAMES): Promise<SetupReport> {
  const changes: SetupChange[] = [];
  for (const spec of indexLayout(names)) {
    await ensureTemplate(client, spec, changes);
    // Upgrade existing indices before creating new ones, so a created index is not reported twice.
    await upgradeExisting(client, spec, changes);
    if (spec.createIndex) await ensureIndex(client, spec.createIndex, changes);
  }
  return { changes, changed: changes.some((c) => c.action !== 'unchanged') };
}

const ACTION_ZH: Record<SetupChange['action'], string> = { created: '已建立', updated: '已更新', unchanged: '未變更' };
const KIND_ZH: Record<SetupChange['kind'], string> = { template: '索引範本', index: '索引', mapping: '欄位對應', alias: '別名' };

/** One line per change, zh-TW first: `已建立 索引範本 yuqing-mentions (created template)`. */
export function formatSetupReport(report: SetupReport): string[] {
  return report.changes.map((c) => `${ACTION_ZH[c.action]} ${KIND_ZH[c.kind]} ${c.target} (${c.action} ${c.kind})`);
}
