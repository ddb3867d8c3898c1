import { join } from 'node:path';
import { systemClock } from '../../src/core/clock';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { openStateStore } from '../../src/store/state-store';
import { e2eProject } from '../helpers/e2e-project';
import { FeedHost, rss } from '../helpers/feed-host';
import { spawnCli, until } from '../helpers/spawn-cli';

const SECRET = 'whsec_' + Buffer.from('crash-test-secret-0123456789').toString('base64');

/** Read the daemon's state file from outside (WAL lets us read while it writes). */
function readState(dir: string): { pending: number; sent: number; failed: number; keys: Record<string, string[]>; alerts: number; events: number; mentions: number } {
  const store = openStateStore({ path: join(dir, 'data', 'state.db'), clock: systemClock, storeMentionDocuments: true });
  try {
    const alerts = store.alerts.list({ limit: 10 });
    const deliveries = alerts.flatMap((a) => store.outbox.forAlert(a.id));
    const keys: Record<string, string[]> = {};
    for (const d of deliveries) (keys[d.channel] ??= []).push(d.idempotencyKey);
    return { ...store.outbox.summary(), keys, alerts: alerts.length, events: alerts.reduce((n, a) => n + store.alerts.events(a.id).length, 0), mentions: store.mentions.countMentions() };
  } finally {
    store.close();
  }
}

describe('crash recovery: the daemon killed with SIGKILL during delivery', () => {
  const host = new FeedHost();
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET });
  let project: ReturnType<typeof e2eProject>;

  beforeAll(async () => {
    await Promise.all([host.start(), smtp.start(), hooks.start()]);
    const now = Date.now();
    // No validators on purpose: every poll refetches the full feed.
    const feed = rss([
      { title: '範例診所醫療糾紛 家屬要提告', link: 'http://news.example.tw/crash/1', date: new Date(now - 10 * 60_000) },
      { title: '範例診所又傳醫療糾紛', link: 'http://news.example.tw/crash/2', date: new Date(now - 5 * 60_000) },
    ]);
    host.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed));
    project = e2eProject({ smtpPort: smtp.port, webhookUrl: hooks.url, feeds: { news: `${host.base}/feed.xml` }, schedule: '* * * * * *', detection: '* * * * * *' });
  });

  afterAll(async () => {
    await Promise.all([host.stop(), smtp.stop(), hooks.stop()]);
    project.cleanup();
  });

  it('delivers every pending alert after restart, under the same idempotency keys, and stores no duplicate mentions', async () => {
    const env = { YUQING_TEST_WEBHOOK_SECRET: SECRET };
    // The first webhook delivery hangs: the daemon is killed while it waits for the answer.
    hooks.script({ status: 200, delayMs: 60_000 });
    const first = spawnCli(['--config', project.config, 'run'], env);
    try {
      await until(() => hooks.deliveries.length >= 1, 30_000, 'the first webhook request');
    } catch (err) {
      first.child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${first.output()}`);
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const afterCrash = readState(project.dir);
    expect(afterCrash.alerts).toBe(1);
    expect(afterCrash.pending).toBeGreaterThanOrEqual(1); // the hung webhook was never recorded as sent

    const second = spawnCli(['--config', project.config, 'run'], env);
    try {
      await until(() => readState(project.dir).pending === 0 && hooks.deliveries.length >= 2, 30_000, 'the pending deliveries after restart');
      const fetchesBefore = host.requests.length;
      await until(() => host.requests.length >= fetchesBefore + 2, 10_000, 'two more polls of the feed');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0); // clean shutdown on SIGTERM
    expect(second.output()).toContain('daemon stopped');

    const state = readState(project.dir);
    expect(state).toMatchObject({ pending: 0, failed: 0, alerts: 1, events: 1, mentions: 2 });
    // Every queued delivery arrived; redeliveries reuse their key; nothing arrived that was not queued.
    const webhookKeys = hooks.deliveries.map((d) => String(d.headers['webhook-id']));
    expect(new Set(webhookKeys)).toEqual(new Set(state.keys.webhook));
    expect(webhookKeys.length).toBe(2); // one key, delivered twice: before the kill and after
    const mailKeys = smtp.messages.map((m) => m.headers['x-yuqing-idempotency-key']);
    expect(new Set(mailKeys)).toEqual(new Set(state.keys.email));
    expect(hooks.rejected).toEqual([]);
  }, 90_000);
});
