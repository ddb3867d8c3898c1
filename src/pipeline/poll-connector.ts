import type { Clock } from '../core/clock';
import { errorCode, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ConnectorInstance } from '../connectors/define';
import type { HttpClient } from '../http/types';
import type { Metrics } from '../server/metrics';
import type { StateStore } from '../store/state-store';
import { tryCanonicalUrl } from '../text/canonical-url';
import { mentionId } from '../text/to-mention';
import { ingestItems, type IngestDeps, type IngestSummary, type SourceInfo } from './ingest';
import { revisitDue, revisitEnqueuer, type RevisitSummary } from './revisit';
import { DEFAULT_SOURCE_BACKOFF, sourceBackoff, type SourceBackoffPolicy } from './source-backoff';

/** A connector ready to run: its file's settings and its kind's instance. */
export interface RunnableConnector extends SourceInfo {
  instance: ConnectorInstance;
}

export type PollOutcome =
  | { connector: string; ok: true; notModified: boolean; summary: IngestSummary; warnings: string[]; revisits?: RevisitSummary }
  | { connector: string; ok: false; code: string; message: string; blocked: boolean; deferred?: undefined }
  /** Not run: the source is held back (backoff after failures, a block, Retry-After) until `untilMs`. */
  | { connector: string; ok: false; code: string; message: string; blocked: boolean; deferred: true; untilMs: number };

export interface PollDeps extends IngestDeps {
  http: HttpClient;
  metrics: Metrics;
  store: StateStore;
  clock: Clock;
  log: Logger;
  /** Per-source backoff after failures (default {@link DEFAULT_SOURCE_BACKOFF}). */
  backoff?: SourceBackoffPolicy;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

/**
 * Run one connector once and ingest what it returns, then revisit its items that are due. Never
 * throws: a failing source is recorded (store, metrics, log) and isolated, so the other connectors
 * keep running, and it is held back with jittered exponential backoff (see ./source-backoff):
 * a tick before its next allowed attempt is skipped and reported as `deferred`.
 */
export async function pollConnector(deps: PollDeps, connector: RunnableConnector, signal?: AbortSignal): Promise<PollOutcome> {
  const log = deps.log.child({ component: 'connector', connector: connector.id });
  const startedAt = deps.clock.now();
  const held = deps.store.sources.get(connector.id);
  if (held?.nextAttemptMs != null && startedAt < held.nextAttemptMs) {
    deps.metrics.connectorRuns.inc({ connector: connector.id, outcome: 'deferred' });
    const until = new Date(held.nextAttemptMs).toISOString();
    log.debug({ until, reason: held.backoffReason }, '來源退避中，略過這次排程 (source backing off; tick skipped)');
    return {
      connector: connector.id,
      ok: false,
      deferred: true,
      untilMs: held.nextAttemptMs,
      code: held.lastErrorCode ?? 'E_BACKOFF',
      message: `退避中，${until} 前不再抓取（${held.lastError ?? held.backoffReason ?? ''}）(backing off)`,
      blocked: held.status === 'blocked',
    };
  }
  const known = (url: string): boolean => {
    const canonical = tryCanonicalUrl(url);
    if (canonical === undefined) return false;
    const id = mentionId(canonical);
    return !deps.store.mentions.unseen([id]).has(id);
  };
  const rt = { id: connector.id, http: deps.http, log, clock: deps.clock, known, ...(signal ? { signal } : {}) };
  try {
    const result = await connector.instance.poll(rt);
    const revisitor = connector.instance.revisit;
    const enqueue = revisitor ? revisitEnqueuer(deps.store, revisitor.policy, result.items, deps.clock.now()) : undefined;
    const onStored = enqueue
      ? (m: Parameters<typeof enqueue>[0], atMs: number) => {
          deps.onStored?.(m, atMs);
          enqueue(m);
        }
      : deps.onStored;
    const summary = ingestItems({ ...deps, log, ...(onStored ? { onStored } : {}) }, connector, result.items);
    result.commit?.();
    deps.store.sources.recordSuccess(connector.id, summary.stored, deps.clock.now());
    if (result.retryAfterMs !== undefined && result.retryAfterMs > 0) deps.store.sources.setNextAttempt(connector.id, deps.clock.now() + result.retryAfterMs, 'retry-after');
    deps.metrics.connectorRuns.inc({ connector: connector.id, outcome: result.notModified ? 'not_modified' : 'ok' });
    deps.metrics.mentionsIngested.inc({ connector: connector.id }, summary.stored);
    deps.metrics.mentionsDuplicate.inc({ connector: connector.id }, summary.duplicates);
    deps.metrics.itemsSkipped.inc({ connector: connector.id }, summary.skipped + result.warnings.length);
    deps.metrics.lastSuccess.set({ connector: connector.id }, deps.clock.now() / 1000);
    log.info(
      { notModified: result.notModified, fetched: summary.fetched, stored: summary.stored, duplicates: summary.duplicates, unmatched: summary.unmatched, skipped: summary.skipped, ms: deps.clock.now() - startedAt },
      '來源抓取完成 (connector run ok)',
    );
    const revisits = revisitor
      ? await revisitDue({ store: deps.store, clock: deps.clock, log, onOutcome: (outcome) => deps.metrics.revisits.inc({ connector: connector.id, outcome }), ...(deps.redact ? { redact: deps.redact } : {}) }, connector, revisitor, rt)
      : undefined;
    return { connector: connector.id, ok: true, notModified: result.notModified, summary, warnings: result.warnings, ...(revisits ? { revisits } : {}) };
  } catch (err) {
    const code = errorCode(err);
    const blocked = code === 'E_HTTP_BLOCKED';
    const message = errorMessage(err);
    const now = deps.clock.now();
    deps.store.sources.recordFailure(connector.id, { code, message, blocked }, now);
    const failures = deps.store.sources.get(connector.id)?.consecutiveFailures ?? 1;
    const backoff = sourceBackoff(failures, err, deps.backoff ?? DEFAULT_SOURCE_BACKOFF, deps.random);
    deps.store.sources.setNextAttempt(connector.id, now + backoff.delayMs, backoff.reason);
    deps.metrics.connectorRuns.inc({ connector: connector.id, outcome: blocked ? 'blocked' : 'failed' });
    log.error(
      { code, err: message, consecutiveFailures: failures, backoffMs: backoff.delayMs, nextAttemptAt: new Date(now + backoff.delayMs).toISOString() },
      blocked ? '來源封鎖了我們的請求，數小時後再試 (source blocked us; backing off for hours)' : '來源抓取失敗，退避後再試 (connector run failed; backing off)',
    );
    return { connector: connector.id, ok: false, code, message, blocked };
  }
}
