import type { Db } from './database';

/** Per-rule detector state that must survive restarts. */
export class RuleStateRepo {
  constructor(private readonly db: Db) {}

  /** When observation of the rule began; recorded as `nowMs` the first time it is asked. */
  historyStart(ruleId: string, nowMs: number): number {
    this.db.prepare('INSERT OR IGNORE INTO rule_state (rule_id, history_start_ms) VALUES (?, ?)').run(ruleId, nowMs);
    return (this.db.prepare('SELECT history_start_ms AS s FROM rule_state WHERE rule_id = ?').get(ruleId) as { s: number }).s;
  }

  /** Move the start of observation earlier (history found in the index, or a backfill). */
  extendHistory(ruleId: string, startMs: number): void {
    this.db
      .prepare('INSERT INTO rule_state (rule_id, history_start_ms) VALUES (?, ?) ON CONFLICT (rule_id) DO UPDATE SET history_start_ms = MIN(history_start_ms, excluded.history_start_ms)')
      .run(ruleId, startMs);
  }

  markEvaluated(ruleId: string, nowMs: number): void {
    this.db.prepare('UPDATE rule_state SET last_evaluated_ms = ? WHERE rule_id = ?').run(nowMs, ruleId);
  }
}
