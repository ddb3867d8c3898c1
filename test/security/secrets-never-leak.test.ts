import { ManualClock } from '../../src/core/clock';
import type { App } from '../../src/pipeline/app';
import { FeedHost, rss } from '../helpers/feed-host';
import { AuthSmtp, captureLog, dumpDatabase, everything, flowApp, Sink, writeFlowProject } from './flow-harness';

/**
 * Secrets never appear in logs, errors, stored rows or delivered messages. The daemon runs real
 * flows — fetch, alert, deliver by email (SMTP login), signed webhook (URL itself secret), Slack
 * (URL secret), LINE (bearer token), ack links (HMAC key) — first with every channel working, then
 * with every channel failing (wrong SMTP password, 500, 404, 401) — with distinctive secret values,
 * and every captured log line (debug level), error, row of every table and delivered message is
 * scanned for them.
 */

const NOW = Date.parse('2026-03-16T02:30:00Z');
const SECRETS = {
  YQ_SMTP_USER: 'smtp-user-S3CR3T-a1b2c3',
  YQ_SMTP_PASSWORD: 'smtp-pass-S3CR3T-d4e5f6g7',
  YQ_WEBHOOK_SECRET: `whsec_${Buffer.from('hook-key-S3CR3T-h8i9j0k1l2m3').toString('base64')}`,
  YQ_WEBHOOK_URL: '', // set once the sink has a port: the path is the secret
  YQ_SLACK_URL: '',
  YQ_LINE_TOKEN: 'line-token-S3CR3T-n4o5p6q7r8s9',
  YQ_ACK_SECRET: 'ack-key-S3CR3T-t0u1v2w3x4y5z6a7b8c9d0e1',
};
const WEBHOOK_PATH = '/hooks/url-S3CR3T-f2g3h4';
const SLACK_PATH = '/services/T0000/B0000/slack-S3CR3T-i5j6k7';

/** Every form in which a secret could leak: as written, URL-encoded, base64 (AUTH PLAIN), and the decoded webhook key. */
function needles(): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const [name, value] of Object.entries(SECRETS)) {
    out.push({ name, value });
    out.push({ name: `${name} (base64)`, value: Buffer.from(value).toString('base64') });
  }
  out.push({ name: 'webhook key (decoded)', value: 'hook-key-S3CR3T-h8i9j0k1l2m3' });
  out.push({ name: 'webhook URL path', value: 'url-S3CR3T-f2g3h4' });
  out.push({ name: 'Slack URL path', value: 'slack-S3CR3T-i5j6k7' });
  out.push({ name: 'AUTH PLAIN', value: Buffer.from(`\u0000${SECRETS.YQ_SMTP_USER}\u0000${SECRETS.YQ_SMTP_PASSWORD}`).toString('base64') });
  return out;
}

describe('secrets never appear in logs, errors, stored rows or delivered messages', () => {
  const host = new FeedHost();
  const sink = new Sink();
  const smtp = new AuthSmtp(SECRETS.YQ_SMTP_USER, SECRETS.YQ_SMTP_PASSWORD);
  const captured = captureLog();
  const clock = new ManualClock(NOW);
  const errors: unknown[] = [];
  let items: Array<{ title: string; link: string; date: Date; description?: string }> = [];
  let project: ReturnType<typeof writeFlowProject>;
  let app: App;

  beforeAll(async () => {
    await Promise.all([host.start(), sink.start()]);
    await smtp.start();
    SECRETS.YQ_WEBHOOK_URL = sink.url(WEBHOOK_PATH);
    SECRETS.YQ_SLACK_URL = sink.url(SLACK_PATH);
    const feed = host.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(items)));
    project = writeFlowProject(
      feed,
      `storage: { sqlitePath: data/state.db }
http: { perHostIntervalMs: 0, retries: 0, timeoutMs: 5000, allowPrivateHosts: [127.0.0.1] }
server:
  enabled: false
  ackLinks: { baseUrl: "https://yuqing.clinic.example", secretEnv: YQ_ACK_SECRET }
delivery: { initialBackoffMs: 100, maxBackoffMs: 1000 }
channels:
  allowPrivateHosts: [127.0.0.1]
  email:
    smtp: { host: 127.0.0.1, port: ${smtp.port}, userEnv: YQ_SMTP_USER, passwordEnv: YQ_SMTP_PASSWORD }
    from: "輿情警示 <alerts@yuqing.test>"
  webhooks:
    ops: { urlEnv: YQ_WEBHOOK_URL, secretEnv: YQ_WEBHOOK_SECRET }
  slack:
    room: { urlEnv: YQ_SLACK_URL }
  line: { tokenEnv: YQ_LINE_TOKEN, apiBaseUrl: "${sink.url('')}" }
recipients:
  pr-lead: { name: 公關主管, email: [pr@clinic.test], webhooks: [ops], slack: [room], line: [U0123456789abcdef0123456789abcdef] }
  legal: { name: 法務, email: [legal@clinic.test] }
`,
    );
    app = flowApp(project.config, { log: captured.log, clock, env: { ...SECRETS } });
  });

  afterAll(async () => {
    await app.stop();
    await Promise.all([host.stop(), sink.stop(), smtp.stop()]);
    project.cleanup();
  });

  async function cycle(): Promise<void> {
    const r = await app.runCycle();
    for (const p of r.polls) if (!p.ok) errors.push(p);
    for (const i of r.delivery.items) if (i.outcome !== 'sent') errors.push(i);
  }

  it('runs the flows: every channel used its secret when working, and failed when it could not', async () => {
    items = [
      { title: '範例診所爆醫療糾紛', link: 'http://news.example.tw/a/1', date: new Date(NOW - 20 * 60_000), description: '家屬揚言提告' },
      { title: '範例診所醫療糾紛後續', link: 'http://news.example.tw/a/2', date: new Date(NOW - 10 * 60_000), description: '消保官介入' },
    ];
    await cycle();
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.logins.every((l) => l.ok)).toBe(true);
    const paths = sink.requests.map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining([WEBHOOK_PATH, SLACK_PATH, '/v2/bot/message/push']));
    expect(sink.requests.find((r) => r.path === '/v2/bot/message/push')?.headers.authorization).toBe(`Bearer ${SECRETS.YQ_LINE_TOKEN}`);
    expect(smtp.messages[0]!.text).toMatch(/https:\/\/yuqing\.clinic\.example\/ack\//);

    // Everything fails now: SMTP refuses the login, the webhook 500s, Slack 404s, LINE 401s.
    smtp.refuse = true;
    sink.statuses.set(WEBHOOK_PATH, 500).set(SLACK_PATH, 404).set('/v2/bot/message/push', 401);
    items.push(
      { title: '範例診所再傳醫療糾紛', link: 'http://news.example.tw/a/3', date: new Date(NOW + 5 * 60_000), description: '提告' },
      { title: '範例診所醫療糾紛 第三起', link: 'http://news.example.tw/a/4', date: new Date(NOW + 6 * 60_000), description: '提告' },
    );
    clock.set(NOW + 10 * 60_000);
    await cycle();
    clock.set(NOW + 20 * 60_000);
    await cycle();
    expect(smtp.logins.some((l) => !l.ok)).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    // The failures were recorded with reasons, so there is something to scan.
    expect(captured.lines.some((l) => /535|Authentication|Invalid login/i.test(l))).toBe(true);
    expect(captured.lines.some((l) => l.includes('HTTP 500') || l.includes('"status":500'))).toBe(true);
  });

  it('finds none of the secrets anywhere the daemon wrote or sent something', async () => {
    await app.stop();
    const delivered = [
      ...smtp.messages.map((m) => m.raw),
      // What the sink received, except the transport credentials the endpoints need (LINE's bearer
      // header) and the request path (the secret URL itself is the address).
      ...sink.requests.map((r) => JSON.stringify({ body: r.body, headers: { ...r.headers, authorization: undefined } })),
    ];
    const haystack = everything({ log: captured.lines, error: errors.map((e) => JSON.stringify(e, Object.getOwnPropertyNames(e ?? {}))), row: dumpDatabase(project.db), delivered });
    expect(haystack.filter((h) => h.where.startsWith('row')).length).toBeGreaterThan(20);
    expect(haystack.filter((h) => h.where.startsWith('log')).length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const { name, value } of needles()) {
      for (const h of haystack) if (h.text.includes(value)) leaks.push(`${name} in ${h.where}: …${h.text.slice(Math.max(0, h.text.indexOf(value) - 80), h.text.indexOf(value) + 40)}…`);
    }
    expect(leaks).toEqual([]);
  });
});
