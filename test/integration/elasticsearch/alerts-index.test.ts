import type { Client } from '@elastic/elasticsearch';
import { acknowledge } from '../../../src/alerts/lifecycle';
import type { MainConfig } from '../../../src/config/main-schema';
import { ManualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { detectRule } from '../../../src/pipeline/detect';
import { RisingTermsFinder } from '../../../src/pipeline/rising-terms';
import { AlertIndexFeed } from '../../../src/store/elasticsearch/alert-feed';
import { setupIndices } from '../../../src/store/elasticsearch/setup';
import { SpoolIndexer } from '../../../src/store/elasticsearch/spool-indexer';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { PRUNED_TEXT_MARKER, pruneQuotedText } from '../../../src/store/quoted-text-retention';
import { openStateStore, type StateStore } from '../../../src/store/state-store';
import { scoredMention } from '../../helpers/scored-mentions';
import { connectTestNode, dropIndices, testIndexNames } from './es-test-env';
import { exampleRule } from './pipeline-fixture';

const MIN = 60_000;
const NOW = Date.UTC(2026, 5, 20, 9, 0);
const RECIPIENTS: MainConfig['recipients'] = {
  'pr-lead': { name: '公關主管', email: ['pr-lead@clinic.example'], webhooks: [] },
  legal: { name: '法務', email: ['legal@clinic.example'], webhooks: [] },
  director: { name: '院長', email: ['director@clinic.example'], webhooks: [] },
  frontline: { name: '第一線客服', email: ['frontline@clinic.example'], webhooks: [] },
};

interface AlertDoc {
  kind: string;
  type?: string;
  seq?: number;
  level?: string;
  status?: string;
  acknowledgedBy?: string;
  evidence?: Array<{ mentionId: string; url: string; title: string }>;
  delivery?: { outcome: string; channel: string; recipient: string; error?: string };
  risingTerms?: string[];
}

describe('alerts and their lifecycle in the alerts index', () => {
  let client: Client;
  const names = testIndexNames();
  let store: StateStore;
  let spool: IndexSpoolRepo;
  let indexer: SpoolIndexer;
  const clock = new ManualClock(NOW - 20 * 24 * 60 * MIN);

  beforeAll(async () => {
    client = await connectTestNode();
  });
  beforeEach(async () => {
    await setupIndices(client, names);
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: false });
    spool = new IndexSpoolRepo(store.db);
    const feed = new AlertIndexFeed(store.db, spool, names);
    indexer = new SpoolIndexer({
      client,
      spool,
      clock,
      log: silentLogger(),
      maxDocs: 100,
      maxBytes: 1 << 20,
      idleMs: 20,
      initialBackoffMs: 50,
      maxBackoffMs: 200,
      feeds: [{ name: 'alerts', pump: () => feed.pump(clock.now()) }],
    });
  });
  afterEach(async () => {
    await indexer.stop();
    store.close();
    await dropIndices(client, names);
  });
  afterAll(() => client.close());

  async function alertDocs(): Promise<Array<AlertDoc & { _id: string; _version?: number }>> {
    await client.indices.refresh({ index: names.alertsIndex });
    const res = await client.search<AlertDoc>({ index: names.alertsIndex, size: 100, version: true, sort: [{ at: 'asc' }, { seq: { order: 'asc', missing: '_last' } }] });
    return res.hits.hits.map((h) => ({ ...h._source!, _id: h._id!, ...(h._version !== undefined ? { _version: h._version } : {}) }));
  }

  it('writes every lifecycle event, the latest state with its evidence, and each delivery’s outcome', async () => {
    const rule = exampleRule();
    store.ruleState.historyStart(rule.config.id, NOW - 20 * 24 * 60 * MIN);
    // A medical-dispute flare-up: four high-risk, negative mentions within the hour.
    const flare = [1, 2, 3, 4].map((i) => ({ ...scoredMention({ i, atMs: NOW - (50 - i * 10) * MIN, risk: 'high', sentiment: 'negative' }), title: `範例診所 術後毀容 第 ${i} 篇` }));
    store.mentions.ingest(flare, NOW);

    clock.set(NOW);
    const opened = detectRule({ store, recipients: RECIPIENTS, timeZone: 'Asia/Taipei', risingTerms: RisingTermsFinder.forRules([rule]) }, rule, NOW);
    expect(opened.events.map((e) => e.type)).toEqual(['opened']);
    const alert = opened.alert!;

    clock.set(NOW + 5 * MIN);
    const acked = acknowledge(store.alerts.get(alert.id)!, { nowMs: clock.now(), by: '王經理', note: '已聯繫病患' });
    store.alerts.commit(acked.alert, acked.events, [], clock.now());

    // Deliveries: all but one sent; one address bounces for good.
    const due = store.outbox.claimDue(clock.now(), 100);
    expect(due.length).toBeGreaterThan(1);
    due.slice(1).forEach((d) => store.outbox.markSent(d.id, clock.now() + 1_000));
    store.outbox.markFailed(due[0]!.id, { error: '550 mailbox unavailable', atMs: clock.now() + 2_000 });

    // Quiet for longer than the cooldown: the alert resolves.
    clock.set(NOW + rule.config.cooldown + 90 * MIN);
    const resolved = detectRule({ store, recipients: RECIPIENTS, timeZone: 'Asia/Taipei' }, rule, clock.now());
    expect(resolved.events.map((e) => e.type)).toEqual(['resolved']);

    await indexer.drain(30_000);
    const docs = await alertDocs();

    const events = docs.filter((d) => d.kind === 'event');
    expect(events.map((e) => [e._id, e.type, e.level])).toEqual([
      [`${alert.id}:0`, 'opened', 'L3'],
      [`${alert.id}:1`, 'acknowledged', 'L3'],
      [`${alert.id}:2`, 'resolved', 'L3'],
    ]);
    expect(events[1]!.acknowledgedBy).toBe('王經理');
    // The words that rose when it opened, on the events and the state: Kibana can list what drove each alert.
    expect(events[0]!.risingTerms).toContain('毀容');

    const [state] = docs.filter((d) => d.kind === 'alert');
    expect(state).toMatchObject({ _id: alert.id, status: 'resolved', level: 'L3', acknowledgedBy: '王經理' });
    expect(state!.risingTerms).toEqual(alert.drivers!.risingTerms!.map((t) => t.term));
    expect(state!._version).toBe(store.alerts.get(alert.id)!.updatedAt);
    expect(state!.evidence?.map((e) => e.mentionId).sort()).toEqual(flare.map((m) => m.id).sort());

    const deliveries = docs.filter((d) => d.kind === 'delivery');
    expect(deliveries).toHaveLength(due.length);
    expect(deliveries.filter((d) => d.delivery?.outcome === 'failed')).toMatchObject([{ delivery: { channel: 'email', error: '550 mailbox unavailable' } }]);
    expect(new Set(deliveries.map((d) => d.delivery?.recipient))).toEqual(new Set(due.map((d) => d.notice.recipient.id)));
  });

  it('after retention replaces the titles an alert quotes, the index holds the alert and its events without them', async () => {
    const rule = exampleRule();
    const deps = { store, recipients: RECIPIENTS, timeZone: 'Asia/Taipei', risingTerms: RisingTermsFinder.forRules([rule]) };
    store.ruleState.historyStart(rule.config.id, NOW - 20 * 24 * 60 * MIN);
    const flare = [1, 2, 3, 4].map((i) => ({ ...scoredMention({ i, atMs: NOW - (50 - i * 10) * MIN, risk: 'high', sentiment: 'negative' }), title: `範例診所 術後毀容 第 ${i} 篇` }));
    store.mentions.ingest(flare, NOW);
    clock.set(NOW);
    const alert = detectRule(deps, rule, NOW).alert!;
    clock.set(NOW + rule.config.cooldown + 90 * MIN);
    expect(detectRule(deps, rule, clock.now()).events.map((e) => e.type)).toEqual(['resolved']);
    await indexer.drain(30_000);
    const titles = flare.map((m) => m.title);
    const quoted = (docs: unknown[]) => titles.filter((t) => JSON.stringify(docs).includes(t));
    expect(quoted(await alertDocs())).toEqual(titles);
    expect((await alertDocs()).filter((d) => d.kind !== 'delivery').every((d) => d.risingTerms?.includes('毀容'))).toBe(true);

    // Retention, past the mentions' publication: the titles go from SQLite and, through the feed, from the index.
    const feed = new AlertIndexFeed(store.db, spool, names);
    expect(pruneQuotedText(store.db, NOW + 24 * 60 * MIN, clock.now(), (ids) => feed.respool(ids, clock.now())).alerts).toBe(1);
    await indexer.drain(30_000);
    const docs = await alertDocs();
    expect(quoted(docs)).toEqual([]);
    // Rewritten in place: still one state and the same events, the evidence kept with the marker for its titles.
    expect(docs.filter((d) => d.kind === 'alert').map((d) => d._id)).toEqual([alert.id]);
    expect(docs.filter((d) => d.kind === 'event').map((d) => [d._id, d.type])).toEqual([
      [`${alert.id}:0`, 'opened'],
      [`${alert.id}:1`, 'resolved'],
    ]);
    for (const d of docs.filter((x) => x.kind !== 'delivery')) {
      expect(d.evidence?.map((e) => e.title)).toEqual(flare.map(() => PRUNED_TEXT_MARKER));
      // The rising words came from those titles: gone with them.
      expect(d.risingTerms).toBeUndefined();
      expect(d.evidence?.map((e) => e.mentionId).sort()).toEqual(flare.map((m) => m.id).sort());
    }
  });

  it('never lets an older alert state that arrives late overwrite a newer one', async () => {
    const doc = (status: string) => ({ kind: 'alert', alertId: 'a1', at: new Date(NOW).toISOString(), status });
    spool.enqueue({ index: names.alertsIndex, id: 'a1', version: NOW + 2_000, doc: doc('resolved') }, NOW);
    await indexer.drain(10_000);
    spool.enqueue({ index: names.alertsIndex, id: 'a1', version: NOW + 1_000, doc: doc('acknowledged') }, NOW);
    spool.enqueue({ index: names.alertsIndex, id: 'a1', version: NOW + 2_000, doc: doc('resolved') }, NOW); // a replay of the same version
    const late = await indexer.runOnce();
    expect(late).toMatchObject({ superseded: 1, indexed: 1, retried: 0, rejected: 0 });
    expect(spool.depth()).toBe(0);
    const got = await client.get<{ status: string }>({ index: names.alertsIndex, id: 'a1' });
    expect(got._source?.status).toBe('resolved');
    expect(got._version).toBe(NOW + 2_000);
  });

  it('copies each change into the spool once, however often the feed runs', async () => {
    const rule = exampleRule();
    store.ruleState.historyStart(rule.config.id, NOW - 20 * 24 * 60 * MIN);
    store.mentions.ingest([1, 2, 3].map((i) => scoredMention({ i, atMs: NOW - i * MIN, risk: 'high', sentiment: 'negative' })), NOW);
    detectRule({ store, recipients: RECIPIENTS, timeZone: 'Asia/Taipei' }, rule, NOW);
    const feed = new AlertIndexFeed(store.db, spool, names);
    expect(feed.pump(NOW)).toBe(2); // the opened event and the alert's state
    expect(feed.pump(NOW)).toBe(0);
    expect(spool.depth()).toBe(2);
  });
});
