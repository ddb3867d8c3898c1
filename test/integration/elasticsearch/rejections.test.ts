import type { Client } from '@elastic/elasticsearch';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { mentionIndexFor } from '../../../src/store/elasticsearch/index-names';
import { mentionSpoolHook } from '../../../src/store/elasticsearch/mention-spool-hook';
import { setupIndices } from '../../../src/store/elasticsearch/setup';
import { SpoolIndexer } from '../../../src/store/elasticsearch/spool-indexer';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openStateStore, type StateStore } from '../../../src/store/state-store';
import { scoredMention } from '../../helpers/scored-mentions';
import { allIds, connectTestNode, dropIndices, refreshedCount, testIndexNames } from './es-test-env';

const T0 = Date.UTC(2026, 4, 5, 3, 0);

describe('documents Elasticsearch refuses', () => {
  let client: Client;
  let store: StateStore;
  let spool: IndexSpoolRepo;
  let indexer: SpoolIndexer;
  const names = testIndexNames();

  beforeAll(async () => {
    client = await connectTestNode();
  });
  beforeEach(async () => {
    await setupIndices(client, names);
    store = openStateStore({ path: ':memory:', clock: systemClock, storeMentionDocuments: false });
    spool = new IndexSpoolRepo(store.db);
    indexer = new SpoolIndexer({ client, spool, clock: systemClock, log: silentLogger(), maxDocs: 100, maxBytes: 1 << 20, idleMs: 20, initialBackoffMs: 50, maxBackoffMs: 200 });
  });
  afterEach(async () => {
    await indexer.stop();
    store.close();
    await dropIndices(client, names);
  });
  afterAll(() => client.close());

  it('moves a document the mapping rejects to the dead-letter table with its reason, and indexes the rest', async () => {
    const good = [1, 2, 3].map((i) => scoredMention({ i, atMs: T0 + i * 1000 }));
    // 30 億 likes does not fit the mapping's integer: Elasticsearch rejects this one document with a 400.
    const bad = { ...scoredMention({ i: 4, atMs: T0 }), engagement: { likes: 3_000_000_000 } };
    store.mentions.ingest([good[0]!, bad, good[1]!, good[2]!], systemClock.now(), mentionSpoolHook(spool, systemClock, names));

    const result = await indexer.runOnce();

    expect(result).toMatchObject({ claimed: 4, indexed: 3, rejected: 1, retried: 0, failure: null });
    expect(spool.depth()).toBe(0);
    const [dead] = spool.deadLetters();
    expect(dead).toMatchObject({ index: mentionIndexFor(names, T0), docId: bad.id, status: 400, errorType: 'document_parsing_exception' });
    expect(dead!.reason).toContain('engagement.likes');
    expect(JSON.parse(dead!.doc)).toMatchObject({ id: bad.id, engagement: { likes: 3_000_000_000 } });
    expect(indexer.health().deadLetters).toBe(1);
    expect(await allIds(client, names.mentionsAlias)).toEqual(good.map((m) => m.id).sort());
  });

  it('keeps documents spooled while the index refuses writes (read-only block) and writes them once it is lifted', async () => {
    const index = mentionIndexFor(names, T0);
    const hook = mentionSpoolHook(spool, systemClock, names);
    store.mentions.ingest([scoredMention({ i: 10, atMs: T0 })], systemClock.now(), hook);
    await indexer.drain(10_000);
    // What Elasticsearch does by itself when the disk passes the flood-stage watermark.
    await client.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': true } });
    const more = [11, 12, 13].map((i) => scoredMention({ i, atMs: T0 + i }));
    store.mentions.ingest(more, systemClock.now(), hook);

    const blocked = await indexer.runOnce();
    expect(blocked).toMatchObject({ claimed: 3, indexed: 0, retried: 3, rejected: 0 });
    expect(spool.depth()).toBe(3);
    expect(spool.deadLetterCount()).toBe(0);
    expect(indexer.health()).toMatchObject({ status: 'unavailable', consecutiveFailures: 1 });
    expect(indexer.health().lastError?.message).toContain('cluster_block_exception');

    await client.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': null } });
    await indexer.drain(30_000);
    expect(spool.depth()).toBe(0);
    expect(await refreshedCount(client, names.mentionsAlias)).toBe(4);
    expect(indexer.health().status).toBe('ok');
  });

  it('puts a requeued dead letter back in line, where it is rejected again until the mapping allows it', async () => {
    const bad = { ...scoredMention({ i: 20, atMs: T0 }), engagement: { likes: 3_000_000_000 } };
    store.mentions.ingest([bad], systemClock.now(), mentionSpoolHook(spool, systemClock, names));
    await indexer.runOnce();
    expect(spool.requeueDeadLetters(systemClock.now())).toBe(1);
    expect(spool.depth()).toBe(1);
    const again = await indexer.runOnce();
    expect(again.rejected).toBe(1);
    expect(spool.deadLetters()).toMatchObject([{ docId: bad.id, attempts: 1 }]);
  });
});
