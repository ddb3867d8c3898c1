import { dirname } from 'node:path';
import { deliverDue, type DeliverySummary } from '../alerts/outbox';
import { BUILTIN_NOTIFIER_KINDS, type NotifierRegistry } from '../alerts/notifiers/registry';
import type { Notifier } from '../alerts/notifiers/define';
import type { ChannelKind } from '../alerts/types';
import type { Project } from '../config/load';
import { systemClock, type Clock } from '../core/clock';
import { ConfigError, errorCode, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { HttpClientOptions } from '../http/client';
import type { HttpClient } from '../http/types';
import { HttpServer, type HealthReport } from '../server/http-server';
import { createStatusRoute } from '../server/status-route';
import type { Route } from '../server/ack-handler';
import { Metrics } from '../server/metrics';
import { writeTokenFromEnv } from '../server/write-token';
import { MentionIndex } from '../store/elasticsearch/mention-index';
import { openStateStore, type StateStore } from '../store/state-store';
import { pruneQuotedText, type QuotedTextPruned } from '../store/quoted-text-retention';
import { createScorer, type Scorer } from '../text/scorer';
import { alertingSetup, type AlertingSetup } from './alerting-setup';
import { runDetection, type DetectOutcome } from './detect';
import { pollConnector, type PollOutcome, type RunnableConnector } from './poll-connector';
import { Scheduler } from './scheduler';
import { httpClientFromConfig } from './http-setup';
import type { SourceBackoffPolicy } from './source-backoff';

export interface AppOptions {
  log: Logger;
  clock?: Clock;
  /** Where `*Env` secrets are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Overrides of the HTTP client (tests and the demo: no politeness gap on loopback, a MockAgent…). */
  http?: Partial<HttpClientOptions>;
  /** Start the /healthz + /metrics server in `start()` (default: the config's `server.enabled`). */
  server?: boolean;
  /** Collect process metrics (default true for the daemon). */
  processMetrics?: boolean;
}

/** The result of one full cycle: every enabled connector once, detection, delivery. */
export interface CycleResult {
  polls: PollOutcome[];
  detections: DetectOutcome[];
  delivery: DeliverySummary;
}

/**
 * The composition root: builds every stage from a loaded project and wires them in one direction
 * (connectors → ingest → store → detect → outbox → notifiers). The daemon (`start`), one-shot runs
 * (`runCycle`) and the demo all drive the same methods.
 */
export class App {
  readonly store: StateStore;
  readonly metrics: Metrics;
  readonly http: HttpClient;
  /** The notifiers' client: same manners, but its own allow-list of non-public hosts (`channels.allowPrivateHosts`). */
  private readonly notifierHttp: HttpClient;
  readonly scorer: Scorer;
  readonly connectors: RunnableConnector[];
  readonly clock: Clock;
  readonly log: Logger;
  /** The Elasticsearch mention index, when the config has an `elasticsearch:` block. */
  readonly index: MentionIndex | undefined;
  private readonly notifiers: NotifierRegistry;
  private readonly scheduler: Scheduler;
  private server: HttpServer | undefined;
  private lastDetectMs: number | null = null;
  private readonly alerting: AlertingSetup;
  /** New mentions arrived while detection was running: run it again right after. */
  private detectAgain = false;
  private detecting = false;
  private lastDeliveryMs: number | null = null;
  /** Delivery runs started by the daemon's schedule that have not finished yet. */
  private readonly deliveries = new Set<Promise<void>>();
  private stopping = false;

  constructor(readonly project: Project, private readonly options: AppOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.metrics = new Metrics({ processMetrics: options.processMetrics ?? true });
    const es = project.main.elasticsearch;
    // With Elasticsearch as the index of record, SQLite keeps what detection needs, not the documents.
    this.store = openStateStore({ path: project.paths.sqlite, clock: this.clock, storeMentionDocuments: !es });
    this.index = es ? new MentionIndex({ config: es, store: this.store, clock: this.clock, log: this.log, env: options.env ?? process.env, baseDir: dirname(project.configFile) }) : undefined;
    this.index?.registerMetrics(this.metrics.registry);
    this.http = httpClientFromConfig(project.main.http, { log: this.log, validators: this.store.validators, now: () => this.clock.now(), ...(options.http ? { overrides: options.http } : {}) });
    this.notifierHttp = httpClientFromConfig(project.main.http, { log: this.log, now: () => this.clock.now(), overrides: { ...options.http, allowPrivateHosts: project.main.channels.allowPrivateHosts } });
    this.scorer = createScorer({ rules: project.rules.map((r) => r.config), lexicon: project.lexicon });
    this.connectors = project.connectors
      .filter((c) => c.config.enabled)
      .map((c) => ({
        id: c.config.id,
        sourceType: c.config.sourceType ?? c.kind.sourceType,
        ...(c.config.site ? { site: c.config.site } : {}),
        instance: c.kind.create(c.options, { id: c.config.id }),
      }));
    this.notifiers = this.buildNotifiers();
    this.scheduler = new Scheduler({ timeZone: project.main.timeZone, log: this.log.child({ component: 'scheduler' }) });
    this.alerting = alertingSetup({
      project, store: this.store, env: options.env ?? process.env, clock: this.clock, log: this.log, connectors: this.connectors.map((c) => c.id),
      onAcknowledged: (alert, events) => {
        for (const e of events) this.metrics.alertTransitions.inc({ rule: alert.ruleId, type: e.type, level: alert.level });
        this.captureAlertChanges();
      },
    });
  }

  /**
   * One notifier per configured channel. A channel whose secrets are missing is left out and
   * reported: its deliveries wait in the outbox until the daemon restarts with them set.
   */
  private buildNotifiers(): NotifierRegistry {
    const registry = new Map<ChannelKind, Notifier>();
    const ctx = { config: this.project.main, env: this.options.env ?? process.env, http: this.notifierHttp, clock: this.clock, log: this.log.child({ component: 'notifier' }), configFile: this.project.configFile };
    for (const kind of BUILTIN_NOTIFIER_KINDS) {
      try {
        const n = kind.create(ctx);
        if (n) registry.set(kind.channel, n);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        this.log.error({ channel: kind.channel, code: err.code, err: err.message }, '通知管道設定不完整，此管道的通知會留在佇列中 (channel not usable; its deliveries wait in the outbox)');
      }
    }
    return registry;
  }

  /** Run one connector now. Never throws (failures are recorded and returned). */
  async poll(connector: RunnableConnector, signal?: AbortSignal): Promise<PollOutcome> {
    // Backpressure: while Elasticsearch is up but behind, wait for the spool to shrink (never during an outage).
    await this.index?.waitForRoom();
    const onStored = this.index?.onStored;
    return this.metrics.time('poll', () =>
      pollConnector({ store: this.store, scorer: this.scorer, clock: this.clock, log: this.log, http: this.http, metrics: this.metrics, keepUnmatched: this.project.main.storage.keepUnmatched, redact: this.project.main.privacy.redact, ...(onStored ? { onStored } : {}), backoff: this.sourceBackoff() }, connector, signal),
    );
  }

  /** Alert changes just committed go to the index spool now, with the evidence of this moment. */
  private captureAlertChanges(): void {
    try {
      this.index?.captureAlertChanges();
    } catch (err) {
      // The indexer's loop copies them on its next round; say so rather than lose the moment silently.
      this.log.error({ component: 'es', code: errorCode(err), err: errorMessage(err) }, '警示變更未能放入索引佇列，稍後重試 (alert changes not spooled yet)');
    }
  }

  /** Every enabled connector once, concurrently (the HTTP client keeps one request per host at a time). */
  pollAll(signal?: AbortSignal): Promise<PollOutcome[]> {
    return Promise.all(this.connectors.map((c) => this.poll(c, signal)));
  }

  /** Evaluate every rule, hot-spot, source and red clock now; each unit is isolated from the others' failures (src/pipeline/detect.ts). */
  detect(): DetectOutcome[] {
    const now = this.clock.now();
    const end = this.metrics.cycleSeconds.startTimer({ stage: 'detect' });
    const out = runDetection(this.alerting.detectDeps, this.project.rules, now);
    for (const o of out) for (const e of o.events) this.metrics.alertTransitions.inc({ rule: o.ruleId, type: e.type, level: e.toLevel ?? o.alert?.level ?? '' });
    end();
    this.captureAlertChanges();
    this.lastDetectMs = now;
    return out;
  }

  /** Deliver what is due in the outbox. */
  async deliver(): Promise<DeliverySummary> {
    const summary = await this.metrics.time('deliver', () =>
      deliverDue({ store: this.store.outbox, notifiers: this.notifiers, clock: this.clock, log: this.log, policy: this.project.main.delivery }),
    );
    for (const i of summary.items) this.metrics.deliveries.inc({ channel: i.channel, outcome: i.outcome });
    this.captureAlertChanges();
    this.lastDeliveryMs = this.clock.now();
    return summary;
  }

  /**
   * Delete mentions and hits older than `storage.retentionDays` (the seeds' minimal-retention rule),
   * and the mention text that resolved alerts, finished deliveries and dead letters quote
   * (src/store/quoted-text-retention.ts).
   */
  enforceRetention(): { mentions: number; hits: number; seen: number } & QuotedTextPruned {
    const cutoff = this.clock.now() - this.project.main.storage.retentionDays * 86_400_000;
    const removed = this.store.mentions.prune(cutoff);
    const versions = this.store.revisits.prune(cutoff);
    const quoted = pruneQuotedText(this.store.db, cutoff, this.clock.now(), this.index?.onAlertTextPruned);
    this.log.info({ component: 'retention', ...versions }, '已刪除過期的重新檢查紀錄與證據版本 (revisits and versions pruned)');
    this.log.info({ component: 'retention', cutoff: new Date(cutoff).toISOString(), ...removed, ...quoted }, '已刪除超過保留期限的資料 (retention enforced)');
    return { ...removed, ...quoted };
  }

  /** One full cycle: poll everything, detect, deliver, write the index (`yuqing once`, the demo). */
  async runCycle(signal?: AbortSignal): Promise<CycleResult> {
    const polls = await this.pollAll(signal);
    const detections = this.detect();
    const delivery = await this.deliver();
    // What Elasticsearch cannot take now stays spooled for the next run; the cycle does not fail for it.
    if (this.index) await this.index.flush(15_000);
    return { polls, detections, delivery };
  }

  /** Start the daemon: one schedule per connector, detection + delivery on its own schedule, the HTTP server. */
  async start(): Promise<void> {
    if (this.index) {
      this.index.start();
      // Before alerting starts: a new machine takes its volume history from the index.
      await this.index.rebuildBaselines(this.project.rules.map((r) => ({ id: r.config.id, volume: r.config.volume })), 30_000);
    }
    for (const c of this.connectors) {
      const file = this.project.connectors.find((x) => x.config.id === c.id)!;
      this.scheduler.add(`connector:${c.id}`, file.config.schedule, async (signal) => {
        const outcome = await this.poll(c, signal);
        // New mentions are judged at once, not at the next detection tick: alert latency ≈ poll interval.
        if (outcome.ok && outcome.summary.stored > 0) this.requestDetection();
      });
    }
    this.scheduler.add('detect-deliver', this.project.main.detection.schedule, async () => {
      this.detecting = true;
      try {
        do {
          this.detectAgain = false;
          this.detect();
          // Not awaited: detection never waits for a receiver (a stalled channel holds back only itself).
          this.deliverInBackground();
        } while (this.detectAgain && !this.stopping);
      } finally {
        this.detecting = false;
      }
    });
    // Daily, at a quiet hour; also once at start so a daemon that was down catches up.
    this.scheduler.add('retention', '17 3 * * *', async () => {
      this.enforceRetention();
      await this.index?.enforceRetention();
    });
    const s = this.project.main.server;
    if (this.options.server ?? s.enabled) {
      const write = writeTokenFromEnv(s.writeTokenEnv, this.options.env ?? process.env);
      if (write.problem) this.log.error({ component: 'server' }, `${write.problem}；非本機的寫入請求會被拒絕 (writes from other machines refused)`);
      this.server = new HttpServer({ host: s.host, port: s.port, log: this.log.child({ component: 'server' }), metrics: this.metrics, health: () => this.health(), beforeScrape: () => this.refreshGauges(), routes: [...this.alerting.routes, ...this.statusRoutes()], ...(write.token ? { writeToken: write.token } : {}), requireWriteToken: s.writeTokenEnv !== undefined });
      const addr = await this.server.start();
      this.log.info({ url: `http://${addr.address}:${addr.port}` }, 'HTTP 服務已啟動：/healthz、/metrics (server listening)');
    }
    this.scheduler.start();
    this.log.info({ connectors: this.connectors.length, rules: this.project.rules.length }, 'Yuqing 已啟動 (daemon started)');
    // Deliveries left pending by a previous run (crash, restart) go out at once.
    void this.scheduler.runNow('detect-deliver');
    void this.scheduler.runNow('retention');
  }

  /** Run detection + delivery now, or right after the run in progress ends. */
  private requestDetection(): void {
    // Set first: if a run is about to start (or just did), it runs once more and sees these mentions.
    this.detectAgain = true;
    if (!this.detecting) void this.scheduler.runNow('detect-deliver');
  }

  /**
   * Start a delivery run and do not wait for it. Runs may overlap: each channel is delivered by one
   * run at a time (see deliverDue), so a channel waiting on a receiver that does not answer holds
   * back neither detection nor the other channels. `stop()` waits for the runs in flight.
   */
  private deliverInBackground(): void {
    const run: Promise<void> = this.deliver()
      .then(
        () => undefined,
        (err: unknown) => this.log.error({ component: 'outbox', code: errorCode(err), err: errorMessage(err) }, '投遞執行失敗，下一輪再試 (delivery run failed; the next run retries)'),
      )
      .finally(() => this.deliveries.delete(run));
    this.deliveries.add(run);
  }

  /** Stop scheduling, let runs in flight finish, close everything. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.scheduler.stop();
    await Promise.all(this.deliveries);
    await this.server?.stop();
    for (const n of this.notifiers.values()) await n.close?.();
    await this.index?.stop();
    this.store.close();
    this.log.info('Yuqing 已停止 (daemon stopped)');
  }

  /** The per-source backoff policy from the main config. */
  private sourceBackoff(): SourceBackoffPolicy {
    const p = this.project.main.polling;
    return { failureInitialMs: p.failureBackoffMs, failureMaxMs: p.failureBackoffMaxMs, blockedInitialMs: p.blockedBackoffMs, blockedMaxMs: p.blockedBackoffMaxMs };
  }

  /** The status page (`/status`, see src/server/status-route.ts), unless `server.statusPage.enabled` is false. */
  private statusRoutes(): Route[] {
    const cfg = this.project.main.server.statusPage;
    if (!cfg.enabled) return [];
    return [
      createStatusRoute({
        store: this.store,
        rules: () => this.project.rules.map((r) => ({ id: r.config.id, name: r.config.name })),
        clock: this.clock,
        timeZone: this.project.main.timeZone,
        days: cfg.days,
        allowRemote: cfg.allowRemote,
        log: this.log,
        onAcknowledged: (alert, events) => {
          for (const e of events) this.metrics.alertTransitions.inc({ rule: alert.ruleId, type: e.type, level: alert.level });
          this.captureAlertChanges();
        },
      }),
    ];
  }

  /** Address of the running HTTP server, if any. */
  private refreshGauges(): void {
    this.metrics.outboxPending.set(this.store.outbox.summary().pending);
    this.metrics.sourceStatus.reset();
    this.metrics.sourceFailures.reset();
    this.metrics.sourceNextAttempt.reset();
    const nowMs = this.clock.now();
    for (const s of this.store.sources.list()) {
      for (const status of ['ok', 'failing', 'blocked'] as const) this.metrics.sourceStatus.set({ connector: s.connector, status }, s.status === status ? 1 : 0);
      this.metrics.sourceFailures.set({ connector: s.connector }, s.consecutiveFailures);
      if (s.nextAttemptMs !== null && s.nextAttemptMs > nowMs) this.metrics.sourceNextAttempt.set({ connector: s.connector }, s.nextAttemptMs / 1000);
    }
    this.metrics.openAlerts.reset();
    for (const a of this.store.alerts.list({ statuses: ['open', 'acknowledged'], limit: 1000 })) this.metrics.openAlerts.inc({ level: a.level });
  }

  /** What /healthz reports: sources, outbox, alerts, last cycle times. */
  health(): HealthReport {
    const sources = this.store.sources.list();
    const outbox = this.store.outbox.summary();
    const open = this.store.alerts.list({ statuses: ['open', 'acknowledged'], limit: 1000 });
    const failing = sources.filter((s) => s.status !== 'ok');
    return {
      status: failing.length > 0 || outbox.failed > 0 || this.index?.degraded() ? 'degraded' : 'ok',
      now: new Date(this.clock.now()).toISOString(),
      lastDetectAt: this.lastDetectMs === null ? null : new Date(this.lastDetectMs).toISOString(),
      lastDeliveryAt: this.lastDeliveryMs === null ? null : new Date(this.lastDeliveryMs).toISOString(),
      sources: sources.map((s) => ({
        connector: s.connector,
        status: s.status,
        since: new Date(s.sinceMs).toISOString(),
        lastError: s.lastError,
        lastErrorCode: s.lastErrorCode,
        lastOkAt: s.lastOkMs === null ? null : new Date(s.lastOkMs).toISOString(),
        consecutiveFailures: s.consecutiveFailures,
        // When a backing-off source may be polled again (null: on its schedule).
        nextAttemptAt: s.nextAttemptMs !== null && s.nextAttemptMs > this.clock.now() ? new Date(s.nextAttemptMs).toISOString() : null,
        backoffReason: s.nextAttemptMs !== null && s.nextAttemptMs > this.clock.now() ? s.backoffReason : null,
      })),
      outbox,
      openAlerts: open.map((a) => ({ id: a.id, rule: a.ruleId, level: a.level, status: a.status, respondBy: new Date(a.respondBy).toISOString() })),
      ...(this.index ? { index: this.index.health() } : {}),
    };
  }
}
