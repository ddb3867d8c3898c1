import { request } from 'node:http';
import { ManualClock } from '../../src/core/clock';
import { signAck } from '../../src/server/ack-link';
import { localDayStartMs } from '../../src/server/status-data';
import { STATUS_CSP, STATUS_STYLE_HASH } from '../../src/server/status-page';
import { isLoopback, STATUS_PAGE_RECIPIENT } from '../../src/server/status-route';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { HOSTILE_TITLE, STATUS_NOW, seedStatusStore, startStatusServer } from '../helpers/status-fixture';

const KEY = 'k'.repeat(43);

function send(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const form = (fields: Record<string, string>): { headers: Record<string, string>; body: string; method: string } => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('status page over HTTP', () => {
  let store: StateStore;
  let server: { url: string; stop(): Promise<void> };
  let clock: ManualClock;
  let ids: ReturnType<typeof seedStatusStore>;

  beforeEach(async () => {
    clock = new ManualClock(STATUS_NOW);
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: true });
    ids = seedStatusStore(store);
    server = await startStatusServer({ store, clock, tokenKey: KEY });
  });
  afterEach(async () => {
    await server.stop();
    store.close();
  });

  const token = (alertId: string, expiresAtMs = STATUS_NOW + 3_600_000) => signAck({ alertId, recipient: STATUS_PAGE_RECIPIENT, expiresAtMs }, KEY);

  it('serves the page with a strict CSP: no script source at all, only the hashed style', async () => {
    const r = await send(`${server.url}/status`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(STATUS_CSP);
    expect(STATUS_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/);
    expect(STATUS_CSP).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).not.toMatch(/<script|\son[a-z]+=["']|style="/i);
    expect(STATUS_STYLE_HASH.length).toBeGreaterThan(50);
  });

  it('escapes outside text in the markup itself', async () => {
    const r = await send(`${server.url}/status`);
    expect(r.body).toContain('&lt;script&gt;window.__yuqingPwned = 1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__yuqingPwned = 2&quot;&gt;');
    expect(r.body).not.toContain(HOSTILE_TITLE);
    expect(r.body).toContain('&lt;b&gt;PTT&lt;/b&gt; facelift');
    expect(r.body).not.toContain('href="javascript:');
  });

  it('never acknowledges on GET: the form action answers 405 and the alert stays open', async () => {
    const r = await send(`${server.url}/status/ack/${ids.l3.id}?${new URLSearchParams({ ...token(ids.l3.id), by: 'x' })}`);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
    expect(store.alerts.get(ids.l3.id)!.status).toBe('open');
  });

  it('acknowledges on a POST with a valid token and a name, then redirects back to the page', async () => {
    const r = await send(`${server.url}/status/ack/${ids.l3.id}`, form({ ...token(ids.l3.id), by: ' 林 小姐 ', note: '已聯絡' }));
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/status?acked=${ids.l3.id}`);
    const a = store.alerts.get(ids.l3.id)!;
    expect(a).toMatchObject({ status: 'acknowledged', acknowledgedBy: '林 小姐（狀態頁）', ackNote: '已聯絡', acknowledgedAt: STATUS_NOW });
    expect(store.alerts.events(ids.l3.id).map((e) => e.type)).toEqual(['acknowledged']);
  });

  it.each([
    ['a token for another alert', () => ({ ...token(ids.source.id), by: 'x' }), 'e=invalid'],
    ['a forged signature', () => ({ ...token(ids.l3.id), s: 'A'.repeat(43), by: 'x' }), 'e=invalid'],
    ['an expired page', () => ({ ...token(ids.l3.id, STATUS_NOW - 1000), by: 'x' }), 'e=expired'],
    ['no name', () => ({ ...token(ids.l3.id), by: '   ' }), 'e=name'],
  ])('refuses %s and changes nothing', async (_case, fields, query) => {
    const r = await send(`${server.url}/status/ack/${ids.l3.id}`, form(fields()));
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/status?${query}`);
    expect(store.alerts.get(ids.l3.id)!.status).toBe('open');
  });

  it('says so when the alert was already acknowledged', async () => {
    const r = await send(`${server.url}/status/ack/${ids.l2.id}`, form({ ...token(ids.l2.id), by: 'x' }));
    expect(r.headers.location).toBe('/status?e=nothing');
    expect(store.alerts.get(ids.l2.id)!.acknowledgedBy).toBe('王經理 (pr-lead)');
  });

  it('refuses a form posted from another site (Origin or Sec-Fetch-Site)', async () => {
    const crossSite: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null', 'sec-fetch-site': 'same-site' }];
    for (const headers of crossSite) {
      const f = form({ ...token(ids.l3.id), by: 'x' });
      const r = await send(`${server.url}/status/ack/${ids.l3.id}`, { ...f, headers: { ...f.headers, ...headers } });
      expect(r.status).toBe(403);
    }
    expect(store.alerts.get(ids.l3.id)!.status).toBe('open');
  });

  it('answers 404 under /status for unknown paths and 405 for POST on the page', async () => {
    expect((await send(`${server.url}/status/other`)).status).toBe(404);
    expect((await send(`${server.url}/status`, { method: 'POST' })).status).toBe(405);
  });
});

describe('status page helpers', () => {
  it('treats only this machine as loopback', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.1', '172.18.0.1', '::ffff:192.168.1.2', 'fe80::1', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it('finds local midnight in the configured zone', () => {
    expect(new Date(localDayStartMs(STATUS_NOW, 'Asia/Taipei')).toISOString()).toBe('2026-03-15T16:00:00.000Z');
    expect(new Date(localDayStartMs(Date.UTC(2026, 2, 15, 23, 59), 'Asia/Taipei')).toISOString()).toBe('2026-03-15T16:00:00.000Z');
    expect(new Date(localDayStartMs(STATUS_NOW, 'UTC')).toISOString()).toBe('2026-03-16T00:00:00.000Z');
  });
});
