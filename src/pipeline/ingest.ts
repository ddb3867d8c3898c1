import { errorCode, errorMessage } from '../core/errors';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Mention, RawItem, ScoredMention, SourceType } from '../core/types';
import type { StoredHook } from '../store/mentions-repo';
import type { StateStore } from '../store/state-store';
import type { Scorer } from '../text/scorer';
import { redactMention, type RedactionKind } from '../text/redact-personal-data';
import { toMention } from '../text/to-mention';

/** The source a batch came from. */
export interface SourceInfo {
  id: string;
  sourceType: SourceType;
  site?: string;
}

export interface IngestSummary {
  /** Items the connector returned. */
  fetched: number;
  /** New mentions stored (they matched a rule, or unmatched ones are kept). */
  stored: number;
  /** Items already seen, from this or any other connector. */
  duplicates: number;
  /** New items that matched no rule (counted as seen; kept only with `storage.keepUnmatched`). */
  unmatched: number;
  /** Items that could not be normalised (logged with connector, URL and code). */
  skipped: number;
  fresh: ScoredMention[];
}

export interface IngestDeps {
  store: StateStore;
  scorer: Scorer;
  clock: Clock;
  log: Logger;
  keepUnmatched: boolean;
  /** Called inside the storing transaction for each new stored mention (the index spool hooks in here). */
  onStored?: StoredHook;
  /** Personal data replaced by markers before scoring and storage (`privacy.redact`; default none). */
  redact?: readonly RedactionKind[];
}

/**
 * Normalise, de-duplicate, score and store one connector's batch. Scoring runs only on items not
 * seen before, so re-fetching a feed costs a lookup per item, not a scoring pass.
 */
export function ingestItems(deps: IngestDeps, source: SourceInfo, items: RawItem[]): IngestSummary {
  const now = deps.clock.now();
  const mentions: Mention[] = [];
  let skipped = 0;
  for (const raw of items) {
    try {
      mentions.push(redactMention(toMention(raw, { connector: source.id, sourceType: source.sourceType, site: source.site }, now), deps.redact ?? []));
    } catch (err) {
      skipped++;
      deps.log.warn({ connector: source.id, url: raw.url, code: errorCode(err), err: errorMessage(err) }, '項目無法正規化，已略過 (item skipped)');
    }
  }
  // The same article twice in one batch counts once.
  const unique = [...new Map(mentions.map((m) => [m.id, m])).values()];
  const unseen = deps.store.mentions.unseen(unique.map((m) => m.id));
  const scored: ScoredMention[] = [];
  const unmatched: ScoredMention[] = [];
  for (const m of unique) {
    if (!unseen.has(m.id)) continue;
    const s: ScoredMention = { ...m, ...deps.scorer.score(m) };
    (s.rules.length > 0 || deps.keepUnmatched ? scored : unmatched).push(s);
  }
  const result = deps.store.mentions.ingest(scored, now, deps.onStored);
  deps.store.mentions.markSeen(unmatched, now);
  return {
    fetched: items.length,
    stored: result.fresh.length,
    duplicates: mentions.length - scored.length - unmatched.length + result.duplicates,
    unmatched: unmatched.length,
    skipped,
    fresh: result.fresh,
  };
}
