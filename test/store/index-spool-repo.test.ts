import { ManualClock } from '../../src/core/clock';
import { IndexSpoolRepo } from '../../src/store/index-spool-repo';
import { mentionSpoolHook } from '../../src/store/elasticsearch/mention-spool-hook';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { scoredMention } from '../helpers/scored-mentions';

const T0 = Date.UTC(2026, 2, 2, 8, 0);

describe('IndexSpoolRepo', () => {
  let store: StateStore;
  let spool: IndexSpoolRepo;
  const clock = new ManualClock(T0);

  beforeEach(() => {
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: false });
    spool = new IndexSpoolRepo(store.db);
  });
  afterEach(() => store.close());

  it('spools a mention in the transaction that stores it: a failed batch leaves neither behind', () => {
    const hook = mentionSpoolHook(spool, clock);
    const ms = [1, 2, 3].map((i) => scoredMention({ i, atMs: T0 - i * 60_000 }));
    expect(() =>
      store.mentions.ingest(ms, T0, (m, atMs) => {
        hook(m, atMs);
        if (m.id === ms[2]!.id) throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(store.mentions.countSeen()).toBe(0);
    expect(spool.depth()).toBe(0);

    store.mentions.ingest(ms, T0, hook);
    expect(spool.depth()).toBe(3);
    expect(spool.claim(T0, 10, 1 << 20).map((r) => [r.index, r.id])).toEqual(ms.map((m) => ['yuqing-mentions-2026.03', m.id]));
  });

  it('claims the oldest due rows within the count and the byte limits', () => {
    spool.enqueueMany([1, 2, 3, 4, 5].map((i) => ({ index: 'i', id: `d${i}`, doc: { pad: 'x'.repeat(100) } })), T0);
    const rowBytes = spool.claim(T0, 1, 1 << 20)[0]!.bytes;
    expect(spool.claim(T0, 3, 1 << 20).map((r) => r.id)).toEqual(['d1', 'd2', 'd3']);
    expect(spool.claim(T0, 10, rowBytes * 2).map((r) => r.id)).toEqual(['d1', 'd2']);
    // Claiming does not remove: until settled, the rows are still there.
    expect(spool.depth()).toBe(5);
  });

  it('claims a row larger than the byte limit alone, so nothing is stuck', () => {
    spool.enqueueMany([{ index: 'i', id: 'big', doc: { pad: 'x'.repeat(5000) } }, { index: 'i', id: 'small', doc: {} }], T0);
    expect(spool.claim(T0, 10, 1000).map((r) => r.id)).toEqual(['big']);
  });

  it('settles a batch: removes written rows, backs off retried ones, dead-letters rejected ones with the reason', () => {
    spool.enqueueMany(['a', 'b', 'c'].map((id) => ({ index: 'yuqing-mentions-2026.03', id, doc: { id } })), T0 - 5_000);
    const [a, b, c] = spool.claim(T0, 10, 1 << 20);
    spool.settle(
      {
        done: [a!.seq],
        retry: [{ seq: b!.seq, error: '429 es_rejected_execution_exception', nextAttemptMs: T0 + 1_000 }],
        rejected: [{ seq: c!.seq, status: 400, errorType: 'document_parsing_exception', reason: 'failed to parse field [engagement.likes]' }],
      },
      T0,
    );
    expect(spool.depth()).toBe(1);
    expect(spool.claim(T0 + 999, 10, 1 << 20)).toEqual([]);
    expect(spool.claim(T0 + 1_000, 10, 1 << 20)).toMatchObject([{ id: 'b', attempts: 1 }]);
    expect(spool.deadLetters()).toMatchObject([
      { index: 'yuqing-mentions-2026.03', docId: 'c', doc: '{"id":"c"}', status: 400, errorType: 'document_parsing_exception', reason: 'failed to parse field [engagement.likes]', attempts: 1, enqueuedMs: T0 - 5_000, failedMs: T0 },
    ]);
    expect(spool.lastSuccessMs()).toBe(T0);
    expect(spool.oldestEnqueuedMs()).toBe(T0 - 5_000);
  });

  it('does not record a successful write when nothing was written', () => {
    spool.enqueue({ index: 'i', id: 'x', doc: {} }, T0);
    const [x] = spool.claim(T0, 10, 1 << 20);
    spool.settle({ done: [], retry: [{ seq: x!.seq, error: 'down', nextAttemptMs: T0 + 1 }], rejected: [] }, T0);
    expect(spool.lastSuccessMs()).toBeNull();
  });

  it('requeues dead letters in their original order, with their version', () => {
    spool.enqueueMany(
      [
        { index: 'i', id: 'p', doc: { n: 1 } },
        { index: 'i', id: 'q', doc: { n: 2 }, version: 42 },
      ],
      T0,
    );
    const rows = spool.claim(T0, 10, 1 << 20);
    spool.settle({ done: [], retry: [], rejected: rows.map((r) => ({ seq: r.seq, status: 400, errorType: 'mapper_parsing_exception', reason: 'bad' })) }, T0);
    expect(spool.deadLetterCount()).toBe(2);

    expect(spool.requeueDeadLetters(T0 + 1)).toBe(2);
    expect(spool.deadLetterCount()).toBe(0);
    const back = spool.claim(T0 + 1, 10, 1 << 20);
    expect(back.map((r) => [r.id, r.version, r.doc.toString()])).toEqual([
      ['p', null, '{"n":1}'],
      ['q', 42, '{"n":2}'],
    ]);
    expect(back.map((r) => r.bytes)).toEqual(rows.map((r) => r.bytes));
  });
});
