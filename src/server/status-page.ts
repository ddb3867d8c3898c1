import { createHash } from 'node:crypto';
import { formatTimeLeft, oneLine } from '../alerts/render/format';
import { escapeHtml as esc, httpUrlOrUndefined } from '../alerts/render/html-escape';
import { LEVEL_NAME, SENTIMENT_LABEL, STATUS_LABEL } from '../alerts/render/vocabulary';
import { alertKind, type AlertKind, type AlertRecord } from '../alerts/types';
import { formatLocal } from '../core/time';
import type { AckParams } from './ack-link';
import { barChartSvg } from './status-chart';
import type { StatusSnapshot } from './status-data';

/**
 * The daemon's status page (`GET /status`), zh-TW first, for people without Kibana: open alerts with
 * their red clock and an acknowledge form, per-rule daily volume as small inline SVG charts, and
 * source health. Server-rendered, no script at all; the one `<style>` block is allowed by its hash
 * in the Content-Security-Policy, so nothing injected could run or restyle the page. Every string
 * from outside (rule names, reasons, mention titles, URLs, sites, error messages, names) is escaped;
 * only absolute http(s) URLs become links.
 */

const STYLE = `
body{font-family:system-ui,"Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;margin:0 auto;max-width:64rem;padding:1rem 1.25rem 3rem;line-height:1.55;color:#212121;background:#fafafa}
h1{font-size:1.5rem;margin:.5rem 0 0}h1 small{font-size:.9rem;color:#757575;font-weight:normal}
h2{font-size:1.15rem;margin:2rem 0 .75rem;border-bottom:2px solid #e0e0e0;padding-bottom:.25rem}
h3{font-size:1rem;margin:0 0 .25rem}
.meta,.muted{color:#616161;font-size:.9rem}
.notice{padding:.6rem .9rem;border-radius:6px;margin:1rem 0;background:#e8f5e9;border:1px solid #a5d6a7}
.notice.error{background:#ffebee;border-color:#ef9a9a}
.alert{background:#fff;border:1px solid #e0e0e0;border-left:6px solid #9e9e9e;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
.alert.L3{border-left-color:#b71c1c}.alert.L2{border-left-color:#e65100}.alert.L1{border-left-color:#f9a825}
.head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.badge{font-weight:bold;color:#fff;border-radius:4px;padding:0 .45rem;background:#9e9e9e}
.badge.L3{background:#b71c1c}.badge.L2{background:#e65100}.badge.L1{background:#f9a825;color:#212121}
.tag{font-size:.8rem;border:1px solid #bdbdbd;border-radius:999px;padding:0 .5rem;color:#424242}
.tag.open{border-color:#b71c1c;color:#b71c1c}
.clock{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:.5rem 0}
.clock div{min-width:14rem}.clock dt{font-size:.8rem;color:#616161}.clock dd{margin:0;font-weight:bold}
.left{font-weight:normal;margin-left:.35rem}.overdue dd,.overdue .left{color:#b71c1c}
.evidence{margin:.25rem 0 .5rem;padding-left:1.2rem}.evidence li{margin:.15rem 0}
.site{color:#616161;font-size:.85rem}
form.ack{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-top:.5rem;border-top:1px dashed #e0e0e0;padding-top:.5rem}
form.ack label{font-size:.85rem;color:#424242;display:flex;flex-direction:column}
form.ack input{font-size:1rem;padding:.3rem .4rem;border:1px solid #bdbdbd;border-radius:4px}
form.ack button{font-size:1rem;padding:.4rem 1.1rem;background:#b71c1c;color:#fff;border:0;border-radius:4px;cursor:pointer}
.acked{margin-top:.5rem;color:#2e7d32}
.volumes{display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:1rem}
.vol{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:.6rem .8rem}
.chart{display:block;margin:.25rem 0}.bar{fill:#5c6bc0}.bar-today{fill:#b71c1c}.bar-zero{fill:#e0e0e0}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #eee;vertical-align:top;font-size:.9rem}
th{color:#616161;font-weight:normal}
.st-ok{color:#2e7d32}.st-failing{color:#e65100}.st-blocked{color:#b71c1c}
.err{color:#424242;font-size:.85rem;word-break:break-all}
footer{margin-top:2rem;color:#757575;font-size:.85rem}
`;

/** `'sha256-…'`: the only style the page's Content-Security-Policy allows. */
export const STATUS_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing may load or run; the hashed style block is the only
 * style; forms post back to this server only; the page cannot be framed.
 */
export const STATUS_CSP = `default-src 'none'; style-src ${STATUS_STYLE_HASH}; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

/** Seconds between automatic reloads, so the red clock stays current on a wall screen. */
export const STATUS_REFRESH_SECONDS = 60;

const KIND_LABEL: Record<AlertKind, string> = { crisis: '危機', hotspot: '週報熱點', source: '來源異常' };
const SOURCE_STATUS: Record<string, string> = { ok: '正常', failing: '失敗中', blocked: '被封鎖' };
const BACKOFF: Record<string, string> = { failing: '連續失敗後退避', blocked: '被封鎖，稍後再試', 'retry-after': '來源要求稍後再來' };

/** A message shown above the alerts after an acknowledge attempt (fixed texts; nothing from the request is echoed). */
export interface StatusNotice {
  kind: 'ok' | 'error';
  text: string;
}

export interface StatusPageOptions {
  /** The signed hidden fields of an alert's acknowledge form. */
  ackFields(alert: AlertRecord): AckParams;
  notice?: StatusNotice;
}

function deadline(label: string, atMs: number, nowMs: number, tz: string, done?: string): string {
  if (done) return `<div><dt>${esc(label)}</dt><dd>${esc(formatLocal(atMs, tz))}<span class="left">${esc(done)}</span></dd></div>`;
  const left = formatTimeLeft(atMs, nowMs);
  return `<div class="${left.overdue ? 'overdue' : 'ok'}"><dt>${esc(label)}</dt><dd>${esc(formatLocal(atMs, tz))}<span class="left">（${esc(left.text)}）</span></dd></div>`;
}

function evidenceList(alert: AlertRecord, tz: string): string {
  const items = alert.evidence.slice(-5).reverse();
  if (items.length === 0) return '';
  const li = items.map((e) => {
    const href = httpUrlOrUndefined(e.url);
    const title = esc(oneLine(e.title || e.url, 120));
    const link = href ? `<a href="${esc(href)}" rel="noopener noreferrer nofollow" target="_blank">${title}</a>` : title;
    const when = Date.parse(e.publishedAt);
    return `<li>${link} <span class="site">${esc(oneLine(e.site, 60))} · ${esc(SENTIMENT_LABEL[e.sentiment] ?? e.sentiment)}${Number.isFinite(when) ? ` · ${esc(formatLocal(when, tz))}` : ''}</span></li>`;
  });
  const more = alert.evidence.length > items.length ? `<li class="muted">…另有 ${alert.evidence.length - items.length} 則證據</li>` : '';
  return `<p class="muted">最新證據（共 ${alert.evidence.length} 則）：</p><ul class="evidence">${li.join('')}${more}</ul>`;
}

function ackForm(alert: AlertRecord, fields: AckParams): string {
  const hidden = (['r', 'e', 's'] as const).map((k) => `<input type="hidden" name="${k}" value="${esc(fields[k])}">`).join('');
  return `<form class="ack" method="post" action="/status/ack/${esc(encodeURIComponent(alert.id))}">${hidden}
<label>確認者（必填）<input name="by" required maxlength="80" autocomplete="name" placeholder="您的名字"></label>
<label>備註（選填）<input name="note" maxlength="500"></label>
<button type="submit">確認收到 (Acknowledge)</button></form>`;
}

function alertCard(a: AlertRecord, s: StatusSnapshot, options: StatusPageOptions): string {
  const tz = s.timeZone;
  const acked = a.status === 'acknowledged';
  const ackText = acked && a.acknowledgedAt !== undefined ? `已確認（${formatLocal(a.acknowledgedAt, tz)}）` : undefined;
  const signal = a.signal;
  const facts = [`開始 ${formatLocal(a.openedAt, tz)}`, `編號 ${a.id}`, ...(alertKind(a) === 'crisis' ? [`窗口內提及 ${signal.mentions}（基準 ${Math.round(signal.baseline * 10) / 10}）`] : [])];
  return `<article class="alert ${esc(a.level)}" id="alert-${esc(a.id)}" data-alert-id="${esc(a.id)}">
<div class="head"><span class="badge ${esc(a.level)}">${esc(a.level)} ${esc(LEVEL_NAME[a.level])}</span><strong>${esc(oneLine(a.ruleName, 120))}</strong><span class="tag">${esc(KIND_LABEL[alertKind(a)])}</span><span class="tag ${esc(a.status)}">${esc(STATUS_LABEL[a.status])}</span></div>
<dl class="clock">${deadline('回應期限 (respond by)', a.respondBy, s.nowMs, tz, ackText)}${deadline('處理期限 (resolve by)', a.resolveBy, s.nowMs, tz)}</dl>
<p>原因：${esc(oneLine(a.reason, 300))}</p>
<p class="muted">${facts.map((f) => esc(f)).join(' · ')}</p>
${evidenceList(a, tz)}
${acked ? `<p class="acked">✔ 已由 ${esc(oneLine(a.acknowledgedBy ?? '', 120))} 確認${a.ackNote ? `；備註：${esc(oneLine(a.ackNote, 300))}` : ''}</p>` : ackForm(a, options.ackFields(a))}
</article>`;
}

function volumes(s: StatusSnapshot): string {
  if (s.volumes.length === 0) return '<p class="muted">沒有規則檔。</p>';
  const days = s.volumes[0]?.days.length ?? 0;
  const cards = s.volumes.map((v) => {
    const total = v.days.reduce((n, d) => n + d.count, 0);
    const today = v.days.at(-1)?.count ?? 0;
    const peak = Math.max(0, ...v.days.map((d) => d.count));
    const bars = v.days.map((d, i) => ({ label: `${formatLocal(d.startMs, s.timeZone).slice(5, 10)}：${d.count} 則`, value: d.count, current: i === v.days.length - 1 }));
    return `<div class="vol"><h3>${esc(oneLine(v.ruleName, 80))} <span class="muted">${esc(v.ruleId)}</span></h3>${barChartSvg(bars, { title: `${v.ruleName} 近 ${days} 天每日提及數` })}<p class="muted">今日 ${today} 則 · ${days} 天共 ${total} 則 · 單日最多 ${peak} 則</p></div>`;
  });
  return `<div class="volumes">${cards.join('')}</div>`;
}

function sources(s: StatusSnapshot): string {
  if (s.sources.length === 0) return '<p class="muted">尚未有任何來源執行過。</p>';
  const tz = s.timeZone;
  const rows = s.sources.map((x) => {
    const backoff = x.nextAttemptMs !== null && x.nextAttemptMs > s.nowMs ? `${formatLocal(x.nextAttemptMs, tz)} 前不抓取（${BACKOFF[x.backoffReason ?? 'failing'] ?? ''}）` : '';
    const err = x.status !== 'ok' && x.lastError ? `<div class="err">[${esc(x.lastErrorCode ?? '')}] ${esc(oneLine(x.lastError, 300))}</div>` : '';
    return `<tr data-connector="${esc(x.connector)}"><td>${esc(x.connector)}</td><td class="st-${esc(x.status)}">${esc(SOURCE_STATUS[x.status] ?? x.status)}（自 ${esc(formatLocal(x.sinceMs, tz))}）${err}</td><td>${x.lastOkMs === null ? '—' : esc(formatLocal(x.lastOkMs, tz))}</td><td>${x.consecutiveFailures}</td><td>${x.lastNewItems} / ${x.itemsTotal}</td><td>${esc(backoff) || '—'}</td></tr>`;
  });
  return `<table><thead><tr><th>來源</th><th>狀態</th><th>最後成功</th><th>連續失敗</th><th>上次新項目／累計</th><th>退避</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole page. */
export function renderStatusPage(s: StatusSnapshot, options: StatusPageOptions): string {
  const notice = options.notice ? `<p class="notice${options.notice.kind === 'error' ? ' error' : ''}" role="status">${esc(options.notice.text)}</p>` : '';
  const open = s.alerts.filter((a) => a.status === 'open').length;
  const alerts = s.alerts.length === 0 ? '<p class="muted">目前沒有未解除的警示。</p>' : s.alerts.map((a) => alertCard(a, s, options)).join('\n');
  const days = s.volumes[0]?.days.length ?? 0;
  return `<!doctype html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="${STATUS_REFRESH_SECONDS}"><title>輿情狀態（${open} 則待處理）</title><style>${STYLE}</style></head>
<body>
<header><h1>輿情狀態 <small>Yuqing status</small></h1><p class="meta">資料時間 ${esc(formatLocal(s.nowMs, s.timeZone))}（${esc(s.timeZone)}）· 每 ${STATUS_REFRESH_SECONDS} 秒自動更新</p></header>
${notice}
<section><h2>未解除警示（${s.alerts.length}，待處理 ${open}）</h2>
${alerts}
</section>
<section><h2>近 ${days} 天聲量（依規則）</h2>${volumes(s)}</section>
<section><h2>來源健康</h2>${sources(s)}</section>
<footer>機器可讀：<code>/healthz</code>（JSON）、<code>/metrics</code>（Prometheus）。分析請用 Kibana 儀表板「輿情總覽」「事件調查」。</footer>
</body></html>
`;
}
