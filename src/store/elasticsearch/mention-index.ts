import type { Client } from '@elastic/elasticsearch';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../core/clock';
import { errorCode, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { IndexSpoolRepo } from '../index-spool-repo';
import type { StoredHook } from '../mentions-repo';
import type { StateStore } from '../state-store';
import { AlertIndexFeed } from './alert-feed';
import { rebuildBaselinesFromIndex, type BaselineRebuildReport, type BaselineRule } from './baselines';
import { createEsClient, esUrl, redactedUrl } from './es-client';
import type { ElasticsearchConfig } from '../../config/elasticsearch-schema';
import { indexNames, type IndexNames } from './index-names';
import { mentionSpoolHook } from './mention-spool-hook';
import { enforceRetention } from './retention';
import { setupIndices } from './setup';
import { SpoolIndexer, type IndexerHealth } from './spool-indexer';

/** What the app gives the index. */
export interface MentionIndexOptions {
  config: ElasticsearchConfig;
  store: StateStore;
  clock: Clock;
  log: Logger;
  /** Where `*Env` secrets are read from. */
  env: NodeJS.ProcessEnv;
  /** Folder of the main config (relative `caFile`). */
  baseDir: string;
  /** A ready client instead of one built from the config (tests). */
  client?: Client;
}

/** The index part of /healthz. */
export interface IndexHealthReport extends IndexerHealth {
  url: string;
  /** `ready` once the templates were checked in this run; writes wait for it. */
  templates: 'ready' | 'pending' | 'failed';
  templatesError: string | null;
}

/**
 * Elasticsearch as the daemon uses it: one object the composition root holds when the config has an
 * `elasticsearch:` block. It owns the client, the SQLite spool and its indexer loop, the alerts feed,
 * and the checks that must come first.
 *
 * - `onStored` goes into ingestion (`IngestDeps.onStored`): a mention is spooled in the transaction
 *   that stores it.
 * - `start()` returns at once. In the background it makes sure the templates exist (retrying while
 *   the node is away — a monthly index created before its template would get a guessed mapping for a
 *   whole month), then runs the indexer. Ingestion and detection never wait for it.
 * - `captureAlertChanges()` after detection and delivery copies alert changes into the spool at once,
 *   so the evidence indexed with an event is the evidence of that moment.
 */
export class MentionIndex {
  readonly names: IndexNames;
  readonly client: Client;
  readonly spool: IndexSpoolRepo;
  readonly indexer: SpoolIndexer;
  readonly onStored: StoredHook;
  /** Retention's hook (`pruneQuotedText`): alerts whose quoted titles were replaced are indexed again without them. */
  readonly onAlertTextPruned: (alertIds: string[]) => void;
  /** The node's URL, credentials masked (shown in /healthz). */
  readonly url: string;
  private readonly feed: AlertIndexFeed;
  private readonly log: Logger;
  private templates: IndexHealthReport['templates'] = 'pending';
  private templatesError: string | null = null;
  private starting: Promise<void> | null = null;
  private stopped = false;
  private wakeStart: (() => void) | null = null;
  private readonly ownsClient: boolean;

  /** @throws StoreError when a named environment variable or the CA file is missing */
  constructor(private readonly options: MentionIndexOptions) {
    const { config, store, clock } = options;
    this.log = options.log.child({ component: 'es' });
    this.names = indexNames(config.indexPrefix);
    this.url = redactedUrl(esUrl(config, options.env));
    this.ownsClient = !options.client;
    this.client = options.client ?? createEsClient(config, { env: options.env, baseDir: options.baseDir });
    this.spool = new IndexSpoolRepo(store.db);
    this.feed = new AlertIndexFeed(store.db, this.spool, this.names);
    const spoolMention = mentionSpoolHook(this.spool, clock, this.names);
    // Waking from inside the storing transaction is safe: the indexer's loop resumes in a promise
    // step, which runs only after this synchronous transaction has committed (or rolled back, and
    // then finds nothing new). After the first mention the wake is a no-op until the loop sleeps again.
    this.onStored = (m, atMs) => {
      spoolMention(m, atMs);
      this.indexer.wake();
    };
    this.onAlertTextPruned = (alertIds) => {
      if (this.feed.respool(alertIds, clock.now()) > 0) this.indexer.wake();
    };
    this.indexer = new SpoolIndexer({
      client: this.client,
      spool: this.spool,
      clock,
      log: options.log,
      maxDocs: config.bulk.maxDocs,
      maxBytes: config.bulk.maxBytes,
      idleMs: config.bulk.idleMs,
      initialBackoffMs: config.retry.initialBackoffMs,
      maxBackoffMs: config.retry.maxBackoffMs,
      feeds: [{ name: 'alerts', pump: () => this.feed.pump(clock.now()) }],
    });
  }

  /** Make sure the templates are in place (idempotent); records the outcome for health. @throws IndexError */
  async ensureTemplates(): Promise<void> {
    try {
      const report = await setupIndices(this.client, this.names);
      this.templates = 'ready';
      this.templatesError = null;
      if (report.changed) this.log.info({ changes: report.changes.filter((c) => c.action !== 'unchanged') }, '已建立或更新 Elasticsearch 索引範本 (index templates set up)');
    } catch (err) {
      this.templates = 'failed';
      this.templatesError = errorMessage(err);
      throw err;
    }
  }

  /** Start in the background: templates first (retried with backoff), then the indexer loop. Idempotent. */
  start(): void {
    if (this.starting) return;
    this.stopped = false;
    this.starting = this.startLoop();
  }

  private async startLoop(): Promise<void> {
    const { initialBackoffMs, maxBackoffMs } = this.options.config.retry;
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.ensureTemplates();
        this.indexer.start();
        return;
      } catch (err) {
        const waitMs = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
        const fields = { code: errorCode(err), err: errorMessage(err), retryInMs: waitMs, attempt, spooled: this.spool.depth() };
        if (attempt === 1) this.log.error(fields, 'Elasticsearch 索引範本無法確認，提及先保留在佇列中 (templates not ready; mentions wait in the spool)');
        else this.log.warn(fields, 'Elasticsearch 索引範本仍無法確認 (templates still not ready)');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.wakeStart = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeStart = null;
      }
    }
  }

  /** Copy alert changes recorded in SQLite into the spool now (after detection, acknowledgement, delivery). */
  captureAlertChanges(): number {
    const copied = this.feed.pump(this.options.clock.now());
    // An alert reaches Kibana now, not after the indexer's idle sleep (`bulk.idleMs`).
    if (copied > 0) this.indexer.wake();
    return copied;
  }

  /**
   * Before alerting starts: rebuild SQLite's volume history from the index (see
   * {@link rebuildBaselinesFromIndex}). Gives up after `timeoutMs` and returns null when the index is
   * unreachable — detection then warms up from what SQLite has; never throws for Elasticsearch.
   */
  async rebuildBaselines(rules: readonly BaselineRule[], timeoutMs: number): Promise<BaselineRebuildReport | null> {
    const attempt = rebuildBaselinesFromIndex({ client: this.client, store: this.options.store, log: this.options.log, names: this.names }, rules, this.options.clock.now());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const result = await Promise.race([attempt, timeout]);
      if (result === 'timeout') {
        // The rebuild goes on in the background; it is idempotent and only adds what the index has.
        attempt.catch((err: unknown) => this.log.warn({ code: errorCode(err), err: errorMessage(err) }, '背景的基準量重建失敗 (background baseline rebuild failed)'));
        this.log.warn({ timeoutMs }, '基準量重建逾時，偵測先以本機資料暖機 (baseline rebuild timed out; detection warms up from local state)');
        return null;
      }
      return result;
    } catch (err) {
      this.log.warn({ code: errorCode(err), err: errorMessage(err) }, '無法從索引重建基準量，偵測先以本機資料暖機 (could not rebuild baselines from the index)');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Delete monthly mention indices past `retentionDays`. @throws IndexError (the next run tries again) */
  enforceRetention(): Promise<string[]> {
    return enforceRetention(this.client, { nowMs: this.options.clock.now(), retentionDays: this.options.config.retentionDays, log: this.options.log, names: this.names });
  }

  /**
   * One-shot runs (`yuqing once`, the demo): write what is spooled now, waiting at most `timeoutMs`.
   * Never throws for Elasticsearch: what could not be written stays spooled for the next run.
   * @returns writes still waiting
   */
  async flush(timeoutMs: number): Promise<number> {
    try {
      if (this.templates !== 'ready') await this.ensureTemplates();
      await this.indexer.drain(timeoutMs);
    } catch (err) {
      this.log.warn({ code: errorCode(err), err: errorMessage(err), spooled: this.spool.depth() }, '索引未能全部寫入，剩餘的保留在佇列中 (index not fully written; the rest stays spooled)');
    }
    return this.spool.depth();
  }

  /** Backpressure for ingestion while the node is up (see {@link SpoolIndexer.waitForRoom}). */
  async waitForRoom(): Promise<void> {
    // Before the templates are confirmed nothing may be written (a guessed mapping would stick for a month).
    if (this.templates !== 'ready') return;
    await this.indexer.waitForRoom(this.options.config.spoolHighWater);
  }

  health(): IndexHealthReport {
    return { url: this.url, templates: this.templates, templatesError: this.templatesError, ...this.indexer.health() };
  }

  /** True when /healthz should say `degraded` because of the index. */
  degraded(): boolean {
    const h = this.health();
    return h.status !== 'ok' || h.deadLetters > 0 || h.templates !== 'ready';
  }

  /** Gauges and counters read at scrape time, on the app's registry. */
  registerMetrics(registry: Registry): void {
    const self = this;
    new Gauge({ name: 'yuqing_index_spool_depth', help: 'Writes waiting in the Elasticsearch spool (SQLite).', registers: [registry], collect() { this.set(self.spool.depth()); } });
    new Gauge({
      name: 'yuqing_index_spool_oldest_age_seconds',
      help: 'Age of the oldest spooled write: how far the index lags (0 when empty).',
      registers: [registry],
      collect() {
        const oldest = self.spool.oldestEnqueuedMs();
        this.set(oldest === null ? 0 : Math.max(0, (self.options.clock.now() - oldest) / 1000));
      },
    });
    new Gauge({
      name: 'yuqing_index_last_success_timestamp_seconds',
      help: 'Unix time Elasticsearch last acknowledged a write (0 = never).',
      registers: [registry],
      collect() { this.set((self.spool.lastSuccessMs() ?? 0) / 1000); },
    });
    new Gauge({ name: 'yuqing_index_dead_letters', help: 'Documents Elasticsearch rejected, kept in SQLite with the reason.', registers: [registry], collect() { this.set(self.spool.deadLetterCount()); } });
    new Gauge({ name: 'yuqing_index_up', help: '1 when the last Elasticsearch write request worked, 0 while it is unavailable.', registers: [registry], collect() { this.set(self.indexer.health().status === 'unavailable' ? 0 : 1); } });
    const seen: Record<string, number> = {};
    new Counter({
      name: 'yuqing_index_documents_total',
      help: 'Spooled writes by outcome since start (indexed, superseded, retried, rejected).',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        const totals = self.indexer.health().totals;
        for (const outcome of ['indexed', 'superseded', 'retried', 'rejected'] as const) {
          const delta = totals[outcome] - (seen[outcome] ?? 0);
          if (delta > 0) this.inc({ outcome }, delta);
          seen[outcome] = totals[outcome];
        }
      },
    });
  }

  /** Stop the loops (the batch in flight finishes) and close the client it created. Spooled writes wait for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeStart?.();
    await this.starting;
    this.starting = null;
    await this.indexer.stop();
    if (this.ownsClient) await this.client.close();
  }
}
