import type { Db } from './database';

/**
 * Small serialisable detector state that must survive restarts, one JSON value per key
 * (`source:<connector>` → when the source was first observed, …). Detectors stay pure: they take
 * the state as input and return the next one; the pipeline reads and writes it here.
 */
export class DetectorStateRepo {
  constructor(private readonly db: Db) {}

  /** The value stored under `key`, or undefined. */
  get<T>(key: string): T | undefined {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM detector_state WHERE key = ?').get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Store `value` (JSON-serialisable) under `key`. */
  set(key: string, value: unknown, nowMs: number): void {
    this.db
      .prepare('INSERT INTO detector_state (key, value, updated_ms) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms')
      .run(key, JSON.stringify(value), nowMs);
  }
}
