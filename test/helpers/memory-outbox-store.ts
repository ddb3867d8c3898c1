import type { OutboxItem, OutboxStore } from '../../src/alerts/outbox';
import type { AlertNotice, ChannelKind } from '../../src/alerts/types';

export type MemoryOutboxStatus = 'pending' | 'sent' | 'failed';

export interface MemoryOutboxRow extends OutboxItem {
  status: MemoryOutboxStatus;
  lastError?: string;
  sentAt?: number;
  failedAt?: number;
  detail?: string;
}

/**
 * An in-memory OutboxStore with the same semantics as the SQLite one: rows stay pending until sent
 * or failed; `claimDue` does not lease, so an item claimed but never marked (a crash mid-send) is
 * due again. `dump()` / `MemoryOutboxStore.restore()` simulate a restart: only what was written
 * to the store survives. Every call is recorded in `calls` for assertions.
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly calls: Array<{ op: 'claimDue' | 'markSent' | 'markRetry' | 'markFailed'; id?: number; at: number }> = [];
  private rows = new Map<number, MemoryOutboxRow>();
  private nextId = 1;

  /** Queue a delivery like the lifecycle does; returns its id. */
  enqueue(input: { channel: ChannelKind; target: string; notice: AlertNotice; idempotencyKey?: string; createdAt: number; nextAttemptAt?: number }): number {
    const id = this.nextId++;
    this.rows.set(id, {
      id,
      idempotencyKey: input.idempotencyKey ?? `${input.notice.idempotencyKey}:${input.channel}:${input.target}`,
      channel: input.channel,
      target: input.target,
      notice: input.notice,
      attempts: 0,
      createdAt: input.createdAt,
      nextAttemptAt: input.nextAttemptAt ?? input.createdAt,
      status: 'pending',
    });
    return id;
  }

  claimDue(nowMs: number, limit: number, channels?: readonly ChannelKind[]): OutboxItem[] {
    this.calls.push({ op: 'claimDue', at: nowMs });
    return [...this.rows.values()]
      .filter((r) => r.status === 'pending' && r.nextAttemptAt <= nowMs && (!channels || channels.includes(r.channel)))
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .slice(0, limit)
      .map((r) => structuredClone(toItem(r)));
  }

  markSent(id: number, atMs: number, detail?: string): void {
    const row = this.mustGet(id);
    this.calls.push({ op: 'markSent', id, at: atMs });
    Object.assign(row, { status: 'sent', sentAt: atMs, attempts: row.attempts + 1, detail, lastError: undefined });
  }

  markRetry(id: number, retry: { nextAttemptAt: number; error: string; attempts: number }): void {
    const row = this.mustGet(id);
    this.calls.push({ op: 'markRetry', id, at: retry.nextAttemptAt });
    Object.assign(row, { nextAttemptAt: retry.nextAttemptAt, lastError: retry.error, attempts: retry.attempts });
  }

  markFailed(id: number, failure: { error: string; atMs: number }): void {
    const row = this.mustGet(id);
    this.calls.push({ op: 'markFailed', id, at: failure.atMs });
    Object.assign(row, { status: 'failed', lastError: failure.error, failedAt: failure.atMs, attempts: row.attempts + 1 });
  }

  get(id: number): MemoryOutboxRow | undefined {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : undefined;
  }

  all(): MemoryOutboxRow[] {
    return [...this.rows.values()].map((r) => structuredClone(r));
  }

  /** Everything a restart would find on disk. */
  dump(): string {
    return JSON.stringify({ nextId: this.nextId, rows: [...this.rows.values()] });
  }

  static restore(dump: string): MemoryOutboxStore {
    const data = JSON.parse(dump) as { nextId: number; rows: MemoryOutboxRow[] };
    const store = new MemoryOutboxStore();
    store.nextId = data.nextId;
    for (const r of data.rows) store.rows.set(r.id, r);
    return store;
  }

  private mustGet(id: number): MemoryOutboxRow {
    const row = this.rows.get(id);
    if (!row) throw new Error(`test store: no outbox row ${id}`);
    return row;
  }
}

function toItem(r: MemoryOutboxRow): OutboxItem {
  return { id: r.id, idempotencyKey: r.idempotencyKey, channel: r.channel, target: r.target, notice: r.notice, attempts: r.attempts, createdAt: r.createdAt, nextAttemptAt: r.nextAttemptAt };
}
