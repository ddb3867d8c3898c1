import type { Client } from '@elastic/elasticsearch';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../core/clock';
import { errorCode, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { IndexSpoolRepo, SpooledRow, SpoolSettlement } from '../index-spool-repo';
import { bulkBody, sendBulk } from './bulk-request';
import type { ItemOutcome } from './item-outcome';
import { IndexError } from './index-error';

/** Knobs of the indexer (the `elasticsearch.bulk` and `elasticsearch.retry` config blocks fit). */
export interface SpoolIndexerOptions {
  client: Client;
  spool: IndexSpoolRepo;
  clock: Clock;
  log: Logger;
  /** Documents per `_bulk` request at most. */
  maxDocs: number;
  /** NDJSON bytes per `_bulk` request at most (a single larger document goes alone). */
  maxBytes: number;
  /** How long the loop sleeps when nothing is due (a `wake()` cuts it short). */
  idleMs: number;
  /** First wait after a failure; doubles per consecutive failure up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /**
   * Run before each batch, inside the loop: each moves rows into the spool (the alerts feed) and
   * returns how many. A throwing feed is logged and the batch goes ahead.
   */
  feeds?: ReadonlyArray<{ name: string; pump: () => number }>;
  /** Jitter source in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
}

/** Claimed rows with their `_bulk` body, built off the critical path (while the previous request is in flight). */
interface Batch {
  rows: SpooledRow[];
  body: Buffer;
}

/**
 * Let a request just handed to the client leave before SQLite work runs on this thread. The client
 * starts writing the body in its own promise steps and the socket takes part of it at once; the rest
 * goes out in the event loop's I/O phase. A synchronous claim or settle run before that kept
 * Elasticsearch waiting for the body (about 5 ms per request in bench/es-ingest.ts). Two turns: the
 * second comes after an I/O phase.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
async function letRequestLeave(): Promise<void> {
  await turn();
  await turn();
}

/** The outcome of one batch. */
export interface BatchResult {
  claimed: number;
  indexed: number;
  /** Versioned documents already present in a newer version (removed from the spool). */
  superseded: number;
  /** Stayed in the spool: retryable item failures (429, 503, …). */
  retried: number;
  /** Moved to the dead-letter table (Elasticsearch rejected the document). */
  rejected: number;
  /** The request as a whole failed (unreachable, timeout…): every claimed row stayed in the spool. */
  failure: IndexError | null;
}

/**
 * What health and metrics show about the index. `ok`: the last request worked (or nothing was sent
 * yet); `degraded`: it worked but some items must be retried; `unavailable`: the last request failed,
 * the loop is backing off and the spool grows.
 */
export interface IndexerHealth {
  status: 'ok' | 'degraded' | 'unavailable';
  spoolDepth: number;
  /** When the oldest waiting write was spooled (epoch ms): the index lags by now − this. */
  oldestSpooledMs: number | null;
  /** When Elasticsearch last acknowledged a write (epoch ms, kept across restarts). */
  lastSuccessMs: number | null;
  lastError: { code: string; message: string; atMs: number } | null;
  consecutiveFailures: number;
  /** Not before this time does the loop try again (epoch ms), while backing off. */
  nextAttemptMs: number | null;
  deadLetters: number;
  /** Counts since start. */
  totals: { indexed: number; superseded: number; retried: number; rejected: number; failedRequests: number };
}

/**
 * Drains the SQLite index spool into Elasticsearch with `_bulk`, oldest first. Never drops: a failed
 * request leaves every row in the spool and backs off (exponential, ±20 % jitter); a retryable item
 * stays and is due again after its own backoff; only a document Elasticsearch rejects (400) leaves the
 * spool, into the dead-letter table, logged at error level. Memory holds three batches at most (one
 * being settled, one in flight, the next).
 *
 * One loop per spool: `start()` runs it in the background; `runOnce()` and `drain()` drive it by hand
 * (tests, CLI, benchmark). Runs never overlap.
 */
export class SpoolIndexer {
  private readonly log: Logger;
  private readonly events = new EventEmitter();
  private readonly random: () => number;
  private running = false;
  private loop: Promise<void> | null = null;
  private busy: Promise<BatchResult> | null = null;
  /** The next batch, claimed while the previous request was in flight (SQLite work off the critical path). */
  private prefetched: Batch | null = null;
  /**
   * The next batch already sent: in the background loop, once a request has gone through cleanly,
   * the prefetched batch goes out before the finished one is settled in SQLite, so Elasticsearch
   * does not wait for our bookkeeping. The next `batch()` awaits and settles it.
   */
  private ahead: (Batch & { sending: Promise<ItemOutcome[]> }) | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  private wakeSleep: (() => void) | null = null;
  private consecutiveFailures = 0;
  /**
   * Monotonic time (performance.now) before which no batch is sent, while backing off. Waiting runs on
   * real time, not the injected clock: a demo's simulated clock may stand still or jump by hours.
   */
  private resumeAt: number | null = null;
  private lastError: IndexerHealth['lastError'] = null;
  private lastStatus: IndexerHealth['status'] = 'ok';
  private readonly totals: IndexerHealth['totals'] = { indexed: 0, superseded: 0, retried: 0, rejected: 0, failedRequests: 0 };

  constructor(private readonly options: SpoolIndexerOptions) {
    this.log = options.log.child({ component: 'es-indexer' });
    this.random = options.random ?? Math.random;
  }

  /** Backoff after `n` consecutive failures: initial · 2^(n−1), capped, ±20 % jitter. */
  private backoffMs(n: number): number {
    const { initialBackoffMs, maxBackoffMs } = this.options;
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.max(0, n - 1));
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  /**
   * Claim one batch of due rows, send it, settle every row. Concurrent calls share the run in progress.
   * Elasticsearch failures are recorded (health, logs) and returned, never thrown.
   * @throws StoreError when SQLite fails (nothing was lost: unsettled rows stay in the spool)
   */
  runOnce(): Promise<BatchResult> {
    if (!this.busy) {
      this.busy = this.batch().finally(() => {
        this.busy = null;
        this.events.emit('batch');
      });
    }
    return this.busy;
  }

  private pumpFeeds(): void {
    for (const feed of this.options.feeds ?? []) {
      try {
        feed.pump();
      } catch (err) {
        this.log.error({ feed: feed.name, code: errorCode(err), err: errorMessage(err) }, '索引來源讀取失敗，稍後重試 (index feed failed)');
      }
    }
  }

  /** Due rows after `afterSeq`, oldest first, with their `_bulk` body. */
  private claimBatch(afterSeq = 0): Batch {
    const { spool, clock, maxDocs, maxBytes } = this.options;
    const rows = spool.claim(clock.now(), maxDocs, maxBytes, afterSeq);
    return { rows, body: bulkBody(rows) };
  }

  /** Send a batch; the promise is awaited later, so a rejection meanwhile must not count as unhandled. */
  private send(batch: Batch): Promise<ItemOutcome[]> {
    const sending = sendBulk(this.options.client, batch.rows, batch.body);
    sending.catch(() => undefined);
    return sending;
  }

  private async batch(): Promise<BatchResult> {
    const { spool, clock } = this.options;
    this.pumpFeeds();
    const ahead = this.ahead;
    const prefetched = this.prefetched;
    this.ahead = null;
    this.prefetched = null;
    const batch = ahead ?? prefetched ?? this.claimBatch();
    const { rows } = batch;
    const result: BatchResult = { claimed: rows.length, indexed: 0, superseded: 0, retried: 0, rejected: 0, failure: null };
    if (rows.length === 0) return result;

    let outcomes: ItemOutcome[];
    try {
      let sending = ahead?.sending;
      if (!sending) {
        sending = this.send(batch);
        await letRequestLeave();
      }
      // While Elasticsearch works on this request, read the next batch from SQLite. A request
      // failure drops it again, so the retry starts from the oldest row (replay stays in order).
      try {
        const next = this.claimBatch(rows[rows.length - 1]!.seq);
        this.prefetched = next.rows.length > 0 ? next : null;
      } catch (err) {
        // Not fatal here: the next batch claims again and meets the same SQLite error on the normal path.
        this.log.error({ code: errorCode(err), err: errorMessage(err) }, '預先讀取下一批失敗 (prefetching the next batch failed)');
      }
      outcomes = await sending;
    } catch (err) {
      this.prefetched = null;
      this.ahead = null;
      const failure = err instanceof IndexError ? err : new IndexError(errorMessage(err), { cause: err, retryable: false });
      this.recordFailure(failure, rows.length);
      return { ...result, failure };
    }

    // Every item final (none to retry, no overload): send the next batch before settling this one.
    if (this.running && this.prefetched && outcomes.every((o) => o.kind !== 'retry')) {
      const next = this.prefetched;
      this.prefetched = null;
      this.ahead = { ...next, sending: this.send(next) };
      await letRequestLeave();
    }

    const now = clock.now();
    const settlement: SpoolSettlement = { done: [], retry: [], rejected: [] };
    let overloaded = false;
    let firstRetry: { status: number; errorType: string; reason: string } | undefined;
    outcomes.forEach((o, i) => {
      const row = rows[i]!;
      switch (o.kind) {
        case 'indexed':
          settlement.done.push(row.seq);
          result.indexed++;
          break;
        case 'superseded':
          settlement.done.push(row.seq);
          result.superseded++;
          break;
        case 'rejected':
          settlement.rejected.push({ seq: row.seq, status: o.status, errorType: o.errorType, reason: o.reason });
          result.rejected++;
          this.log.error({ index: row.index, id: row.id, status: o.status, errorType: o.errorType, reason: o.reason }, '文件遭 Elasticsearch 拒絕，已移入 dead-letter 表 (document rejected, dead-lettered)');
          break;
        case 'retry':
          overloaded ||= o.overloaded;
          firstRetry ??= o;
          settlement.retry.push({ seq: row.seq, error: `${o.status} ${o.errorType}: ${o.reason}`, nextAttemptMs: now + this.backoffMs(row.attempts + 1) });
          result.retried++;
          break;
      }
    });
    spool.settle(settlement, now);
    this.totals.indexed += result.indexed;
    this.totals.superseded += result.superseded;
    this.totals.retried += result.retried;
    this.totals.rejected += result.rejected;

    if (firstRetry) {
      const err = new IndexError(`Elasticsearch 暫時無法寫入 ${result.retried} 筆，稍後重試 (${firstRetry.status} ${firstRetry.errorType}): ${firstRetry.reason}`, {
        retryable: true,
        status: firstRetry.status,
        esType: firstRetry.errorType,
      });
      this.lastError = { code: err.code, message: err.message, atMs: now };
      this.log.warn({ retried: result.retried, status: firstRetry.status, errorType: firstRetry.errorType }, '部分文件需重試 (some documents will be retried)');
    }
    const progressed = result.indexed + result.superseded + result.rejected > 0;
    if (!progressed) {
      // Nothing went through: the cluster is refusing writes; back off like a failed request.
      this.consecutiveFailures++;
      this.resumeAt = performance.now() + this.backoffMs(this.consecutiveFailures);
      this.lastStatus = 'unavailable';
    } else {
      if (this.lastStatus === 'unavailable') this.log.info({ afterFailures: this.consecutiveFailures }, 'Elasticsearch 恢復寫入，開始補送 (index writable again, replaying spool)');
      this.consecutiveFailures = 0;
      // Overloaded (429/503): give the cluster a moment before the next batch.
      this.resumeAt = overloaded ? performance.now() + this.backoffMs(1) : null;
      this.lastStatus = firstRetry ? 'degraded' : 'ok';
    }
    return result;
  }

  private recordFailure(failure: IndexError, claimed: number): void {
    const now = this.options.clock.now();
    this.consecutiveFailures++;
    this.totals.failedRequests++;
    const waitMs = this.backoffMs(this.consecutiveFailures);
    this.resumeAt = performance.now() + waitMs;
    this.lastError = { code: failure.code, message: failure.message, atMs: now };
    const fields = { code: failure.code, status: failure.status, esType: failure.esType, err: failure.message, claimed, retryInMs: waitMs, consecutiveFailures: this.consecutiveFailures };
    // The first failure of an outage is an error; repeats are warnings, so a long outage does not flood the logs.
    if (this.lastStatus !== 'unavailable') this.log.error(fields, 'Elasticsearch 無法寫入，文件保留在佇列中稍後補送 (index unavailable, documents kept in spool)');
    else this.log.warn(fields, 'Elasticsearch 仍無法寫入 (index still unavailable)');
    this.lastStatus = 'unavailable';
  }

  /** Milliseconds of backoff still to wait (0 when none). */
  private backoffLeftMs(): number {
    return this.resumeAt === null ? 0 : Math.max(0, this.resumeAt - performance.now());
  }

  /** Health for /healthz, metrics and `yuqing status`. Reads two counts from SQLite. */
  health(): IndexerHealth {
    const { spool } = this.options;
    return {
      status: this.lastStatus,
      spoolDepth: spool.depth(),
      oldestSpooledMs: spool.oldestEnqueuedMs(),
      lastSuccessMs: spool.lastSuccessMs(),
      lastError: this.lastError,
      consecutiveFailures: this.consecutiveFailures,
      nextAttemptMs: this.resumeAt === null ? null : this.options.clock.now() + Math.max(0, Math.round(this.resumeAt - performance.now())),
      deadLetters: spool.deadLetterCount(),
      totals: { ...this.totals },
    };
  }

  /** Start the background loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stop the loop and wait for the batch in flight; rows not settled stay spooled for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    // A batch sent ahead is settled before returning (its rows would otherwise go out again on the next start).
    try {
      while (this.ahead) await this.runOnce();
    } catch (err) {
      this.log.error({ code: errorCode(err), err: errorMessage(err) }, '索引佇列讀寫失敗 (index spool failed)');
    }
  }

  /** New rows were spooled: end an idle sleep now (a backoff is never cut short). */
  wake(): void {
    this.wakeSleep?.();
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.sleepTimer) clearTimeout(this.sleepTimer);
        this.sleepTimer = null;
        this.wakeSleep = null;
        resolve();
      };
      this.sleepTimer = setTimeout(done, Math.max(0, ms));
      // Stopping always ends a sleep; new rows end only an idle one.
      this.wakeSleep = wakeable ? done : () => (this.running ? undefined : done());
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const wait = this.backoffLeftMs();
      if (wait > 0) {
        // Feeds keep copying during a long backoff, so what they snapshot (alert evidence) stays current.
        this.pumpFeeds();
        await this.sleep(Math.min(wait, this.options.idleMs), false);
        continue;
      }
      let result: BatchResult;
      try {
        result = await this.runOnce();
      } catch (err) {
        // SQLite trouble: keep the loop alive, say so, try again later.
        this.consecutiveFailures++;
        this.resumeAt = performance.now() + this.backoffMs(this.consecutiveFailures);
        this.lastError = { code: errorCode(err), message: errorMessage(err), atMs: this.options.clock.now() };
        this.log.error({ code: errorCode(err), err: errorMessage(err) }, '索引佇列讀寫失敗 (index spool failed)');
        continue;
      }
      // Nothing was due: rest until woken or the idle time passes. Otherwise go straight on.
      if (result.claimed === 0) await this.sleep(this.options.idleMs, true);
    }
  }

  /**
   * Run batches until the feeds have nothing new and the spool is empty (rows backing off are waited for).
   * @throws IndexError when `timeoutMs` passes first, with the last failure as cause
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Feeds first: what they have not copied yet is part of what must be drained.
      this.pumpFeeds();
      if (this.options.spool.depth() === 0) return;
      if (Date.now() > deadline) {
        throw new IndexError(`索引佇列在 ${timeoutMs} ms 內未能清空，尚有 ${this.options.spool.depth()} 筆 (spool not drained in time)`, {
          retryable: true,
          context: { lastError: this.lastError },
        });
      }
      const wait = this.backoffLeftMs();
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(0, deadline - Date.now()))));
        continue;
      }
      const result = await this.runOnce();
      // Nothing due now but rows remain: they are backing off individually.
      if (result.claimed === 0) await new Promise((r) => setTimeout(r, Math.min(this.options.idleMs, 100)));
    }
  }

  /**
   * Backpressure for ingestion: resolves when the spool holds fewer than `highWater` rows, or at once
   * while Elasticsearch is unavailable (the spool on disk absorbs an outage; waiting would only stop
   * detection). Rejects never.
   */
  async waitForRoom(highWater: number): Promise<void> {
    while (this.lastStatus !== 'unavailable' && this.options.spool.depth() >= highWater) {
      if (!this.running) await this.runOnce();
      else await new Promise<void>((resolve) => this.events.once('batch', () => resolve()));
    }
  }
}
