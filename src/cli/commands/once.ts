import { createLogger } from '../../core/logger';
import { formatLocal } from '../../core/time';
import { App } from '../../pipeline/app';
import type { Output } from '../output';
import { loadProjectOrReport } from '../project';

/** Exit codes of `yuqing once`. */
export const ONCE_EXIT = { ok: 0, config: 1, failures: 3 } as const;

/**
 * `yuqing once`: one full cycle (every enabled connector, detection, delivery), then exit.
 * Exit 0 when every connector ran and nothing failed permanently, 3 when something failed, 1 on
 * invalid configuration. Logs go to stderr; the summary to stdout.
 */
export async function onceCommand(configPath: string | undefined, out: Output): Promise<number> {
  const project = loadProjectOrReport(configPath, out);
  if (!project) return ONCE_EXIT.config;
  const app = new App(project, { log: createLogger({ fd: 2 }), processMetrics: false });
  try {
    const r = await app.runCycle();
    const tz = project.main.timeZone;
    for (const p of r.polls) {
      if (p.ok) out.out(`✔ ${p.connector}：${p.notModified ? '沒有更新 (304)' : `取得 ${p.summary.fetched} 則，新增 ${p.summary.stored} 則，重複 ${p.summary.duplicates} 則`}`);
      else out.out(`✘ ${p.connector}：${p.blocked ? '被封鎖' : '失敗'} [${p.code}] ${p.message}`);
    }
    for (const d of r.detections) {
      for (const e of d.events) out.out(`⚑ ${d.ruleId}：${e.type} ${e.toLevel ?? d.alert?.level ?? ''}（${formatLocal(e.at, tz)}）`);
    }
    out.out(`投遞：送達 ${r.delivery.sent}，待重試 ${r.delivery.retried}，失敗 ${r.delivery.failed}`);
    const failed = r.polls.some((p) => !p.ok) || r.delivery.failed > 0;
    return failed ? ONCE_EXIT.failures : ONCE_EXIT.ok;
  } finally {
    await app.stop();
  }
}
