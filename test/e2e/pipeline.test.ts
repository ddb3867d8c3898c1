import { loadProject } from '../../src/config/load';
import { builtinRegistry } from '../../src/connectors/builtin';
import { ManualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { App } from '../../src/pipeline/app';
import { encodeBig5 } from '../http/big5';
import { e2eProject } from '../helpers/e2e-project';
import { FeedHost, rss } from '../helpers/feed-host';

const NOW = Date.parse('2026-03-16T02:30:00Z');
const SECRET = 'whsec_' + Buffer.from('a-test-secret-of-24-bytes!').toString('base64');

describe('pipeline end to end: feeds → mentions → alert → email and webhook', () => {
  const host = new FeedHost();
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET, now: () => NOW });
  let project: ReturnType<typeof e2eProject>;
  let app: App;

  beforeAll(async () => {
    await Promise.all([host.start(), smtp.start(), hooks.start()]);
    // A Big5 news feed (charset only in the XML declaration) with a hostile-looking title.
    const big5 = encodeBig5(
      rss(
        [
          { title: '範例診所爆醫療糾紛 x<y & "z"', link: 'http://news.example.tw/a/1?utm_source=rss', date: new Date(NOW - 20 * 60_000), description: '家屬揚言提告' },
          { title: '範例診所誠徵護理師（徵才）', link: 'http://news.example.tw/a/2', date: new Date(NOW - 25 * 60_000) },
        ],
        'Big5',
      ),
    );
    host.route('/big5.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(big5));
    // A UTF-8 Atom-less RSS feed with an ETag, answering 304 when unchanged.
    const forum = rss([{ title: 'Re: 範例診所醫療糾紛後續', link: 'http://forum.example.tw/t/9', date: new Date(NOW - 10 * 60_000), description: '朋友說要提告' }]);
    host.route('/forum.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"' }).end(forum);
    });
    // Truncated XML: reported, isolated.
    host.route('/broken.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<?xml version="1.0"?><rss><channel><item><title>範例診所'));
    project = e2eProject({ smtpPort: smtp.port, webhookUrl: hooks.url, feeds: { big5: `${host.base}/big5.xml`, forum: `${host.base}/forum.xml`, broken: `${host.base}/broken.xml` } });
    app = new App(loadProject(project.config, builtinRegistry), { log: silentLogger(), clock: new ManualClock(NOW), env: { YUQING_TEST_WEBHOOK_SECRET: SECRET }, processMetrics: false, server: false });
  });

  afterAll(async () => {
    await app.stop();
    await Promise.all([host.stop(), smtp.stop(), hooks.stop()]);
    project.cleanup();
  });

  it('ingests the good feeds, reports the broken one, alerts and delivers by email and signed webhook', async () => {
    const r = await app.runCycle();
    const byId = Object.fromEntries(r.polls.map((p) => [p.connector, p]));
    expect(byId.big5).toMatchObject({ ok: true });
    expect(byId.forum).toMatchObject({ ok: true });
    expect(byId.broken).toMatchObject({ ok: false, code: 'E_FEED_PARSE' });
    expect(app.store.sources.list().find((s) => s.connector === 'broken')).toMatchObject({ status: 'failing', lastErrorCode: 'E_FEED_PARSE' });

    // The Big5 title decoded; the job ad excluded by the rule; the tracking parameter dropped.
    const stored = app.store.mentions.recentMentions(10);
    expect(stored.map((m) => m.title).sort()).toEqual(['Re: 範例診所醫療糾紛後續', '範例診所爆醫療糾紛 x<y & "z"']);
    expect(stored.map((m) => m.url)).toContain('http://news.example.tw/a/1');

    expect(r.detections[0]!.events.map((e) => [e.type, e.toLevel])).toEqual([['opened', 'L2']]);
    expect(r.delivery).toMatchObject({ sent: 2, retried: 0, failed: 0 });

    const [mail] = await smtp.waitFor(1, 5000);
    expect(mail!.subject).toContain('L2');
    expect(mail!.subject).toContain('測試診所');
    expect(mail!.to).toEqual(['pr@clinic.test']);
    expect(mail!.text).toContain('回應期限：2026-03-16 11:00');
    expect(mail!.text).toContain('處理期限：2026-03-16 22:30');
    expect(mail!.html).toContain('x&lt;y &amp; &quot;z&quot;');
    expect(mail!.html).not.toContain('x<y');
    expect(mail!.headers['x-yuqing-idempotency-key']).toMatch(/^yq-test-clinic-/);

    const [hook] = await hooks.waitFor(1, 5000);
    expect(hooks.rejected).toEqual([]);
    expect(hook!.json).toMatchObject({ type: 'alert.opened' });
    expect(hook!.headers['webhook-id']).toMatch(/^yq-test-clinic-/);
    expect(hook!.headers['webhook-id']).not.toBe(mail!.headers['x-yuqing-idempotency-key']);
  });

  it('re-fetching the same feeds stores nothing new and uses 304 where the server offers it', async () => {
    const before = app.store.mentions.countMentions();
    const r = await app.runCycle();
    const forum = r.polls.find((p) => p.connector === 'forum');
    expect(forum).toMatchObject({ ok: true, notModified: true });
    const big5 = r.polls.find((p) => p.connector === 'big5');
    expect(big5).toMatchObject({ ok: true, summary: { stored: 0, duplicates: 2 } });
    expect(app.store.mentions.countMentions()).toBe(before);
    expect(r.detections[0]!.events).toEqual([]);
    expect(r.delivery.sent).toBe(0);
  });
});
