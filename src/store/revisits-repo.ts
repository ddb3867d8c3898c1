import type { Engagement, Mention } from '../core/types';
import type { Db } from './database';

/**
 * Revisits of recent forum mentions and the evidence versions they produce (migration 3).
 *
 * A stored mention from a kind that can revisit gets a `revisits` row and version 0 (`original`:
 * the text and hash as first stored, kept whatever happens later). Each revisit appends a version
 * only when something changed: `edited` (new title/body and their hash), `completed` (the first
 * full text of an item first seen as an excerpt — not an edit), `deleted`, or `engagement`.
 */

export type VersionChange = 'original' | 'edited' | 'completed' | 'deleted' | 'engagement';

/** One evidence version of a mention. */
export interface MentionVersion {
  mentionId: string;
  seq: number;
  observedMs: number;
  change: VersionChange;
  title: string | null;
  body: string | null;
  contentSha256: string | null;
  engagement: Engagement | null;
  detail: string | null;
}

/** A mention due for a revisit. */
export interface RevisitTarget {
  mentionId: string;
  connector: string;
  url: string;
  guid: string | null;
  firstSeenMs: number;
  /** Revisits made so far. */
  done: number;
  /** Hash of the text last seen. */
  lastSha256: string;
  /** The text last seen was an excerpt (list page, feed): a longer text next time completes it. */
  lastPartial: boolean;
  lastEngagement: Engagement | null;
  /** The title last recorded (kinds whose pages lack one reuse it). */
  lastTitle: string | null;
}

/** What one revisit saw. */
export type RevisitObservation =
  | { kind: 'present'; title: string; body: string; contentSha256: string; engagement?: Engagement }
  | { kind: 'gone'; detail: string };

// The text last seen was an excerpt: its hash is stored with this prefix (one column, no new migration).
const PARTIAL = 'partial:';

interface Row {
  mention_id: string;
  connector: string;
  url: string;
  guid: string | null;
  first_seen_ms: number;
  done: number;
  last_sha256: string;
  last_engagement: string | null;
  last_title: string | null;
}

interface VersionRow {
  mention_id: string;
  seq: number;
  observed_ms: number;
  change: VersionChange;
  title: string | null;
  body: string | null;
  content_sha256: string | null;
  engagement: string | null;
  detail: string | null;
}

const sameEngagement = (a: Engagement | null | undefined, b: Engagement | null | undefined): boolean => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** SQLite access for revisits and mention versions. */
export class RevisitsRepo {
  private readonly insertRevisit;
  private readonly insertVersion;
  private readonly nextSeq;
  private readonly recordTx;

  constructor(private readonly db: Db) {
    this.insertRevisit = db.prepare(
      `INSERT OR IGNORE INTO revisits (mention_id, connector, url, guid, first_seen_ms, next_due_ms, done, last_sha256, last_engagement)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    );
    this.insertVersion = db.prepare(
      'INSERT INTO mention_versions (mention_id, seq, observed_ms, change, title, body, content_sha256, engagement, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.nextSeq = db.prepare<[string], { n: number }>('SELECT COALESCE(MAX(seq) + 1, 0) AS n FROM mention_versions WHERE mention_id = ?');
    this.recordTx = db.transaction((t: RevisitTarget, o: RevisitObservation, nowMs: number, nextDueMs: number | null): VersionChange[] => {
      const changes: VersionChange[] = [];
      const append = (change: VersionChange, v: { title?: string; body?: string; sha?: string; engagement?: Engagement | null; detail?: string }): void => {
        const seq = this.nextSeq.get(t.mentionId)!.n;
        this.insertVersion.run(t.mentionId, seq, nowMs, change, v.title ?? null, v.body ?? null, v.sha ?? null, v.engagement ? JSON.stringify(v.engagement) : null, v.detail ?? null);
        changes.push(change);
      };
      if (o.kind === 'gone') {
        append('deleted', { detail: o.detail });
        db.prepare('UPDATE revisits SET done = done + 1, next_due_ms = NULL, gone_ms = ? WHERE mention_id = ?').run(nowMs, t.mentionId);
        return changes;
      }
      const engagement = o.engagement ?? null;
      if (o.contentSha256 !== t.lastSha256) {
        append(t.lastPartial ? 'completed' : 'edited', { title: o.title, body: o.body, sha: o.contentSha256, engagement });
      } else if (engagement && !sameEngagement(engagement, t.lastEngagement)) {
        append('engagement', { engagement });
      }
      db.prepare('UPDATE revisits SET done = done + 1, next_due_ms = ?, last_sha256 = ?, last_engagement = ? WHERE mention_id = ?').run(
        nextDueMs,
        o.contentSha256,
        engagement ? JSON.stringify(engagement) : t.lastEngagement ? JSON.stringify(t.lastEngagement) : null,
        t.mentionId,
      );
      return changes;
    });
  }

  /**
   * Start revisiting a just-stored mention: version 0 keeps its text and hash as first stored.
   * Idempotent (a mention is enqueued once). Call inside the storing transaction.
   * @param partial the stored text is an excerpt (see {@link RevisitTarget.lastPartial}).
   */
  enqueue(m: Pick<Mention, 'id' | 'connector' | 'url' | 'title' | 'body' | 'contentSha256' | 'engagement'>, guid: string | undefined, nowMs: number, firstDueMs: number, partial: boolean): void {
    const engagement = m.engagement ? JSON.stringify(m.engagement) : null;
    const inserted = this.insertRevisit.run(m.id, m.connector, m.url, guid ?? null, nowMs, firstDueMs, (partial ? PARTIAL : '') + m.contentSha256, engagement).changes > 0;
    if (inserted) this.insertVersion.run(m.id, 0, nowMs, 'original', m.title, m.body, m.contentSha256, engagement, partial ? 'excerpt' : null);
  }

  /** Mentions of a connector due at `nowMs`, oldest due first. */
  due(connector: string, nowMs: number, limit: number): RevisitTarget[] {
    return this.db
      .prepare<[string, number, number], Row>(
        `SELECT mention_id, connector, url, guid, first_seen_ms, done, last_sha256, last_engagement,
           (SELECT v.title FROM mention_versions v WHERE v.mention_id = revisits.mention_id AND v.title IS NOT NULL ORDER BY v.seq DESC LIMIT 1) AS last_title
         FROM revisits WHERE connector = ? AND next_due_ms IS NOT NULL AND next_due_ms <= ? ORDER BY next_due_ms LIMIT ?`,
      )
      .all(connector, nowMs, limit)
      .map((r) => ({
        mentionId: r.mention_id,
        connector: r.connector,
        url: r.url,
        guid: r.guid,
        firstSeenMs: r.first_seen_ms,
        done: r.done,
        lastSha256: r.last_sha256.startsWith(PARTIAL) ? r.last_sha256.slice(PARTIAL.length) : r.last_sha256,
        lastPartial: r.last_sha256.startsWith(PARTIAL),
        lastEngagement: r.last_engagement ? (JSON.parse(r.last_engagement) as Engagement) : null,
        lastTitle: r.last_title,
      }));
  }

  /**
   * Record one revisit atomically: the versions it adds (none when nothing changed) and when the
   * next one is due (`null`: no more). Returns the changes recorded.
   */
  record(target: RevisitTarget, observation: RevisitObservation, nowMs: number, nextDueMs: number | null): VersionChange[] {
    return this.recordTx(target, observation, nowMs, nextDueMs);
  }

  /** A revisit that failed for a transient reason: try again at `nextDueMs` (null: give up). */
  postpone(mentionId: string, nextDueMs: number | null): void {
    this.db.prepare('UPDATE revisits SET next_due_ms = ? WHERE mention_id = ?').run(nextDueMs, mentionId);
  }

  /** Every version of a mention, oldest first. */
  versions(mentionId: string): MentionVersion[] {
    return this.db
      .prepare<[string], VersionRow>('SELECT * FROM mention_versions WHERE mention_id = ? ORDER BY seq')
      .all(mentionId)
      .map((r) => ({
        mentionId: r.mention_id,
        seq: r.seq,
        observedMs: r.observed_ms,
        change: r.change,
        title: r.title,
        body: r.body,
        contentSha256: r.content_sha256,
        engagement: r.engagement ? (JSON.parse(r.engagement) as Engagement) : null,
        detail: r.detail,
      }));
  }

  /** Revisits still scheduled, per connector (status output). */
  pendingCount(connector?: string): number {
    const row = connector
      ? this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM revisits WHERE next_due_ms IS NOT NULL AND connector = ?').get(connector)
      : this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM revisits WHERE next_due_ms IS NOT NULL').get();
    return row?.n ?? 0;
  }

  /** Retention: forget revisits and versions of mentions first seen before `beforeMs`. */
  prune(beforeMs: number): { revisits: number; versions: number } {
    return this.db.transaction(() => ({
      versions: this.db.prepare('DELETE FROM mention_versions WHERE mention_id IN (SELECT mention_id FROM revisits WHERE first_seen_ms < ?)').run(beforeMs).changes,
      revisits: this.db.prepare('DELETE FROM revisits WHERE first_seen_ms < ?').run(beforeMs).changes,
    }))();
  }
}
