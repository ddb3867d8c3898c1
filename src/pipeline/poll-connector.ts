import type { Clock } from '../core/clock';
import { errorCode, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ConnectorInstance } from '../connectors/define';
import type { HttpClient } from '../http/types';
import type { Metrics } from '../server/metrics';
import type { StateStore } from '../store/state-store';
import { ingestItems, type IngestDeps, type IngestSummary, type SourceInfo } from './ingest';

/** A connector ready to run: its file's settings and its kind's instance. */
export interface RunnableConnector extends SourceInfo {
  instance: ConnectorInstance;
}

export type PollOutcome =
  | { connector: string; ok: true; notModified: boolean; summary: IngestSummary; warnings: string[] }
  | { connector: string; ok: false; code: string; message: string; blocked: boolean };

export interface PollDeps extends IngestDeps {
  http: HttpClient;
  metrics: Metrics;
  store: StateStore;
  clock: Clock;
  log: Logger;
}

/**
 * Run one connector once and ingest what it returns. Never throws: a failing source is recorded
 * (store, metrics, log) and isolated, so the other connectors keep running.
 */
export async function pollConnector(deps: PollDeps, connector: RunnableConnector, signal?: AbortSignal): Promise<PollOutcome> {
  const log = deps.log.child({ component: 'connector', connector: connector.id });
  const startedAt = deps.clock.now();
  try {
    const result = await connector.instance.poll({ id: connector.id, http: deps.http, log, clock: deps.clock, ...(signal ? { signal } : {}) });
    const summary = ingestItems({ ...deps, log }, connector, result.items);
    result.commit?.();
    deps.store.sources.recordSuccess(connector.id, summary.stored, deps.clock.now());
    deps.metrics.connectorRuns.inc({ connector: connector.id, outcome: result.notModified ? 'not_modified' : 'ok' });
    deps.metrics.mentionsIngested.inc({ connector: connector.id }, summary.stored);
    deps.metrics.mentionsDuplicate.inc({ connector: connector.id }, summary.duplicates);
    deps.metrics.itemsSkipped.inc({ connector: connector.id }, summary.skipped + result.warnings.length);
    deps.metrics.lastSuccess.set({ connector: connector.id }, deps.clock.now() / 1000);
    log.info(
      { notModified: result.notModified, fetched: summary.fetched, stored: summary.stored, duplicates: summary.duplicates, unmatched: summary.unmatched, skipped: summary.skipped, ms: deps.clock.now() - startedAt },
      '來源抓取完成 (connector run ok)',
    );
    return { connector: connector.id, ok: true, notModified: result.notModified, summary, warnings: result.warnings };
  } catch (err) {
    const code = errorCode(err);
    const blocked = code === 'E_HTTP_BLOCKED';
    const message = errorMessage(err);
    deps.store.sources.recordFailure(connector.id, { code, message, blocked }, deps.clock.now());
    deps.metrics.connectorRuns.inc({ connector: connector.id, outcome: blocked ? 'blocked' : 'failed' });
    log.error({ code, err: message }, blocked ? '來源封鎖了我們的請求 (source blocked us)' : '來源抓取失敗 (connector run failed)');
    return { connector: connector.id, ok: false, code, message, blocked };
  }
}
