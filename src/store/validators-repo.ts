import type { Validators, ValidatorStore } from '../http/types';
import type { Clock } from '../core/clock';
import type { Db } from './database';

/** Conditional-GET validators (ETag / Last-Modified) per URL, kept across restarts. */
export class ValidatorsRepo implements ValidatorStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db, private readonly clock: Clock) {
    this.getStmt = db.prepare<[string], { etag: string | null; last_modified: string | null }>('SELECT etag, last_modified FROM http_validators WHERE url = ?');
    this.setStmt = db.prepare(
      `INSERT INTO http_validators (url, etag, last_modified, updated_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, updated_ms = excluded.updated_ms`,
    );
  }

  getValidators(url: string): Validators | undefined {
    const row = this.getStmt.get(url);
    if (!row) return undefined;
    const v: Validators = {};
    if (row.etag) v.etag = row.etag;
    if (row.last_modified) v.lastModified = row.last_modified;
    return v;
  }

  setValidators(url: string, validators: Validators): void {
    this.setStmt.run(url, validators.etag ?? null, validators.lastModified ?? null, this.clock.now());
  }
}
