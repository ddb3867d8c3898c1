import type { LookupFunction } from 'node:net';
import { htmlConnector } from '../../src/connectors/html';
import { ManualClock } from '../../src/core/clock';
import { HttpError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { mainConfigSchema } from '../../src/config/main-schema';
import { allowEntryProblem, classifyAddress, connectionAllowed, parseAllowList } from '../../src/http/address-policy';
import { rejectionOf, startServer, testClient, type TestServer } from '../http/helpers';

/** A resolver that answers from a table (and counts questions), never the real DNS. */
function fakeDns(table: Record<string, string | string[]>): { lookup: LookupFunction; asked: string[] } {
  const asked: string[] = [];
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: unknown, family?: number) => void) => {
    asked.push(hostname);
    const entry = table[hostname];
    if (entry === undefined) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), undefined);
    const list = (Array.isArray(entry) ? entry : [entry]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options?.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  }) as unknown as LookupFunction;
  return { lookup, asked };
}

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.10.20', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'shared'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['not-an-address', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['1.1.1.1', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::ffff:8.8.8.8', 'public'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it('allows a non-public address only by name, by exact address or by a range that holds it', () => {
    const allow = parseAllowList(['mattermost.intra.example', '*.corp.example', '10.20.0.0/16', '::1']);
    expect(connectionAllowed('mattermost.intra.example', '10.9.9.9', allow)).toBe(true);
    expect(connectionAllowed('MatterMost.Intra.Example.', '10.9.9.9', allow)).toBe(true);
    expect(connectionAllowed('chat.corp.example', '192.168.1.1', allow)).toBe(true);
    expect(connectionAllowed('corp.example', '192.168.1.1', allow)).toBe(false);
    expect(connectionAllowed('anything', '10.20.5.5', allow)).toBe(true);
    expect(connectionAllowed('anything', '::ffff:10.20.5.5', allow)).toBe(true);
    expect(connectionAllowed('anything', '10.21.0.1', allow)).toBe(false);
    expect(connectionAllowed('localhost', '::1', allow)).toBe(true);
    expect(connectionAllowed('localhost', '127.0.0.1', allow)).toBe(false);
    expect(connectionAllowed('news.example.tw', '203.74.1.1', parseAllowList([]))).toBe(true);
  });

  it('rejects allow-list entries that are neither a name, an address nor a range', () => {
    expect(allowEntryProblem('10.0.0.0/33')).toMatch(/CIDR/);
    expect(allowEntryProblem('10.0.0.0/8')).toBeUndefined();
    expect(allowEntryProblem('http://127.0.0.1')).toBeDefined();
    expect(allowEntryProblem('intranet server')).toMatch(/不是 IP 位址、CIDR 範圍或主機名稱/);
    expect(() => mainConfigSchema.parse({ http: { allowPrivateHosts: ['127.0.0.1', 'bad host'] } })).toThrow(/bad host/);
    expect(mainConfigSchema.parse({}).http.allowPrivateHosts).toEqual([]);
    expect(mainConfigSchema.parse({}).channels.allowPrivateHosts).toEqual([]);
  });
});

describe('the HTTP client refuses non-public addresses that are not allow-listed', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret'));
  });
  afterEach(() => server.close());

  it('refuses an IP literal before any connection, and does not retry', async () => {
    const { client, sleeps } = testClient({ allowPrivateHosts: [], retries: 3 });
    const err = await rejectionOf(client.request(server.url('/admin')));
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe('E_HTTP_FORBIDDEN_ADDRESS');
    expect(err.message).toMatch(/本機迴路位址/);
    expect((err as HttpError).context).toMatchObject({ address: '127.0.0.1', addressClass: 'loopback' });
    expect(server.requests).toHaveLength(0);
    expect(sleeps).toEqual([]);
  });

  it('refuses a name that resolves to loopback (checked after resolution, not on the name)', async () => {
    const dns = fakeDns({ 'feeds.example.tw': '127.0.0.1' });
    const { client } = testClient({ allowPrivateHosts: [], lookup: dns.lookup });
    const err = await rejectionOf(client.request(server.url('/feed.xml', 'feeds.example.tw')));
    expect(err.code).toBe('E_HTTP_FORBIDDEN_ADDRESS');
    expect(dns.asked).toContain('feeds.example.tw');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses the cloud metadata address written in any form', async () => {
    const { client } = testClient({ allowPrivateHosts: [] });
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://0xa9fea9fe/', 'http://2852039166/']) {
      expect((await rejectionOf(client.request(url))).code).toBe('E_HTTP_FORBIDDEN_ADDRESS');
    }
  });

  it('connects when the address is allow-listed, and when the name is', async () => {
    expect((await testClient({ allowPrivateHosts: ['127.0.0.0/8'] }).client.request(server.url('/a'))).text).toBe('internal secret');
    const dns = fakeDns({ 'intranet.clinic.example': '127.0.0.1' });
    const byName = testClient({ allowPrivateHosts: ['intranet.clinic.example'], lookup: dns.lookup }).client;
    expect((await byName.request(server.url('/b', 'intranet.clinic.example'))).status).toBe(200);
    // The same address under another name is not allowed by that name.
    const other = fakeDns({ 'other.example': '127.0.0.1' });
    expect((await rejectionOf(testClient({ allowPrivateHosts: ['intranet.clinic.example'], lookup: other.lookup }).client.request(server.url('/c', 'other.example')))).code).toBe('E_HTTP_FORBIDDEN_ADDRESS');
    expect(server.requests.map((r) => r.url)).toEqual(['/a', '/b']);
  });

  it('keeps the public addresses of a name that also resolves to a private one', async () => {
    const dns = fakeDns({ 'mixed.example': ['10.0.0.7', '127.0.0.1'] });
    const { client } = testClient({ allowPrivateHosts: ['127.0.0.1'], lookup: dns.lookup });
    // 10.0.0.7 is dropped from the answer; the allow-listed one is used.
    expect((await client.request(server.url('/m', 'mixed.example'))).status).toBe(200);
  });

  it('checks every redirect hop: an allowed host cannot send us to a refused one', async () => {
    const internal = server;
    const front = await startServer((req, res) => {
      const to: Record<string, string> = {
        '/literal': internal.url('/admin'),
        '/metadata': 'http://169.254.169.254/latest/meta-data/iam/',
        '/mapped': internal.url('/admin', '[::ffff:127.0.0.1]'),
        '/by-name': internal.url('/admin', 'internal.corp'),
      };
      res.writeHead(302, { location: to[req.url ?? ''] ?? '/' }).end();
    });
    try {
      const dns = fakeDns({ 'front.example': '127.0.0.1', 'internal.corp': '127.0.0.1' });
      const { client } = testClient({ allowPrivateHosts: ['front.example'], lookup: dns.lookup });
      for (const path of ['/literal', '/metadata', '/mapped', '/by-name']) {
        const err = await rejectionOf(client.request(front.url(path, 'front.example')));
        expect([path, err.code]).toEqual([path, 'E_HTTP_FORBIDDEN_ADDRESS']);
      }
      expect(front.requests).toHaveLength(4);
      expect(internal.requests).toHaveLength(0);
    } finally {
      await front.close();
    }
  });

  it('judges every new connection on the address it connects to (DNS rebinding: allowed first, refused next)', async () => {
    // 127.0.0.2 stands for "the address that was fine"; the second answer points at the internal server.
    const first = await startServerOn('127.0.0.2');
    try {
      let answers = 0;
      const lookup = ((_hostname: string, options: { all?: boolean }, cb: (e: Error | null, a: unknown, f?: number) => void) => {
        const address = answers++ === 0 ? '127.0.0.2' : '127.0.0.1';
        if (options?.all) cb(null, [{ address, family: 4 }]);
        else cb(null, address, 4);
      }) as unknown as LookupFunction;
      const { client } = testClient({ allowPrivateHosts: ['127.0.0.2'], lookup });
      const port = Number(new URL(server.url('/')).port);
      // Both servers listen on the same port number only by chance; use each one's own port.
      const ok = await client.request(`http://rebind.example:${first.port}/`);
      expect(ok.text).toBe('first');
      const err = await rejectionOf(client.request(`http://rebind.example:${port}/admin`));
      expect(err.code).toBe('E_HTTP_FORBIDDEN_ADDRESS');
      expect(answers).toBe(2);
      expect(server.requests).toHaveLength(0);
    } finally {
      await first.close();
    }
  });

  it('reports a refused crawl target as such, not as an unreachable robots.txt', async () => {
    const dns = fakeDns({ 'forum.example.tw': '10.0.0.9' });
    const { client } = testClient({ allowPrivateHosts: [], lookup: dns.lookup, robots: {} });
    const err = await rejectionOf(client.request('http://forum.example.tw/list', { robots: true }));
    expect(err.code).toBe('E_HTTP_FORBIDDEN_ADDRESS');
  });
});

describe('a connector whose page links to internal addresses', () => {
  it('skips those detail pages with a warning naming connector, URL and code, and never requests them', async () => {
    const internal = await startServer((_req, res) => res.end('<article>root password</article>'));
    const forum = await startServer((req, res) => {
      if (req.url === '/robots.txt') return void res.writeHead(404).end();
      if (req.url === '/list')
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<ul>
          <li class="t"><a href="/t/1">正常文章</a></li>
          <li class="t"><a href="${internal.url('/admin')}">內部一</a></li>
          <li class="t"><a href="http://169.254.169.254/latest/meta-data/">內部二</a></li>
          <li class="t"><a href="http://metadata.internal/computeMetadata/v1/">內部三</a></li></ul>`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<article>正常內文</article>');
    });
    try {
      const dns = fakeDns({ 'forum.example.tw': '127.0.0.1', 'metadata.internal': '169.254.169.254' });
      const { client } = testClient({ allowPrivateHosts: ['forum.example.tw'], lookup: dns.lookup, robots: {} });
      const instance = htmlConnector.create(htmlConnector.optionsSchema.parse({ url: forum.url('/list', 'forum.example.tw'), selectors: { item: 'li.t', link: 'a' }, detail: { body: 'article', maxPerPoll: 10 }, minIntervalMs: 0 }), { id: 'forum' });
      const result = await instance.poll({ id: 'forum', http: client, log: silentLogger(), clock: new ManualClock(Date.UTC(2026, 2, 16)) });
      expect(result.items.find((i) => i.title === '正常文章')?.text ?? result.items.find((i) => i.title === '正常文章')?.html).toMatch(/正常內文/);
      const refused = result.warnings.filter((w) => w.includes('E_HTTP_FORBIDDEN_ADDRESS'));
      expect(refused).toHaveLength(3);
      for (const w of refused) expect(w.startsWith('forum ')).toBe(true);
      expect(refused.join('\n')).toContain('169.254.169.254');
      expect(internal.requests).toHaveLength(0);
    } finally {
      await forum.close();
      await internal.close();
    }
  });
});

/** A server on another loopback address (Linux routes all of 127.0.0.0/8 to lo). */
async function startServerOn(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const http = await import('node:http');
  const server = http.createServer((_req, res) => res.writeHead(200, { connection: 'close' }).end('first'));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}
