import type { Client } from '@elastic/elasticsearch';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryOutput } from '../../../src/cli/output';
import { runDemo } from '../../../src/demo/run-demo';
import { allIds, connectTestNode, dropIndices, testIndexNames } from './es-test-env';

describe('yuqing demo with Elasticsearch', () => {
  let client: Client;
  const names = testIndexNames();
  const dataDir = mkdtempSync(join(tmpdir(), 'yuqing-es-demo-'));

  beforeAll(async () => {
    client = await connectTestNode();
  });
  afterAll(async () => {
    await dropIndices(client, names);
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('indexes exactly the mentions the demo run stored (count and ids) and the crisis timeline of its alerts', async () => {
    const out = memoryOutput();
    const result = await runDemo(out, { dataDir, elasticsearch: { url: process.env.YUQING_TEST_ES_URL!, indexPrefix: names.prefix } });

    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(out.stdout.join('\n')).toMatch(/Elasticsearch 索引 \d+ 則提及 = 存入的 \d+ 則（佇列剩 0 筆）/);

    // What the demo stored, from its state file: with Elasticsearch, SQLite keeps hits and seen ids, not documents.
    const db = new Database(join(dataDir, 'yuqing-demo.db'), { readonly: true });
    try {
      const stored = db.prepare('SELECT DISTINCT mention_id AS id FROM hits ORDER BY id').all().map((r) => (r as { id: string }).id);
      const documents = (db.prepare('SELECT COUNT(*) AS n FROM mentions').get() as { n: number }).n;
      const events = db.prepare('SELECT alert_id, seq FROM alert_events ORDER BY alert_id, seq').all() as Array<{ alert_id: string; seq: number }>;
      const spooled = (db.prepare('SELECT COUNT(*) AS n FROM es_spool').get() as { n: number }).n;

      expect(stored.length).toBeGreaterThan(40);
      expect(documents).toBe(0);
      expect(spooled).toBe(0);
      expect(await allIds(client, names.mentionsAlias)).toEqual([...stored].sort());

      await client.indices.refresh({ index: names.alertsIndex });
      const timeline = await client.search<{ alertId: string; seq: number; type: string; level: string }>({
        index: names.alertsIndex,
        size: 100,
        query: { term: { kind: 'event' } },
        sort: [{ alertId: 'asc' }, { seq: 'asc' }],
      });
      expect(timeline.hits.hits.map((h) => `${h._source!.alertId}:${h._source!.seq}`)).toEqual(events.map((e) => `${e.alert_id}:${e.seq}`));
      expect(timeline.hits.hits.map((h) => h._source!.type)).toContain('upgraded');
      const deliveries = await client.count({ index: names.alertsIndex, query: { term: { kind: 'delivery' } } });
      expect(deliveries.count).toBe(result.emails + result.webhooks);
    } finally {
      db.close();
    }
  }, 180_000);
});
