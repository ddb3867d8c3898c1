import type { Client } from '@elastic/elasticsearch';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadProject } from '../../../src/config/load';
import { builtinRegistry } from '../../../src/connectors/builtin';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { App } from '../../../src/pipeline/app';
import { mentionSpoolHook } from '../../../src/store/elasticsearch/mention-spool-hook';
import { SpoolIndexer } from '../../../src/store/elasticsearch/spool-indexer';
import { setupIndices } from '../../../src/store/elasticsearch/setup';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openStateStore } from '../../../src/store/state-store';
import { scoredMention } from '../../helpers/scored-mentions';
import { connectTestNode, dropIndices, refreshedCount, testIndexNames } from './es-test-env';

const MIN = 60_000;

/**
 * A project on disk like a user's: yuqing.yaml with an elasticsearch block, the bundled rules, no
 * connectors. The indexer's idle sleep (30 s) is longer than any wait below: what gets indexed in
 * time was woken by the storing or the alert change itself.
 */
function writeProject(dir: string, url: string, prefix: string): string {
  mkdirSync(join(dir, 'connectors'));
  const file = join(dir, 'yuqing.yaml');
  writeFileSync(
    file,
    [
      'storage: { sqlitePath: state/yuqing.db }',
      `paths: { rules: ${JSON.stringify(resolve(__dirname, '../../../rules'))}, connectors: connectors }`,
      'server: { enabled: false }',
      `elasticsearch: { url: ${JSON.stringify(url)}, indexPrefix: ${prefix}, bulk: { idleMs: 30000 }, retry: { initialBackoffMs: 100, maxBackoffMs: 1000 } }`,
      'recipients:',
      '  pr-lead: { name: pr-lead }',
      '  legal: { name: legal }',
      '  director: { name: director }',
      '  frontline: { name: frontline }',
    ].join('\n'),
  );
  return file;
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the daemon with Elasticsearch configured', () => {
  let client: Client;
  const names = testIndexNames();
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-es-daemon-'));

  beforeAll(async () => {
    client = await connectTestNode();
  });
  afterAll(async () => {
    await dropIndices(client, names);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes its baselines from the index before alerting, sets up the index, and indexes what it stores; health and metrics say so', async () => {
    // History another machine indexed over the last two days.
    await setupIndices(client, names);
    const now = systemClock.now();
    const history = Array.from({ length: 120 }, (_, i) => scoredMention({ i, atMs: now - 2 * 1440 * MIN + i * 20 * MIN }));
    const other = openStateStore({ path: ':memory:', clock: systemClock, storeMentionDocuments: false });
    const otherSpool = new IndexSpoolRepo(other.db);
    other.mentions.ingest(history, now, mentionSpoolHook(otherSpool, systemClock, names));
    await new SpoolIndexer({ client, spool: otherSpool, clock: systemClock, log: silentLogger(), maxDocs: 500, maxBytes: 1 << 22, idleMs: 20, initialBackoffMs: 50, maxBackoffMs: 500 }).drain(30_000);
    other.close();
    await client.indices.refresh({ index: names.mentionsAlias });

    const project = loadProject(writeProject(dir, process.env.YUQING_TEST_ES_URL!, names.prefix), builtinRegistry);
    const app = new App(project, { log: silentLogger(), processMetrics: false, server: false });
    try {
      await app.start();
      // Rebuilt before start() returned, i.e. before the first detection: the new machine is not in warm-up.
      expect(app.store.mentions.countSeen()).toBe(history.length);
      expect(app.store.ruleState.historyStart('example-clinic', now)).toBe(Date.parse(history[0]!.publishedAt));
      await until('templates', () => app.health().index !== undefined && (app.health().index as { templates: string }).templates === 'ready');

      // Ingestion with the app's hook: stored and spooled in one transaction; the daemon's loop writes it.
      const fresh = [1000, 1001, 1002].map((i) => scoredMention({ i, atMs: now - i }));
      app.store.mentions.ingest(fresh, systemClock.now(), app.index!.onStored);
      await until('indexing', async () => (await refreshedCount(client, names.mentionsAlias)) === history.length + fresh.length);
      await until('settled spool', () => app.index!.spool.depth() === 0);

      const health = app.health();
      expect(health.status).toBe('ok');
      expect(health.index).toMatchObject({ status: 'ok', spoolDepth: 0, deadLetters: 0, templates: 'ready' });
      expect((health.index as { lastSuccessMs: number }).lastSuccessMs).toBeGreaterThanOrEqual(now);
      const metrics = await app.metrics.registry.metrics();
      expect(metrics).toMatch(/^yuqing_index_spool_depth 0$/m);
      expect(metrics).toMatch(/^yuqing_index_up 1$/m);
      expect(metrics).toMatch(/^yuqing_index_documents_total\{outcome="indexed"\} 3$/m);
      expect(metrics).toMatch(/^yuqing_index_last_success_timestamp_seconds \d{10}/m);

      // A flare-up while the indexer sleeps: its mentions, then the alert detection opens, are indexed at once.
      const flare = [2001, 2002, 2003, 2004].map((i) => scoredMention({ i, atMs: now - (50 - (i - 2000) * 10) * MIN, risk: 'high', sentiment: 'negative' }));
      app.store.mentions.ingest(flare, systemClock.now(), app.index!.onStored);
      await until('the flare indexed', async () => (await refreshedCount(client, names.mentionsAlias)) === history.length + fresh.length + flare.length, 10_000);
      await until('settled spool', () => app.index!.spool.depth() === 0);
      // The daemon's own detection tick may come first; either way detection copies the change to the spool.
      app.detect();
      const open = app.store.alerts.unresolved();
      expect(open.map((a) => a.ruleId)).toEqual(['example-clinic']);
      const openedEvent = { bool: { filter: [{ term: { kind: 'event' } }, { term: { type: 'opened' } }, { term: { alertId: open[0]!.id } }] } };
      await until('the opened alert indexed', async () => (await refreshedCount(client, names.alertsIndex, openedEvent)) === 1, 10_000);
    } finally {
      await app.stop();
    }
  }, 60_000);
});
