import { HttpError } from '../../src/core/errors';
import { rejectionOf, testClient } from '../http/helpers';
import { GiB, HostileServer, transportRoutes } from './hostile-server';

/**
 * A misbehaving transport — huge bodies, compression bombs, a server that drips bytes or never
 * answers, broken and looping redirects — against the one HTTP client. Each ends in one typed
 * error, within the configured time, having read at most the configured number of bytes, with the
 * process's memory growing by a bounded amount.
 */

const CAP = 2 * 1024 * 1024;
const TIMEOUT_MS = 1_500;

/** Peak growth of heap + external memory (zlib and socket buffers live outside the JS heap) while `fn` runs. */
async function peakGrowthMb<T>(fn: () => Promise<T>): Promise<{ value: T; mb: number }> {
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external + m.arrayBuffers;
  };
  const base = used();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, used())), 5);
  try {
    const value = await fn();
    peak = Math.max(peak, used());
    return { value, mb: (peak - base) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

describe('a hostile transport', () => {
  const h = new HostileServer();
  let url: Record<string, string>;
  const { client } = testClient({ maxBodyBytes: CAP, timeoutMs: TIMEOUT_MS, maxRedirects: 5, retries: 0 });

  beforeAll(async () => {
    await h.start();
    url = await transportRoutes(h);
  });
  afterAll(() => h.stop());

  it.each([
    ['a 100 MB chunked body', 'huge', 'received'],
    ['a 100 MB body with its length declared', 'hugeDeclared', 'declared'],
    ['a gzip bomb (1 MB → 1 GiB)', 'gzipBomb', 'decompressed'],
    ['a brotli bomb (→ 1 GiB)', 'brotliBomb', 'decompressed'],
    ['gzip inside gzip (→ 1 GiB)', 'nestedGzip', 'decompressed'],
  ])('stops reading %s at the cap: E_HTTP_TOO_LARGE, bounded memory', async (_what, key, stage) => {
    const { value: err, mb } = await peakGrowthMb(() => rejectionOf(client.request(url[key]!)));
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe('E_HTTP_TOO_LARGE');
    expect((err as HttpError).context.stage).toBe(stage);
    expect(mb).toBeLessThan(64);
  });

  it('hangs up on a 100 MB body long before the server has written it', async () => {
    await rejectionOf(client.request(url.huge!));
    // Socket buffers on both ends hold a few MB at most; 100 MB were offered.
    await new Promise((r) => setTimeout(r, 100));
    expect(h.sent.get('/huge')!).toBeLessThan(32 * 1024 * 1024);
    expect(h.sent.get('/huge-declared') ?? 0).toBeLessThan(32 * 1024 * 1024);
  });

  it('inflates at most the cap of a 1 GiB bomb (nothing close to 1 GiB is ever held)', async () => {
    const { mb } = await peakGrowthMb(() => rejectionOf(client.request(url.gzipBomb!)));
    expect(mb * 1e6).toBeLessThan(GiB / 16);
  });

  it.each([
    ['drips one byte every 200 ms', 'drip'],
    ['never answers', 'silent'],
  ])('gives up on a server that %s after the timeout (E_HTTP_TIMEOUT)', async (_what, key) => {
    const t0 = performance.now();
    const err = await rejectionOf(client.request(url[key]!));
    const ms = performance.now() - t0;
    expect(err.code).toBe('E_HTTP_TIMEOUT');
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('counts the whole exchange against the timeout, so dripping slower than the timeout does not keep it alive', async () => {
    const drips = h.sent.get('/drip') ?? 0;
    // At 200 ms a byte, a per-read idle timeout would never fire; the exchange timeout did, after ~7 bytes.
    expect(drips).toBeGreaterThan(0);
    expect(drips).toBeLessThan(20);
  });

  it.each([
    ['a two-step redirect loop', 'loopA', /迴圈/],
    ['a redirect to itself', 'self', /迴圈/],
    ['an endless chain of redirects', 'chain', /超過 5 次/],
    ['a redirect to file://', 'toFile', /不支援導向 file:/],
    ['a redirect to javascript:', 'toJavascript', /不支援導向 javascript:/],
    ['a redirect without Location', 'noLocation', /缺少 Location/],
  ])('refuses %s (E_HTTP_REDIRECT), following at most the configured hops', async (_what, key, message) => {
    const err = await rejectionOf(client.request(url[key]!));
    expect(err.code).toBe('E_HTTP_REDIRECT');
    expect(err.message).toMatch(message);
    expect(h.hits.get('/chain') ?? 0).toBeLessThanOrEqual(6);
  });

  it.each([
    ['a gzip-compressed 503 page', 'gzipError'],
    ['a 500 page that never ends', 'endlessError'],
  ])('reports %s as E_HTTP_STATUS without reading it all (and without crashing the process)', async (_what, key) => {
    const err = await rejectionOf(client.request(url[key]!));
    expect(err.code).toBe('E_HTTP_STATUS');
    // The rejected body's late 'error' event must find a listener: give it the ticks it needs.
    await new Promise((r) => setTimeout(r, 50));
    expect(h.sent.get('/endless-error') ?? 0).toBeLessThan(32 * 1024 * 1024);
  });

  it.each([
    ['a body cut off before its declared length', 'truncated'],
    ['corrupt gzip data', 'badGzip'],
    ['an unknown Content-Encoding', 'unknownEncoding'],
  ])('reports %s as E_HTTP_NETWORK', async (_what, key) => {
    const err = await rejectionOf(client.request(url[key]!));
    expect(err.code).toBe('E_HTTP_NETWORK');
  });
});
