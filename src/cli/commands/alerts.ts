import { acknowledge } from '../../alerts/lifecycle';
import type { AlertRecord } from '../../alerts/types';
import { formatDurationZh } from '../../core/duration';
import { formatLocal } from '../../core/time';
import { openStateStore } from '../../store/state-store';
import type { Project } from '../../config/load';
import { systemClock } from '../../core/clock';
import type { Output } from '../output';

const STATUS_ZH = { open: '處理中', acknowledged: '已確認', resolved: '已解除' } as const;

function line(a: AlertRecord, tz: string, now: number): string {
  const left = a.status === 'open' ? `，回應期限 ${formatLocal(a.respondBy, tz)}（${a.respondBy >= now ? '剩' : '已逾時'} ${formatDurationZh(Math.abs(a.respondBy - now))}）` : '';
  return `${a.id}  ${a.level}  ${STATUS_ZH[a.status]}  ${a.ruleName}  開始 ${formatLocal(a.openedAt, tz)}${left}`;
}

function withStore<T>(project: Project, fn: (store: ReturnType<typeof openStateStore>) => T): T {
  const store = openStateStore({ path: project.paths.sqlite, clock: systemClock, storeMentionDocuments: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** `yuqing alerts list [--all]`: open and acknowledged alerts (or all), newest first. */
export function alertsListCommand(project: Project, all: boolean, out: Output): number {
  return withStore(project, (store) => {
    const alerts = store.alerts.list(all ? {} : { statuses: ['open', 'acknowledged'] });
    if (alerts.length === 0) out.out(all ? '沒有任何警示 (no alerts)' : '目前沒有未解除的警示 (no open alerts)');
    for (const a of alerts) out.out(line(a, project.main.timeZone, Date.now()));
    return 0;
  });
}

/** `yuqing alerts show ID`: everything about one alert: why, numbers, deadlines, evidence, history, deliveries. */
export function alertsShowCommand(project: Project, id: string, out: Output): number {
  return withStore(project, (store) => {
    const a = store.alerts.get(id);
    if (!a) {
      out.err(`找不到警示 ${id} (no such alert)`);
      return 1;
    }
    const tz = project.main.timeZone;
    out.out(line(a, tz, Date.now()));
    out.out(`原因：${a.reason}`);
    out.out(`視窗 ${formatLocal(a.signal.windowStart, tz)}–${formatLocal(a.signal.windowEnd, tz)}：${a.signal.mentions} 則（基準 ${a.signal.baseline.toFixed(2)}，暴增 ${a.signal.spikeRatio.toFixed(1)} 倍，負面 ${Math.round(a.signal.negativeShare * 100)}%，高風險 ${a.signal.highRisk} 則）`);
    out.out(`期限：回應 ${formatLocal(a.respondBy, tz)}，處理 ${formatLocal(a.resolveBy, tz)}；規則版本 ${a.ruleVersion}`);
    if (a.acknowledgedAt) out.out(`確認：${a.acknowledgedBy ?? ''} 於 ${formatLocal(a.acknowledgedAt, tz)}${a.ackNote ? `（${a.ackNote}）` : ''}`);
    out.out('證據：');
    for (const e of a.evidence) out.out(`  - ${e.title}｜${e.site}｜${formatLocal(Date.parse(e.publishedAt), tz)}｜${e.url}｜sha256 ${e.contentSha256.slice(0, 16)}…`);
    out.out('經過：');
    for (const e of store.alerts.events(a.id)) out.out(`  #${e.seq} ${formatLocal(e.at, tz)} ${e.type}${e.toLevel ? ` → ${e.toLevel}` : ''}${e.recipients.length ? `（通知 ${e.recipients.join(', ')}）` : ''}`);
    out.out('投遞：');
    for (const d of store.outbox.forAlert(a.id)) out.out(`  ${d.status} ${d.channel} ${d.target} 嘗試 ${d.attempts} 次${d.lastError ? `，最後錯誤：${d.lastError}` : ''}`);
    return 0;
  });
}

/** `yuqing alerts ack ID --by NAME [--note TEXT]`: take ownership of an open alert. */
export function alertsAckCommand(project: Project, id: string, by: string, note: string | undefined, out: Output): number {
  return withStore(project, (store) => {
    const a = store.alerts.get(id);
    if (!a) {
      out.err(`找不到警示 ${id} (no such alert)`);
      return 1;
    }
    const now = Date.now();
    const r = acknowledge(a, { by, nowMs: now, timeZone: project.main.timeZone, ...(note ? { note } : {}) });
    if (!r.acknowledged) {
      out.err(r.message);
      return 1;
    }
    store.alerts.commit(r.alert, r.events, [], now);
    out.out(`✔ 已確認 ${id}（${by}，${formatLocal(now, project.main.timeZone)}）`);
    return 0;
  });
}
