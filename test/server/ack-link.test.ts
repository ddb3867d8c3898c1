import { request } from 'node:http';
import { evolve, lifecycleRule } from '../../src/alerts/lifecycle';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ManualClock } from '../../src/core/clock';
import { ConfigError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { createAckRoute } from '../../src/server/ack-handler';
import { ackUrl, checkAckSecret, signAck, verifyAck } from '../../src/server/ack-link';
import { HttpServer } from '../../src/server/http-server';
import { Metrics } from '../../src/server/metrics';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import type { WindowSignal } from '../../src/spikes/types';

const SECRET = 'ack-signing-key-for-tests-0123456789abcdef';
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 2, 16, 2, 0);

describe('ack link signing', () => {
  const claim = { alertId: 'example-clinic-20260316T020000Z', recipient: 'pr-lead', expiresAtMs: T0 + 7 * 24 * HOUR };

  it('verifies its own link before expiry, naming the alert and recipient', () => {
    expect(verifyAck(claim.alertId, signAck(claim, SECRET), SECRET, T0)).toEqual({ ok: true, claim });
  });

  it('refuses a link for another alert, another recipient, a later expiry, or signed with another key', () => {
    const p = signAck(claim, SECRET);
    expect(verifyAck('example-clinic-other', p, SECRET, T0)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyAck(claim.alertId, { ...p, r: 'director' }, SECRET, T0)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyAck(claim.alertId, { ...p, e: String(Number(p.e) + 86_400) }, SECRET, T0)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyAck(claim.alertId, p, SECRET.replace('a', 'b'), T0)).toMatchObject({ ok: false, reason: 'bad-signature' });
    // A signature of another length is refused without comparing (timingSafeEqual needs equal lengths).
    expect(verifyAck(claim.alertId, { ...p, s: p.s.slice(1) }, SECRET, T0)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('reports an expired link as expired only when it is genuine', () => {
    const p = signAck(claim, SECRET);
    expect(verifyAck(claim.alertId, p, SECRET, claim.expiresAtMs)).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyAck(claim.alertId, { ...p, s: 'A'.repeat(p.s.length) }, SECRET, claim.expiresAtMs)).toMatchObject({ reason: 'bad-signature' });
  });

  it('refuses malformed values', () => {
    expect(verifyAck(claim.alertId, { r: 'pr-lead', e: 'soon', s: 'x' }, SECRET, T0)).toMatchObject({ reason: 'malformed' });
    expect(verifyAck(claim.alertId, {}, SECRET, T0)).toMatchObject({ reason: 'malformed' });
  });

  it('builds the link under the configured base URL, with or without a path prefix', () => {
    const url = new URL(ackUrl('https://yuqing.clinic.example/ops/', claim, SECRET));
    expect(url.pathname).toBe(`/ops/ack/${claim.alertId}`);
    expect(verifyAck(claim.alertId, Object.fromEntries(url.searchParams), SECRET, T0).ok).toBe(true);
  });

  it('demands a signing key of at least 32 characters from the named variable', () => {
    expect(() => checkAckSecret(undefined, 'YUQING_ACK_SECRET', 'yuqing.yaml')).toThrow(ConfigError);
    expect(() => checkAckSecret('short', 'YUQING_ACK_SECRET', 'yuqing.yaml')).toThrow(/至少需要 32 個字元/);
    expect(checkAckSecret(SECRET, 'YUQING_ACK_SECRET', 'yuqing.yaml')).toBe(SECRET);
  });
});

/** One HTTP exchange with the server (no redirects, no cookies), returning status, headers and body. */
function exchange(url: string, method: string, form?: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = request(url, { method, headers: body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('ack link route on the daemon’s HTTP server', () => {
  const clock = new ManualClock(T0);
  let store: StateStore;
  let server: HttpServer;
  let base: string;
  let alertId: string;
  const acknowledged: string[] = [];

  beforeEach(async () => {
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: true });
    const rule = ruleFileSchema.parse({ id: 'example-clinic', name: '範例診所', match: { any: ['x'] }, levels: { L2: { when: 'mentions >= 1', sla: { respond: '30m', resolve: '12h' }, notify: ['pr-lead'] } } });
    const signal = { ruleId: 'example-clinic', windowStart: T0 - HOUR, windowEnd: T0, mentions: 8, baseline: 1, spikeRatio: 8, pValue: 0.001, zScore: 7, velocity: 2, warm: true, negative: 6, negativeShare: 0.75, risk: 'high', highRisk: 3, mediumRisk: 3, topics: {} } satisfies WindowSignal;
    const r = evolve(undefined, { nowMs: T0, rule: lifecycleRule(rule, 'v1'), graded: { level: 'L2', condition: 'mentions >= 1' }, signal, evidence: [] });
    store.alerts.commit(r.alert!, r.events, [], T0);
    alertId = r.alert!.id;
    acknowledged.length = 0;
    const route = createAckRoute({ alerts: store.alerts, secret: SECRET, clock, timeZone: 'Asia/Taipei', recipientNames: { 'pr-lead': '公關主管' }, log: silentLogger(), onAcknowledged: (a) => acknowledged.push(a.id) });
    server = new HttpServer({ host: '127.0.0.1', port: 0, log: silentLogger(), metrics: new Metrics(), health: () => ({ status: 'ok' }), routes: [route] });
    const addr = await server.start();
    base = `http://127.0.0.1:${addr.port}`;
  });
  afterEach(async () => {
    await server.stop();
    store.close();
  });

  const link = (over: Partial<{ recipient: string; expiresAtMs: number }> = {}): string =>
    ackUrl(base, { alertId, recipient: over.recipient ?? 'pr-lead', expiresAtMs: over.expiresAtMs ?? T0 + 7 * 24 * HOUR }, SECRET);

  it('GET shows a confirmation page with a POST form and acknowledges nothing (mail scanners follow links)', async () => {
    const res = await exchange(link(), 'GET');
    expect(res.status).toBe(200);
    expect(res.body).toContain('確認收到這則警示？');
    expect(res.body).toContain('公關主管 (pr-lead)');
    expect(res.body).toMatch(/<form method="post">/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).not.toMatch(/<script/i);
    // Opening it twice, or with HEAD, still changes nothing.
    await exchange(link(), 'GET');
    expect((await exchange(link(), 'HEAD')).status).toBe(200);
    expect(store.alerts.get(alertId)!.status).toBe('open');
    expect(store.alerts.events(alertId).map((e) => e.type)).toEqual(['opened']);
  });

  it('POST from the page acknowledges as the link’s recipient, records the KPI and the note, and says so', async () => {
    const params = Object.fromEntries(new URL(link()).searchParams);
    clock.set(T0 + 12 * MIN);
    const res = await exchange(link(), 'POST', { ...params, note: '已致電病患家屬' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('已確認收到');
    const alert = store.alerts.get(alertId)!;
    expect(alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: '公關主管 (pr-lead)', ackNote: '已致電病患家屬', acknowledgedAt: T0 + 12 * MIN, timeToAckMs: 12 * MIN, ackWithinSla: true });
    expect(store.alerts.events(alertId).map((e) => e.type)).toEqual(['opened', 'acknowledged']);
    expect(acknowledged).toEqual([alertId]);
    // A second click changes nothing and says who already did.
    const again = await exchange(link(), 'POST', params);
    expect(again.body).toContain('此警報已由 公關主管 (pr-lead) 於 2026-03-16 10:12 確認');
    expect(store.alerts.events(alertId)).toHaveLength(2);
  });

  it('refuses a tampered link (403) and an expired one (410) on GET and POST, changing nothing', async () => {
    const tampered = link().replace('r=pr-lead', 'r=director');
    expect((await exchange(tampered, 'GET')).status).toBe(403);
    expect((await exchange(`${base}/ack/${alertId}`, 'POST', { ...Object.fromEntries(new URL(tampered).searchParams) })).status).toBe(403);
    const expired = link({ expiresAtMs: T0 - 1000 });
    const res = await exchange(expired, 'GET');
    expect(res.status).toBe(410);
    expect(res.body).toContain('yuqing alerts ack');
    expect((await exchange(`${base}/ack/${alertId}`, 'POST', Object.fromEntries(new URL(expired).searchParams))).status).toBe(410);
    expect(store.alerts.get(alertId)!.status).toBe('open');
  });

  it('answers 404 for an unknown alert, 405 for other methods, and leaves /healthz as it was', async () => {
    const other = ackUrl(base, { alertId: 'no-such-alert', recipient: 'pr-lead', expiresAtMs: T0 + HOUR }, SECRET);
    expect((await exchange(other, 'GET')).status).toBe(404);
    const put = await exchange(link(), 'PUT');
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, POST');
    expect((await exchange(`${base}/healthz`, 'GET')).status).toBe(200);
    expect((await exchange(`${base}/healthz`, 'POST')).status).toBe(405);
  });
});
