import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../core/logger';
import { windowRanges, type VolumeConfig } from '../../spikes/window-ranges';
import type { StateStore } from '../state-store';
import { toIndexError } from './index-error';
import { DEFAULT_INDEX_NAMES, type IndexNames } from './index-names';
import { fromMentionDocument, type MentionDocument } from './mention-document';

/** A bucket grid over `[fromMs, toMs)`; `toMs − fromMs` is a multiple of `bucketMs`. */
export interface IndexBucketQuery {
  ruleId: string;
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

/**
 * Mentions of a rule per bucket from the index (a `date_histogram` on `at`, aligned on `fromMs`),
 * oldest first — the same numbers `MentionsRepo.bucketCounts` gives from SQLite when both hold the
 * same mentions.
 * @throws IndexError
 */
export async function indexBucketCounts(client: Client, q: IndexBucketQuery, names: IndexNames = DEFAULT_INDEX_NAMES): Promise<number[]> {
  const n = Math.max(0, Math.ceil((q.toMs - q.fromMs) / q.bucketMs));
  const counts = new Array<number>(n).fill(0);
  if (n === 0) return counts;
  let response;
  try {
    response = await client.search({
      index: names.mentionsAlias,
      size: 0,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { bool: { filter: [{ term: { ruleIds: q.ruleId } }, { range: { at: { gte: q.fromMs, lt: q.toMs, format: 'epoch_millis' } } }] } },
      aggs: {
        buckets: {
          date_histogram: {
            field: 'at',
            fixed_interval: `${q.bucketMs}ms`,
            // Buckets start at fromMs, like SQLite's (at − fromMs) / bucketMs.
            offset: `+${((q.fromMs % q.bucketMs) + q.bucketMs) % q.bucketMs}ms`,
            min_doc_count: 1,
          },
        },
      },
    });
  } catch (err) {
    throw toIndexError(err, '彙總基準量');
  }
  const buckets = (response.aggregations?.buckets as { buckets?: Array<{ key: number; doc_count: number }> } | undefined)?.buckets ?? [];
  for (const b of buckets) {
    const i = Math.floor((b.key - q.fromMs) / q.bucketMs);
    if (i >= 0 && i < n) counts[i] = (counts[i] ?? 0) + b.doc_count;
  }
  return counts;
}

/** Earliest `at` of each rule's mentions in the index (epoch ms); rules with none are absent. */
export async function indexHistoryStarts(client: Client, ruleIds: readonly string[], names: IndexNames = DEFAULT_INDEX_NAMES): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ruleIds.length === 0) return out;
  let response;
  try {
    response = await client.search({
      index: names.mentionsAlias,
      size: 0,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { terms: { ruleIds: [...ruleIds] } },
      aggs: { rules: { terms: { field: 'ruleIds', size: Math.max(10, ruleIds.length * 2), include: [...ruleIds] }, aggs: { first: { min: { field: 'at' } } } } },
    });
  } catch (err) {
    throw toIndexError(err, '查詢歷史起點');
  }
  const buckets = (response.aggregations?.rules as { buckets?: Array<{ key: string; first: { value: number | null } }> } | undefined)?.buckets ?? [];
  for (const b of buckets) if (b.first.value !== null) out.set(b.key, b.first.value);
  return out;
}

/** What the rebuild found and did for one rule. */
export interface RuleBaselineReport {
  ruleId: string;
  /** Mentions of the rule in the index over the rule's baseline + window, and in SQLite before the rebuild. */
  indexMentions: number;
  sqliteMentionsBefore: number;
  /** True when SQLite's per-bucket counts equal the index's after the rebuild. */
  matches: boolean;
  /** Start of observation taken from the index (earliest mention), if the index has any. */
  historyStartMs: number | null;
}

/** The outcome of {@link rebuildBaselinesFromIndex}. */
export interface BaselineRebuildReport {
  /** Mentions copied from the index into SQLite (seen ids and per-rule hits). */
  restored: number;
  rules: RuleBaselineReport[];
}

/** A rule as the rebuild needs it: its id and `volume` block (durations in ms). */
export interface BaselineRule {
  id: string;
  volume: VolumeConfig;
}

const PAGE = 1_000;

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/**
 * Before alerting starts: make SQLite's volume history agree with the index. On a new machine (empty
 * SQLite, index with history) the spike detector would otherwise see no baseline and either stay in
 * warm-up for days or, worse, count re-fetched old items as new. For every rule whose per-bucket
 * counts over baseline + window differ from the index's aggregation, the rule's mentions in that
 * range are read back from the index (without their bodies) and stored through
 * `MentionsRepo.ingest` — marked seen, with their hits — exactly as live ingestion stores them. Not
 * spooled: they are already indexed. Each rule's start of observation moves back to its first indexed
 * mention. Idempotent: a second run restores nothing.
 * @throws IndexError when the index cannot be read (SQLite is unchanged for the rules not yet done)
 */
export async function rebuildBaselinesFromIndex(
  deps: { client: Client; store: StateStore; log: Logger; names?: IndexNames },
  rules: readonly BaselineRule[],
  nowMs: number,
): Promise<BaselineRebuildReport> {
  const { client, store } = deps;
  const log = deps.log.child({ component: 'es-baselines' });
  const report: BaselineRebuildReport = { restored: 0, rules: [] };
  const names = deps.names ?? DEFAULT_INDEX_NAMES;
  const starts = await indexHistoryStarts(client, rules.map((r) => r.id), names);

  for (const rule of rules) {
    const r = windowRanges(nowMs, rule.volume);
    // Buckets over baseline + window, on the grid the detector uses (the window may be a partial bucket).
    const grid = { ruleId: rule.id, fromMs: r.baselineStartMs, toMs: r.baselineStartMs + Math.ceil((nowMs - r.baselineStartMs) / rule.volume.bucket) * rule.volume.bucket, bucketMs: rule.volume.bucket };
    const indexCounts = await indexBucketCounts(client, grid, names);
    const before = store.mentions.bucketCounts(rule.id, grid.fromMs, grid.toMs, grid.bucketMs);
    if (sum(indexCounts) > 0 && indexCounts.some((c, i) => c !== before[i])) {
      report.restored += await restoreRange(client, store, names, rule.id, grid.fromMs, grid.toMs, nowMs);
    }
    const after = store.mentions.bucketCounts(rule.id, grid.fromMs, grid.toMs, grid.bucketMs);
    const start = starts.get(rule.id) ?? null;
    if (start !== null) store.ruleState.extendHistory(rule.id, start);
    const matches = indexCounts.every((c, i) => c === after[i]);
    report.rules.push({ ruleId: rule.id, indexMentions: sum(indexCounts), sqliteMentionsBefore: sum(before), matches, historyStartMs: start });
    if (!matches) {
      // SQLite holds mentions the index lacks (still spooled, or dead-lettered): say so, keep SQLite's.
      log.warn({ ruleId: rule.id, index: sum(indexCounts), sqlite: sum(after) }, '基準量與索引不一致，以本機狀態為準 (baseline differs from the index; keeping local state)');
    }
  }
  if (report.restored > 0) log.info({ restored: report.restored, rules: report.rules.length }, '已從索引重建基準量 (baselines rebuilt from the index)');
  return report;
}

/** Read a rule's mentions in `[fromMs, toMs)` from the index page by page and store them in SQLite. */
async function restoreRange(client: Client, store: StateStore, names: IndexNames, ruleId: string, fromMs: number, toMs: number, nowMs: number): Promise<number> {
  let after: Array<string | number> | undefined;
  let restored = 0;
  for (;;) {
    let response;
    try {
      response = await client.search<Omit<MentionDocument, 'body'>>({
        index: names.mentionsAlias,
        size: PAGE,
        ignore_unavailable: true,
        allow_no_indices: true,
        _source: { excludes: ['body'] },
        query: { bool: { filter: [{ term: { ruleIds: ruleId } }, { range: { at: { gte: fromMs, lt: toMs, format: 'epoch_millis' } } }] } },
        sort: [{ at: 'asc' }, { id: 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
    } catch (err) {
      throw toIndexError(err, '讀取歷史提及');
    }
    const hits = response.hits.hits;
    if (hits.length === 0) return restored;
    const mentions = hits.map((h) => fromMentionDocument(h._source!));
    restored += store.mentions.ingest(mentions, nowMs).fresh.length;
    after = hits[hits.length - 1]!.sort as Array<string | number>;
    if (hits.length < PAGE) return restored;
  }
}
