import type { Db } from './database';

/** A document to write to the index. */
export interface SpoolEntry {
  index: string;
  /** The `_id`: re-writing the same id is idempotent. */
  id: string;
  /** The document, serialised here once; the bulk body reuses the JSON text as is. */
  doc: unknown;
  /** External version (alert states): Elasticsearch keeps the highest, whatever order writes land in. */
  version?: number;
}

/** A spooled write as the indexer claims it. */
export interface SpooledRow {
  seq: number;
  index: string;
  id: string;
  version: number | null;
  /**
   * The document's JSON as UTF-8 bytes, read as stored: the bulk body copies them in without
   * decoding to a string and encoding again (a ~3 KB document of Chinese text costs both ways).
   */
  doc: Buffer;
  /** Bytes this row adds to a `_bulk` body (action line + document + newlines). */
  bytes: number;
  attempts: number;
  enqueuedMs: number;
}

/** A document Elasticsearch rejected, with its reason. */
export interface DeadLetter {
  id: number;
  index: string;
  docId: string;
  doc: string;
  status: number;
  errorType: string;
  reason: string;
  attempts: number;
  enqueuedMs: number;
  failedMs: number;
}

/** What became of a claimed batch, applied in one transaction by {@link IndexSpoolRepo.settle}. */
export interface SpoolSettlement {
  /** Written (or superseded by a newer version): removed from the spool. */
  done: number[];
  /** Not written this time, retryable: stays, due again at `nextAttemptMs`. */
  retry: Array<{ seq: number; error: string; nextAttemptMs: number }>;
  /** Rejected for good (mapping/parsing): moved to the dead-letter table with the reason. */
  rejected: Array<{ seq: number; status: number; errorType: string; reason: string }>;
}

const LAST_SUCCESS_KEY = 'lastSuccessMs';

/** Size of a row's share of an NDJSON bulk body. The action line is small; 64 bytes covers index + id overhead. */
export function spoolBytes(index: string, id: string, docJson: string): number {
  return Buffer.byteLength(docJson) + Buffer.byteLength(index) + Buffer.byteLength(id) + 64;
}

/**
 * The index spool in SQLite: every write Elasticsearch must receive, oldest first, until it has
 * acknowledged it. Enqueue inside the transaction that stores the data (the `onStored` hook), so the
 * index can never silently miss something SQLite has. Also keeps dead letters and small index facts.
 */
export class IndexSpoolRepo {
  private readonly insertStmt;
  private readonly claimStmt;
  private readonly deleteStmt;
  private readonly deleteManyStmt;
  private readonly retryStmt;
  private readonly deadStmt;
  private readonly settleTx;
  private readonly enqueueTx;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO es_spool (index_name, doc_id, version, doc, bytes, enqueued_ms) VALUES (?, ?, ?, ?, ?, ?)');
    this.claimStmt = db.prepare<[number, number], { seq: number; index_name: string; doc_id: string; version: number | null; doc: Buffer; bytes: number; attempts: number; enqueued_ms: number }>(
      'SELECT seq, index_name, doc_id, version, CAST(doc AS BLOB) AS doc, bytes, attempts, enqueued_ms FROM es_spool WHERE seq > ? AND next_attempt_ms <= ? ORDER BY seq',
    );
    this.deleteStmt = db.prepare('DELETE FROM es_spool WHERE seq = ?');
    // A whole batch in one statement (the sequence numbers as a JSON array): one call instead of one per row.
    this.deleteManyStmt = db.prepare('DELETE FROM es_spool WHERE seq IN (SELECT value FROM json_each(?))');
    this.retryStmt = db.prepare('UPDATE es_spool SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE seq = ?');
    this.deadStmt = db.prepare(
      `INSERT INTO es_dead_letters (index_name, doc_id, version, doc, status, error_type, reason, attempts, enqueued_ms, failed_ms)
       SELECT index_name, doc_id, version, doc, ?, ?, ?, attempts + 1, enqueued_ms, ? FROM es_spool WHERE seq = ?`,
    );
    this.enqueueTx = db.transaction((entries: SpoolEntry[], nowMs: number) => {
      for (const e of entries) this.enqueueOne(e, nowMs);
    });
    this.settleTx = db.transaction((s: SpoolSettlement, nowMs: number) => {
      if (s.done.length > 0) this.deleteManyStmt.run(JSON.stringify(s.done));
      for (const r of s.retry) this.retryStmt.run(r.nextAttemptMs, r.error.slice(0, 1000), r.seq);
      for (const r of s.rejected) {
        this.deadStmt.run(r.status, r.errorType, r.reason.slice(0, 2000), nowMs, r.seq);
        this.deleteStmt.run(r.seq);
      }
      if (s.done.length > 0) this.setMeta(LAST_SUCCESS_KEY, String(nowMs));
    });
  }

  private enqueueOne(e: SpoolEntry, nowMs: number): void {
    const json = JSON.stringify(e.doc);
    this.insertStmt.run(e.index, e.id, e.version ?? null, json, spoolBytes(e.index, e.id, json), nowMs);
  }

  /** Spool one write. A single statement: called inside the storing transaction, it commits or rolls back with it. */
  enqueue(entry: SpoolEntry, nowMs: number): void {
    this.enqueueOne(entry, nowMs);
  }

  /** Spool several writes in one transaction (or inside the caller's). */
  enqueueMany(entries: SpoolEntry[], nowMs: number): void {
    this.enqueueTx(entries, nowMs);
  }

  /**
   * The oldest due writes, in spool order: at most `maxDocs` and, beyond the first row, at most
   * `maxBytes` in total (a single larger row is returned alone, so nothing is ever stuck). Rows stay
   * in the spool until {@link settle}; only one indexer may claim from a spool at a time. `afterSeq`
   * skips rows up to that sequence number (those of a request still in flight).
   */
  claim(nowMs: number, maxDocs: number, maxBytes: number, afterSeq = 0): SpooledRow[] {
    const out: SpooledRow[] = [];
    let total = 0;
    for (const r of this.claimStmt.iterate(afterSeq, nowMs)) {
      if (out.length >= maxDocs || (out.length > 0 && total + r.bytes > maxBytes)) break;
      total += r.bytes;
      out.push({ seq: r.seq, index: r.index_name, id: r.doc_id, version: r.version, doc: r.doc, bytes: r.bytes, attempts: r.attempts, enqueuedMs: r.enqueued_ms });
    }
    return out;
  }

  /** Apply a batch's outcome atomically; records the last successful write when anything was written. */
  settle(settlement: SpoolSettlement, nowMs: number): void {
    this.settleTx(settlement, nowMs);
  }

  /** Writes waiting (due or backing off). */
  depth(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM es_spool').get() as { n: number }).n;
  }

  /** When the oldest waiting write was spooled (epoch ms), if any: how far the index lags. */
  oldestEnqueuedMs(): number | null {
    return (this.db.prepare('SELECT MIN(enqueued_ms) AS m FROM es_spool').get() as { m: number | null }).m;
  }

  /** When Elasticsearch last acknowledged a write (epoch ms), kept across restarts. */
  lastSuccessMs(): number | null {
    const v = this.getMeta(LAST_SUCCESS_KEY);
    return v === undefined ? null : Number(v);
  }

  deadLetterCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM es_dead_letters').get() as { n: number }).n;
  }

  /** Dead letters, newest first. */
  deadLetters(limit = 100): DeadLetter[] {
    return this.db
      .prepare<[number], { id: number; index_name: string; doc_id: string; doc: string; status: number; error_type: string; reason: string; attempts: number; enqueued_ms: number; failed_ms: number }>(
        'SELECT id, index_name, doc_id, doc, status, error_type, reason, attempts, enqueued_ms, failed_ms FROM es_dead_letters ORDER BY id DESC LIMIT ?',
      )
      .all(limit)
      .map((r) => ({ id: r.id, index: r.index_name, docId: r.doc_id, doc: r.doc, status: r.status, errorType: r.error_type, reason: r.reason, attempts: r.attempts, enqueuedMs: r.enqueued_ms, failedMs: r.failed_ms }));
  }

  /**
   * Move dead letters back into the spool (after the mapping was fixed), all or the given ids.
   * @returns how many were requeued
   */
  requeueDeadLetters(nowMs: number, ids?: number[]): number {
    return this.db.transaction(() => {
      const where = ids ? `WHERE id IN (${ids.map(() => '?').join(',')})` : '';
      const args = ids ?? [];
      this.db
        .prepare(`INSERT INTO es_spool (index_name, doc_id, version, doc, bytes, enqueued_ms) SELECT index_name, doc_id, version, doc, length(CAST(doc AS BLOB)) + length(CAST(index_name AS BLOB)) + length(CAST(doc_id AS BLOB)) + 64, ? FROM es_dead_letters ${where} ORDER BY id`)
        .run(nowMs, ...args);
      return this.db.prepare(`DELETE FROM es_dead_letters ${where}`).run(...args).changes;
    })();
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare<[string], { value: string }>('SELECT value FROM es_meta WHERE key = ?').get(key))?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO es_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
