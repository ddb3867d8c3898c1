import { startServer, testClient, type SeenRequest, type TestServer } from './helpers';

/** Slack for timer granularity (ms) when comparing real time gaps. */
const SLACK_MS = 5;

describe('HTTP client: per-host politeness', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Responses take a while so overlap is visible: long ones where the test expects overlap,
    // so a loaded machine cannot make two parallel requests look sequential.
    server = await startServer((req, res) => {
      const ms = req.url?.startsWith('/same-host/') ? 40 : 400;
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), ms);
    });
  });
  afterAll(() => server.close());

  const seenFor = (prefix: string): SeenRequest[] => server.requests.filter((r) => r.url.startsWith(prefix)).sort((a, b) => a.startedAt - b.startedAt);

  it('never overlaps requests to one host and keeps the gap between them', async () => {
    const gapMs = 120;
    // Real sleep: this test is about wall-clock spacing.
    const { client } = testClient({ perHostIntervalMs: gapMs, sleep: undefined });
    await Promise.all([1, 2, 3, 4].map((i) => client.request(server.url(`/same-host/${i}`))));

    const seen = seenFor('/same-host/');
    expect(seen).toHaveLength(4);
    for (let i = 1; i < seen.length; i++) {
      const previousEnd = seen[i - 1]!.endedAt!;
      expect(seen[i]!.startedAt).toBeGreaterThanOrEqual(previousEnd);
      expect(seen[i]!.startedAt - previousEnd).toBeGreaterThanOrEqual(gapMs - SLACK_MS);
    }
  });

  it('lets different hosts proceed in parallel', async () => {
    const { client } = testClient({ perHostIntervalMs: 1_000, sleep: undefined });
    await Promise.all([client.request(server.url('/two-hosts/a', '127.0.0.1')), client.request(server.url('/two-hosts/b', 'localhost'))]);

    const [first, second] = seenFor('/two-hosts/');
    expect(first!.headers.host).not.toBe(second!.headers.host);
    // The second started before the first finished: no gap imposed across hosts.
    expect(second!.startedAt).toBeLessThan(first!.endedAt!);
  });

  it('skips the gate for requests that are not polite (webhooks)', async () => {
    const { client } = testClient({ perHostIntervalMs: 1_000, sleep: undefined });
    await Promise.all([1, 2].map((i) => client.request(server.url(`/impolite/${i}`), { polite: false })));
    const [first, second] = seenFor('/impolite/');
    expect(second!.startedAt).toBeLessThan(first!.endedAt!);
  });
});
