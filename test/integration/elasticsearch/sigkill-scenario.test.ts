import type { Client } from '@elastic/elasticsearch';
import { runKillLoop } from '../../faults/kill-loop';
import type { StateSnapshot } from '../../faults/state-probe';
import { connectTestNode, dropIndices, testIndexNames } from './es-test-env';

/** Fixed so CI is reproducible; set YUQING_FAULT_SEED to explore other timelines. */
const SEED = Number(process.env.YUQING_FAULT_SEED ?? 20260409);
const ITERATIONS = 20;

/** Every `_id` in the index or alias, duplicates kept (one id in two monthly indices would show twice). */
async function ids(client: Client, index: string): Promise<string[]> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  const res = await client.search({ index, size: 10_000, _source: false, query: { match_all: {} }, ignore_unavailable: true, allow_no_indices: true });
  return res.hits.hits.map((h) => h._id!).sort();
}

/** What `yuqing-alerts` must hold for the state: each alert's state, each event, each delivery's outcome. */
function expectedAlertDocs(state: StateSnapshot): string[] {
  return [
    ...state.alerts.map((a) => a.id),
    ...state.events.map((e) => `${e.alertId}:${e.seq}`),
    ...state.outbox.filter((r) => r.status === 'sent' || r.status === 'failed').map((r) => `delivery:${r.key}`),
  ].sort();
}

describe('the daemon with Elasticsearch configured, killed with SIGKILL at random points of a scripted scenario', () => {
  const names = testIndexNames();
  let client: Client;

  beforeAll(async () => {
    client = await connectTestNode();
  });
  afterAll(async () => {
    await dropIndices(client, names);
    await client.close();
  });

  it(`indexes every fetched mention exactly once and every alert change once, with SQLite's invariants holding too (${ITERATIONS} iterations, seed ${SEED})`, async () => {
    let checked = 0;
    const report = await runKillLoop({
      seed: SEED,
      iterations: ITERATIONS,
      elasticsearch: { url: process.env.YUQING_TEST_ES_URL!, indexPrefix: names.prefix },
      afterIteration: async ({ expectedMentionIds, state, where }) => {
        // The spool is empty (the run waited for it), so what SQLite stored is acknowledged by the node.
        expect({ where, deadLetters: state.deadLetters }).toEqual({ where, deadLetters: 0 });
        expect({ where, mentions: await ids(client, names.mentionsAlias) }).toEqual({ where, mentions: [...expectedMentionIds].sort() });
        // Delivery outcomes are copied into the spool right after the delivery run: allow that moment.
        const want = expectedAlertDocs(state);
        let got: string[] = [];
        for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
          got = await ids(client, names.alertsIndex);
          if (got.length >= want.length) break;
        }
        expect({ where, alertDocs: got }).toEqual({ where, alertDocs: want });
        checked++;
      },
    });
    expect(checked).toBe(ITERATIONS);
    expect(report.kills).toBeGreaterThanOrEqual(ITERATIONS);
    expect(report.killsWithSpooledWrites).toBeGreaterThan(0); // some kills left index writes on disk only
    expect(report.killsWithUnstoredPosts).toBeGreaterThan(0);
    expect(report.alerts).toBe(report.crises);
    process.stdout.write(`sigkill scenario with Elasticsearch: ${JSON.stringify(report)}\n`);
  }, 8 * 60_000);
});
