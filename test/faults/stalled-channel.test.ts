import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { e2eProject } from '../helpers/e2e-project';
import { FeedHost, rss } from '../helpers/feed-host';
import { spawnCli, until } from '../helpers/spawn-cli';
import { readState } from './state-probe';

const SECRET = 'whsec_' + Buffer.from('stalled-channel-secret-0123456789').toString('base64');
/** Long enough that waiting it out would be plainly visible. */
const WEBHOOK_TIMEOUT_MS = 12_000;

const rule = (id: string, brand: string): string => `id: ${id}
name: ${brand}
match: { any: [${brand}] }
topics:
  dispute: { name: 醫療糾紛, risk: high, terms: [醫療糾紛, 提告] }
volume: { bucket: 15m, window: 1h, baseline: 1d, minCount: 5, warmup: 1d }
levels:
  L1: { when: "highRisk >= 1", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead] }
cooldown: 2h
`;

describe('one notification channel stalls (a webhook that never answers, a long timeout)', () => {
  const host = new FeedHost();
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET });
  let dir = '';
  const items: Array<{ title: string; link: string; date: Date }> = [];
  let config = '';

  beforeAll(async () => {
    await Promise.all([host.start(), smtp.start(), hooks.start()]);
    host.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss([...items].reverse())));
    ({ dir, config } = e2eProject({
      smtpPort: smtp.port,
      webhookUrl: hooks.url,
      feeds: { news: `${host.base}/feed.xml` },
      schedule: '* * * * * *',
      detection: '* * * * * *',
      rules: { 'clinic-a': rule('clinic-a', '甲診所'), 'clinic-b': rule('clinic-b', '乙診所') },
      webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
    }));
  });

  afterAll(async () => {
    await Promise.all([host.stop(), smtp.stop(), hooks.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds back neither detection nor the other channel: a crisis that breaks meanwhile is emailed at once', async () => {
    hooks.script({ status: 200, delayMs: 120_000 });
    items.push({ title: '甲診所醫療糾紛 家屬要提告', link: 'http://news.example.tw/stall/a1', date: new Date() });
    const daemon = spawnCli(['--config', config, 'run'], { YUQING_TEST_WEBHOOK_SECRET: SECRET });
    const statePath = join(dir, 'data', 'state.db');
    try {
      await until(() => hooks.deliveries.length >= 1 && smtp.messages.length >= 1, 30_000, "clinic A's webhook (it hangs) and email");
      const stalledAt = hooks.deliveries[0]!.receivedAtMs;
      // Clinic B's crisis breaks while A's webhook hangs.
      items.push({ title: '乙診所醫療糾紛 病患提告', link: 'http://news.example.tw/stall/b1', date: new Date() });
      await until(() => smtp.messages.some((m) => m.headers['x-yuqing-alert-id']?.startsWith('clinic-b-')), WEBHOOK_TIMEOUT_MS + 10_000, "clinic B's email");
      const mailedB = Date.now();
      // Well before the stalled request times out: nothing waited for it.
      expect(mailedB - stalledAt).toBeLessThan(WEBHOOK_TIMEOUT_MS / 2);
      expect(readState(statePath)!.alerts.map((a) => a.ruleId).sort()).toEqual(['clinic-a', 'clinic-b']);
      // The stalled channel catches up afterwards: each webhook key accepted, A's after its retry.
      await until(() => readState(statePath)!.outbox.every((r) => r.status === 'sent'), WEBHOOK_TIMEOUT_MS + 20_000, 'every delivery');
      const webhookRows = readState(statePath)!.outbox.filter((r) => r.channel === 'webhook');
      for (const row of webhookRows) expect(hooks.deliveries.filter((d) => d.headers['webhook-id'] === row.key && d.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(new Set(hooks.deliveries.map((d) => d.headers['webhook-id']))).toEqual(new Set(webhookRows.map((r) => r.key)));
    } finally {
      daemon.child.kill('SIGTERM');
    }
    expect(await daemon.exited).toBe(0);
  }, 120_000);
});
