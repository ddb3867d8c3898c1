import type { ConnectorRuntime, RevisitPolicy, Revisitor } from '../connectors/define';
import type { Clock } from '../core/clock';
import { errorCode, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { RawItem, ScoredMention } from '../core/types';
import type { StateStore } from '../store/state-store';
import type { VersionChange } from '../store/revisits-repo';
import { tryCanonicalUrl } from '../text/canonical-url';
import { redactMention, type RedactionKind } from '../text/redact-personal-data';
import { toMention } from '../text/to-mention';
import type { SourceInfo } from './ingest';

/**
 * Revisits: stored forum mentions are fetched again a few times after they were first stored, so
 * engagement (推/噓, likes, comments) stays current and an edit or a deletion becomes a new
 * evidence version — the original text and hash are never overwritten (src/store/revisits-repo.ts).
 */

/** When the revisit after `done` earlier ones is due, or null when the policy has no more. */
export function nextRevisitDueMs(firstSeenMs: number, done: number, policy: RevisitPolicy): number | null {
  const offset = policy.afterMs[done];
  return offset === undefined ? null : firstSeenMs + offset;
}

/**
 * A hook for the storing transaction: each newly stored mention of this batch gets its revisit
 * row and version 0. `items` are the batch's raw items (for the guid and the excerpt flag).
 */
export function revisitEnqueuer(store: StateStore, policy: RevisitPolicy, items: readonly RawItem[], nowMs: number): (m: ScoredMention) => void {
  const byUrl = new Map<string, RawItem>();
  for (const item of items) {
    const key = tryCanonicalUrl(item.url ?? '');
    if (key !== undefined) byUrl.set(key, item);
  }
  const firstDue = nextRevisitDueMs(nowMs, 0, policy) ?? nowMs;
  return (m) => {
    const raw = byUrl.get(m.url);
    store.revisits.enqueue(m, raw?.guid, nowMs, firstDue, raw?.partial === true);
  };
}

export interface RevisitDeps {
  store: StateStore;
  clock: Clock;
  log: Logger;
  /** Counts each revisit's outcome (a change kind, `unchanged` or `failed`). */
  onOutcome?: (outcome: VersionChange | 'unchanged' | 'failed') => void;
  /** Personal data replaced by markers, as at ingest, so an unchanged post compares equal (`privacy.redact`). */
  redact?: readonly RedactionKind[];
}

export interface RevisitSummary {
  revisited: number;
  changes: VersionChange[];
  failed: number;
}

/** A failure that says the whole source is unwilling now: stop revisiting it this round. */
const SOURCE_LEVEL = new Set(['E_HTTP_BLOCKED', 'E_HTTP_ROBOTS', 'E_HTTP_TIMEOUT', 'E_HTTP_NETWORK']);
/** A failed revisit is tried again this much later (once the policy has no later slot, it is dropped). */
const RETRY_FAILED_MS = 3_600_000;

/**
 * Revisit what is due for one connector (at most `policy.maxPerPoll`). Never throws: a failed
 * revisit is logged with connector, URL and code and tried again later; a source-level failure
 * (blocked, robots, network) ends this round.
 */
export async function revisitDue(deps: RevisitDeps, source: SourceInfo, revisitor: Revisitor, rt: ConnectorRuntime): Promise<RevisitSummary> {
  const now = deps.clock.now();
  const targets = deps.store.revisits.due(source.id, now, revisitor.policy.maxPerPoll);
  const summary: RevisitSummary = { revisited: 0, changes: [], failed: 0 };
  for (const t of targets) {
    if (rt.signal?.aborted) break;
    try {
      const result = await revisitor.fetch(rt, { url: t.url, ...(t.guid ? { guid: t.guid } : {}), ...(t.lastTitle ? { title: t.lastTitle } : {}) });
      const at = deps.clock.now();
      const next = nextRevisitDueMs(t.firstSeenMs, t.done + 1, revisitor.policy);
      let changes: VersionChange[];
      if (result.status === 'gone') {
        changes = deps.store.revisits.record(t, { kind: 'gone', detail: result.detail }, at, null);
      } else {
        const m = redactMention(toMention(result.item, { connector: source.id, sourceType: source.sourceType, ...(source.site ? { site: source.site } : {}) }, at), deps.redact ?? []);
        changes = deps.store.revisits.record(t, { kind: 'present', title: m.title, body: m.body, contentSha256: m.contentSha256, ...(m.engagement ? { engagement: m.engagement } : {}) }, at, next);
      }
      summary.revisited++;
      summary.changes.push(...changes);
      if (changes.length === 0) deps.onOutcome?.('unchanged');
      for (const c of changes) deps.onOutcome?.(c);
      if (changes.some((c) => c === 'edited' || c === 'deleted')) {
        deps.log.info({ connector: source.id, url: t.url, mention: t.mentionId, changes }, changes.includes('deleted') ? '貼文已刪除，已記錄為新的證據版本 (item deleted; version recorded)' : '貼文已修改，已記錄為新的證據版本 (item edited; version recorded)');
      }
    } catch (err) {
      const code = errorCode(err);
      summary.failed++;
      deps.onOutcome?.('failed');
      deps.log.warn({ connector: source.id, url: t.url, code, err: errorMessage(err) }, '重新檢查貼文失敗，稍後再試 (revisit failed)');
      const later = deps.clock.now() + RETRY_FAILED_MS;
      const last = nextRevisitDueMs(t.firstSeenMs, revisitor.policy.afterMs.length - 1, revisitor.policy) ?? later;
      deps.store.revisits.postpone(t.mentionId, later <= last + RETRY_FAILED_MS ? later : null);
      if (SOURCE_LEVEL.has(code)) break;
    }
  }
  return summary;
}
