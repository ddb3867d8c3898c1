import { HttpError } from '../../src/core/errors';
import { rejectionOf, startServer, testClient, type TestServer } from './helpers';

describe('HTTP client: retries and blocking', () => {
  let server: TestServer;
  /** Per path: the responses to give, in order; the last one repeats. */
  const scripts = new Map<string, Array<{ status: number; headers?: Record<string, string>; body?: string }>>();
  const served = new Map<string, number>();

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const path = req.url ?? '';
      const script = scripts.get(path) ?? [{ status: 404 }];
      const n = served.get(path) ?? 0;
      served.set(path, n + 1);
      const step = script[Math.min(n, script.length - 1)]!;
      res.writeHead(step.status, step.headers ?? {}).end(step.body ?? '');
    });
  });
  afterAll(() => server.close());

  const hits = (path: string): number => server.requests.filter((r) => r.url === path).length;

  it('honours Retry-After (seconds) on a 429, then succeeds', async () => {
    scripts.set('/429', [{ status: 429, headers: { 'retry-after': '2' } }, { status: 200, body: 'ok' }]);
    const { client, sleeps } = testClient({ retries: 2 });
    const res = await client.request(server.url('/429'));
    expect(res.text).toBe('ok');
    expect(sleeps).toEqual([2_000]);
    expect(hits('/429')).toBe(2);
  });

  it('honours Retry-After given as an HTTP-date', async () => {
    const now = Date.parse('2026-03-02T06:00:00Z');
    scripts.set('/429-date', [{ status: 429, headers: { 'retry-after': 'Mon, 02 Mar 2026 06:00:05 GMT' } }, { status: 200, body: 'ok' }]);
    const { client, sleeps } = testClient({ retries: 1, now: () => now });
    await client.request(server.url('/429-date'));
    expect(sleeps).toEqual([5_000]);
  });

  it('retries a 503 with growing backoff, then succeeds', async () => {
    scripts.set('/503', [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: 'back' }]);
    const { client, sleeps } = testClient({ retries: 3 });
    const res = await client.request(server.url('/503'));
    expect(res.text).toBe('back');
    // random() = 0.5 → three quarters of each step: 0.5 s, 1 s, 2 s.
    expect(sleeps).toEqual([375, 750, 1_500]);
    expect(hits('/503')).toBe(4);
  });

  it('gives up after the configured retries with E_HTTP_STATUS and the status', async () => {
    scripts.set('/always-502', [{ status: 502 }]);
    const { client, sleeps } = testClient({ retries: 2 });
    const err = await rejectionOf(client.request(server.url('/always-502')));
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe('E_HTTP_STATUS');
    expect(err.status).toBe(502);
    expect(hits('/always-502')).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not wait out a Retry-After longer than maxRetryAfterMs: it fails at once and says how long', async () => {
    scripts.set('/429-long', [{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    const { client, sleeps } = testClient({ retries: 3, maxRetryAfterMs: 30_000 });
    const err = await rejectionOf(client.request(server.url('/429-long')));
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([]);
    expect(hits('/429-long')).toBe(1);
  });

  it('treats a Cloudflare challenge as E_HTTP_BLOCKED and never retries it', async () => {
    scripts.set('/challenge', [{ status: 403, headers: { 'cf-mitigated': 'challenge', 'content-type': 'text/html' }, body: '<html>Just a moment...</html>' }]);
    const { client, sleeps } = testClient({ retries: 3 });
    const err = await rejectionOf(client.request(server.url('/challenge')));
    expect(err.code).toBe('E_HTTP_BLOCKED');
    expect(err.status).toBe(403);
    expect((err as HttpError).context.challenge).toBe(true);
    expect(hits('/challenge')).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('treats a challenge served with a 503 as blocked too, not as retryable', async () => {
    scripts.set('/challenge-503', [{ status: 503, headers: { 'cf-mitigated': 'challenge' } }]);
    const err = await rejectionOf(testClient({ retries: 3 }).client.request(server.url('/challenge-503')));
    expect(err.code).toBe('E_HTTP_BLOCKED');
    expect(hits('/challenge-503')).toBe(1);
  });

  it('treats a plain 403 as E_HTTP_BLOCKED', async () => {
    scripts.set('/forbidden', [{ status: 403 }]);
    const err = await rejectionOf(testClient({ retries: 3 }).client.request(server.url('/forbidden')));
    expect(err.code).toBe('E_HTTP_BLOCKED');
    expect(hits('/forbidden')).toBe(1);
  });

  it('does not retry a 404', async () => {
    scripts.set('/missing', [{ status: 404, body: 'no such feed' }]);
    const err = await rejectionOf(testClient({ retries: 3 }).client.request(server.url('/missing')));
    expect(err.code).toBe('E_HTTP_STATUS');
    expect(err.status).toBe(404);
    expect((err as HttpError).context.bodySnippet).toBe('no such feed');
    expect(hits('/missing')).toBe(1);
  });

  it('retries network errors and then reports E_HTTP_NETWORK with the cause', async () => {
    const closed = await startServer((_req, res) => res.end());
    const url = closed.url('/gone');
    await closed.close();
    const { client, sleeps } = testClient({ retries: 2 });
    const err = await rejectionOf(client.request(url));
    expect(err.code).toBe('E_HTTP_NETWORK');
    expect(err.cause).toBeDefined();
    expect(sleeps).toHaveLength(2);
  });
});
