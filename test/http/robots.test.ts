import type http from 'node:http';
import { productToken } from '../../src/http/robots';
import { rejectionOf, startServer, testClient, type TestServer } from './helpers';

/** A site whose robots.txt is whatever the test sets, and whose pages answer "ok". */
async function site(): Promise<{ server: TestServer; robots: { status: number; body: string }; pages: () => string[] }> {
  const robots = { status: 200, body: '' };
  const server = await startServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === '/robots.txt') {
      res.writeHead(robots.status, { 'content-type': 'text/plain' }).end(robots.body);
      return;
    }
    if (req.url === '/go-private') {
      res.writeHead(302, { location: '/private/secret.html' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  return { server, robots, pages: () => server.requests.map((r) => r.url).filter((u) => u !== '/robots.txt') };
}

describe('robots.txt', () => {
  let s: Awaited<ReturnType<typeof site>>;
  beforeEach(async () => {
    s = await site();
  });
  afterEach(() => s.server.close());

  const robotsFetches = (): number => s.server.requests.filter((r) => r.url === '/robots.txt').length;

  it('refuses a disallowed URL without requesting it, and fetches robots.txt once per origin', async () => {
    s.robots.body = 'User-agent: *\nDisallow: /private/\n';
    const { client } = testClient({ robots: {} });

    const err = await rejectionOf(client.request(s.server.url('/private/secret.html'), { robots: true }));
    expect(err.code).toBe('E_HTTP_ROBOTS');
    await client.request(s.server.url('/public/a.html'), { robots: true });
    await client.request(s.server.url('/public/b.html'), { robots: true });

    expect(s.pages()).toEqual(['/public/a.html', '/public/b.html']);
    expect(robotsFetches()).toBe(1);
  });

  it('follows the group for our product token over the * group', async () => {
    s.robots.body = 'User-agent: *\nDisallow: /\n\nUser-agent: yuqing-test\nAllow: /bbs/\nDisallow: /\n';
    const { client } = testClient({ robots: {} });
    await client.request(s.server.url('/bbs/facelift/index.html'), { robots: true });
    expect((await rejectionOf(client.request(s.server.url('/man/index.html'), { robots: true }))).code).toBe('E_HTTP_ROBOTS');
    expect(productToken('Yuqing-test/1.0 (+https://example.invalid/yuqing)')).toBe('Yuqing-test');
  });

  it('checks every redirect hop, refusing a redirect into a disallowed path', async () => {
    s.robots.body = 'User-agent: *\nDisallow: /private/\n';
    const { client } = testClient({ robots: {} });
    expect((await rejectionOf(client.request(s.server.url('/go-private'), { robots: true }))).code).toBe('E_HTTP_ROBOTS');
    expect(s.pages()).toEqual(['/go-private']);
  });

  it('does not check requests that do not ask for it (subscribed feeds, webhooks)', async () => {
    s.robots.body = 'User-agent: *\nDisallow: /\n';
    const { client } = testClient({ robots: {} });
    await client.request(s.server.url('/feed.xml'));
    expect(robotsFetches()).toBe(0);
  });

  it('allows everything when robots.txt is missing (404) or forbidden (403)', async () => {
    for (const status of [404, 403]) {
      s.robots.status = status;
      const { client } = testClient({ robots: {} });
      await client.request(s.server.url(`/any-${status}.html`), { robots: true });
    }
    expect(s.pages()).toEqual(['/any-404.html', '/any-403.html']);
  });

  it('allows nothing while robots.txt is unreachable (5xx), then uses the file once it is back', async () => {
    let now = Date.parse('2026-03-02T08:00:00Z');
    s.robots.status = 503;
    const { client } = testClient({ robots: { unreachableTtlMs: 60_000 }, now: () => now });
    const err = await rejectionOf(client.request(s.server.url('/page.html'), { robots: true }));
    expect(err.code).toBe('E_HTTP_ROBOTS');
    expect(err.message).toContain('robots.txt unreachable');

    s.robots.status = 200;
    s.robots.body = 'User-agent: *\nAllow: /\n';
    now += 61_000;
    await client.request(s.server.url('/page.html'), { robots: true });
    expect(s.pages()).toEqual(['/page.html']);
  });

  it('fetches robots.txt again after the cache expires', async () => {
    let now = Date.parse('2026-03-02T08:00:00Z');
    s.robots.body = 'User-agent: *\nAllow: /\n';
    const { client } = testClient({ robots: { ttlMs: 3_600_000 }, now: () => now });
    await client.request(s.server.url('/a'), { robots: true });
    now += 3_599_000;
    s.robots.body = 'User-agent: *\nDisallow: /\n';
    await client.request(s.server.url('/b'), { robots: true });
    now += 2_000;
    expect((await rejectionOf(client.request(s.server.url('/c'), { robots: true }))).code).toBe('E_HTTP_ROBOTS');
    expect(robotsFetches()).toBe(2);
  });

  it('keeps the Crawl-delay between requests to the host, also for requests that do not check robots', async () => {
    s.robots.body = 'User-agent: *\nCrawl-delay: 0.25\nAllow: /\n';
    // Real sleep: this is about wall-clock spacing. The client's own gap is 0.
    const { client } = testClient({ robots: {}, sleep: undefined });
    await client.request(s.server.url('/first'), { robots: true });
    await Promise.all([client.request(s.server.url('/second'), { robots: true }), client.request(s.server.url('/third'))]);

    const seen = s.server.requests.filter((r) => r.url !== '/robots.txt').sort((a, b) => a.startedAt - b.startedAt);
    expect(seen).toHaveLength(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.startedAt - seen[i - 1]!.endedAt!).toBeGreaterThanOrEqual(245);
  });

  it('caps an absurd Crawl-delay', async () => {
    s.robots.body = 'User-agent: *\nCrawl-delay: 86400\n';
    const { client, sleeps } = testClient({ robots: { maxCrawlDelayMs: 2_000 } });
    await client.request(s.server.url('/one'), { robots: true });
    await client.request(s.server.url('/two'), { robots: true });
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(2_000);
    expect(Math.max(...sleeps)).toBeGreaterThan(1_000);
  });
});
