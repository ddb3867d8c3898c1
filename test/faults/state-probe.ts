import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

/** One outbox row as the fault tests look at it. */
export interface OutboxRow {
  key: string;
  alertId: string;
  channel: string;
  target: string;
  status: string;
  attempts: number;
}

/** What the daemon's state file says, read from outside (WAL lets a reader in while it writes). */
export interface StateSnapshot {
  /** Ids in the `mentions` table (documents; empty when Elasticsearch is the mention store). */
  documents: string[];
  /** Rows in `mentions` (a duplicate id would show as more rows than ids). */
  documentRows: number;
  /** Every id ever seen (matched or not). */
  seen: Set<string>;
  /** Hits per rule: mention ids, in row order (a duplicate would repeat). */
  hits: Map<string, string[]>;
  alerts: Array<{ id: string; ruleId: string; level: string; status: string }>;
  events: Array<{ alertId: string; seq: number; type: string }>;
  outbox: OutboxRow[];
  /** When each rule was last evaluated (epoch ms; missing before its first evaluation). */
  evaluatedMs: Map<string, number>;
  /** Rows waiting in the Elasticsearch spool. */
  spoolDepth: number;
  /** Documents Elasticsearch refused. */
  deadLetters: number;
}

/**
 * Whether the outbox holds a delivery not yet made (a quick look, for aiming a kill at one).
 * False while the file or its schema does not exist yet.
 */
export function hasPendingDeliveries(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get()) return false;
    return db.prepare("SELECT 1 FROM outbox WHERE status = 'pending' LIMIT 1").get() !== undefined;
  } finally {
    db.close();
  }
}

/**
 * Read the whole state file in one read transaction. Returns undefined while the file does not
 * exist yet or has no schema (the daemon was killed before its first migration).
 */
export function readState(path: string): StateSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name));
    if (!tables.has('outbox') || !tables.has('es_spool') || !tables.has('seen_recent')) return undefined;
    return db.transaction((): StateSnapshot => {
      const documents = db.prepare<[], { id: string }>('SELECT id FROM mentions').all().map((r) => r.id);
      const hits = new Map<string, string[]>();
      for (const r of db.prepare<[], { rule_id: string; mention_id: string }>('SELECT rule_id, mention_id FROM hits ORDER BY rowid').all()) {
        const list = hits.get(r.rule_id) ?? [];
        list.push(r.mention_id);
        hits.set(r.rule_id, list);
      }
      return {
        documents: [...new Set(documents)],
        documentRows: documents.length,
        // An id is seen in either table (recent ids are folded into seen in batches).
        seen: new Set(db.prepare<[], { id: string }>('SELECT id FROM seen UNION ALL SELECT id FROM seen_recent').all().map((r) => r.id)),
        hits,
        alerts: db.prepare<[], { id: string; ruleId: string; level: string; status: string }>('SELECT id, rule_id AS ruleId, level, status FROM alerts ORDER BY opened_ms, id').all(),
        events: db.prepare<[], { alertId: string; seq: number; type: string }>('SELECT alert_id AS alertId, seq, type FROM alert_events ORDER BY alert_id, seq').all(),
        outbox: db
          .prepare<[], OutboxRow>('SELECT idempotency_key AS key, alert_id AS alertId, channel, target, status, attempts FROM outbox ORDER BY id')
          .all(),
        evaluatedMs: new Map(
          db
            .prepare<[], { rule_id: string; ms: number }>('SELECT rule_id, last_evaluated_ms AS ms FROM rule_state WHERE last_evaluated_ms IS NOT NULL')
            .all()
            .map((r) => [r.rule_id, r.ms]),
        ),
        spoolDepth: (db.prepare('SELECT COUNT(*) AS n FROM es_spool').get() as { n: number }).n,
        deadLetters: (db.prepare('SELECT COUNT(*) AS n FROM es_dead_letters').get() as { n: number }).n,
      };
    })();
  } finally {
    db.close();
  }
}
