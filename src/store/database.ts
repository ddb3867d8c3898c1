import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../core/errors';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/**
 * Open (creating if needed) the SQLite state file in WAL mode and bring its schema up to date.
 * `:memory:` is accepted for tests.
 * @throws StoreError when the file cannot be opened or a migration fails (the migration is rolled back).
 */
export function openDatabase(path: string): Db {
  let db: Db;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (cause) {
    throw new StoreError(`無法開啟狀態資料庫 ${path} (cannot open SQLite state file)`, { cause, context: { path } });
  }
  // 16 KiB pages for a new file (an existing one keeps its own): a spooled index document (~3 KB)
  // then shares its page with others, and each commit writes a quarter of the WAL frames —
  // storing a mention with its spool row costs ~55 µs instead of ~66 µs (bench/es-ingest.ts).
  // Only takes effect before the first table is created, so it comes before anything else.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db, path);
  return db;
}

function migrate(db: Db, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreError(`狀態資料庫 ${path} 的版本 (${current}) 比程式新，請升級 Yuqing (state file is newer than this program)`, { context: { path, current } });
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    try {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    } catch (cause) {
      throw new StoreError(`狀態資料庫遷移 #${v + 1} 失敗 (migration failed)`, { cause, context: { path, migration: v + 1 } });
    }
  }
}
