import { formatLocal } from '../../core/time';
import { IndexSpoolRepo } from '../../store/index-spool-repo';
import { openStateStore } from '../../store/state-store';
import type { Project } from '../../config/load';
import { systemClock } from '../../core/clock';
import type { Output } from '../output';

const STATUS_ZH = { ok: '正常', failing: '失敗中', blocked: '被封鎖' } as const;
const BACKOFF_ZH = { failing: '連續失敗後的退避', blocked: '被封鎖，數小時後再試', 'retry-after': '來源要求稍後再來 Retry-After' } as const;

/** `yuqing status`: source health, outbox and open alerts, from the state file. */
export function statusCommand(project: Project, out: Output): number {
  const store = openStateStore({ path: project.paths.sqlite, clock: systemClock, storeMentionDocuments: true });
  try {
    const tz = project.main.timeZone;
    const sources = store.sources.list();
    out.out(`來源 (${sources.length})：`);
    for (const s of sources) {
      const failures = s.consecutiveFailures > 0 ? ` 連續失敗 ${s.consecutiveFailures} 次` : '';
      const backoff = s.nextAttemptMs !== null && s.nextAttemptMs > systemClock.now() ? ` 退避中，${formatLocal(s.nextAttemptMs, tz)} 前不抓取（${BACKOFF_ZH[s.backoffReason ?? 'failing']}）` : '';
      const revisits = store.revisits.pendingCount(s.connector);
      out.out(
        `  ${s.status === 'ok' ? '✔' : '✘'} ${s.connector} ${STATUS_ZH[s.status]}（自 ${formatLocal(s.sinceMs, tz)}）${s.lastOkMs ? ` 最後成功 ${formatLocal(s.lastOkMs, tz)}` : ''}${failures}${backoff}${s.lastError ? ` 錯誤 [${s.lastErrorCode}] ${s.lastError}` : ''}${revisits > 0 ? ` 待重新檢查 ${revisits} 則` : ''}`,
      );
    }
    const o = store.outbox.summary();
    out.out(`寄送佇列：待送 ${o.pending}，已送 ${o.sent}，失敗 ${o.failed}${o.oldestPendingMs ? `，最舊待送 ${formatLocal(o.oldestPendingMs, tz)}` : ''}`);
    const open = store.alerts.list({ statuses: ['open', 'acknowledged'] });
    out.out(`未解除警示：${open.length}`);
    for (const a of open) out.out(`  ${a.level} ${a.ruleName} ${a.id}`);
    if (project.main.elasticsearch) {
      // With Elasticsearch the documents live in the index; SQLite keeps ids, hits and the spool.
      const spool = new IndexSpoolRepo(store.db);
      out.out(`提及：已收錄 ${store.mentions.countSeen()} 則（含不符合規則者）；Elasticsearch 待寫入 ${spool.depth()} 筆，無法寫入 ${spool.deadLetterCount()} 筆（詳見 yuqing es status）`);
    } else {
      out.out(`已保存提及：${store.mentions.countMentions()}`);
    }
    return 0;
  } finally {
    store.close();
  }
}
