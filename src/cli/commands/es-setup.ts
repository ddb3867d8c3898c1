import { dirname } from 'node:path';
import type { Project } from '../../config/load';
import { createEsClient } from '../../store/elasticsearch/es-client';
import { indexNames } from '../../store/elasticsearch/index-names';
import { formatSetupReport, setupIndices } from '../../store/elasticsearch/setup';
import type { Output } from '../output';

/** The `elasticsearch:` block, or a message and `undefined` when the config has none. */
export function esConfigOrReport(project: Project, out: Output): NonNullable<Project['main']['elasticsearch']> | undefined {
  const es = project.main.elasticsearch;
  if (!es) out.err(`✘ ${project.configFile} 沒有 elasticsearch 區塊，提及只存在 SQLite (no elasticsearch block in the main config)`);
  return es;
}

/**
 * `yuqing es setup`: create or upgrade the index templates, the alerts index and the mappings of
 * existing indices from the committed JSON files, printing one line per object. Idempotent; the
 * daemon runs the same check at start, so this is for a first look, CI and upgrades.
 * @returns 0 when everything is in place, 1 otherwise (the error says which index and why)
 */
export async function esSetupCommand(project: Project, out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const es = esConfigOrReport(project, out);
  if (!es) return 1;
  const client = createEsClient(es, { env, baseDir: dirname(project.configFile) });
  try {
    const report = await setupIndices(client, indexNames(es.indexPrefix));
    for (const line of formatSetupReport(report)) out.out(line);
    out.out(report.changed ? '✔ Elasticsearch 索引已就緒 (index layout set up)' : '✔ 已是最新，沒有變更 (already up to date)');
    return 0;
  } finally {
    await client.close();
  }
}
