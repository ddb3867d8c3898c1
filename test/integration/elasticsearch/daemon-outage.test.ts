import { Client } from '@elastic/elasticsearch';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpCatcher } from '../../../src/demo/smtp-catcher';
import { WebhookReceiver } from '../../../src/demo/webhook-receiver';
import { canonicalUrl } from '../../../src/text/canonical-url';
import { mentionId } from '../../../src/text/to-mention';
import { readState, type StateSnapshot } from '../../faults/state-probe';
import { TEST_RULE } from '../../helpers/e2e-project';
import { FeedHost, rss } from '../../helpers/feed-host';
import { ROOT } from '../../helpers/project-dir';
import { spawnCli, until, type CliProcess } from '../../helpers/spawn-cli';
import { OwnEsNode } from './es-node-control';
import { testIndexNames } from './es-test-env';

const SECRET = 'whsec_' + Buffer.from('daemon-outage-secret-0123456789').toString('base64');

/** `_id`s in the index or alias, duplicates kept. */
async function ids(client: Client, index: string): Promise<string[]> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  const res = await client.search({ index, size: 10_000, _source: false, query: { match_all: {} }, ignore_unavailable: true, allow_no_indices: true });
  return res.hits.hits.map((h) => h._id!).sort();
}

/** The daemon's /healthz (the server listens on a free port it logs at start). */
async function health(d: CliProcess): Promise<{ status: string; index?: { status: string; spoolDepth: number } }> {
  const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(d.output())?.[1];
  if (!url) throw new Error(`the daemon did not log its server address\n${d.output().slice(-2_000)}`);
  return (await (await fetch(`${url}/healthz`)).json()) as { status: string; index?: { status: string; spoolDepth: number } };
}

describe('Elasticsearch stopped and restarted while the daemon ingests', () => {
  // A node of its own: the shared test node must stay up for the other files.
  const node = new OwnEsNode(`daemon-outage-${process.pid}`);
  const names = testIndexNames();
  const feed = new FeedHost();
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET });
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-es-outage-'));
  const statePath = join(dir, 'data', 'state.db');
  const posts: Array<{ title: string; link: string; date: Date }> = [];
  let client: Client;
  let config = '';

  beforeAll(async () => {
    const url = await node.start(true);
    client = new Client({ node: url, maxRetries: 0, requestTimeout: 30_000 });
    await Promise.all([feed.start(), smtp.start(), hooks.start()]);
    feed.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(posts.slice(-100).reverse())));
    mkdirSync(join(dir, 'rules'), { recursive: true });
    mkdirSync(join(dir, 'connectors'));
    cpSync(join(ROOT, 'rules', 'lexicons'), join(dir, 'rules', 'lexicons'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'test-clinic.yaml'), TEST_RULE);
    writeFileSync(join(dir, 'connectors', 'news.yaml'), `id: news\nkind: rss\nschedule: "* * * * * *"\noptions:\n  url: "${feed.base}/feed.xml"\n`);
    config = join(dir, 'yuqing.yaml');
    writeFileSync(
      config,
      `storage: { sqlitePath: data/state.db }
http: { perHostIntervalMs: 0, retries: 0, timeoutMs: 5000, allowPrivateHosts: [127.0.0.1] }
server: { enabled: true, host: 127.0.0.1, port: 0 }
detection: { schedule: "* * * * * *" }
delivery: { initialBackoffMs: 100, maxBackoffMs: 1000 }
elasticsearch: { url: "${url}", indexPrefix: ${names.prefix}, bulk: { idleMs: 50 }, retry: { initialBackoffMs: 100, maxBackoffMs: 1000 } }
channels:
  email:
    smtp: { host: 127.0.0.1, port: ${smtp.port} }
    from: "輿情警示 <alerts@yuqing.test>"
  webhooks:
    ops: { url: "${hooks.url}", secretEnv: YUQING_TEST_WEBHOOK_SECRET, timeoutMs: 3000 }
  allowPrivateHosts: [127.0.0.1]
recipients:
  pr-lead: { name: 公關主管, email: [pr@clinic.test], webhooks: [ops] }
`,
    );
  }, 10 * 60_000);

  afterAll(async () => {
    await client?.close();
    await node.destroy();
    await Promise.all([feed.stop(), smtp.stop(), hooks.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('keeps storing and alerting while the node is down, survives SIGKILL with writes spooled, and indexes every mention and alert change once after the node returns', async () => {
    let n = 0;
    const publish = (title: string): void => void posts.push({ title: `${title}（第 ${n} 則）`, link: `https://news.example.tw/outage/${n++}`, date: new Date() });
    // A steady stream of ordinary posts about the clinic, four a second.
    const stream = setInterval(() => publish('範例診所 回診心得 環境乾淨'), 250);
    const env = { YUQING_TEST_WEBHOOK_SECRET: SECRET };
    const hits = (s: StateSnapshot | undefined): string[] => s?.hits.get('test-clinic') ?? [];
    let daemon = spawnCli(['--config', config, 'run'], env);
    try {
      // 1. Up: mentions reach the index.
      await until(() => hits(readState(statePath)).length >= 8, 30_000, 'the first mentions');
      // The first `_bulk` creates the monthly index; a search before its shard has started fails, and only counts as "not yet".
      const indexedYet = (): Promise<boolean> => ids(client, names.mentionsAlias).then((x) => x.length > 0, () => false);
      for (const end = Date.now() + 30_000; !(await indexedYet()); ) {
        if (Date.now() > end) throw new Error(`nothing indexed\n${daemon.output().slice(-3_000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      // 2. The node goes down in the middle of the stream.
      await node.stop();
      const storedAtStop = hits(readState(statePath)).length;
      // A crisis breaks while it is down: detection and alerting do not depend on the index.
      publish('範例診所醫療糾紛 家屬要提告');
      publish('範例診所又傳醫療糾紛');
      await until(() => hooks.deliveries.some((d) => d.status === 200) && smtp.messages.length >= 1, 30_000, 'the alert during the outage');
      await until(() => (readState(statePath)?.spoolDepth ?? 0) > 0 && hits(readState(statePath)).length > storedAtStop + 4, 30_000, 'writes piling up in the spool');
      const during = await health(daemon);
      expect(during.status).toBe('degraded');
      expect(during.index?.status).toBe('unavailable');

      // 3. Killed while the writes exist only in the spool; restarted while the node is still down.
      daemon.child.kill('SIGKILL');
      expect(await daemon.exited).toBe('SIGKILL');
      const spooledAtKill = readState(statePath)!.spoolDepth;
      expect(spooledAtKill).toBeGreaterThan(0);
      const storedAtKill = hits(readState(statePath)).length;
      daemon = spawnCli(['--config', config, 'run'], env);
      await until(() => hits(readState(statePath)).length > storedAtKill + 4, 30_000, 'ingestion after the restart, the node still down');
      expect(readState(statePath)!.spoolDepth).toBeGreaterThan(spooledAtKill);

      // 4. The node comes back (same port); the stream stops; everything drains.
      await node.start();
      clearInterval(stream);
      const expected = [...new Set(posts.map((p) => mentionId(canonicalUrl(p.link))))].sort();
      await until(() => {
        const s = readState(statePath);
        return hits(s).length === expected.length && s!.spoolDepth === 0 && s!.outbox.every((r) => r.status === 'sent');
      }, 60_000, 'the spool to drain after the node returned');
      let state = readState(statePath)!;
      expect([...hits(state)].sort()).toEqual(expected);
      expect(state.deadLetters).toBe(0);
      // Every mention exactly once in the index.
      expect(await ids(client, names.mentionsAlias)).toEqual(expected);
      // One alert; its state, events and delivery outcomes each once in the alerts index.
      expect(state.alerts.map((a) => a.ruleId)).toEqual(['test-clinic']);
      const wantAlertDocs = (s: StateSnapshot): string[] =>
        [...s.alerts.map((a) => a.id), ...s.events.map((e) => `${e.alertId}:${e.seq}`), ...s.outbox.map((r) => `delivery:${r.key}`)].sort();
      let alertDocs: string[] = [];
      for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        state = readState(statePath)!;
        alertDocs = await ids(client, names.alertsIndex);
        if (alertDocs.length >= wantAlertDocs(state).length) break;
      }
      expect(alertDocs).toEqual(wantAlertDocs(state));
      const after = await health(daemon);
      expect(after.index).toMatchObject({ status: 'ok', spoolDepth: 0 });
    } finally {
      clearInterval(stream);
      daemon.child.kill('SIGTERM');
    }
    expect(await daemon.exited).toBe(0);
  }, 8 * 60_000);
});
