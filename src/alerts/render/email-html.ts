import type { CrisisLevel } from '../../core/types';
import { risingText, type AlertFacts } from './alert-facts';
import { escapeHtml as esc } from './html-escape';
import { RISING_TERMS_LABEL } from './vocabulary';

/**
 * The HTML part of an alert email. Rules that keep it safe in every mail client:
 * every outside string goes through `escapeHtml`; links only for URLs the facts marked http(s)
 * (they are escaped again for the attribute); inline styles only; no scripts, no remote images,
 * no forms. Tables for layout because mail clients still render them most reliably.
 */
export function renderEmailHtml(f: AlertFacts): string {
  const color = f.status.code === 'resolved' ? RESOLVED_COLOR : LEVEL_COLOR[f.level.code];
  const parts: string[] = [];

  parts.push(
    `<p style="margin:0 0 12px">${esc(f.greeting)}</p>`,
    `<div style="border-left:6px solid ${color};background:#fafafa;padding:12px 16px;margin:0 0 16px">`,
    `<div style="font-size:18px;font-weight:bold;color:${color}">${esc(f.level.code)} ${esc(f.level.name)}・${esc(f.event.label)}</div>`,
    `<div style="font-size:16px;margin-top:6px">${esc(f.headline)}</div>`,
    `<div style="margin-top:6px">${esc(f.event.action)}</div>`,
    `</div>`,
  );

  parts.push(heading(`期限（剩餘時間以 ${f.asOf} 計）`));
  parts.push(
    table(
      f.deadlines.map((d) => [esc(d.label), `${esc(d.at)}　<span style="color:${d.overdue ? '#b71c1c' : '#1b5e20'};font-weight:bold">${esc(d.state)}</span>`]),
    ),
  );
  if (f.ackUrl) {
    parts.push(
      `<p style="margin:12px 0"><a href="${esc(f.ackUrl)}" style="display:inline-block;background:${color};color:#ffffff;padding:8px 16px;text-decoration:none;border-radius:4px">確認收到（Acknowledge）</a></p>`,
    );
  }

  parts.push(heading('等級與狀態'));
  parts.push(
    table([
      ['等級', `${esc(f.level.code)} ${esc(f.level.name)}（最高曾達 ${esc(f.level.peak)}）`],
      ['意義', esc(f.level.meaning)],
      ['狀態', esc(f.status.label + (f.status.detail ? `，${f.status.detail}` : ''))],
      ['事件', `${esc(f.event.label)}（${esc(f.event.at)}）`],
    ]),
  );

  if (f.source) {
    parts.push(heading('來源狀態'));
    parts.push(
      table([
        ['來源', esc(f.source.connector)],
        ['狀況', `${esc(f.source.problem)}，自 ${esc(f.source.since)} 起（門檻 ${esc(f.source.threshold)}）`],
        ['連續失敗', `${f.source.failures} 次${f.source.lastErrorCode ? `，最後錯誤代碼 ${esc(f.source.lastErrorCode)}` : ''}`],
        ['最後錯誤', f.source.lastError ? esc(f.source.lastError) : '（無）'],
      ]),
    );
    return finish(parts, f);
  }

  parts.push(heading('觸發原因'));
  parts.push(
    table([
      ['條件', esc(f.reason.words)],
      ['原文', `<code style="background:#f0f0f0;padding:1px 4px">${esc(f.reason.written)}</code>`],
    ]),
  );

  parts.push(heading('聲量'));
  parts.push(
    table([
      ...(f.hotspot ? ([['本週', `${esc(f.hotspot.weekStart)} 起「${esc(f.hotspot.topic)}」提及 ${f.hotspot.count} 則，超過門檻 ${f.hotspot.moreThan} 則`]] as Array<[string, string]>) : []),
      ['觀察窗口', `${esc(f.volume.window)}（${esc(f.volume.windowLength)}）`],
      ['窗口內提及', `${f.volume.mentions} 則`],
      ['基準', `${esc(f.volume.baseline)} 則`],
      ['倍數', esc(f.volume.spikeRatio)],
      ['負面', `${f.negative.count} / ${f.negative.total} 則（${esc(f.negative.share)}）`],
    ]),
  );

  parts.push(heading('風險主題、熱門詞與來源'));
  parts.push(
    table([
      ['風險主題', f.riskTopics.length ? f.riskTopics.map((t) => `${esc(t.name)}（${esc(t.id)}，${esc(t.riskLabel)}）：${t.count} 則`).join('<br>') : '（窗口內未命中風險主題）'],
      ['熱門詞', f.topTerms.length ? f.topTerms.map((t) => `${esc(t.term)} ×${t.count}`).join('、') : '（無）'],
      ...(f.risingTerms ? ([[RISING_TERMS_LABEL, esc(risingText(f.risingTerms))]] as Array<[string, string]>) : []),
      ['主要來源', f.topSources.length ? f.topSources.map((s) => `${esc(s.site)} ×${s.count}`).join('、') : '（無）'],
    ]),
  );

  parts.push(heading(`代表性提及（列出 ${f.samples.length} 則）`));
  if (f.samples.length === 0) parts.push('<p>（無）</p>');
  else {
    parts.push('<ol style="margin:0;padding-left:20px">');
    for (const s of f.samples) {
      const title = s.url ? `<a href="${esc(s.url)}" style="color:#0d47a1">${esc(s.title)}</a>` : `${esc(s.title)} <span style="color:#757575">（${esc(s.rawUrl)}，非 http(s) 連結）</span>`;
      const sentimentColor = s.sentiment === 'negative' ? '#b71c1c' : s.sentiment === 'positive' ? '#1b5e20' : '#616161';
      const topics = s.topics.length ? `｜主題：${s.topics.map(esc).join('、')}` : '';
      parts.push(
        `<li style="margin-bottom:8px">${title}<br><span style="color:#616161;font-size:13px">${esc(s.site)}｜${esc(s.publishedAt)}｜<span style="color:${sentimentColor}">${esc(s.sentimentLabel)}</span>${topics}</span></li>`,
      );
    }
    parts.push('</ol>');
  }

  parts.push(heading('證據清單（Evidence）'));
  if (f.evidence.length === 0) parts.push('<p>（無）</p>');
  else {
    const th = 'style="text-align:left;border-bottom:1px solid #bdbdbd;padding:4px 6px"';
    const td = 'style="border-bottom:1px solid #eeeeee;padding:4px 6px;vertical-align:top;word-break:break-all"';
    parts.push('<table style="border-collapse:collapse;font-size:12px;width:100%">');
    parts.push(`<tr><th ${th}>提及編號</th><th ${th}>網址</th><th ${th}>內容 SHA-256</th><th ${th}>擷取時間</th></tr>`);
    for (const e of f.evidence) {
      const url = e.url ? `<a href="${esc(e.url)}" style="color:#0d47a1">${esc(e.url)}</a>` : esc(e.rawUrl);
      parts.push(
        `<tr><td ${td}>${esc(e.mentionId)}</td><td ${td}>${url}</td><td ${td}><code>${esc(e.contentSha256)}</code></td><td ${td}>${esc(e.fetchedAt)}<br><span style="color:#757575">${esc(e.fetchedAtIso)}</span></td></tr>`,
      );
    }
    parts.push('</table>');
    if (f.evidenceOmitted > 0) parts.push(`<p style="color:#616161">另有 ${f.evidenceOmitted} 筆未列出，完整清單保存在系統中。</p>`);
  }

  return finish(parts, f);
}

/** The footer and the document around the parts. */
function finish(parts: string[], f: AlertFacts): string {
  parts.push(
    `<hr style="border:none;border-top:1px solid #e0e0e0;margin:20px 0 8px">`,
    `<p style="color:#757575;font-size:12px;margin:0">規則：${esc(f.rule.id)}（${esc(f.rule.name)}）・版本 <code>${esc(f.rule.version)}</code><br>` +
      `警示編號：${esc(f.footer.alertId)}<br>冪等鍵（Idempotency key）：<code>${esc(f.footer.idempotencyKey)}</code><br>` +
      `時間皆以 ${esc(f.footer.timeZone)} 顯示。此信由 Yuqing 輿情監測自動發送。</p>`,
  );

  return (
    `<!DOCTYPE html><html lang="zh-Hant-TW"><head><meta charset="utf-8"><title>${esc(f.subject)}</title></head>` +
    `<body style="margin:0;padding:16px;font-family:'PingFang TC','Microsoft JhengHei','Noto Sans TC',sans-serif;font-size:14px;line-height:1.6;color:#212121">` +
    parts.join('\n') +
    `</body></html>\n`
  );
}

const LEVEL_COLOR: Record<CrisisLevel, string> = { L3: '#b71c1c', L2: '#e65100', L1: '#f9a825' };
const RESOLVED_COLOR = '#2e7d32';

function heading(text: string): string {
  return `<h3 style="font-size:15px;margin:18px 0 6px;border-bottom:1px solid #e0e0e0;padding-bottom:4px">${esc(text)}</h3>`;
}

/** A two-column label/value table; values are already-escaped HTML. */
function table(rows: Array<[string, string]>): string {
  const cells = rows
    .map(([k, v]) => `<tr><td style="padding:3px 12px 3px 0;color:#616161;white-space:nowrap;vertical-align:top">${k}</td><td style="padding:3px 0">${v}</td></tr>`)
    .join('');
  return `<table style="border-collapse:collapse">${cells}</table>`;
}
