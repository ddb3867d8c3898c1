import { MemoryValidators, startServer, testClient, type TestServer } from './helpers';

const ETAG = '"feed-v1"';
const LAST_MODIFIED = 'Mon, 02 Mar 2026 06:00:00 GMT';

describe('HTTP client: conditional GET', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Behaves like a feed server with validators: 304 when either validator matches.
    server = await startServer((req, res) => {
      if (req.headers['if-none-match'] === ETAG || req.headers['if-modified-since'] === LAST_MODIFIED) {
        res.writeHead(304, { etag: ETAG }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: ETAG, 'last-modified': LAST_MODIFIED });
      res.end('<rss version="2.0"><channel><title>新內容</title></channel></rss>');
    });
  });
  afterAll(() => server.close());

  it('stores ETag and Last-Modified after a 200, sends them back and reports a 304 as notModified', async () => {
    const store = new MemoryValidators();
    const { client } = testClient({ validators: store });
    const url = server.url('/feed.xml');

    const first = await client.request(url);
    expect(first.status).toBe(200);
    expect(first.notModified).toBe(false);
    expect(store.getValidators(url)).toEqual({ etag: ETAG, lastModified: LAST_MODIFIED });

    const second = await client.request(url);
    const sent = server.requests.at(-1)!.headers;
    expect(sent['if-none-match']).toBe(ETAG);
    expect(sent['if-modified-since']).toBe(LAST_MODIFIED);
    expect(second.status).toBe(304);
    expect(second.notModified).toBe(true);
    expect(second.text).toBe('');
  });

  it('with deferValidators, stores the validators only when the caller commits them', async () => {
    const store = new MemoryValidators();
    const { client } = testClient({ validators: store });
    const url = server.url('/deferred.xml');

    const res = await client.request(url, { deferValidators: true });
    expect(res.validators).toEqual({ etag: ETAG, lastModified: LAST_MODIFIED });
    expect(store.getValidators(url)).toBeUndefined();

    res.commitValidators!();
    expect(store.getValidators(url)).toEqual({ etag: ETAG, lastModified: LAST_MODIFIED });
  });

  it('sends no validators when the request is not conditional', async () => {
    const store = new MemoryValidators();
    const url = server.url('/unconditional.xml');
    store.setValidators(url, { etag: ETAG, lastModified: LAST_MODIFIED });
    const res = await testClient({ validators: store }).client.request(url, { conditional: false });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeUndefined();
    expect(res.status).toBe(200);
  });
});
