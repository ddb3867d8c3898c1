import { escapeHtml as esc } from '../alerts/render/html-escape';
import { LEVEL_NAME, STATUS_LABEL } from '../alerts/render/vocabulary';
import type { AlertRecord } from '../alerts/types';
import { formatLocal } from '../core/time';
import type { AckParams } from './ack-link';

/**
 * The pages behind an acknowledge link, zh-TW first. Static markup with escaped values, inline
 * styles, no scripts; the one form posts back to the same path.
 */

const STYLE = 'font-family:system-ui,"Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#212121';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title></head>
<body style="${STYLE}">${body}</body></html>
`;
}

function summary(alert: AlertRecord, timeZone: string): string {
  const rows: Array<[string, string]> = [
    ['警示 (Alert)', alert.id],
    ['規則 (Rule)', alert.ruleName],
    ['等級 (Level)', `${alert.level} ${LEVEL_NAME[alert.level]}`],
    ['狀態 (Status)', STATUS_LABEL[alert.status]],
    ['開始 (Opened)', formatLocal(alert.openedAt, timeZone)],
    ['回應期限 (Respond by)', formatLocal(alert.respondBy, timeZone)],
    ['原因 (Why)', alert.reason],
  ];
  return `<table style="border-collapse:collapse;margin:1rem 0">${rows.map(([k, v]) => `<tr><th style="text-align:left;padding:4px 12px 4px 0;color:#616161;font-weight:normal">${esc(k)}</th><td style="padding:4px 0">${esc(v)}</td></tr>`).join('')}</table>`;
}

/** GET: what the link would do, and a button that does it (POST). */
export function confirmPage(alert: AlertRecord, who: string, params: AckParams, timeZone: string): string {
  const hidden = (['r', 'e', 's'] as const).map((k) => `<input type="hidden" name="${k}" value="${esc(params[k])}">`).join('');
  return page(
    `確認警示 ${alert.id}`,
    `<h1 style="font-size:1.4rem">確認收到這則警示？(Acknowledge this alert?)</h1>
<p>以 <strong>${esc(who)}</strong> 的身分確認：表示您已收到、並負責後續處理。確認後不再升級通報給其他人。</p>
${summary(alert, timeZone)}
<form method="post">${hidden}
<p><label>備註 (Note, optional)<br><textarea name="note" rows="3" maxlength="500" style="width:100%"></textarea></label></p>
<p><button type="submit" style="font-size:1rem;padding:8px 20px;background:#b71c1c;color:#fff;border:0;border-radius:4px">確認收到 (Acknowledge)</button></p>
</form>`,
  );
}

/** POST done, or nothing to do: a plain message with the alert's state. */
export function resultPage(title: string, message: string, alert: AlertRecord | undefined, timeZone: string): string {
  return page(title, `<h1 style="font-size:1.4rem">${esc(title)}</h1><p>${esc(message)}</p>${alert ? summary(alert, timeZone) : ''}`);
}
