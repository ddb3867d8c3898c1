import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EVENT_LABEL } from '../alerts/render/vocabulary';
import { alertKind, type AlertRecord } from '../alerts/types';
import { LEXICON_FILE, loadRuleFile, type LoadedConnector, type Project } from '../config/load';
import { mainConfigSchema } from '../config/main-schema';
import { connectorFileSchema } from '../config/connector-schema';
import { ManualClock } from '../core/clock';
import { createLogger, silentLogger } from '../core/logger';
import { formatLocal } from '../core/time';
import { rssConnector } from '../connectors/rss';
import type { Output } from '../cli/output';
import { App } from '../pipeline/app';
import { loadLexicon } from '../text/lexicon';
import { DemoFeedServer } from './feed-server';
import { buildScenario, type DemoFeed, type DemoScenario } from './scenario';
import { SmtpCatcher } from './smtp-catcher';
import { WebhookReceiver } from './webhook-receiver';

/** The package root (works from src/ under ts-jest and from dist/). */
const PACKAGE_ROOT = resolve(__dirname, '..', '..');
const MINUTE = 60_000;
const TZ = 'Asia/Taipei';
const SECRET_ENV = 'YUQING_DEMO_WEBHOOK_SECRET';

export interface DemoOptions {
  /** Keep the state here instead of a temporary folder (it is then not deleted). */
  dataDir?: string;
  /** Print the daemon's JSON logs to stderr. */
  verbose?: boolean;
  /** Rule file to run the scenario against (default rules/example-clinic.yaml). */
  rulesFile?: string;
  /** Also index the demo into this Elasticsearch node (e.g. docker-compose's, to browse it in Kibana). */
  elasticsearch?: { url: string; indexPrefix?: string };
}

export interface DemoCheck {
  ok: boolean;
  text: string;
}

export interface DemoResult {
  ok: boolean;
  checks: DemoCheck[];
  alerts: AlertRecord[];
  emails: number;
  webhooks: number;
}

const CONNECTORS: Array<{ feed: DemoFeed; id: string; name: string; sourceType: 'news' | 'forum'; site?: string }> = [
  { feed: 'news', id: 'demo-google-news', name: 'Google 新聞（模擬）', sourceType: 'news' },
  { feed: 'ptt', id: 'demo-ptt-facelift', name: 'PTT facelift（模擬）', sourceType: 'forum', site: 'PTT facelift' },
  { feed: 'alerts', id: 'demo-google-alerts', name: 'Google 快訊（模擬）', sourceType: 'news' },
];

function demoProject(feeds: DemoFeedServer, smtpPort: number, webhookUrl: string, dataDir: string, rulesFile: string, elasticsearch?: DemoOptions['elasticsearch']): Project {
  const main = mainConfigSchema.parse({
    timeZone: TZ,
    ...(elasticsearch ? { elasticsearch } : {}),
    storage: { sqlitePath: join(dataDir, 'yuqing-demo.db') },
    // Every feed is on 127.0.0.1: no politeness gap needed, and no retries to wait out.
    // The demo's own servers are on loopback, which the address guard refuses unless allow-listed.
    http: { perHostIntervalMs: 0, retries: 0, timeoutMs: 5_000, allowPrivateHosts: ['127.0.0.1'] },
    server: { enabled: false },
    delivery: { initialBackoffMs: 60_000, maxBackoffMs: 15 * MINUTE },
    channels: {
      email: { smtp: { host: '127.0.0.1', port: smtpPort, secure: false }, from: '輿情警示 Yuqing <alerts@yuqing.example>' },
      webhooks: { ops: { url: webhookUrl, secretEnv: SECRET_ENV } },
      allowPrivateHosts: ['127.0.0.1'],
    },
    recipients: {
      'pr-lead': { name: '公關主管', email: ['pr-lead@clinic.example'], webhooks: ['ops'] },
      legal: { name: '法務', email: ['legal@clinic.example'] },
      director: { name: '院長', email: ['director@clinic.example'] },
      frontline: { name: '第一線客服', email: ['frontline@clinic.example'] },
    },
  });
  const rule = loadRuleFile(rulesFile, new Set(Object.keys(main.recipients)));
  const connectors: LoadedConnector[] = CONNECTORS.map((c) => {
    const config = connectorFileSchema.parse({ id: c.id, kind: 'rss', name: c.name, sourceType: c.sourceType, ...(c.site ? { site: c.site } : {}), options: { url: feeds.url(c.feed) } });
    return { file: `(demo) ${c.id}`, config, kind: rssConnector, options: rssConnector.optionsSchema.parse(config.options) };
  });
  return {
    configFile: '(demo)',
    main,
    connectors,
    rules: [rule],
    lexicon: loadLexicon(join(PACKAGE_ROOT, 'rules', LEXICON_FILE)),
    paths: { sqlite: main.storage.sqlitePath, connectors: '(demo)', rules: rulesFile, lexicon: join(PACKAGE_ROOT, 'rules', LEXICON_FILE) },
  };
}


/**
 * `yuqing demo`: the bundled scenario, end to end on an accelerated clock. A loopback feed server
 * publishes the timeline, the real pipeline polls it every 5 (simulated) minutes, alerts go to an
 * in-process SMTP server and a signed-webhook receiver. Prints what a PR lead receives and checks
 * that the crisis was caught at the expected level and that nothing else fired.
 */
export async function runDemo(out: Output, options: DemoOptions = {}): Promise<DemoResult> {
  const scenario = buildScenario();
  const clock = new ManualClock(scenario.startMs);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const feeds = new DemoFeedServer(scenario.items, clock);
  const smtp = new SmtpCatcher();
  const receiver = new WebhookReceiver({ secret, now: () => clock.now() });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'yuqing-demo-'));
  let app: App | undefined;
  try {
    await feeds.start();
    const { port } = await smtp.start();
    const { url } = await receiver.start();
    const project = demoProject(feeds, port, url, dataDir, options.rulesFile ?? join(PACKAGE_ROOT, 'rules', 'example-clinic.yaml'), options.elasticsearch);
    const log = options.verbose ? createLogger({ fd: 2 }) : silentLogger();
    app = new App(project, { log, clock, env: { [SECRET_ENV]: secret }, processMetrics: false, server: false });

    out.out('輿情 Yuqing 示範：範例診所（rules/example-clinic.yaml）');
    out.out(`模擬期間 ${formatLocal(scenario.startMs, TZ)} → ${formatLocal(scenario.endMs, TZ)}，每 5 分鐘抓取 3 個來源（新聞、PTT、Google 快訊），信件與 webhook 送到本機測試伺服器。\n`);

    // Quiet stretches are stepped every 15 simulated minutes, the day of the flare-up every 5.
    const dense = scenario.flareStartMs - 2 * 60 * MINUTE;
    let day = -1;
    let dayStored = 0;
    let stored = 0;
    const printDay = (): void => {
      if (day >= 0) out.out(`  ${formatLocal(scenario.startMs + day * 1440 * MINUTE, TZ).slice(0, 10)}：新提及 ${dayStored} 則`);
    };
    for (let t = scenario.startMs; t <= scenario.endMs; t += t >= dense ? 5 * MINUTE : 15 * MINUTE) {
      clock.set(t);
      const d = Math.floor((t - scenario.startMs) / (1440 * MINUTE));
      if (d !== day) {
        printDay();
        day = d;
        dayStored = 0;
      }
      const r = await app.runCycle();
      const n = r.polls.reduce((s, p) => s + (p.ok ? p.summary.stored : 0), 0);
      dayStored += n;
      stored += n;
      for (const p of r.polls) if (!p.ok) out.out(`  ✘ ${formatLocal(t, TZ)} ${p.connector} 抓取失敗：[${p.code}] ${p.message}`);
      for (const det of r.detections) {
        for (const e of det.events) {
          // Red-clock events are about time, not a condition: say who was told instead.
          const why = e.type === 'escalated' || e.type === 'reminder' ? `通知 ${e.recipients.join('、')}` : (det.graded?.condition ?? '條件不再成立');
          const what = det.kind === 'hotspot' ? '週報熱點' : (det.alert?.ruleName ?? det.ruleId);
          out.out(`  ⚑ ${formatLocal(e.at, TZ)} ${what}：${EVENT_LABEL[e.type]} ${e.toLevel ?? det.alert?.level ?? ''}（${why}）`);
        }
      }
    }
    printDay();

    const summary = app.store.outbox.summary();
    const expectedEmails = summary.sent - receiver.deliveries.length;
    const emails = await smtp.waitFor(Math.max(0, expectedEmails), 10_000).catch(() => smtp.messages);
    const alerts = app.store.alerts.list({ limit: 100 });

    printLeadView(out, emails.filter((m) => m.to.includes('pr-lead@clinic.example')));
    out.out(`\nWebhook：收到 ${receiver.deliveries.length} 則，簽章全數驗證通過（拒收 ${receiver.rejected.length} 則）；事件：${receiver.deliveries.map((d) => (d.json as { type?: string }).type).join('、')}`);
    out.out(`來源共提供 ${scenario.items.length} 則項目，存入提及 ${stored} 則（徵才與不相關貼文已排除）；回應 304 ${feeds.served.notModified} 次。`);

    const checks = verify(scenario, alerts, summary, emails.length, receiver, stored, app);
    if (app.index) checks.push(await indexCheck(app, stored));
    out.out('\n檢查結果：');
    for (const c of checks) out.out(`  ${c.ok ? '✔' : '✘'} ${c.text}`);
    const ok = checks.every((c) => c.ok);
    out.out(ok ? '\n示範成功：危機在預期等級被偵測並送達。(demo passed)' : '\n示範失敗：結果與預期不符。(demo failed)');
    return { ok, checks, alerts, emails: emails.length, webhooks: receiver.deliveries.length };
  } finally {
    await app?.stop();
    await Promise.allSettled([feeds.stop(), smtp.stop(), receiver.stop()]);
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** With Elasticsearch: the index holds exactly the mentions the demo stored, nothing left in the spool. */
async function indexCheck(app: App, stored: number): Promise<DemoCheck> {
  const index = app.index!;
  const pending = await index.flush(30_000);
  await index.client.indices.refresh({ index: index.names.mentionsAlias, ignore_unavailable: true, allow_no_indices: true });
  const { count } = await index.client.count({ index: index.names.mentionsAlias, ignore_unavailable: true, allow_no_indices: true });
  return { ok: pending === 0 && count === stored, text: `Elasticsearch 索引 ${count} 則提及 = 存入的 ${stored} 則（佇列剩 ${pending} 筆）；警示時間軸在 ${index.names.alertsIndex}` };
}

function printLeadView(out: Output, emails: Array<{ subject: string | undefined; text: string | undefined }>): void {
  out.out(`\n── 公關主管收到的 ${emails.length} 封警示信 ──`);
  emails.forEach((m) => out.out(`  ✉ ${m.subject ?? ''}`));
  // The most urgent one in full, as it reads in a mailbox.
  const l3 = emails.find((m) => /L3/.test(m.subject ?? '')) ?? emails[0];
  if (l3) {
    out.out(`\n── 信件全文：${l3.subject ?? ''} ──`);
    out.out((l3.text ?? '').trim());
    out.out('── 信件結束 ──');
  }
}

function verify(scenario: DemoScenario, alerts: AlertRecord[], outbox: { pending: number; sent: number; failed: number }, emails: number, receiver: WebhookReceiver, stored: number, app: App): DemoCheck[] {
  const { expect } = scenario;
  const crises = alerts.filter((a) => alertKind(a) === 'crisis');
  const alert = crises[0];
  const events = alert ? app.store.alerts.events(alert.id) : [];
  const hotspot = alerts.find((a) => a.hotspot?.topic === expect.hotspotTopic);
  const escalation = events.find((e) => e.type === 'escalated');
  // Opened and upgraded events carry the level they moved to.
  const peakAt = events.find((e) => e.toLevel === expect.peakLevel)?.at;
  const minutes = (ms: number | undefined): string => (ms === undefined ? '—' : `${Math.round((ms - scenario.flareStartMs) / MINUTE)} 分鐘`);
  const keys = receiver.deliveries.map((d) => String(d.headers['webhook-id']));
  return [
    { ok: crises.length === 1, text: `只有一則危機警示（實際 ${crises.length} 則）：平時的好評、客訴與徵才貼文都沒有誤報` },
    { ok: alert?.ruleId === expect.ruleId, text: `警示屬於規則 ${expect.ruleId}` },
    { ok: alert !== undefined && alert.openedAt >= scenario.flareStartMs, text: '危機開始前沒有任何警示' },
    { ok: alert !== undefined && alert.openedAt - scenario.flareStartMs <= expect.maxMinutesToFirstAlert * MINUTE, text: `第一則爆料後 ${expect.maxMinutesToFirstAlert} 分鐘內發出警示（實際 ${minutes(alert?.openedAt)}）` },
    { ok: alert?.peakLevel === expect.peakLevel && peakAt !== undefined && peakAt - scenario.flareStartMs <= expect.maxMinutesToPeak * MINUTE, text: `最高等級為 ${expect.peakLevel}，於 ${expect.maxMinutesToPeak} 分鐘內升到（實際 ${alert?.peakLevel ?? '—'}，${minutes(peakAt)}）` },
    { ok: alert?.status === 'resolved', text: '聲量回落後警示自動解除' },
    {
      ok: escalation !== undefined && alert !== undefined && escalation.at === alert.respondBy && escalation.recipients.includes(expect.escalateTo),
      text: `回應期限前無人確認，於期限當下升級通報 ${expect.escalateTo}（實際 ${escalation ? formatLocal(escalation.at, TZ) : '—'}）`,
    },
    {
      ok: hotspot !== undefined && hotspot.openedAt >= scenario.flareStartMs && alerts.every((a) => alertKind(a) !== 'hotspot' || a.openedAt >= scenario.flareStartMs),
      text: `同一週「${expect.hotspotTopic}」超過 5 則，開一則週報熱點檢討（實際 ${hotspot ? `${hotspot.hotspot!.count} 則，${formatLocal(hotspot.openedAt, TZ)}` : '沒有'}）`,
    },
    { ok: stored > 0 && outbox.pending === 0 && outbox.failed === 0, text: `所有通知皆已送達（已送 ${outbox.sent}，待送 ${outbox.pending}，失敗 ${outbox.failed}）` },
    { ok: emails > 0 && emails + receiver.deliveries.length === outbox.sent, text: `Email ${emails} 封 + webhook ${receiver.deliveries.length} 則 = 寄送佇列中的 ${outbox.sent} 筆` },
    { ok: receiver.rejected.length === 0 && new Set(keys).size === keys.length, text: 'Webhook 簽章全數有效，每則的 idempotency key 都不重複' },
  ];
}
