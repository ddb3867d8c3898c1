import { Client } from '@elastic/elasticsearch';
import type { RawItem } from '../../../src/core/types';
import { setupIndices } from '../../../src/store/elasticsearch/setup';
import { OwnEsNode } from './es-node-control';
import { allIds, refreshedCount, testIndexNames } from './es-test-env';
import { indexedPipeline, ingestItems, sourceOf } from './pipeline-fixture';

const BATCHES = 60;
const PER_BATCH = 50;
const T0 = Date.UTC(2026, 3, 10, 0, 0);

function batch(b: number): RawItem[] {
  return Array.from({ length: PER_BATCH }, (_, k) => {
    const n = b * PER_BATCH + k;
    return {
      guid: `outage-${n}`,
      url: `https://www.ptt.cc/bbs/facelift/M.${1_800_000_000 + n}.A.html`,
      title: `範例診所 回診心得 第 ${n} 篇`,
      text: n % 4 === 0 ? '範例診所態度差，等很久，考慮提告。' : '範例診所的護理師親切，環境乾淨，推薦。',
      publishedAt: new Date(T0 + b * 60_000 + k * 1_000),
    };
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('an Elasticsearch outage in the middle of ingestion', () => {
  // A node this file may stop: the shared test node must stay up for the other files.
  const node = new OwnEsNode(`outage-${process.pid}`);
  let client: Client;
  const names = testIndexNames();

  beforeAll(async () => {
    const url = await node.start(true);
    client = new Client({ node: url, maxRetries: 0, requestTimeout: 30_000 });
    await setupIndices(client, names);
  }, 10 * 60_000);
  afterAll(async () => {
    await client?.close();
    await node.destroy();
  }, 120_000);

  it('loses nothing: stopping the node mid-stream, ingesting on and restarting it ends with every mention indexed once', async () => {
    const p = indexedPipeline(client, names, { startMs: T0, maxDocs: 200, idleMs: 20, initialBackoffMs: 200, maxBackoffMs: 2_000 });
    const stored: string[] = [];
    let stopping: Promise<void> | undefined;
    let starting: Promise<string> | undefined;
    try {
      p.indexer.start();
      for (let b = 0; b < BATCHES; b++) {
        p.clock.set(T0 + (b + 1) * 60_000);
        stored.push(...ingestItems(p.deps, sourceOf('ptt'), batch(b)).fresh.map((m) => m.id));
        if (b === 15) {
          // Mid-stream: writes are flowing when the node goes down (on a busy machine the first ones may take a moment).
          const deadline = Date.now() + 30_000;
          while (p.indexer.health().totals.indexed === 0 && Date.now() < deadline) await pause(50);
          expect(p.indexer.health().totals.indexed).toBeGreaterThan(0);
          stopping = node.stop(); // not awaited: the stream goes on while the node goes down
        }
        if (b === 35) {
          await stopping;
          // Down: the indexer says so, the spool holds what could not be written, and SQLite still
          // counts every mention, so detection and alerting carry on meanwhile.
          await pause(500);
          const health = p.indexer.health();
          expect(health.status).toBe('unavailable');
          expect(health.spoolDepth).toBeGreaterThan(0);
          expect(health.lastError?.message).toMatch(/無法連線 Elasticsearch|Elasticsearch/);
          const counted = p.store.mentions.bucketCounts('example-clinic', T0, T0 + 60 * 60_000, 60 * 60_000)[0];
          expect(counted).toBe(stored.length);
          starting = node.start();
        }
        await pause(25);
      }
      await starting;
      await p.indexer.drain(120_000);

      expect(stored).toHaveLength(BATCHES * PER_BATCH);
      expect(p.spool.depth()).toBe(0);
      expect(p.spool.deadLetterCount()).toBe(0);
      expect(await refreshedCount(client, names.mentionsAlias)).toBe(stored.length);
      expect(await allIds(client, names.mentionsAlias)).toEqual([...stored].sort());
      const health = p.indexer.health();
      expect(health.totals.failedRequests).toBeGreaterThan(0); // the outage really hit the indexer
      expect(health.status).toBe('ok');
    } finally {
      await p.close();
    }
  }, 10 * 60_000);
});
