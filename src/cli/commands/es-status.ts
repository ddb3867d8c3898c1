import { dirname } from 'node:path';
import type { Project } from '../../config/load';
import { systemClock } from '../../core/clock';
import { errorMessage } from '../../core/errors';
import { formatLocal } from '../../core/time';
import { createEsClient, esUrl, redactedUrl } from '../../store/elasticsearch/es-client';
import { indexNames } from '../../store/elasticsearch/index-names';
import { IndexSpoolRepo } from '../../store/index-spool-repo';
import { openStateStore } from '../../store/state-store';
import type { Output } from '../output';
import { esConfigOrReport } from './es-setup';

/**
 * `yuqing es status`: the node's health and document counts, and from the state file the spool depth,
 * the last successful write and the dead letters with their reasons.
 * @returns 0 when the node answers and nothing is dead-lettered, 1 otherwise
 */
export async function esStatusCommand(project: Project, out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const es = esConfigOrReport(project, out);
  if (!es) return 1;
  const tz = project.main.timeZone;
  const names = indexNames(es.indexPrefix);
  let ok = true;
  const client = createEsClient(es, { env, baseDir: dirname(project.configFile) });
  try {
    const health = await client.cluster.health({ timeout: '5s' });
    const count = async (index: string): Promise<number> => (await client.count({ index, ignore_unavailable: true, allow_no_indices: true })).count;
    out.out(`Elasticsearch ${redactedUrl(esUrl(es, env))}：${health.status}；提及 ${await count(names.mentionsAlias)} 則、警示文件 ${await count(names.alertsIndex)} 筆`);
  } catch (err) {
    ok = false;
    out.out(`✘ Elasticsearch ${redactedUrl(esUrl(es, env))} 無法連線 (unreachable)：${errorMessage(err)}`);
  } finally {
    await client.close();
  }

  const store = openStateStore({ path: project.paths.sqlite, clock: systemClock, storeMentionDocuments: false });
  try {
    const spool = new IndexSpoolRepo(store.db);
    const oldest = spool.oldestEnqueuedMs();
    const last = spool.lastSuccessMs();
    out.out(`索引佇列：${spool.depth()} 筆待寫${oldest === null ? '' : `，最舊 ${formatLocal(oldest, tz)}`}；最後成功寫入 ${last === null ? '尚無' : formatLocal(last, tz)}`);
    const dead = spool.deadLetters(20);
    const total = spool.deadLetterCount();
    out.out(`遭拒文件 (dead letters)：${total}`);
    for (const d of dead) out.out(`  #${d.id} ${d.index}/${d.docId} ${formatLocal(d.failedMs, tz)} [${d.status} ${d.errorType}] ${d.reason}`);
    if (total > dead.length) out.out(`  …另有 ${total - dead.length} 筆 (and more)`);
    if (total > 0) {
      ok = false;
      out.out('  修正對應 (mapping) 或資料後，執行 npx yuqing es requeue 重新送出 (fix, then requeue)');
    }
  } finally {
    store.close();
  }
  return ok ? 0 : 1;
}

/** `yuqing es requeue [ids…]`: put dead letters (all, or the given ids) back in the spool, in their order. */
export function esRequeueCommand(project: Project, ids: number[], out: Output): number {
  if (!esConfigOrReport(project, out)) return 1;
  const store = openStateStore({ path: project.paths.sqlite, clock: systemClock, storeMentionDocuments: false });
  try {
    const n = new IndexSpoolRepo(store.db).requeueDeadLetters(systemClock.now(), ids.length > 0 ? ids : undefined);
    out.out(`✔ 已將 ${n} 筆遭拒文件放回索引佇列，常駐服務會重新送出 (requeued)`);
    return 0;
  } finally {
    store.close();
  }
}
