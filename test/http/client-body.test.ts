import zlib from 'node:zlib';
import { HttpError } from '../../src/core/errors';
import { encodeBig5 } from './big5';
import { rejectionOf, startServer, testClient, type TestServer } from './helpers';

const FEED_TEXT = '<?xml version="1.0" encoding="big5"?><rss version="2.0"><channel><title>許功蓋 醫療糾紛</title></channel></rss>';

describe('HTTP client: bodies, charsets and limits', () => {
  let server: TestServer;
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    server = await startServer((req, res) => {
      switch (req.url) {
        case '/big5-header':
          res.writeHead(200, { 'content-type': 'application/rss+xml; charset=Big5' });
          res.end(encodeBig5(FEED_TEXT.replace('encoding="big5"', 'encoding="utf-8"')));
          return;
        case '/big5-declaration':
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(encodeBig5(FEED_TEXT));
          return;
        case '/gzip':
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'gzip' });
          res.end(zlib.gzipSync(Buffer.from('壓縮過的內容 gzip')));
          return;
        case '/br':
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'br' });
          res.end(zlib.brotliCompressSync(Buffer.from('壓縮過的內容 brotli')));
          return;
        case '/gzip-big5':
          res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' });
          res.end(zlib.gzipSync(encodeBig5(FEED_TEXT)));
          return;
        case '/large-chunked': {
          // No Content-Length: the cap must be enforced while streaming.
          res.writeHead(200, { 'content-type': 'text/plain' });
          const chunk = Buffer.alloc(64 * 1024, 0x61);
          let sent = 0;
          const pump = (): void => {
            while (sent < 4 * 1024 * 1024) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('error', () => undefined);
          pump();
          return;
        }
        case '/large-declared':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(50 * 1024 * 1024) });
          res.write('x'); // then nothing: the declared length alone must be enough to refuse
          return;
        case '/bomb':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
          res.end(bomb);
          return;
        case '/drip': {
          res.writeHead(200, { 'content-type': 'text/plain' });
          const t = setInterval(() => res.write('.'), 50);
          timers.add(t);
          res.on('close', () => clearInterval(t));
          return;
        }
        case '/no-headers':
          return; // never answers
        case '/echo':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(req.headers));
          return;
        default:
          res.writeHead(404).end();
      }
    });
  });

  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    await server.close();
  });

  // 64 MiB of zeros gzip to about 64 KiB: small on the wire, huge once inflated.
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));

  it('decodes a Big5 body declared in the Content-Type header', async () => {
    const res = await testClient().client.request(server.url('/big5-header'));
    expect(res.charset).toBe('big5');
    expect(res.text).toContain('<title>許功蓋 醫療糾紛</title>');
  });

  it('decodes a Big5 body declared only in its XML declaration', async () => {
    const res = await testClient().client.request(server.url('/big5-declaration'));
    expect(res.charset).toBe('big5');
    expect(res.text).toContain('許功蓋 醫療糾紛');
  });

  it('decompresses gzip and brotli bodies', async () => {
    const { client } = testClient();
    expect((await client.request(server.url('/gzip'))).text).toBe('壓縮過的內容 gzip');
    expect((await client.request(server.url('/br'))).text).toBe('壓縮過的內容 brotli');
  });

  it('detects the charset on the decompressed bytes', async () => {
    const res = await testClient().client.request(server.url('/gzip-big5'));
    expect(res.charset).toBe('big5');
    expect(res.text).toContain('許功蓋');
  });

  it('sends a descriptive User-Agent and the encodings it can decode', async () => {
    const res = await testClient().client.request(server.url('/echo'));
    const headers = JSON.parse(res.text) as Record<string, string>;
    expect(headers['user-agent']).toBe('Yuqing-test/1.0 (+https://example.invalid/yuqing)');
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('lets the caller override default headers', async () => {
    const res = await testClient().client.request(server.url('/echo'), { headers: { 'User-Agent': 'Custom/2', Accept: 'application/rss+xml' } });
    const headers = JSON.parse(res.text) as Record<string, string>;
    expect(headers['user-agent']).toBe('Custom/2');
    expect(headers.accept).toBe('application/rss+xml');
  });

  it('refuses a streamed body over the cap with E_HTTP_TOO_LARGE', async () => {
    const err = await rejectionOf(testClient({ maxBodyBytes: 256 * 1024 }).client.request(server.url('/large-chunked')));
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe('E_HTTP_TOO_LARGE');
  });

  it('refuses a body whose Content-Length is over the cap without waiting for it', async () => {
    // The server never finishes this body: without the Content-Length check this would end in E_HTTP_TIMEOUT.
    const err = await rejectionOf(testClient({ maxBodyBytes: 1024 * 1024, timeoutMs: 3_000 }).client.request(server.url('/large-declared')));
    expect(err.code).toBe('E_HTTP_TOO_LARGE');
    expect((err as HttpError).context.stage).toBe('declared');
  });

  it('stops a compression bomb after the cap, fast', async () => {
    const started = Date.now();
    const err = await rejectionOf(testClient({ maxBodyBytes: 1024 * 1024 }).client.request(server.url('/bomb')));
    expect(err.code).toBe('E_HTTP_TOO_LARGE');
    expect((err as HttpError).context.stage).toBe('decompressed');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a body that drips forever with E_HTTP_TIMEOUT', async () => {
    const started = Date.now();
    const err = await rejectionOf(testClient({ timeoutMs: 300 }).client.request(server.url('/drip')));
    expect(err.code).toBe('E_HTTP_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a server that never sends headers', async () => {
    const err = await rejectionOf(testClient({ timeoutMs: 200 }).client.request(server.url('/no-headers')));
    expect(err.code).toBe('E_HTTP_TIMEOUT');
  });

  it('rejects a non-http URL before sending anything', async () => {
    const before = server.requests.length;
    const err = await rejectionOf(testClient().client.request('file:///etc/passwd'));
    expect(err.code).toBe('E_HTTP_NETWORK');
    expect(server.requests.length).toBe(before);
  });
});
