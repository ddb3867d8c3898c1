import type { Client } from '@elastic/elasticsearch';
import { ManualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import type { ScoredMention } from '../../../src/core/types';
import { computeSignal } from '../../../src/spikes/compute-signal';
import { windowRanges } from '../../../src/spikes/window-ranges';
import { indexBucketCounts, rebuildBaselinesFromIndex } from '../../../src/store/elasticsearch/baselines';
import { mentionSpoolHook } from '../../../src/store/elasticsearch/mention-spool-hook';
import { setupIndices } from '../../../src/store/elasticsearch/setup';
import { SpoolIndexer } from '../../../src/store/elasticsearch/spool-indexer';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openStateStore, type StateStore } from '../../../src/store/state-store';
import { scoredMention } from '../../helpers/scored-mentions';
import { connectTestNode, dropIndices, testIndexNames } from './es-test-env';
import { exampleRule } from './pipeline-fixture';

const RULE = 'example-clinic';
const MIN = 60_000;
const DAY = 1440 * MIN;
// Evaluated at an instant that is not on a bucket boundary, as the daemon's cron ticks rarely are.
const NOW = Date.UTC(2026, 5, 20, 9, 7, 30);
const START = NOW - 17 * DAY;

/** A deterministic 17-day history: 0–4 mentions per 15 minutes, busier in Taipei daytime, a flare-up in the last hour. */
function history(): ScoredMention[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const out: ScoredMention[] = [];
  let i = 0;
  for (let t = START; t < NOW; t += 15 * MIN) {
    const hourTaipei = (new Date(t).getUTCHours() + 8) % 24;
    const n = NOW - t <= 60 * MIN ? 6 : Math.floor(rand() * (hourTaipei >= 9 && hourTaipei < 22 ? 5 : 2));
    for (let k = 0; k < n; k++) {
      const high = NOW - t <= 60 * MIN && k % 2 === 0;
      out.push(scoredMention({ i: i++, atMs: t + Math.floor(rand() * 15 * MIN), risk: high ? 'high' : 'none', sentiment: high ? 'negative' : 'positive' }));
    }
  }
  return out;
}

describe('baselines rebuilt from the index', () => {
  let client: Client;
  const names = testIndexNames();
  const volume = exampleRule().config.volume;
  let live: StateStore;
  let fresh: StateStore;
  let mentions: ScoredMention[];

  beforeAll(async () => {
    client = await connectTestNode();
    await setupIndices(client, names);
    // The machine that ran all along: ingested live, indexed through the spool.
    const clock = new ManualClock(START);
    live = openStateStore({ path: ':memory:', clock, storeMentionDocuments: false });
    live.ruleState.historyStart(RULE, START);
    const spool = new IndexSpoolRepo(live.db);
    mentions = history();
    for (let k = 0; k < mentions.length; k += 200) live.mentions.ingest(mentions.slice(k, k + 200), NOW, mentionSpoolHook(spool, clock, names));
    const indexer = new SpoolIndexer({ client, spool, clock, log: silentLogger(), maxDocs: 1_000, maxBytes: 5 << 20, idleMs: 20, initialBackoffMs: 50, maxBackoffMs: 500 });
    await indexer.drain(60_000);
    await client.indices.refresh({ index: names.mentionsAlias });
  }, 120_000);
  beforeEach(() => {
    fresh = openStateStore({ path: ':memory:', clock: new ManualClock(NOW), storeMentionDocuments: false });
  });
  afterEach(() => fresh.close());
  afterAll(async () => {
    live.close();
    await dropIndices(client, names);
    await client.close();
  });

  it('aggregates per-bucket counts in the index that equal the live state store’s', async () => {
    const r = windowRanges(NOW, volume);
    const fromLive = live.mentions.bucketCounts(RULE, r.baselineStartMs, r.windowStartMs, volume.bucket);
    const fromIndex = await indexBucketCounts(client, { ruleId: RULE, fromMs: r.baselineStartMs, toMs: r.windowStartMs, bucketMs: volume.bucket }, names);
    expect(fromIndex).toHaveLength(r.baselineBuckets);
    expect(fromIndex.reduce((a, b) => a + b, 0)).toBeGreaterThan(1_000);
    expect(fromIndex).toEqual(fromLive);
  });

  it('gives an empty state store the same baseline, window and warm-up as the machine that ran live', async () => {
    const report = await rebuildBaselinesFromIndex({ client, store: fresh, log: silentLogger(), names }, [{ id: RULE, volume }], NOW);

    const r = windowRanges(NOW, volume);
    const inRange = mentions.filter((m) => Date.parse(m.publishedAt) >= r.baselineStartMs).length;
    expect(report.restored).toBe(inRange);
    expect(report.rules).toEqual([{ ruleId: RULE, indexMentions: inRange, sqliteMentionsBefore: 0, matches: true, historyStartMs: Date.parse(mentions[0]!.publishedAt) }]);

    const signalOf = (store: StateStore) =>
      computeSignal({
        ruleId: RULE,
        volume,
        nowMs: NOW,
        rows: store.mentions.hitsBetween(RULE, r.windowStartMs, NOW),
        baselineCounts: store.mentions.bucketCounts(RULE, r.baselineStartMs, r.windowStartMs, volume.bucket),
        historyStartMs: store.ruleState.historyStart(RULE, NOW),
      });
    const rebuilt = signalOf(fresh);
    expect(rebuilt).toEqual(signalOf(live));
    expect(rebuilt.warm).toBe(true);
    expect(rebuilt.mentions).toBeGreaterThanOrEqual(20);
    expect(rebuilt.highRisk).toBeGreaterThan(0);
    // Restored mentions count as seen: the same items fetched again are not new.
    expect(fresh.mentions.unseen(mentions.slice(-5).map((m) => m.id)).size).toBe(0);
  });

  it('restores nothing the second time', async () => {
    await rebuildBaselinesFromIndex({ client, store: fresh, log: silentLogger(), names }, [{ id: RULE, volume }], NOW);
    const again = await rebuildBaselinesFromIndex({ client, store: fresh, log: silentLogger(), names }, [{ id: RULE, volume }], NOW);
    expect(again.restored).toBe(0);
    expect(again.rules[0]).toMatchObject({ matches: true });
  });

  it('leaves a rule the index knows nothing about in warm-up', async () => {
    const report = await rebuildBaselinesFromIndex({ client, store: fresh, log: silentLogger(), names }, [{ id: 'other-clinic', volume }], NOW);
    expect(report).toEqual({ restored: 0, rules: [{ ruleId: 'other-clinic', indexMentions: 0, sqliteMentionsBefore: 0, matches: true, historyStartMs: null }] });
    expect(fresh.ruleState.historyStart('other-clinic', NOW)).toBe(NOW);
  });
});
