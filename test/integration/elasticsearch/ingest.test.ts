import type { Client } from '@elastic/elasticsearch';
import { buildScenario } from '../../../src/demo/scenario';
import { setupIndices } from '../../../src/store/elasticsearch/setup';
import { allIds, connectTestNode, dropIndices, refreshedCount, testIndexNames } from './es-test-env';
import { indexedPipeline, ingestItems, rawItemOf, sourceOf } from './pipeline-fixture';

describe('ingestion into a real Elasticsearch node', () => {
  let client: Client;
  const names = testIndexNames();

  beforeAll(async () => {
    client = await connectTestNode();
    await setupIndices(client, names);
  });
  afterAll(async () => {
    await dropIndices(client, names);
    await client.close();
  });

  it('indexes exactly the mentions the demo scenario stored: same count, same ids, each once', async () => {
    const scenario = buildScenario();
    const p = indexedPipeline(client, names, { startMs: scenario.startMs });
    try {
      const stored: string[] = [];
      // Each item is fetched five minutes after it is published, as a polling daemon would see it.
      for (const item of [...scenario.items].sort((a, b) => a.publishedAt - b.publishedAt)) {
        p.clock.set(item.publishedAt + 5 * 60_000);
        stored.push(...ingestItems(p.deps, sourceOf(item.feed), [rawItemOf(item)]).fresh.map((m) => m.id));
      }
      // Feeds serve the same items again: nothing new is stored, nothing new is spooled.
      for (const item of scenario.items) expect(ingestItems(p.deps, sourceOf(item.feed), [rawItemOf(item)]).stored).toBe(0);

      expect(stored.length).toBeGreaterThan(40);
      expect(stored.length).toBeLessThan(scenario.items.length); // job ads and other clinics are not mentions
      expect(p.spool.depth()).toBe(stored.length);

      await p.indexer.drain(60_000);

      expect(p.spool.depth()).toBe(0);
      expect(await refreshedCount(client, names.mentionsAlias)).toBe(stored.length);
      expect(await allIds(client, names.mentionsAlias)).toEqual([...stored].sort());
      const health = p.indexer.health();
      expect(health).toMatchObject({ status: 'ok', spoolDepth: 0, deadLetters: 0, lastError: null });
      expect(health.totals.indexed).toBe(stored.length);
      expect(health.lastSuccessMs).toBe(p.clock.now());
    } finally {
      await p.close();
    }
  });

  it('puts each mention in the monthly index of the time it counts at, readable through the alias', async () => {
    const p = indexedPipeline(client, names, { startMs: Date.UTC(2026, 0, 31, 23, 0) });
    try {
      const jan = Date.UTC(2026, 0, 31, 23, 50);
      const feb = Date.UTC(2026, 1, 1, 0, 10);
      p.clock.set(Date.UTC(2026, 1, 1, 0, 15));
      const r = ingestItems(p.deps, sourceOf('ptt'), [
        { url: 'https://www.ptt.cc/bbs/facelift/M.1.A.html', title: '範例診所 一月底', text: '範例診所服務好', publishedAt: new Date(jan) },
        { url: 'https://www.ptt.cc/bbs/facelift/M.2.A.html', title: '範例診所 二月初', text: '範例診所服務好', publishedAt: new Date(feb) },
      ]);
      expect(r.stored).toBe(2);
      await p.indexer.drain(30_000);
      expect(await refreshedCount(client, `${names.mentionIndexPrefix}2026.01`)).toBe(1);
      expect(await refreshedCount(client, `${names.mentionIndexPrefix}2026.02`)).toBe(1);
      const doc = await client.get<{ at: string; ruleIds: string[]; sentiment: { label: string } }>({ index: `${names.mentionIndexPrefix}2026.01`, id: r.fresh[0]!.id });
      expect(doc._source).toMatchObject({ at: new Date(jan).toISOString(), ruleIds: ['example-clinic'] });
    } finally {
      await p.close();
    }
  });
});
