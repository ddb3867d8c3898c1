import type { AlertEvent, AlertNotice, AlertRecord } from '../../alerts/types';
import { StoreError } from '../../core/errors';
import type { CrisisLevel } from '../../core/types';
import type { Db } from '../database';
import type { IndexSpoolRepo, SpoolEntry } from '../index-spool-repo';
import { alertEventDocument, alertStateDocument, deliveryDocument } from './alert-documents';
import { DEFAULT_INDEX_NAMES, type IndexNames } from './index-names';

const EVENTS_CURSOR = 'feed.alertEventsRowid';

/**
 * Copies alert changes from SQLite into the index spool, so `yuqing-alerts` gets every lifecycle event,
 * every alert's latest state and every delivery's final outcome without the alert code knowing about
 * Elasticsearch. Reads what the state store already records (alert_events, alerts, outbox) and
 * remembers what it copied (a cursor and two small tables) in the same transaction as the spool
 * rows: a crash copies again from the last commit, and the index writes are idempotent.
 */
export class AlertIndexFeed {
  private readonly pumpTx;

  private readonly index: string;

  constructor(private readonly db: Db, private readonly spool: IndexSpoolRepo, names: IndexNames = DEFAULT_INDEX_NAMES) {
    this.index = names.alertsIndex;
    this.pumpTx = db.transaction((nowMs: number, limit: number): number => this.copyEvents(nowMs, limit) + this.copyStates(nowMs, limit) + this.copyDeliveries(nowMs, limit));
  }

  /**
   * Copy what is new (at most `limit` of each kind per call) into the spool.
   * @returns rows spooled
   * @throws SqliteError (nothing is half-copied: one transaction)
   */
  pump(nowMs: number, limit = 500): number {
    return this.pumpTx(nowMs, limit);
  }

  /**
   * Copy the given alerts again, as they are now, after something rewrote their records in place
   * (retention replacing quoted titles): the latest state, and every event already copied (events
   * not copied yet will be, with the record as it is then). Run inside the transaction that changed them.
   * @returns rows spooled
   */
  respool(alertIds: readonly string[], nowMs: number): number {
    const cursor = Number(this.spool.getMeta(EVENTS_CURSOR) ?? 0);
    const stateOf = this.db.prepare<[string], { updated_ms: number; record: string }>('SELECT updated_ms, record FROM alerts WHERE id = ?');
    const eventsOf = this.db.prepare<[string, number], { event: string }>('SELECT event FROM alert_events WHERE alert_id = ? AND rowid <= ? ORDER BY seq');
    const entries: SpoolEntry[] = [];
    for (const id of alertIds) {
      const row = stateOf.get(id);
      if (!row) continue;
      const alert = JSON.parse(row.record) as AlertRecord;
      // The same version as the copy it replaces: external_gte lets it through, an older state never.
      entries.push(this.stateEntry(id, row.updated_ms, alert));
      for (const e of eventsOf.all(id, cursor)) entries.push(this.eventEntry(alert, JSON.parse(e.event) as AlertEvent));
    }
    this.spool.enqueueMany(entries, nowMs);
    return entries.length;
  }

  private copyEvents(nowMs: number, limit: number): number {
    const cursor = Number(this.spool.getMeta(EVENTS_CURSOR) ?? 0);
    const rows = this.db
      .prepare<[number, number], { rowid: number; alert_id: string; event: string }>('SELECT rowid, alert_id, event FROM alert_events WHERE rowid > ? ORDER BY rowid LIMIT ?')
      .all(cursor, limit);
    if (rows.length === 0) return 0;
    const alerts = new Map<string, AlertRecord | undefined>();
    const entries: SpoolEntry[] = [];
    for (const r of rows) {
      if (!alerts.has(r.alert_id)) alerts.set(r.alert_id, this.alert(r.alert_id));
      const alert = alerts.get(r.alert_id);
      // AlertsRepo.commit writes an alert and its events in one transaction, so this means a damaged
      // state file: stop here, loudly (the indexer logs it every round), rather than skip an event.
      if (!alert) throw new StoreError(`警示事件 ${r.alert_id} 找不到對應的警示，狀態檔可能損壞 (alert event without its alert)`, { context: { alertId: r.alert_id, rowid: r.rowid } });
      entries.push(this.eventEntry(alert, JSON.parse(r.event) as AlertEvent));
    }
    this.spool.enqueueMany(entries, nowMs);
    this.spool.setMeta(EVENTS_CURSOR, String(rows[rows.length - 1]!.rowid));
    return entries.length;
  }

  /** An event's document (written once, `_id` = `alertId:seq`). */
  private eventEntry(alert: AlertRecord, event: AlertEvent): SpoolEntry {
    return { index: this.index, id: `${event.alertId}:${event.seq}`, doc: alertEventDocument(alert, event, this.levelAt(event, alert.level)) };
  }

  /** An alert's state document, versioned by its `updated_ms` so an older state never overwrites a newer one. */
  private stateEntry(id: string, updatedMs: number, alert: AlertRecord): SpoolEntry {
    return { index: this.index, id, version: updatedMs, doc: alertStateDocument(alert) };
  }

  /** The level right after `event`: the newest `toLevel` at or before it, else the alert's level. */
  private levelAt(event: AlertEvent, fallback: CrisisLevel): CrisisLevel {
    if (event.toLevel) return event.toLevel;
    const earlier = this.db
      .prepare<[string, number], { event: string }>('SELECT event FROM alert_events WHERE alert_id = ? AND seq < ? ORDER BY seq DESC')
      .all(event.alertId, event.seq);
    for (const e of earlier) {
      const parsed = JSON.parse(e.event) as AlertEvent;
      if (parsed.toLevel) return parsed.toLevel;
    }
    return fallback;
  }

  private alert(id: string): AlertRecord | undefined {
    const row = this.db.prepare<[string], { record: string }>('SELECT record FROM alerts WHERE id = ?').get(id);
    return row ? (JSON.parse(row.record) as AlertRecord) : undefined;
  }

  private copyStates(nowMs: number, limit: number): number {
    const rows = this.db
      .prepare<[number], { id: string; updated_ms: number; record: string }>(
        `SELECT a.id, a.updated_ms, a.record FROM alerts a LEFT JOIN es_feed_alerts f ON f.alert_id = a.id
         WHERE f.alert_id IS NULL OR f.updated_ms < a.updated_ms ORDER BY a.updated_ms LIMIT ?`,
      )
      .all(limit);
    if (rows.length === 0) return 0;
    const mark = this.db.prepare('INSERT INTO es_feed_alerts (alert_id, updated_ms) VALUES (?, ?) ON CONFLICT (alert_id) DO UPDATE SET updated_ms = excluded.updated_ms');
    this.spool.enqueueMany(
      rows.map((r) => this.stateEntry(r.id, r.updated_ms, JSON.parse(r.record) as AlertRecord)),
      nowMs,
    );
    for (const r of rows) mark.run(r.id, r.updated_ms);
    return rows.length;
  }

  private copyDeliveries(nowMs: number, limit: number): number {
    const rows = this.db
      .prepare<[number], { idempotency_key: string; alert_id: string; channel: string; status: 'sent' | 'failed'; attempts: number; last_error: string | null; sent_ms: number | null; next_attempt_ms: number; notice: string }>(
        `SELECT o.idempotency_key, o.alert_id, o.channel, o.status, o.attempts, o.last_error, o.sent_ms, o.next_attempt_ms, o.notice
         FROM outbox o LEFT JOIN es_feed_deliveries f ON f.idempotency_key = o.idempotency_key
         WHERE o.status IN ('sent', 'failed') AND f.idempotency_key IS NULL ORDER BY o.id LIMIT ?`,
      )
      .all(limit);
    if (rows.length === 0) return 0;
    const mark = this.db.prepare('INSERT OR IGNORE INTO es_feed_deliveries (idempotency_key) VALUES (?)');
    this.spool.enqueueMany(
      rows.map((r) => ({
        index: this.index,
        id: `delivery:${r.idempotency_key}`,
        doc: deliveryDocument({
          idempotencyKey: r.idempotency_key,
          alertId: r.alert_id,
          channel: r.channel,
          status: r.status,
          attempts: r.attempts,
          lastError: r.last_error,
          // markFailed records the give-up time in next_attempt_ms.
          atMs: r.status === 'sent' ? (r.sent_ms ?? r.next_attempt_ms) : r.next_attempt_ms,
          notice: JSON.parse(r.notice) as AlertNotice,
        }),
      })),
      nowMs,
    );
    for (const r of rows) mark.run(r.idempotency_key);
    return rows.length;
  }
}
