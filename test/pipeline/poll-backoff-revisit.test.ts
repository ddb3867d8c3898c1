import type { ConnectorInstance, PollResult, RevisitResult } from '../../src/connectors/define';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ManualClock } from '../../src/core/clock';
import { HttpError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import type { RawItem } from '../../src/core/types';
import type { HttpClient } from '../../src/http/types';
import { pollConnector, type PollDeps, type RunnableConnector } from '../../src/pipeline/poll-connector';
import { Metrics } from '../../src/server/metrics';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { createScorer } from '../../src/text/scorer';

const T0 = Date.parse('2026-03-16T02:00:00Z');
const MIN = 60_000;
const rule = ruleFileSchema.parse({
  id: 'clinic',
  name: '診所',
  match: { any: ['範例診所'] },
  levels: { L1: { when: 'mentions >= 1', sla: { respond: '1h', resolve: '24h' }, notify: ['a'] } },
});
const noHttp = {} as HttpClient;

describe('poll stage: backoff and revisits', () => {
  let store: StateStore;
  let clock: ManualClock;
  let metrics: Metrics;
  let deps: PollDeps;

  beforeEach(() => {
    clock = new ManualClock(T0);
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: true });
    metrics = new Metrics();
    deps = { store, clock, metrics, http: noHttp, log: silentLogger(), keepUnmatched: false, scorer: createScorer({ rules: [rule], lexicon: loadLexicon(defaultLexiconPath()) }), random: () => 0 };
  });
  afterEach(() => store.close());

  const source = (instance: ConnectorInstance): RunnableConnector => ({ id: 'src', sourceType: 'forum', instance });
  const ok = (items: RawItem[] = []): PollResult => ({ items, notModified: false, warnings: [] });

  it('skips ticks while a failing source backs off, longer after each failure, and polls again after', async () => {
    let calls = 0;
    const failing = source({
      poll: async () => {
        calls++;
        throw new HttpError('E_HTTP_STATUS', 'HTTP 503', 'https://x.tw/f', { status: 503 });
      },
    });
    await pollConnector(deps, failing); // failure 1: 30 s (random 0 → half the 1-min step)
    expect(store.sources.get('src')).toMatchObject({ status: 'failing', consecutiveFailures: 1, nextAttemptMs: T0 + 30_000, backoffReason: 'failing' });
    const deferred = await pollConnector(deps, failing);
    expect(deferred).toMatchObject({ ok: false, deferred: true, untilMs: T0 + 30_000, code: 'E_HTTP_STATUS' });
    expect(calls).toBe(1);

    clock.advance(30_000);
    await pollConnector(deps, failing); // failure 2: 60 s
    expect(store.sources.get('src')!.nextAttemptMs).toBe(clock.now() + 60_000);
    clock.advance(60_000);
    await pollConnector(deps, failing); // failure 3: 120 s
    expect(store.sources.get('src')!.nextAttemptMs).toBe(clock.now() + 2 * MIN);
    expect(calls).toBe(3);

    // Recovery clears the hold at once.
    clock.advance(2 * MIN);
    const recovered = await pollConnector(deps, source({ poll: async () => ok() }));
    expect(recovered.ok).toBe(true);
    expect(store.sources.get('src')).toMatchObject({ status: 'ok', consecutiveFailures: 0, nextAttemptMs: null });
    expect(await metrics.registry.getSingleMetricAsString('yuqing_connector_runs_total')).toContain('outcome="deferred"');
  });

  it('holds a blocked source for hours and keeps the blocked status while it waits', async () => {
    const blocked = source({
      poll: async () => {
        throw new HttpError('E_HTTP_BLOCKED', 'challenge', 'https://www.dcard.tw/x', { status: 403 });
      },
    });
    await pollConnector(deps, blocked);
    const s = store.sources.get('src')!;
    expect(s).toMatchObject({ status: 'blocked', backoffReason: 'blocked' });
    expect(s.nextAttemptMs! - T0).toBeGreaterThanOrEqual(3 * 3_600_000);
    clock.advance(2 * 3_600_000);
    expect(await pollConnector(deps, blocked)).toMatchObject({ deferred: true, blocked: true });
  });

  it('honours a Retry-After longer than the backoff', async () => {
    await pollConnector(
      deps,
      source({
        poll: async () => {
          throw new HttpError('E_HTTP_STATUS', 'HTTP 429', 'https://www.ptt.cc/atom/x.xml', { status: 429, retryAfterMs: 20 * MIN });
        },
      }),
    );
    expect(store.sources.get('src')).toMatchObject({ nextAttemptMs: T0 + 20 * MIN, backoffReason: 'retry-after' });
  });

  it('holds a healthy source when it asks to come back later (rate-limit headers)', async () => {
    const r = await pollConnector(deps, source({ poll: async () => ({ ...ok(), retryAfterMs: 7 * MIN }) }));
    expect(r.ok).toBe(true);
    expect(store.sources.get('src')).toMatchObject({ status: 'ok', nextAttemptMs: T0 + 7 * MIN, backoffReason: 'retry-after' });
  });

  it('revisits stored items on schedule and records edits and deletions as new versions, keeping the original', async () => {
    const url = 'https://forum.example.tw/t/1';
    const url2 = 'https://forum.example.tw/t/2';
    const answers = new Map<string, RevisitResult[]>([
      [url, [{ status: 'present', item: { url, title: '範例診所 糾紛', text: '原文', engagement: { likes: 5 } } }, { status: 'present', item: { url, title: '範例診所 糾紛', text: '（已修改）', engagement: { likes: 9 } } }]],
      [url2, [{ status: 'gone', detail: 'HTTP 404' }]],
    ]);
    const fetched: string[] = [];
    const instance: ConnectorInstance = {
      poll: async () =>
        ok([
          { url, title: '範例診所 糾紛', text: '原文', engagement: { likes: 1 } },
          { url: url2, title: '範例診所 又一篇', text: '摘要…', partial: true },
        ]),
      revisit: {
        policy: { afterMs: [30 * MIN, 2 * 60 * MIN], maxPerPoll: 5 },
        fetch: async (_rt, target) => {
          fetched.push(target.url);
          return answers.get(target.url)!.shift()!;
        },
      },
    };
    const first = await pollConnector(deps, source(instance));
    expect(first).toMatchObject({ ok: true, summary: { stored: 2 }, revisits: { revisited: 0 } });
    const [m1] = store.mentions.recentMentions(10).filter((m) => m.url === url);

    clock.advance(30 * MIN);
    const second = await pollConnector(deps, source({ ...instance, poll: async () => ok() }));
    expect(second).toMatchObject({ ok: true, revisits: { revisited: 2, changes: ['engagement', 'deleted'] } });
    clock.advance(90 * MIN);
    const third = await pollConnector(deps, source({ ...instance, poll: async () => ok() }));
    expect(third).toMatchObject({ ok: true, revisits: { revisited: 1, changes: ['edited'] } });
    expect(fetched).toEqual([url, url2, url]);

    const versions = store.revisits.versions(m1!.id);
    expect(versions.map((v) => v.change)).toEqual(['original', 'engagement', 'edited']);
    expect(versions[0]).toMatchObject({ body: '原文', contentSha256: m1!.contentSha256, engagement: { likes: 1 } });
    expect(versions[2]).toMatchObject({ body: '（已修改）', engagement: { likes: 9 } });
    expect(versions[2]!.contentSha256).not.toBe(m1!.contentSha256);
    // The stored mention itself is the original evidence, unchanged.
    expect(store.mentions.recentMentions(10).find((m) => m.url === url)!.body).toBe('原文');
    // Nothing more to do: the schedule has no later slot, the deleted one is finished.
    clock.advance(24 * 60 * MIN);
    expect(await pollConnector(deps, source({ ...instance, poll: async () => ok() }))).toMatchObject({ revisits: { revisited: 0 } });
    expect(store.revisits.pendingCount()).toBe(0);
  });

  it('records the full text of an item first stored as an excerpt as completing it, not as an edit', async () => {
    const url = 'https://forum.example.tw/t/3';
    const instance: ConnectorInstance = {
      poll: async () => ok([{ url, title: '範例診所 心得', text: '摘要…', partial: true }]),
      revisit: { policy: { afterMs: [MIN], maxPerPoll: 5 }, fetch: async () => ({ status: 'present', item: { url, title: '範例診所 心得', text: '摘要之後的完整全文' } }) },
    };
    await pollConnector(deps, source(instance));
    clock.advance(MIN);
    expect(await pollConnector(deps, source({ ...instance, poll: async () => ok() }))).toMatchObject({ revisits: { changes: ['completed'] } });
  });
});
