import { summarizeKpis, type KpiGroup } from '../../alerts/kpi';
import { acknowledge } from '../../alerts/lifecycle';
import { formatExpected } from '../../alerts/render/format';
import { risingText } from '../../alerts/render/alert-facts';
import { EVENT_LABEL, RISING_TERMS_LABEL } from '../../alerts/render/vocabulary';
import { alertKind, type AlertRecord } from '../../alerts/types';
import { formatDurationZh } from '../../core/duration';
import { formatLocal } from '../../core/time';
import { openStateStore } from '../../store/state-store';
import type { Project } from '../../config/load';
import { systemClock, type Clock } from '../../core/clock';
import type { Output } from '../output';

const STATUS_ZH = { open: '處理中', acknowledged: '已確認', resolved: '已解除' } as const;
const KIND_ZH = { crisis: '危機', hotspot: '週報熱點', source: '來源異常' } as const;
const PROFILE_ZH = { none: '不分時段', hourOfDay: '依時段（每日同一小時）', hourOfWeek: '依星期與時段' } as const;

function line(a: AlertRecord, tz: string, now: number): string {
  const left = a.status === 'open' ? `，回應期限 ${formatLocal(a.respondBy, tz)}（${a.respondBy >= now ? '剩' : '已逾時'} ${formatDurationZh(Math.abs(a.respondBy - now))}）` : '';
  const escalated = a.escalatedAt !== undefined && a.status === 'open' ? '，已升級通報' : '';
  return `${a.id}  ${a.level}  ${STATUS_ZH[a.status]}  ${KIND_ZH[alertKind(a)]}  ${a.ruleName}  開始 ${formatLocal(a.openedAt, tz)}${left}${escalated}`;
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
export function alertsListCommand(project: Project, all: boolean, out: Output, clock: Clock = systemClock): number {
  return withStore(project, (store) => {
    const alerts = store.alerts.list(all ? {} : { statuses: ['open', 'acknowledged'] });
    if (alerts.length === 0) out.out(all ? '沒有任何警示 (no alerts)' : '目前沒有未解除的警示 (no open alerts)');
    for (const a of alerts) out.out(line(a, project.main.timeZone, clock.now()));
    return 0;
  });
}

/** `yuqing alerts show ID`: everything about one alert: why, numbers, deadlines, KPIs, evidence, history, deliveries. */
export function alertsShowCommand(project: Project, id: string, out: Output, clock: Clock = systemClock): number {
  return withStore(project, (store) => {
    const a = store.alerts.get(id);
    if (!a) {
      out.err(`找不到警示 ${id} (no such alert)`);
      return 1;
    }
    const tz = project.main.timeZone;
    out.out(line(a, tz, clock.now()));
    out.out(`原因：${a.reason}`);
    if (a.source) {
      const s = a.source;
      out.out(`來源：${s.connector}，${s.problem === 'silent' ? '沒有新內容' : s.problem === 'blocked' ? '被封鎖' : '抓取失敗'}，自 ${formatLocal(s.sinceMs, tz)}（門檻 ${formatDurationZh(s.thresholdMs)}，連續失敗 ${s.consecutiveFailures} 次${s.lastError ? `，最後錯誤：${s.lastError}` : ''}）`);
    } else {
      const s = a.signal;
      const info = s.baselineInfo ? `；基準方法 ${s.baselineInfo.method}、${PROFILE_ZH[s.baselineInfo.profile]}、歷史 ${s.baselineInfo.days} 天` : '';
      out.out(`視窗 ${formatLocal(s.windowStart, tz)}–${formatLocal(s.windowEnd, tz)}：${s.mentions} 則（基準 ${s.baseline.toFixed(2)}，暴增 ${s.spikeRatio.toFixed(1)} 倍，z ${(s.zScore ?? 0).toFixed(1)}，成長 ${s.velocity ?? 0}，負面 ${Math.round(s.negativeShare * 100)}%，高風險 ${s.highRisk} 則${info}）`);
    }
    if (a.drivers?.topTerms.length) out.out(`熱門詞：${a.drivers.topTerms.map((t) => `${t.term} ×${t.count}`).join('、')}`);
    if (a.drivers?.risingTerms) out.out(`${RISING_TERMS_LABEL}：${risingText(a.drivers.risingTerms.map((t) => ({ term: t.term, count: t.count, expected: formatExpected(t.expected) })))}`);
    if (a.hotspot) out.out(`週報熱點：${a.hotspot.topic} 本週（${formatLocal(a.hotspot.weekStartMs, tz).slice(0, 10)} 起）${a.hotspot.count} 則，門檻 > ${a.hotspot.moreThan}`);
    out.out(`期限：回應 ${formatLocal(a.respondBy, tz)}，處理 ${formatLocal(a.resolveBy, tz)}；規則版本 ${a.ruleVersion}`);
    if (a.acknowledgedAt) out.out(`確認：${a.acknowledgedBy ?? ''} 於 ${formatLocal(a.acknowledgedAt, tz)}${a.ackNote ? `（${a.ackNote}）` : ''}`);
    const kpi = [
      a.timeToAckMs !== undefined ? `首次確認 ${formatDurationZh(a.timeToAckMs)}（${a.ackWithinSla ? '在期限內' : '逾時'}）` : '尚未確認',
      a.timeToResolveMs !== undefined ? `解除 ${formatDurationZh(a.timeToResolveMs)}` : undefined,
      a.escalatedAt !== undefined ? `於 ${formatLocal(a.escalatedAt, tz)} 升級通報` : undefined,
      a.remindersSent ? `紅色時鐘提醒 ${a.remindersSent} 次` : undefined,
    ].filter(Boolean);
    out.out(`KPI：${kpi.join('；')}`);
    out.out('證據：');
    for (const e of a.evidence) out.out(`  - ${e.title}｜${e.site}｜${formatLocal(Date.parse(e.publishedAt), tz)}｜${e.url}｜sha256 ${e.contentSha256.slice(0, 16)}…`);
    out.out('經過：');
    for (const e of store.alerts.events(a.id)) {
      const label = EVENT_LABEL[e.type] ?? e.type;
      out.out(`  #${e.seq} ${formatLocal(e.at, tz)} ${label}${e.toLevel ? ` ${e.toLevel}` : ''}${e.recipients.length ? `（通知 ${e.recipients.join(', ')}）` : ''}`);
    }
    out.out('投遞：');
    for (const d of store.outbox.forAlert(a.id)) out.out(`  ${d.status} ${d.channel} ${d.target} 嘗試 ${d.attempts} 次${d.lastError ? `，最後錯誤：${d.lastError}` : ''}`);
    return 0;
  });
}

/** `yuqing alerts ack ID --by NAME [--note TEXT]`: take ownership of an open alert. */
export function alertsAckCommand(project: Project, id: string, by: string, note: string | undefined, out: Output, clock: Clock = systemClock): number {
  return withStore(project, (store) => {
    const now = clock.now();
    // Read, decide and commit under the write lock, so a running daemon cannot overwrite the ack.
    const step = store.alerts.exclusive(() => {
      const a = store.alerts.get(id);
      if (!a) return undefined;
      const r = acknowledge(a, { by, nowMs: now, timeZone: project.main.timeZone, ...(note ? { note } : {}) });
      if (r.acknowledged) store.alerts.commit(r.alert, r.events, [], now);
      return { a, r };
    });
    if (!step) {
      out.err(`找不到警示 ${id} (no such alert)`);
      return 1;
    }
    const { a, r } = step;
    if (!r.acknowledged) {
      out.err(r.message);
      return 1;
    }
    const kpi = r.alert.timeToAckMs !== undefined && a.timeToAckMs === undefined ? `，開始後 ${formatDurationZh(r.alert.timeToAckMs)}${r.alert.ackWithinSla ? '，在回應期限內' : '，已超過回應期限'}` : '';
    out.out(`✔ 已確認 ${id}（${by}，${formatLocal(now, project.main.timeZone)}${kpi}）`);
    return 0;
  });
}

function kpiLine(name: string, g: KpiGroup): string {
  if (g.alerts === 0) return `  ${name}：沒有警示`;
  const pct = g.ackWithinSlaShare === null ? '—' : `${Math.round(g.ackWithinSlaShare * 100)}%`;
  const d = (ms: number | null): string => (ms === null ? '—' : formatDurationZh(ms));
  return `  ${name}：${g.alerts} 則；已確認 ${g.acknowledged}（期限內 ${pct}），確認時間中位數 ${d(g.medianTimeToAckMs)}、90% ${d(g.p90TimeToAckMs)}；已解除 ${g.resolved}，解除時間中位數 ${d(g.medianTimeToResolveMs)}；升級通報 ${g.escalated}；仍待確認 ${g.unacknowledgedOpen}`;
}

/**
 * `yuqing alerts kpi [--days N] [--json]`: the response KPIs of crisis alerts opened in the last
 * N days (default 30): time to acknowledge (median, 90th percentile), share within the respond
 * deadline, time to resolve, escalations — overall and per peak level.
 */
export function alertsKpiCommand(project: Project, days: number, json: boolean, out: Output, clock: Clock = systemClock): number {
  return withStore(project, (store) => {
    const to = clock.now();
    const from = to - days * 86_400_000;
    const report = summarizeKpis(store.alerts.openedBetween(from, to + 1), from, to + 1);
    if (json) {
      out.out(JSON.stringify({ ...report, from: new Date(from).toISOString(), to: new Date(to).toISOString() }, null, 2));
      return 0;
    }
    const tz = project.main.timeZone;
    out.out(`回應 KPI：${formatLocal(from, tz)} → ${formatLocal(to, tz)}（最近 ${days} 天開始的危機警示）`);
    out.out(kpiLine('全部', report.overall));
    for (const level of ['L3', 'L2', 'L1'] as const) out.out(kpiLine(level, report.byLevel[level]));
    return 0;
  });
}
