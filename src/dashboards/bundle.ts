import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors';
import { DEFAULT_INDEX_NAMES } from '../store/elasticsearch/index-names';
import { indexLayout, type TemplateFile } from '../store/elasticsearch/index-layout';
import type { StableIds } from './check';
import { indexTarget, type IndexTarget } from './mapping-fields';
import { parseSavedObjects, type SavedObject } from './saved-object';

/**
 * Where the shipped dashboards live and how they are read. The folder sits at the package root
 * (`dashboards/`), next to `dist/` and `src/`, so the same path works from both.
 */
export const DASHBOARDS_DIR = join(__dirname, '..', '..', 'dashboards');
/** The saved objects Kibana imports. */
export const DEFAULT_NDJSON = join(DASHBOARDS_DIR, 'yuqing.ndjson');
/** The committed list of ids that must stay stable. */
export const DEFAULT_STABLE_IDS = join(DASHBOARDS_DIR, 'stable-ids.json');
/** Template file names in a mappings folder (as committed in src/store/elasticsearch/mappings/). */
export const MAPPING_FILES = { mentions: 'mentions-template.json', alerts: 'alerts-template.json' } as const;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError('E_CONFIG_IO', [{ file, message: `無法讀取檔案 (cannot read file)：${(cause as Error).message}` }], { cause });
  }
}

function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ConfigError('E_CONFIG_SCHEMA', [{ file, message: `不是有效的 JSON (invalid JSON)：${(cause as Error).message}` }], { cause });
  }
}

/** @throws ConfigError when the file cannot be read or a line is not a saved object */
export function readSavedObjects(file: string = DEFAULT_NDJSON): SavedObject[] {
  return parseSavedObjects(readText(file), file);
}

/** @throws ConfigError when the file cannot be read or is not `{ objects: [{type, id}] }` */
export function readStableIds(file: string = DEFAULT_STABLE_IDS): StableIds {
  const v = readJson(file) as Partial<StableIds>;
  if (!Array.isArray(v.objects) || !v.objects.every((o) => typeof o?.type === 'string' && typeof o?.id === 'string')) {
    throw new ConfigError('E_CONFIG_SCHEMA', [{ file, keyPath: 'objects', message: '必須是 {type, id} 的陣列 (must list {type, id} objects)' }]);
  }
  return { objects: v.objects };
}

/**
 * The index targets to check against: the committed templates, or the two template files in
 * `mappingsDir` (to try a mapping change before committing it).
 * @throws ConfigError when a file in `mappingsDir` is missing or not JSON
 */
export function readIndexTargets(mappingsDir?: string): IndexTarget[] {
  if (!mappingsDir) return indexLayout(DEFAULT_INDEX_NAMES).map((s) => indexTarget(s.name, s.body));
  return Object.entries(MAPPING_FILES).map(([kind, name]) => {
    const file = join(mappingsDir, name);
    if (!existsSync(file)) throw new ConfigError('E_CONFIG_IO', [{ file, message: `找不到 ${kind} 的索引範本 (template file missing)` }]);
    return indexTarget(name, readJson(file) as TemplateFile);
  });
}
