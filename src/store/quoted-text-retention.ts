import type { AlertNotice, AlertRecord } from '../alerts/types';
import type { Db } from './database';

/**
 * Retention for the mention text that alerts quote. Deleting old mentions is not enough: an alert
 * keeps its evidence list (mention titles) and the words that rose in them, every notice in the outbox a copy of the alert, and a
 * document Elasticsearch rejected the whole mention. When a mention expires
 * (`storage.retentionDays`, the seeds' "delete after closing") the titles quoting it are replaced by
 * a marker — the alert itself stays, with its times, levels, KPI and evidence ids, URLs and content
 * hashes, so the record of what happened and how fast it was handled survives — and old dead
 * letters are deleted.
 */

/** What replaces a quoted title past the retention period. */
export const PRUNED_TEXT_MARKER = '〔已逾保留期限刪除〕';

/** Rows touched by one run. */
export interface QuotedTextPruned {
  alerts: number;
  deliveries: number;
  deadLetters: number;
}

/** Evidence is gathered from a window of at most a few days before an alert's last change. */
const EVIDENCE_SPAN_MS = 7 * 86_400_000;

/**
 * The alert with the titles of evidence published before `beforeMs` (the mentions retention has
 * deleted) replaced, and a source's last error once the alert last changed before it. `done`: nothing
 * quoted is left to expire.
 */
function stripAlert(alert: AlertRecord, beforeMs: number): { alert: AlertRecord; changed: boolean; done: boolean } {
  let changed = false;
  const evidence = alert.evidence.map((e) => {
    if (e.title === PRUNED_TEXT_MARKER || !(Date.parse(e.publishedAt) < beforeMs)) return e;
    changed = true;
    return { ...e, title: PRUNED_TEXT_MARKER };
  });
  let source = alert.source;
  if (source?.lastError && source.lastError !== PRUNED_TEXT_MARKER && alert.updatedAt < beforeMs) {
    source = { ...source, lastError: PRUNED_TEXT_MARKER };
    changed = true;
  }
  // The rising words come from the titles of the window the alert opened (or last went up) in, no
  // later than its evidence's: they go with the first title that expires (or with its last change).
  let drivers = alert.drivers;
  if (drivers?.risingTerms && (evidence.some((e) => e.title === PRUNED_TEXT_MARKER) || alert.updatedAt < beforeMs)) {
    const { risingTerms: _gone, ...rest } = drivers;
    drivers = rest;
    changed = true;
  }
  const done = evidence.every((e) => e.title === PRUNED_TEXT_MARKER) && (!source?.lastError || source.lastError === PRUNED_TEXT_MARKER) && !drivers?.risingTerms;
  return { alert: changed ? { ...alert, evidence, ...(source ? { source } : {}), ...(drivers ? { drivers } : {}) } : alert, changed, done };
}

/**
 * Replace the titles that alerts and finished deliveries (sent or given up) quote from mentions
 * published before `beforeMs` — the ones mention retention deletes — and delete dead letters that
 * failed before it. A resolved alert or finished delivery with nothing left to expire is marked
 * (`textPrunedMs`) and not read again. Pending deliveries are never touched: they still have to be
 * sent as they were written. `onAlertsChanged` gets the ids of the alerts whose record changed,
 * inside the transaction (the alerts index copies them again from there, so it forgets the titles too).
 */
export function pruneQuotedText(db: Db, beforeMs: number, nowMs: number, onAlertsChanged?: (alertIds: string[]) => void): QuotedTextPruned {
  return db.transaction(() => {
    const alertRows = db
      .prepare<[number], { id: string; status: string; record: string }>("SELECT id, status, record FROM alerts WHERE opened_ms < ? AND record NOT LIKE '%\"textPrunedMs\":%'")
      .all(beforeMs + EVIDENCE_SPAN_MS);
    const updateAlert = db.prepare('UPDATE alerts SET record = ? WHERE id = ?');
    const changedIds: string[] = [];
    for (const r of alertRows) {
      const s = stripAlert(JSON.parse(r.record) as AlertRecord, beforeMs);
      // Only a resolved alert never changes again, so only it can be marked as done.
      const mark = s.done && r.status === 'resolved';
      if (!s.changed && !mark) continue;
      updateAlert.run(JSON.stringify(mark ? { ...s.alert, textPrunedMs: nowMs } : s.alert), r.id);
      if (s.changed) changedIds.push(r.id);
    }
    const alerts = changedIds.length;
    if (changedIds.length > 0) onAlertsChanged?.(changedIds);

    let deliveries = 0;
    const outboxRows = db
      .prepare<[number], { id: number; notice: string }>("SELECT id, notice FROM outbox WHERE status IN ('sent', 'failed') AND created_ms < ? AND notice NOT LIKE '%\"textPrunedMs\":%'")
      .all(beforeMs + EVIDENCE_SPAN_MS);
    const updateNotice = db.prepare('UPDATE outbox SET notice = ? WHERE id = ?');
    for (const r of outboxRows) {
      const notice = JSON.parse(r.notice) as AlertNotice;
      const s = stripAlert(notice.alert, beforeMs);
      if (!s.changed && !s.done) continue;
      updateNotice.run(JSON.stringify({ ...notice, alert: s.alert, ...(s.done ? { textPrunedMs: nowMs } : {}) }), r.id);
      if (s.changed) deliveries++;
    }

    const deadLetters = db.prepare('DELETE FROM es_dead_letters WHERE failed_ms < ?').run(beforeMs).changes;
    return { alerts, deliveries, deadLetters };
  })();
}
