import { pttConnector, pttOptionsSchema } from '../../src/connectors/ptt';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ManualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { createHttpClient } from '../../src/http/client';
import { pollConnector, type PollDeps, type RunnableConnector } from '../../src/pipeline/poll-connector';
import { Metrics } from '../../src/server/metrics';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { createScorer } from '../../src/text/scorer';
import { fixtureText } from '../connectors/fixtures';
import { startServer, type TestServer } from '../http/helpers';

/**
 * Politeness end to end: real connectors, the real HTTP client with robots.txt, a local "PTT"
 * (127.0.0.1, port 0), several boards polled at once.
 */
describe('politeness: several crawling connectors on one host', () => {
  let server: TestServer;
  let store: StateStore;
  let deps: PollDeps;
  const GAP_MS = 1_000;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const path = req.url ?? '';
      if (path === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /bbs/Secret/\nDisallow: /atom/Secret.xml\n');
      if (path.startsWith('/atom/')) return void res.writeHead(404).end();
      if (path.endsWith('/index.html')) return void setTimeout(() => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixtureText('ptt/index-new.html')), 30);
      res.writeHead(404).end();
    });
  });
  afterAll(() => server.close());

  beforeEach(() => {
    const clock = new ManualClock(Date.parse('2026-03-02T08:00:00Z'));
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: true });
    const rule = ruleFileSchema.parse({ id: 'c', name: 'c', match: { any: ['範例診所'] }, levels: { L1: { when: 'mentions >= 1', sla: { respond: '1h', resolve: '1d' }, notify: ['a'] } } });
    deps = {
      store,
      clock,
      metrics: new Metrics(),
      log: silentLogger(),
      keepUnmatched: false,
      scorer: createScorer({ rules: [rule], lexicon: loadLexicon(defaultLexiconPath()) }),
      // The client's own gap is 0: the gap seen is the kind's minIntervalMs, held across connectors.
      http: createHttpClient({ userAgent: 'Yuqing-test/1.0', timeoutMs: 5_000, maxBodyBytes: 1 << 20, perHostIntervalMs: 0, retries: 0, maxRedirects: 3, log: silentLogger(), robots: {}, allowPrivateHosts: ['127.0.0.1'] }),
    };
  });
  afterEach(() => store.close());

  const board = (name: string): RunnableConnector => ({
    id: `ptt-${name.toLowerCase()}`,
    sourceType: 'forum',
    instance: pttConnector.create(pttOptionsSchema.parse({ board: name, baseUrl: server.url(''), fetchArticles: false, minIntervalMs: GAP_MS }), { id: name }),
  });

  it('keeps one request at a time and the minimum gap on the host, obeys robots.txt, and isolates the refused source', async () => {
    const outcomes = await Promise.all(['Alpha', 'Beta', 'Secret'].map((b) => pollConnector(deps, board(b))));
    expect(outcomes.map((o) => [o.connector, o.ok])).toEqual([
      ['ptt-alpha', true],
      ['ptt-beta', true],
      ['ptt-secret', false],
    ]);
    expect(outcomes[2]).toMatchObject({ code: 'E_HTTP_ROBOTS' });
    expect(store.sources.get('ptt-secret')).toMatchObject({ status: 'failing', lastErrorCode: 'E_HTTP_ROBOTS' });

    const seen = [...server.requests].sort((a, b) => a.startedAt - b.startedAt);
    expect(seen.some((r) => r.url.includes('Secret'))).toBe(false);
    expect(seen.filter((r) => r.url === '/robots.txt')).toHaveLength(1);
    for (let i = 1; i < seen.length; i++) {
      // Never overlapping, and (after robots.txt, which is fetched before any page) at least the gap apart.
      expect(seen[i]!.startedAt).toBeGreaterThanOrEqual(seen[i - 1]!.endedAt!);
      if (i > 1) expect(seen[i]!.startedAt - seen[i - 1]!.endedAt!).toBeGreaterThanOrEqual(GAP_MS - 5);
    }
    expect(seen.length).toBe(5); // robots + (atom 404 + index) × 2 boards
  });
});
