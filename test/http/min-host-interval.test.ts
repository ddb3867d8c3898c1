import { startServer, testClient, type TestServer } from './helpers';

describe('HTTP client: a request’s own minimum host gap', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  afterAll(() => server.close());

  it('waits the larger of the client gap and the request’s minHostIntervalMs, never less', async () => {
    const { client, sleeps } = testClient({ perHostIntervalMs: 100 });
    await client.request(server.url('/a'));
    await client.request(server.url('/b'), { minHostIntervalMs: 5_000 });
    await client.request(server.url('/c'), { minHostIntervalMs: 10 });
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThan(4_900);
    expect(sleeps[0]).toBeLessThanOrEqual(5_000);
    expect(sleeps[1]).toBeGreaterThan(50);
    expect(sleeps[1]).toBeLessThanOrEqual(100);
  });
});
