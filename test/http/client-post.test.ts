import { rejectionOf, startServer, testClient, type TestServer } from './helpers';

const WEBHOOK = { method: 'POST', retries: 0, polite: false, followRedirects: false } as const;

describe('HTTP client: POST for webhooks', () => {
  let server: TestServer;
  const bodies: string[] = [];

  beforeAll(async () => {
    server = await startServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        if (req.url === '/hook/ok') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        if (req.url === '/hook/busy') return void res.writeHead(503, { 'retry-after': '7' }).end('busy');
        if (req.url === '/hook/bad') return void res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        if (req.url === '/hook/moved') return void res.writeHead(302, { location: '/hook/ok' }).end();
        if (req.url === '/T0SECRET/B0SECRET/xoxsecret') return void res.writeHead(404).end('no_service');
        res.writeHead(404).end();
      });
    });
  });
  afterAll(() => server.close());

  it('sends the body and returns the response for a 2xx', async () => {
    const res = await testClient({ retries: 3 }).client.request(server.url('/hook/ok'), {
      ...WEBHOOK,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '範例診所 L3 警報' }),
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok');
    expect(JSON.parse(bodies.at(-1)!)).toEqual({ text: '範例診所 L3 警報' });
    expect(server.requests.at(-1)!.method).toBe('POST');
  });

  it('throws E_HTTP_STATUS with the status and Retry-After for a 5xx, after one attempt', async () => {
    const before = server.requests.length;
    const err = await rejectionOf(testClient({ retries: 3 }).client.request(server.url('/hook/busy'), { ...WEBHOOK, body: '{}' }));
    expect(err.code).toBe('E_HTTP_STATUS');
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBe(7_000);
    expect(server.requests.length - before).toBe(1);
  });

  it('never retries a POST, even when retries are asked for', async () => {
    const before = server.requests.length;
    const { client, sleeps } = testClient({ retries: 3 });
    await rejectionOf(client.request(server.url('/hook/busy'), { method: 'POST', body: '{}', retries: 3 }));
    expect(server.requests.length - before).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('keeps the start of the error body for the notifier to report', async () => {
    const err = await rejectionOf(testClient().client.request(server.url('/hook/bad'), { ...WEBHOOK, body: '{}' }));
    expect(err.status).toBe(400);
    expect((err as { context?: Record<string, unknown> }).context?.bodySnippet).toBe('invalid_payload');
  });

  it('treats a 3xx as an error when redirects are not followed', async () => {
    const before = server.requests.length;
    const err = await rejectionOf(testClient().client.request(server.url('/hook/moved'), { ...WEBHOOK, body: '{}' }));
    expect(err.code).toBe('E_HTTP_STATUS');
    expect(err.status).toBe(302);
    expect(server.requests.length - before).toBe(1);
  });

  it('keeps a secret URL out of the error when asked to redact it', async () => {
    const err = await rejectionOf(testClient().client.request(server.url('/T0SECRET/B0SECRET/xoxsecret'), { ...WEBHOOK, body: '{}', redactUrl: true }));
    expect(err.status).toBe(404);
    expect(err.message).not.toContain('SECRET');
    expect(JSON.stringify(err)).not.toContain('SECRET');
  });
});
