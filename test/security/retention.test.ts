import { ManualClock } from '../../src/core/clock';
import type { App } from '../../src/pipeline/app';
import { PRUNED_TEXT_MARKER } from '../../src/store/quoted-text-retention';
import { FeedHost, rss } from '../helpers/feed-host';
import { AuthSmtp, captureLog, dumpDatabase, flowApp, Sink, writeFlowProject } from './flow-harness';

/**
 * Retention (`storage.retentionDays`): past it, no mention text is left anywhere in the state file
 * — not in mentions, hits or seen ids, and not quoted by resolved alerts, finished deliveries or dead
 * letters — while alerts keep their record (times, levels, evidence ids, URLs, hashes) and pending
 * deliveries keep what they still have to send.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-16T02:30:00Z');
const OLD = ['舊文甲', '舊文乙', '舊內文甲', '舊內文乙'];

describe('retention of mentions and of the text alerts quote', () => {
  const host = new FeedHost();
  const sink = new Sink();
  const smtp = new AuthSmtp('u', 'p');
  const clock = new ManualClock(T0);
  const items: Array<{ title: string; link: string; date: Date; description?: string }> = [];
  let project: ReturnType<typeof writeFlowProject>;
  let app: App;

  beforeAll(async () => {
    await Promise.all([host.start(), sink.start(), smtp.start()]);
    const feed = host.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(items)));
    // The webhook never accepts: its deliveries stay pending, and must survive retention intact.
    sink.statuses.set('/hook', 503);
    project = writeFlowProject(
      feed,
      `storage: { sqlitePath: data/state.db, retentionDays: 30 }
http: { perHostIntervalMs: 0, retries: 0, timeoutMs: 5000, allowPrivateHosts: [127.0.0.1] }
server: { enabled: false }
delivery: { initialBackoffMs: 100, maxBackoffMs: 1000 }
channels:
  allowPrivateHosts: [127.0.0.1]
  email: { smtp: { host: 127.0.0.1, port: ${smtp.port}, userEnv: U, passwordEnv: P }, from: "輿情 <a@yuqing.test>" }
  webhooks: { down: { url: "${sink.url('/hook')}" } }
recipients:
  pr-lead: { name: 公關主管, email: [pr@clinic.test] }
  legal: { name: 法務, webhooks: [down] }
`,
    );
    app = flowApp(project.config, { log: captureLog().log, clock, env: { U: 'u', P: 'p' } });
  });

  afterAll(async () => {
    await app.stop();
    await Promise.all([host.stop(), sink.stop(), smtp.stop()]);
    project.cleanup();
  });

  const rowsWith = (words: string[]): string[] => dumpDatabase(project.db).filter((r) => words.some((w) => r.includes(w)));
  /** Sent or given-up notices that still carry the alert's rising words. */
  const finishedWithRisingTerms = (): string[] => rowsWith(['risingTerms']).filter((r) => r.startsWith('outbox:') && !r.includes('"status":"pending"'));

  it('removes every trace of expired mention text and keeps the alert’s record', async () => {
    items.push(
      { title: '範例診所醫療糾紛 舊文甲', link: 'http://news.example.tw/old/1', date: new Date(T0 - 20 * 60_000), description: '舊內文甲 提告' },
      { title: '範例診所醫療糾紛 舊文乙', link: 'http://news.example.tw/old/2', date: new Date(T0 - 10 * 60_000), description: '舊內文乙 提告' },
    );
    await app.runCycle();
    clock.set(T0 + 5 * DAY); // the crisis has long resolved
    await app.runCycle();
    clock.set(T0 + 31 * DAY);
    items.length = 0;
    items.push({ title: '範例診所 新文', link: 'http://news.example.tw/new/1', date: new Date(clock.now() - 60_000), description: '新內文' });
    await app.runCycle();

    const alert = app.store.alerts.list({ statuses: ['resolved'] }).find((a) => a.id.startsWith('flow-clinic-') && a.evidence.length > 0);
    expect(alert).toBeDefined();
    // Before: the old text is in mentions, hits, the alert and its deliveries (so the check can fail).
    const before = new Set(rowsWith(OLD).map((r) => r.split(':')[0]));
    expect([...before].sort()).toEqual(expect.arrayContaining(['alerts', 'hits', 'mentions', 'outbox']));
    // The words that rose in the alert's window come from those titles too.
    expect(alert!.drivers?.risingTerms?.length).toBeGreaterThan(0);
    expect(finishedWithRisingTerms().length).toBeGreaterThan(0);
    const pendingBefore = app.store.outbox.summary().pending;
    expect(pendingBefore).toBeGreaterThan(0);

    const r = app.enforceRetention();
    expect(r).toMatchObject({ mentions: 2, hits: 2, seen: 2, alerts: 1 });
    expect(r.deliveries).toBeGreaterThan(0);

    // After: nothing but pending deliveries (still to be sent) quotes the old text.
    const left = rowsWith(OLD);
    expect(left.every((row) => row.startsWith('outbox:') && row.includes('"status":"pending"'))).toBe(true);
    expect(app.store.outbox.summary().pending).toBe(pendingBefore);
    // The new mention is kept.
    expect(app.store.mentions.recentMentions(10).map((m) => m.title)).toEqual(['範例診所 新文']);
    // The alert keeps its record: level, times, KPI, evidence ids, URLs and content hashes.
    const kept = app.store.alerts.get(alert!.id)!;
    expect(kept).toMatchObject({ status: 'resolved', level: alert!.level, openedAt: alert!.openedAt, resolvedAt: alert!.resolvedAt });
    expect(kept.evidence.map((e) => [e.mentionId, e.url, e.contentSha256])).toEqual(alert!.evidence.map((e) => [e.mentionId, e.url, e.contentSha256]));
    expect(kept.evidence.every((e) => e.title === PRUNED_TEXT_MARKER)).toBe(true);
    expect(kept.drivers).toBeDefined();
    expect(kept.drivers!.risingTerms).toBeUndefined();
    expect(finishedWithRisingTerms()).toEqual([]);
    expect(app.store.outbox.forAlert(alert!.id).filter((d) => d.status === 'sent').length).toBeGreaterThan(0);

    // Idempotent.
    expect(app.enforceRetention()).toMatchObject({ mentions: 0, hits: 0, seen: 0, alerts: 0, deliveries: 0 });
  });

  it('runs when the daemon starts, not only at the daily hour', async () => {
    items.length = 0;
    items.push({ title: '範例診所醫療糾紛 再舊文丙', link: 'http://news.example.tw/old/3', date: new Date(clock.now() - 60_000), description: '提告' });
    await app.runCycle();
    expect(rowsWith(['再舊文丙']).some((r) => r.startsWith('mentions:'))).toBe(true);
    clock.set(clock.now() + 40 * DAY);
    items.length = 0;
    await app.start();
    const deadline = Date.now() + 5_000;
    while (rowsWith(['再舊文丙']).some((r) => r.startsWith('mentions:')) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(rowsWith(['再舊文丙']).filter((r) => r.startsWith('mentions:') || r.startsWith('hits:'))).toEqual([]);
  });
});
