import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { e2eProject } from '../helpers/e2e-project';
import { FeedHost, rss } from '../helpers/feed-host';
import { spawnCli, until } from '../helpers/spawn-cli';
import { readState } from './state-probe';

const SECRET = 'whsec_' + Buffer.from('webhook-hang-secret-0123456789').toString('base64');
const TIMEOUT_MS = 3_000;

describe('a webhook that accepts the connection and never answers', () => {
  const host = new FeedHost();
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET });
  let dir = '';
  const items: Array<{ title: string; link: string; date: Date }> = [];
  let config = '';

  beforeAll(async () => {
    await Promise.all([host.start(), smtp.start(), hooks.start()]);
    host.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(items)));
    ({ dir, config } = e2eProject({
      smtpPort: smtp.port,
      webhookUrl: hooks.url,
      feeds: { news: `${host.base}/feed.xml` },
      schedule: '* * * * * *',
      detection: '* * * * * *',
      webhookTimeoutMs: TIMEOUT_MS,
    }));
  });

  afterAll(async () => {
    await Promise.all([host.stop(), smtp.stop(), hooks.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('times out, retries under the same key until it is accepted, and holds back neither the email nor polling', async () => {
    // Two requests hang far past the timeout; the third is accepted.
    hooks.script({ status: 200, delayMs: 60_000 }, { status: 200, delayMs: 60_000 });
    const now = Date.now();
    items.push(
      { title: '範例診所醫療糾紛 家屬要提告', link: 'http://news.example.tw/hang/1', date: new Date(now - 60_000) },
      { title: '範例診所又傳醫療糾紛', link: 'http://news.example.tw/hang/2', date: new Date(now - 30_000) },
    );
    const daemon = spawnCli(['--config', config, 'run'], { YUQING_TEST_WEBHOOK_SECRET: SECRET });
    const statePath = join(dir, 'data', 'state.db');
    try {
      await until(() => hooks.deliveries.length >= 1, 30_000, 'the first webhook request');
      const firstAt = hooks.deliveries[0]!.receivedAtMs;
      // The email of the same event goes out while the webhook hangs: channels do not wait for each other.
      await smtp.waitFor(1, 10_000);
      const mailedAt = Date.now();
      // While the first request still hangs, a new post is fetched and stored: polling is not held back.
      items.push({ title: '範例診所 候診區整潔', link: 'http://news.example.tw/hang/3', date: new Date() });
      await until(() => (readState(statePath)?.hits.get('test-clinic')?.length ?? 0) === 3, 10_000, 'the post published during the hang to be stored');
      const storedAt = Date.now();
      expect(mailedAt - firstAt).toBeLessThan(TIMEOUT_MS);
      expect(storedAt - firstAt).toBeLessThan(TIMEOUT_MS);
      await until(() => hooks.deliveries.length >= 3 && readState(statePath)?.outbox.every((r) => r.status === 'sent') === true, 30_000, 'the accepted third attempt');

      const state = readState(statePath)!;
      const row = state.outbox.find((r) => r.channel === 'webhook')!;
      expect(state.outbox.map((r) => [r.channel, r.status])).toEqual([
        ['email', 'sent'],
        ['webhook', 'sent'],
      ]);
      expect(row.attempts).toBe(3);
      // Every attempt carried the row's key; each came after the previous one timed out.
      expect(hooks.deliveries.map((d) => d.headers['webhook-id'])).toEqual([row.key, row.key, row.key]);
      const gaps = hooks.deliveries.slice(1).map((d, i) => d.receivedAtMs - hooks.deliveries[i]!.receivedAtMs);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(TIMEOUT_MS);
      expect(smtp.messages.map((m) => m.headers['x-yuqing-idempotency-key'])).toEqual(state.outbox.filter((r) => r.channel === 'email').map((r) => r.key));
      expect(hooks.rejected).toEqual([]);
      expect(daemon.output()).toMatch(/"code":"E_HTTP_TIMEOUT"|E_HTTP_TIMEOUT/);
    } finally {
      daemon.child.kill('SIGTERM');
    }
    // Shuts down cleanly although the receiver still holds two sockets open.
    expect(await daemon.exited).toBe(0);
  }, 90_000);
});
