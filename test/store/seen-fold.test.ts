import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/store/database';
import { MentionsRepo } from '../../src/store/mentions-repo';
import { MIGRATIONS } from '../../src/store/migrations';
import { scoredMention } from '../helpers/scored-mention';

/**
 * New ids go to `seen_recent` and are folded into `seen` once it holds `foldAt` of them (migration 6).
 * Whichever table an id sits in, it is seen: these tests use a fold size of 3 so ids straddle both.
 * `seen_recent` has no id index (migration 7): the repo mirrors its ids in memory.
 */
const T0 = Date.parse('2026-03-16T02:00:00Z');
let db: Db;
let repo: MentionsRepo;

const rows = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const ids = (...n: number[]) => n.map((i) => scoredMention({ id: `m${i}` }));

beforeEach(() => {
  db = openDatabase(':memory:');
  repo = new MentionsRepo(db, true, 3);
});
afterEach(() => db.close());

describe('seen ids across the recent table and its fold', () => {
  it('folds into seen when the recent table is full, inside the storing transaction', () => {
    repo.ingest(ids(1, 2), T0);
    expect([rows('seen'), rows('seen_recent')]).toEqual([0, 2]);
    repo.ingest(ids(3, 4), T0);
    // The batch reached 3 recent ids at m3 and went on to m4: the fold at its end moves all four.
    expect([rows('seen'), rows('seen_recent')]).toEqual([4, 0]);
    repo.ingest(ids(5), T0);
    expect([rows('seen'), rows('seen_recent')]).toEqual([4, 1]);
    expect(repo.countSeen()).toBe(5);
  });

  it('treats an id as seen whichever table holds it, for ingest, markSeen and unseen', () => {
    repo.ingest(ids(1, 2, 3), T0); // folded
    repo.ingest(ids(4), T0); // recent
    const again = repo.ingest([...ids(1, 4, 6), { ...scoredMention({ id: 'm3' }), connector: 'feed-b' }], T0 + 1000);
    expect(again.fresh.map((m) => m.id)).toEqual(['m6']);
    expect(again.duplicates).toBe(3);
    repo.markSeen(ids(2, 4, 7), T0 + 2000);
    expect(repo.unseen(['m1', 'm4', 'm6', 'm7', 'm8'])).toEqual(new Set(['m8']));
    expect(repo.countSeen()).toBe(6);
    expect(repo.countMentions()).toBe(5);
  });

  it('takes the last new item of a connector from both tables', () => {
    repo.ingest(ids(1, 2, 3), T0); // folded, at T0
    expect(repo.lastNewItemMs('feed-a')).toBe(T0);
    repo.ingest(ids(4), T0 + 5000); // recent
    expect(repo.lastNewItemMs('feed-a')).toBe(T0 + 5000);
    expect(repo.lastNewItemMs('feed-b')).toBeNull();
  });

  it('prunes old ids from both tables and counts them', () => {
    repo.ingest(ids(1, 2, 3), T0); // folded
    repo.ingest(ids(4), T0 + 10_000); // recent, kept
    repo.markSeen(ids(5), T0 + 1); // recent, pruned
    expect(repo.prune(T0 + 5000).seen).toBe(4);
    expect(repo.unseen(['m1', 'm4', 'm5'])).toEqual(new Set(['m1', 'm5']));
    // The count of recent ids followed the prune: two more new ids fold (1 left + 2 = 3).
    repo.ingest(ids(8, 9), T0 + 20_000);
    expect([rows('seen'), rows('seen_recent')]).toEqual([3, 0]);
  });

  it('after a failed batch, counts the recent ids again: nothing of the batch is seen, and folds stay on time', () => {
    repo.ingest(ids(1), T0);
    const boom = (): void => {
      throw new Error('disk full');
    };
    expect(() => repo.ingest(ids(2, 3, 4), T0, boom)).toThrow('disk full');
    expect(repo.unseen(['m1', 'm2', 'm3'])).toEqual(new Set(['m2', 'm3']));
    expect([rows('seen'), rows('seen_recent')]).toEqual([0, 1]);
    repo.ingest(ids(2), T0);
    expect(rows('seen_recent')).toBe(2);
    repo.ingest(ids(3), T0);
    expect([rows('seen'), rows('seen_recent')]).toEqual([3, 0]);
  });

  it('folds past an id seen already holds: every id once, none doubled', () => {
    // An id present in both tables (a file written by another program, or a fold interrupted and
    // replayed) must not make the fold fail: ingestion would stop for good.
    db.prepare("INSERT INTO seen (id, connector, content_sha256, first_seen_ms) VALUES ('m2', 'feed-a', 'x', ?)").run(T0);
    db.prepare("INSERT INTO seen_recent (id, connector, content_sha256, first_seen_ms) VALUES ('m2', 'feed-a', 'x', ?)").run(T0);
    repo = new MentionsRepo(db, true, 3);
    repo.ingest(ids(9, 1), T0);
    expect(db.prepare('SELECT id FROM seen ORDER BY rowid').all()).toEqual([{ id: 'm2' }, { id: 'm1' }, { id: 'm9' }]);
    expect(rows('seen_recent')).toBe(0);
  });
});

describe('the in-memory mirror of recent ids', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'yuqing-seen-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees ids another connection stored (a yuqing command beside the daemon): nothing is stored twice', () => {
    const a = openDatabase(join(dir, 'state.db'));
    const b = openDatabase(join(dir, 'state.db'));
    try {
      const repoA = new MentionsRepo(a, true, 100);
      const repoB = new MentionsRepo(b, true, 100);
      expect(repoA.ingest(ids(1), T0).fresh).toHaveLength(1);
      expect(repoB.ingest(ids(1, 2), T0).fresh.map((m) => m.id)).toEqual(['m2']);
      expect(repoA.unseen(['m2', 'm3'])).toEqual(new Set(['m3']));
      expect(repoA.ingest(ids(2, 3), T0).fresh.map((m) => m.id)).toEqual(['m3']);
      repoB.markSeen(ids(4), T0);
      expect(repoA.ingest(ids(4), T0).duplicates).toBe(1);
      expect((a.prepare('SELECT COUNT(*) AS n FROM hits').get() as { n: number }).n).toBe(3);
    } finally {
      a.close();
      b.close();
    }
  });

  it('migration 7 keeps the recent ids of an older file, and they stay seen', () => {
    const path = join(dir, 'v6.db');
    const old = new Database(path);
    for (const m of MIGRATIONS.slice(0, 6)) old.exec(m);
    old.pragma('user_version = 6');
    old.prepare("INSERT INTO seen_recent (id, connector, content_sha256, first_seen_ms) VALUES ('m1', 'feed-a', 'x', ?)").run(T0);
    old.close();
    const upgraded = openDatabase(path);
    try {
      const indexes = upgraded.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'seen_recent'").all() as Array<{ name: string }>;
      expect(indexes.map((i) => i.name)).toEqual(['seen_recent_connector_time']);
      const repo2 = new MentionsRepo(upgraded, true, 100);
      expect(repo2.ingest(ids(1, 2), T0).fresh.map((m) => m.id)).toEqual(['m2']);
      expect(repo2.lastNewItemMs('feed-a')).toBe(T0);
    } finally {
      upgraded.close();
    }
  });
});
