import { join } from 'node:path';
import { systemClock } from '../../src/core/clock';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { openStateStore } from '../../src/store/state-store';
import { e2eProject } from '../helpers/e2e-project';
import { FeedHost, rss } from '../helpers/feed-host';
import { spawnCli, until } from '../helpers/spawn-cli';

const SECRET = 'whsec_' + Buffer.from('delivery-guarantees-secret-0123456789').toString('base64');

interface Row {
  key: string;
  channel: string;
  status: string;
  attempts: number;
}

/** Every outbox row of the daemon's state file, read from outside (WAL lets us read while it writes). */
function outbox(dir: string): Row[] {
  const store = openStateStore({ path: join(dir, 'data', 'state.db'), clock: systemClock, storeMentionDocuments: true });
  try {
    return store.alerts.list({ limit: 10 }).flatMap((a) => store.outbox.forAlert(a.id).map((d) => ({ key: d.idempotencyKey, channel: d.channel, status: d.status, attempts: d.attempts })));
  } finally {
    store.close();
  }
}

describe('delivery guarantees: SMTP down, a webhook answering 500 then 429 with Retry-After, and SIGKILL between send and commit', () => {
  const host = new FeedHost();
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET });
  let project: ReturnType<typeof e2eProject>;

  beforeAll(async () => {
    await Promise.all([host.start(), smtp.start(), hooks.start()]);
    const now = Date.now();
    const feed = rss([
      { title: '範例診所醫療糾紛 家屬要提告', link: 'http://news.example.tw/g/1', date: new Date(now - 10 * 60_000) },
      { title: '範例診所又傳醫療糾紛', link: 'http://news.example.tw/g/2', date: new Date(now - 5 * 60_000) },
    ]);
    host.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed));
    project = e2eProject({ smtpPort: smtp.port, webhookUrl: hooks.url, feeds: { news: `${host.base}/feed.xml` }, schedule: '* * * * * *', detection: '* * * * * *' });
  });

  afterAll(async () => {
    await Promise.all([host.stop(), smtp.stop(), hooks.stop()]);
    project.cleanup();
  });

  it('delivers every alert exactly under its own key, loses none, and honours Retry-After', async () => {
    const env = { YUQING_TEST_WEBHOOK_SECRET: SECRET };
    // SMTP refuses every connection (421, as a server that is down for maintenance does).
    smtp.failure = { kind: 'refuse-connection', code: 421, message: 'Service not available' };
    // The webhook: 500, then 429 asking for 1 s, then it accepts but never answers: the daemon dies waiting.
    hooks.script(500, { status: 429, headers: { 'retry-after': '1' } }, { status: 200, delayMs: 60_000 });

    const first = spawnCli(['--config', project.config, 'run'], env);
    try {
      await until(() => hooks.deliveries.length >= 3 && smtp.refusals >= 2, 45_000, 'the 500, the 429, the hanging request and two refused emails');
    } catch (err) {
      first.child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${first.output()}`);
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const afterCrash = outbox(project.dir);
    expect(afterCrash.map((r) => r.status)).toEqual(['pending', 'pending']); // neither was recorded as sent
    expect(smtp.messages).toHaveLength(0);

    // SMTP is back; the daemon restarts.
    smtp.failure = undefined;
    const second = spawnCli(['--config', project.config, 'run'], env);
    try {
      await until(() => outbox(project.dir).every((r) => r.status === 'sent') && smtp.messages.length >= 1 && hooks.deliveries.length >= 4, 45_000, 'every delivery after the restart');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);

    const rows = outbox(project.dir);
    expect(rows.map((r) => [r.channel, r.status])).toEqual([
      ['email', 'sent'],
      ['webhook', 'sent'],
    ]);
    const webhookKey = rows.find((r) => r.channel === 'webhook')!.key;
    const emailKey = rows.find((r) => r.channel === 'email')!.key;

    // The webhook saw one key only, every time: 500, 429, the request the crash cut off, and the redelivery.
    expect(hooks.deliveries.map((d) => [d.headers['webhook-id'], d.status])).toEqual([
      [webhookKey, 500],
      [webhookKey, 429],
      [webhookKey, 200],
      [webhookKey, 200],
    ]);
    // Retry-After was honoured: the try after the 429 came at least a second later.
    expect(hooks.deliveries[2]!.receivedAtMs - hooks.deliveries[1]!.receivedAtMs).toBeGreaterThanOrEqual(1_000);
    expect(hooks.rejected).toEqual([]);
    // The email arrived once, under its key, after SMTP came back.
    expect(smtp.messages.map((m) => m.headers['x-yuqing-idempotency-key'])).toEqual([emailKey]);
  }, 120_000);
});
