import type { RiskLevel, ScoredMention } from '../core/types';
import type { EvidenceItem } from '../alerts/types';
import type { RuleHitRow } from '../spikes/types';
import type { Db } from './database';

/** A stored hit: what detection and alert evidence need about one mention for one rule. */
export interface HitRow extends RuleHitRow {
  terms: string[];
  site: string;
  evidence: EvidenceItem;
}

/**
 * Called inside the storing transaction for each newly stored mention, with the time it counts at
 * ({@link mentionAtMs}, computed once for both).
 */
export type StoredHook = (m: ScoredMention, atMs: number) => void;

export interface IngestResult {
  /** Mentions not seen before (in input order); only these were stored. */
  fresh: ScoredMention[];
  /** Mentions already known (same id from any connector, before or in this batch). */
  duplicates: number;
}

/** Epoch ms a mention counts at: its publication time, never later than when we fetched it. */
export function mentionAtMs(m: Pick<ScoredMention, 'publishedAt' | 'fetchedAt'>): number {
  const fetched = Date.parse(m.fetchedAt);
  const published = Date.parse(m.publishedAt);
  return Number.isFinite(published) ? Math.min(published, fetched) : fetched;
}

function evidenceOf(m: ScoredMention, topics: string[]): EvidenceItem {
  return {
    mentionId: m.id,
    url: m.url,
    title: m.title.slice(0, 200),
    site: m.site,
    connector: m.connector,
    publishedAt: m.publishedAt,
    fetchedAt: m.fetchedAt,
    contentSha256: m.contentSha256,
    sentiment: m.sentiment.label,
    topics,
  };
}

/**
 * Ids `seen_recent` holds before they are folded into `seen` (migrations 6 and 7). A fold rewrites
 * most pages of seen's id index whatever its size, so fewer, larger folds write less; the ids are
 * mirrored in memory meanwhile (about 2 MiB at this size).
 */
export const SEEN_FOLD_AT = 16_384;

/**
 * Mentions, dedupe and per-rule hits in SQLite. `storeDocuments` is true when SQLite is the mention
 * store (no Elasticsearch): the full documents are kept in `mentions` too.
 *
 * An id is seen when it is in `seen` or in `seen_recent`. New ids are appended to `seen_recent`,
 * which is folded into `seen` in id order once it holds `foldAt` ids, inside the transaction that
 * filled it: a random page of a large index rewritten per new mention was most of what storing wrote.
 * `seen_recent` has no id index (migration 7); its ids are mirrored in memory for dedupe, read back
 * from the table when the repo opens, when a transaction rolls back, and when another connection
 * (a `yuqing` command beside the daemon) has written the file since (SQLite's `data_version`).
 */
export class MentionsRepo {
  private readonly seenGet;
  private readonly recentInsert;
  private readonly recentIdsStmt;
  private readonly dataVersionStmt;
  private readonly foldStmts;
  /** The ids in `seen_recent`, kept in step with the table (re-read when it may have moved under us). */
  private recentIds: Set<string>;
  /** `data_version` when the mirror was last read: it changes when another connection commits. */
  private mirroredVersion: number;
  private readonly docStmt;
  private readonly hitStmt;
  private readonly windowStmt;
  private readonly countsStmt;
  private readonly titlesStmt;
  private readonly ingestTx;
  private readonly markSeenTx;

  constructor(
    private readonly db: Db,
    private readonly storeDocuments: boolean,
    private readonly foldAt: number = SEEN_FOLD_AT,
  ) {
    this.seenGet = db.prepare<[string], { id: string }>('SELECT id FROM seen WHERE id = ?');
    this.recentInsert = db.prepare('INSERT INTO seen_recent (id, connector, content_sha256, first_seen_ms) VALUES (?, ?, ?, ?)');
    this.recentIdsStmt = db.prepare<[], string>('SELECT id FROM seen_recent').pluck();
    this.dataVersionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.foldStmts = [
      // In id order: each page of seen's id index is written once per fold, not once per id.
      db.prepare('INSERT OR IGNORE INTO seen (id, connector, content_sha256, first_seen_ms) SELECT id, connector, content_sha256, first_seen_ms FROM seen_recent ORDER BY id'),
      db.prepare('DELETE FROM seen_recent'),
    ];
    this.mirroredVersion = this.dataVersionStmt.get()!;
    this.recentIds = this.readRecentIds();
    this.docStmt = db.prepare('INSERT OR IGNORE INTO mentions (id, connector, published_ms, doc) VALUES (?, ?, ?, ?)');
    this.hitStmt = db.prepare(
      // Only ever for a mention this transaction just marked seen: its hits cannot exist yet.
      'INSERT INTO hits (rule_id, mention_id, at_ms, negative, risk, topics, terms, site, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.windowStmt = db.prepare<[string, number, number], { mention_id: string; at_ms: number; negative: number; risk: string; topics: string; terms: string; site: string; evidence: string }>(
      'SELECT mention_id, at_ms, negative, risk, topics, terms, site, evidence FROM hits WHERE rule_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms',
    );
    this.countsStmt = db.prepare<[number, number, string, number, number], { b: number; n: number }>(
      'SELECT (at_ms - ?) / ? AS b, COUNT(*) AS n FROM hits WHERE rule_id = ? AND at_ms >= ? AND at_ms < ? GROUP BY b',
    );
    this.titlesStmt = db.prepare<[string, number, number, number], { title: string | null }>(
      "SELECT json_extract(evidence, '$.title') AS title FROM hits WHERE rule_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms DESC LIMIT ?",
    );
    this.markSeenTx = db.transaction((mentions: ReadonlyArray<Pick<ScoredMention, 'id' | 'connector' | 'contentSha256'>>, nowMs: number) => {
      this.syncMirror();
      for (const m of mentions) this.markNew(m, nowMs);
      this.foldWhenFull();
    });
    this.ingestTx = db.transaction((mentions: ScoredMention[], nowMs: number, onFresh?: StoredHook): IngestResult => {
      this.syncMirror();
      const fresh: ScoredMention[] = [];
      for (const m of mentions) {
        if (!this.markNew(m, nowMs)) continue;
        const at = mentionAtMs(m);
        if (this.storeDocuments) this.docStmt.run(m.id, m.connector, at, JSON.stringify(m));
        for (const hit of m.rules) {
          const topics = hit.topics.map((t) => t.topic);
          const terms = [...new Set([...hit.terms, ...hit.topics.flatMap((t) => t.terms)])];
          this.hitStmt.run(hit.ruleId, m.id, at, m.sentiment.label === 'negative' ? 1 : 0, hit.risk, JSON.stringify(topics), JSON.stringify(terms), m.site, JSON.stringify(evidenceOf(m, topics)));
        }
        onFresh?.(m, at);
        fresh.push(m);
      }
      this.foldWhenFull();
      return { fresh, duplicates: mentions.length - fresh.length };
    });
  }

  private readRecentIds(): Set<string> {
    return new Set(this.recentIdsStmt.all());
  }

  /**
   * Re-read the mirror if another connection committed since it was read. Inside a transaction the
   * pragma is its first read, so the version is that of the snapshot the transaction works on.
   */
  private syncMirror(): void {
    const version = this.dataVersionStmt.get()!;
    if (version === this.mirroredVersion) return;
    this.recentIds = this.readRecentIds();
    this.mirroredVersion = version;
  }

  private isSeen(id: string): boolean {
    return this.recentIds.has(id) || this.seenGet.get(id) !== undefined;
  }

  /** Mark an id seen; false when it already was (in either table). */
  private markNew(m: Pick<ScoredMention, 'id' | 'connector' | 'contentSha256'>, nowMs: number): boolean {
    if (this.isSeen(m.id)) return false;
    this.recentInsert.run(m.id, m.connector, m.contentSha256, nowMs);
    this.recentIds.add(m.id);
    return true;
  }

  private foldWhenFull(): void {
    if (this.recentIds.size < this.foldAt) return;
    for (const stmt of this.foldStmts) stmt.run();
    this.recentIds.clear();
  }

  /** Run a transaction; if it rolls back, the recent ids are read again (the mirror may have moved). */
  private inTx<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      this.recentIds = this.readRecentIds();
      throw err;
    }
  }

  /**
   * Store a batch atomically: a mention is marked seen in the same transaction that stores it, so a
   * crash can never leave a mention "seen" but missing. `onFresh` runs inside the transaction
   * (the Elasticsearch spool hooks in there).
   */
  ingest(mentions: ScoredMention[], nowMs: number, onFresh?: StoredHook): IngestResult {
    return this.inTx(() => this.ingestTx(mentions, nowMs, onFresh));
  }

  /** The ids among `ids` never seen before. */
  unseen(ids: string[]): Set<string> {
    this.syncMirror();
    const out = new Set<string>();
    for (const id of ids) if (!this.isSeen(id)) out.add(id);
    return out;
  }

  /** Record mentions as seen without storing them (items that matched no rule). */
  markSeen(mentions: ReadonlyArray<Pick<ScoredMention, 'id' | 'connector' | 'contentSha256'>>, nowMs: number): void {
    this.inTx(() => this.markSeenTx(mentions, nowMs));
  }

  /** Hits of a rule in [fromMs, toMs), oldest first. */
  hitsBetween(ruleId: string, fromMs: number, toMs: number): HitRow[] {
    return this.windowStmt.all(ruleId, fromMs, toMs).map((r) => ({
      mentionId: r.mention_id,
      ruleId,
      atMs: r.at_ms,
      negative: r.negative === 1,
      risk: r.risk as RiskLevel,
      topics: JSON.parse(r.topics) as string[],
      terms: JSON.parse(r.terms) as string[],
      site: r.site,
      evidence: JSON.parse(r.evidence) as EvidenceItem,
    }));
  }

  /** Titles of a rule's hits in [fromMs, toMs), newest first, at most `limit` (the evidence keeps 200 characters of each). */
  titlesBetween(ruleId: string, fromMs: number, toMs: number, limit: number): string[] {
    return this.titlesStmt.all(ruleId, fromMs, toMs, limit).map((r) => r.title ?? '');
  }

  /** Hit counts of a rule per bucket over [fromMs, toMs), oldest first; `toMs - fromMs` is a multiple of `bucketMs`. */
  bucketCounts(ruleId: string, fromMs: number, toMs: number, bucketMs: number): number[] {
    const counts = new Array<number>(Math.max(0, Math.ceil((toMs - fromMs) / bucketMs))).fill(0);
    for (const { b, n } of this.countsStmt.all(fromMs, bucketMs, ruleId, fromMs, toMs)) {
      const i = Math.floor(b);
      if (i >= 0 && i < counts.length) counts[i] = (counts[i] ?? 0) + n;
    }
    return counts;
  }

  /** Hit counts of a rule's mentions that hit `topic`, per bucket over [fromMs, toMs), oldest first (per-topic baselines). */
  topicBucketCounts(ruleId: string, topic: string, fromMs: number, toMs: number, bucketMs: number): number[] {
    const counts = new Array<number>(Math.max(0, Math.ceil((toMs - fromMs) / bucketMs))).fill(0);
    const rows = this.db
      .prepare<[number, number, string, number, number, string], { b: number; n: number }>(
        'SELECT (at_ms - ?) / ? AS b, COUNT(*) AS n FROM hits WHERE rule_id = ? AND at_ms >= ? AND at_ms < ? AND EXISTS (SELECT 1 FROM json_each(hits.topics) WHERE value = ?) GROUP BY b',
      )
      .all(fromMs, bucketMs, ruleId, fromMs, toMs, topic);
    for (const { b, n } of rows) {
      const i = Math.floor(b);
      if (i >= 0 && i < counts.length) counts[i] = (counts[i] ?? 0) + n;
    }
    return counts;
  }

  /** Mentions of a rule in [fromMs, toMs) hitting each of `topics` (a mention counts once per topic). */
  topicCounts(ruleId: string, topics: readonly string[], fromMs: number, toMs: number): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(topics.map((t) => [t, 0]));
    const rows = this.db
      .prepare<[string, number, number], { topic: string; n: number }>(
        'SELECT j.value AS topic, COUNT(DISTINCT hits.mention_id) AS n FROM hits, json_each(hits.topics) AS j WHERE hits.rule_id = ? AND hits.at_ms >= ? AND hits.at_ms < ? GROUP BY j.value',
      )
      .all(ruleId, fromMs, toMs);
    for (const r of rows) if (r.topic in out) out[r.topic] = r.n;
    return out;
  }

  /** When `connector` last brought an item never seen before (matched or not), epoch ms; null if never. */
  lastNewItemMs(connector: string): number | null {
    const row = this.db
      .prepare<[string, string], { m: number | null }>(
        'SELECT MAX(m) AS m FROM (SELECT MAX(first_seen_ms) AS m FROM seen WHERE connector = ? UNION ALL SELECT MAX(first_seen_ms) FROM seen_recent WHERE connector = ?)',
      )
      .get(connector, connector);
    return row?.m ?? null;
  }

  /** Every stored mention document, oldest first, one at a time (embedded store only; `yuqing backtest --from-store`). */
  *documents(): Generator<unknown> {
    for (const row of this.db.prepare<[], { doc: string }>('SELECT doc FROM mentions ORDER BY published_ms, id').iterate()) yield JSON.parse(row.doc) as unknown;
  }

  /** Stored mention documents, newest first (embedded store only). */
  recentMentions(limit: number): ScoredMention[] {
    return this.db
      .prepare<[number], { doc: string }>('SELECT doc FROM mentions ORDER BY published_ms DESC, id LIMIT ?')
      .all(limit)
      .map((r) => JSON.parse(r.doc) as ScoredMention);
  }

  countMentions(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM mentions').get() as { n: number }).n;
  }

  countSeen(): number {
    return (this.db.prepare('SELECT (SELECT COUNT(*) FROM seen) + (SELECT COUNT(*) FROM seen_recent) AS n').get() as { n: number }).n;
  }

  /** Delete mentions and hits older than `beforeMs` (retention). Seen ids are kept as long, so old items are not re-ingested. */
  prune(beforeMs: number): { mentions: number; hits: number; seen: number } {
    return this.inTx(() =>
      this.db.transaction(() => {
        const recent = this.db.prepare('DELETE FROM seen_recent WHERE first_seen_ms < ?').run(beforeMs).changes;
        if (recent > 0) this.recentIds = this.readRecentIds();
        return {
          mentions: this.db.prepare('DELETE FROM mentions WHERE published_ms < ?').run(beforeMs).changes,
          hits: this.db.prepare('DELETE FROM hits WHERE at_ms < ?').run(beforeMs).changes,
          seen: this.db.prepare('DELETE FROM seen WHERE first_seen_ms < ?').run(beforeMs).changes + recent,
        };
      })(),
    );
  }
}
