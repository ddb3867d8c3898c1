import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/core/clock';
import { StoreError } from '../../src/core/errors';
import { MIGRATIONS } from '../../src/store/migrations';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { scoredMention } from '../helpers/scored-mention';

const T0 = Date.parse('2026-03-16T02:00:00Z');
let dir: string;
let store: StateStore;
const clock = new ManualClock(T0);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yuqing-store-'));
  store = openStateStore({ path: join(dir, 'state.db'), clock, storeMentionDocuments: true });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('state store', () => {
  it('opens in WAL mode with every migration applied, and reopens without re-running them', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    store.close();
    const again = openStateStore({ path: join(dir, 'state.db'), clock, storeMentionDocuments: true });
    expect(again.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    again.close();
  });

  it('creates new files with 16 KiB pages, and opens a file made with 4 KiB pages as it is, data intact', () => {
    expect(store.db.pragma('page_size', { simple: true })).toBe(16384);
    store.close();
    const older = join(dir, 'older.db');
    const db = new Database(older);
    db.pragma('page_size = 4096');
    db.pragma('journal_mode = WAL');
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.close();
    store = openStateStore({ path: older, clock, storeMentionDocuments: true });
    expect(store.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(store.mentions.ingest([scoredMention({ id: 'm-old' })], T0).fresh).toHaveLength(1);
  });

  it('refuses a state file written by a newer version', () => {
    store.close();
    const db = new Database(join(dir, 'state.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openStateStore({ path: join(dir, 'state.db'), clock, storeMentionDocuments: true })).toThrow(StoreError);
  });

  it('stores a mention once, whichever connector brings it and however often', () => {
    const a = scoredMention({ id: 'm1' });
    const first = store.mentions.ingest([a, { ...a, connector: 'feed-b' }], T0);
    expect(first.fresh.map((m) => m.id)).toEqual(['m1']);
    expect(first.duplicates).toBe(1);
    const second = store.mentions.ingest([{ ...a, connector: 'feed-c' }], T0 + 1000);
    expect(second.fresh).toEqual([]);
    expect(store.mentions.countMentions()).toBe(1);
    expect(store.mentions.unseen(['m1', 'm2'])).toEqual(new Set(['m2']));
    // Its hit too (hits have no key of their own: the seen check is what keeps them single).
    expect(store.mentions.hitsBetween('example-clinic', T0 - 86_400_000, T0 + 86_400_000).map((h) => h.mentionId)).toEqual(['m1']);
  });

  it('migration 5 keeps every hit and leaves hits with only the (rule, time) index', () => {
    store.close();
    const path = join(dir, 'v4.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.slice(0, 4)) db.exec(m);
    db.pragma('user_version = 4');
    const insert = db.prepare('INSERT INTO hits (rule_id, mention_id, at_ms, negative, risk, topics, terms, site, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('example-clinic', 'old-2', T0 + 2000, 0, 'low', '[]', '["a"]', 's', '{"mentionId":"old-2"}');
    insert.run('example-clinic', 'old-1', T0 + 1000, 1, 'high', '["dispute"]', '["b"]', 's', '{"mentionId":"old-1"}');
    db.close();
    store = openStateStore({ path, clock, storeMentionDocuments: true });
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(store.mentions.hitsBetween('example-clinic', T0, T0 + 3000).map((h) => [h.mentionId, h.negative, h.risk, h.topics, h.evidence.mentionId])).toEqual([
      ['old-1', true, 'high', ['dispute'], 'old-1'],
      ['old-2', false, 'low', [], 'old-2'],
    ]);
    const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'hits'").all() as Array<{ name: string }>;
    expect(indexes.map((i) => i.name)).toEqual(['hits_rule_time']);
  });

  it('keeps what detection needs per rule hit, including the evidence fields', () => {
    store.mentions.ingest([scoredMention({ id: 'm1' }), scoredMention({ id: 'm2', publishedAt: '2026-03-16T02:20:00.000Z', sentiment: { score: 0.5, label: 'positive', method: 'x', contributions: [] } })], T0);
    const hits = store.mentions.hitsBetween('example-clinic', T0, T0 + 3_600_000);
    expect(hits.map((h) => [h.mentionId, h.negative, h.risk, h.topics])).toEqual([
      ['m1', true, 'high', ['dispute']],
      ['m2', false, 'high', ['dispute']],
    ]);
    expect(hits[0]!.terms).toEqual(['範例診所', '醫療糾紛']);
    expect(hits[0]!.evidence).toMatchObject({ mentionId: 'm1', url: 'https://news.example.tw/a/m1', contentSha256: 'ab'.repeat(32), sentiment: 'negative' });
  });

  it('counts a mention at its publication time, but never later than when it was fetched', () => {
    store.mentions.ingest([scoredMention({ id: 'future', publishedAt: '2026-03-16T05:00:00.000Z', fetchedAt: '2026-03-16T02:10:00.000Z' })], T0);
    expect(store.mentions.hitsBetween('example-clinic', T0, T0 + 15 * 60_000).map((h) => h.atMs)).toEqual([T0 + 10 * 60_000]);
  });

  it('counts hits per bucket, oldest first, with empty buckets as zero', () => {
    const at = (min: number): string => new Date(T0 + min * 60_000).toISOString();
    store.mentions.ingest(['0', '5', '31', '32', '59'].map((m) => scoredMention({ id: `m${m}`, publishedAt: at(Number(m)) })), T0);
    expect(store.mentions.bucketCounts('example-clinic', T0, T0 + 60 * 60_000, 15 * 60_000)).toEqual([2, 0, 2, 1]);
    expect(store.mentions.bucketCounts('other-rule', T0, T0 + 60 * 60_000, 15 * 60_000)).toEqual([0, 0, 0, 0]);
  });

  it('does not store anything of a batch whose transaction fails', () => {
    const boom = (): void => {
      throw new Error('disk full');
    };
    expect(() => store.mentions.ingest([scoredMention({ id: 'm1' })], T0, boom)).toThrow('disk full');
    expect(store.mentions.unseen(['m1'])).toEqual(new Set(['m1']));
    expect(store.mentions.countMentions()).toBe(0);
  });

  it('records the start of observation once, and only moves it earlier', () => {
    expect(store.ruleState.historyStart('r', T0)).toBe(T0);
    expect(store.ruleState.historyStart('r', T0 + 5000)).toBe(T0);
    store.ruleState.extendHistory('r', T0 + 10_000);
    expect(store.ruleState.historyStart('r', T0)).toBe(T0);
    store.ruleState.extendHistory('r', T0 - 10_000);
    expect(store.ruleState.historyStart('r', T0)).toBe(T0 - 10_000);
  });

  it('tracks source health through failure, blocking and recovery', () => {
    store.sources.recordFailure('ptt', { code: 'E_HTTP_STATUS', message: '503', blocked: false }, T0);
    store.sources.recordFailure('ptt', { code: 'E_HTTP_STATUS', message: '503', blocked: false }, T0 + 1);
    expect(store.sources.list()[0]).toMatchObject({ status: 'failing', sinceMs: T0, consecutiveFailures: 2 });
    store.sources.recordFailure('ptt', { code: 'E_HTTP_BLOCKED', message: '403', blocked: true }, T0 + 2);
    expect(store.sources.list()[0]).toMatchObject({ status: 'blocked', sinceMs: T0 + 2, consecutiveFailures: 3 });
    store.sources.recordSuccess('ptt', 4, T0 + 3);
    expect(store.sources.list()[0]).toMatchObject({ status: 'ok', sinceMs: T0 + 3, consecutiveFailures: 0, itemsTotal: 4, lastNewItems: 4 });
  });

  it('keeps conditional-GET validators per URL', () => {
    expect(store.validators.getValidators('https://a/feed')).toBeUndefined();
    store.validators.setValidators('https://a/feed', { etag: '"x"', lastModified: 'Mon, 16 Mar 2026 02:00:00 GMT' });
    expect(store.validators.getValidators('https://a/feed')).toEqual({ etag: '"x"', lastModified: 'Mon, 16 Mar 2026 02:00:00 GMT' });
    store.validators.setValidators('https://a/feed', { etag: '"y"' });
    expect(store.validators.getValidators('https://a/feed')).toEqual({ etag: '"y"' });
  });

  it('prunes mentions and hits older than the retention cut-off', () => {
    store.mentions.ingest([scoredMention({ id: 'old', publishedAt: '2025-01-01T00:00:00.000Z' }), scoredMention({ id: 'new' })], T0);
    const removed = store.mentions.prune(Date.parse('2026-01-01T00:00:00Z'));
    expect(removed).toMatchObject({ mentions: 1, hits: 1 });
    expect(store.mentions.recentMentions(10).map((m) => m.id)).toEqual(['new']);
  });
});
