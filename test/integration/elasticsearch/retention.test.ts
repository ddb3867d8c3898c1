import type { Client } from '@elastic/elasticsearch';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { alertStateDocument } from '../../../src/store/elasticsearch/alert-documents';
import { mentionSpoolHook } from '../../../src/store/elasticsearch/mention-spool-hook';
import { enforceRetention } from '../../../src/store/elasticsearch/retention';
import { setupIndices } from '../../../src/store/elasticsearch/setup';
import { SpoolIndexer } from '../../../src/store/elasticsearch/spool-indexer';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openStateStore } from '../../../src/store/state-store';
import { makeAlert, makeEvidence } from '../../helpers/alert-fixtures';
import { scoredMention } from '../../helpers/scored-mentions';
import { connectTestNode, dropIndices, testIndexNames } from './es-test-env';

describe('retention of monthly mention indices', () => {
  let client: Client;
  const names = testIndexNames();

  beforeAll(async () => {
    client = await connectTestNode();
  });
  afterAll(async () => {
    await dropIndices(client, names);
    await client.close();
  });

  it('deletes months older than the retention, keeps recent months and the alerts, whose evidence survives', async () => {
    await setupIndices(client, names);
    const store = openStateStore({ path: ':memory:', clock: systemClock, storeMentionDocuments: false });
    const spool = new IndexSpoolRepo(store.db);
    const old = scoredMention({ i: 1, atMs: Date.UTC(2025, 0, 15) });
    store.mentions.ingest([old, scoredMention({ i: 2, atMs: Date.UTC(2025, 5, 15) }), scoredMention({ i: 3, atMs: Date.UTC(2026, 5, 1) })], systemClock.now(), mentionSpoolHook(spool, systemClock, names));
    const alert = makeAlert({ evidence: [makeEvidence(1, { mentionId: old.id, url: old.url })] });
    spool.enqueue({ index: names.alertsIndex, id: alert.id, version: alert.updatedAt, doc: alertStateDocument(alert) }, systemClock.now());
    const indexer = new SpoolIndexer({ client, spool, clock: systemClock, log: silentLogger(), maxDocs: 100, maxBytes: 1 << 20, idleMs: 20, initialBackoffMs: 50, maxBackoffMs: 200 });
    await indexer.drain(30_000);
    store.close();

    const now = Date.UTC(2026, 5, 20);
    // Cutoff 2025-06-20: January 2025 ended before it; June 2025 ends after it.
    const deleted = await enforceRetention(client, { nowMs: now, retentionDays: 365, log: silentLogger(), names });
    expect(deleted).toEqual([`${names.mentionIndexPrefix}2025.01`]);

    const left = (await client.cat.indices({ index: `${names.prefix}-*`, h: 'index', format: 'json' })).map((r) => r.index).sort();
    expect(left).toEqual([names.alertsIndex, `${names.mentionIndexPrefix}2025.06`, `${names.mentionIndexPrefix}2026.06`].sort());
    const kept = await client.get<{ evidence: Array<{ mentionId: string; url: string }> }>({ index: names.alertsIndex, id: alert.id });
    expect(kept._source?.evidence).toEqual([expect.objectContaining({ mentionId: old.id, url: old.url })]);

    expect(await enforceRetention(client, { nowMs: now, retentionDays: 365, log: silentLogger(), names })).toEqual([]);
  });
});
