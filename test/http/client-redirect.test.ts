import { rejectionOf, startServer, testClient, type TestServer } from './helpers';

describe('HTTP client: redirects', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const path = req.url ?? '';
      if (path === '/old-feed') return void res.writeHead(301, { location: '/moved/feed' }).end();
      if (path === '/moved/feed') return void res.writeHead(302, { location: 'final.xml' }).end();
      if (path === '/moved/final.xml') return void res.writeHead(200, { 'content-type': 'text/xml' }).end('<ok/>');
      if (path === '/loop-a') return void res.writeHead(302, { location: '/loop-b' }).end();
      if (path === '/loop-b') return void res.writeHead(302, { location: '/loop-a' }).end();
      const chain = /^\/chain\/(\d+)$/.exec(path);
      if (chain) return void res.writeHead(302, { location: `/chain/${Number(chain[1]) + 1}` }).end();
      if (path === '/no-location') return void res.writeHead(302).end();
      if (path === '/to-other-origin') return void res.writeHead(302, { location: server.url('/echo', 'localhost') }).end();
      if (path === '/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
      if (path === '/to-ftp') return void res.writeHead(302, { location: 'ftp://example.invalid/feed' }).end();
      res.writeHead(404).end();
    });
  });
  afterAll(() => server.close());

  it('follows relative redirects hop by hop and reports the final URL', async () => {
    const res = await testClient().client.request(server.url('/old-feed'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('<ok/>');
    expect(res.url).toBe(server.url('/moved/final.xml'));
  });

  it('rejects a redirect loop with E_HTTP_REDIRECT', async () => {
    const err = await rejectionOf(testClient({ maxRedirects: 10 }).client.request(server.url('/loop-a')));
    expect(err.code).toBe('E_HTTP_REDIRECT');
    expect(err.message).toContain('迴圈');
    expect(server.requests.filter((r) => r.url.startsWith('/loop-')).length).toBe(2);
  });

  it('stops after maxRedirects hops with E_HTTP_REDIRECT', async () => {
    const err = await rejectionOf(testClient({ maxRedirects: 3 }).client.request(server.url('/chain/0')));
    expect(err.code).toBe('E_HTTP_REDIRECT');
    // The original request plus three followed hops.
    expect(server.requests.filter((r) => r.url.startsWith('/chain/')).map((r) => r.url)).toEqual(['/chain/0', '/chain/1', '/chain/2', '/chain/3']);
  });

  it('rejects a redirect without Location, and one to a non-http scheme', async () => {
    expect((await rejectionOf(testClient().client.request(server.url('/no-location')))).code).toBe('E_HTTP_REDIRECT');
    expect((await rejectionOf(testClient().client.request(server.url('/to-ftp')))).code).toBe('E_HTTP_REDIRECT');
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const res = await testClient().client.request(server.url('/to-other-origin'), { headers: { authorization: 'Bearer secret', 'x-trace': 'kept' } });
    const headers = JSON.parse(res.text) as Record<string, string>;
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-trace']).toBe('kept');
  });
});
