import { createHash } from 'node:crypto';
import { fanOut } from '../../src/alerts/fan-out';
import type { ConnectorInstance } from '../../src/connectors/define';
import { mainConfigSchema } from '../../src/config/main-schema';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ManualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import type { Mention } from '../../src/core/types';
import type { HttpClient } from '../../src/http/types';
import type { App } from '../../src/pipeline/app';
import { pollConnector, type PollDeps } from '../../src/pipeline/poll-connector';
import { Metrics } from '../../src/server/metrics';
import { openStateStore } from '../../src/store/state-store';
import { defaultLexiconPath, loadLexicon } from '../../src/text/lexicon';
import { REDACTION_MARKERS, redactMention, redactPersonalData } from '../../src/text/redact-personal-data';
import { createScorer } from '../../src/text/scorer';
import { EVENT_AT, makeAlert, makeEvidence } from '../helpers/alert-fixtures';
import { FeedHost, rss } from '../helpers/feed-host';
import { AuthSmtp, captureLog, dumpDatabase, flowApp, Sink, writeFlowProject } from './flow-harness';

const ALL = ['nationalId', 'phone', 'email'] as const;

describe('recognising personal data', () => {
  it.each([
    ['身分證字號 A123456789 外流', '身分證字號 〔身分證號已遮蔽〕 外流'],
    ['全形 Ａ１２３４５６７８９', '全形 〔身分證號已遮蔽〕'],
    ['小寫 f229876543', '小寫 〔身分證號已遮蔽〕'],
    ['居留證 AC01234567、新式 A800000014', '居留證 〔身分證號已遮蔽〕、新式 〔身分證號已遮蔽〕'],
    ['手機0912-345-678', '手機〔電話已遮蔽〕'],
    ['0912345678', '〔電話已遮蔽〕'],
    ['0912 345 678', '〔電話已遮蔽〕'],
    ['０９１２－３４５－６７８', '〔電話已遮蔽〕'],
    ['+886 912 345 678', '〔電話已遮蔽〕'],
    ['(+886)912-345-678', '〔電話已遮蔽〕'],
    ['市話 (02)2345-6789', '市話 〔電話已遮蔽〕'],
    ['02-2345-6789 分機 12', '〔電話已遮蔽〕'],
    ['台中 04-2345678', '台中 〔電話已遮蔽〕'],
    ['南投 049-2345678', '南投 〔電話已遮蔽〕'],
    ['+886-2-2345-6789#305', '〔電話已遮蔽〕'],
    ['寫信到 wang.daming+clinic@gmail.com。', '寫信到 〔Email 已遮蔽〕。'],
    ['service＠clinic.com.tw', '〔Email 已遮蔽〕'],
  ])('redacts %s', (text, expected) => {
    expect(redactPersonalData(text, ALL)).toBe(expected);
  });

  it.each([
    '訂單 XA123456789Z',
    'A1234567890',
    '2026-03-16 10:05',
    '價格 1,234,567 元',
    '編號 123-456-789',
    'ISBN 978-986-123-456-7',
    '追蹤碼 0912-345-678-9',
    '20260316',
    'IG @clinic_tw',
    '網址 https://example.tw/a?id=12345678',
    '門號 2345-6789（少了區碼）',
  ])('leaves %s alone', (text) => {
    expect(redactPersonalData(text, ALL)).toBe(text);
  });

  it('redacts only the kinds asked for, and nothing when none is', () => {
    const text = 'A123456789 0912345678 a@b.tw';
    expect(redactPersonalData(text, ['phone'])).toBe(`A123456789 ${REDACTION_MARKERS.phone} a@b.tw`);
    expect(redactPersonalData(text, ['email'])).toBe(`A123456789 0912345678 ${REDACTION_MARKERS.email}`);
    expect(redactPersonalData(text, [])).toBe(text);
  });

  it('hashes what is kept, so the stored hash cannot be used to recover the number', () => {
    const m: Mention = { id: 'x', connector: 'c', sourceType: 'news', site: 's', url: 'https://n.tw/1', title: '病患 0912345678', body: '身分證 A123456789', author: 'a@b.tw', publishedAt: '', fetchedAt: '', lang: 'zh', contentSha256: 'orig' };
    const r = redactMention(m, ALL);
    expect(r).toMatchObject({ title: '病患 〔電話已遮蔽〕', body: '身分證 〔身分證號已遮蔽〕', author: '〔Email 已遮蔽〕' });
    expect(r.contentSha256).toBe(createHash('sha256').update(`${r.title}\n${r.body}`).digest('hex'));
    expect(redactMention({ ...m, title: 't', body: 'b', author: null }, ALL)).toEqual({ ...m, title: 't', body: 'b', author: null });
  });

  it('takes linear time on adversarial text (no catastrophic backtracking)', () => {
    const hostile = ['a'.repeat(200_000) + '@', '0'.repeat(200_000), '0912-'.repeat(40_000), 'x@' + 'a-'.repeat(100_000), 'A1'.repeat(100_000), '(02)'.repeat(50_000)];
    for (const text of hostile) {
      const t0 = performance.now();
      redactPersonalData(text, ALL);
      expect(performance.now() - t0).toBeLessThan(2_000);
    }
  });

  it('is off by default in the main config', () => {
    expect(mainConfigSchema.parse({}).privacy.redact).toEqual([]);
    expect(mainConfigSchema.parse({ privacy: { redact: ['phone', 'email'] } }).privacy.redact).toEqual(['phone', 'email']);
    expect(() => mainConfigSchema.parse({ privacy: { redact: ['address'] } })).toThrow();
  });
});

/** Personal data in a crisis post, as a reader of the alert does not need it. */
const PERSONAL = { id: 'F229876543', mobile: '0928-765-432', landline: '(02)2712-3456', email: 'chen.patient@example.com' };

describe('redaction in a whole run: stored mentions, every table, and the alerts sent', () => {
  async function run(redact: boolean): Promise<{ rows: string[]; mail: string[]; hooks: string[]; alerts: number }> {
    const host = new FeedHost();
    const sink = new Sink();
    const smtp = new AuthSmtp('u', 'p');
    await Promise.all([host.start(), sink.start(), smtp.start()]);
    const NOW = Date.parse('2026-03-16T02:30:00Z');
    const items = [
      { title: `範例診所醫療糾紛 家屬電話 ${PERSONAL.mobile}`, link: 'http://news.example.tw/a/1', date: new Date(NOW - 20 * 60_000), description: `<p>病患身分證 ${PERSONAL.id}，聯絡 ${PERSONAL.email}</p>` },
      { title: '範例診所醫療糾紛 提告', link: 'http://news.example.tw/a/2', date: new Date(NOW - 10 * 60_000), description: `診所電話 ${PERSONAL.landline}` },
    ];
    const feed = host.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(items)));
    const project = writeFlowProject(
      feed,
      `storage: { sqlitePath: data/state.db }
http: { perHostIntervalMs: 0, retries: 0, timeoutMs: 5000, allowPrivateHosts: [127.0.0.1] }
server: { enabled: false }
${redact ? 'privacy: { redact: [nationalId, phone, email] }' : ''}
channels:
  allowPrivateHosts: [127.0.0.1]
  email: { smtp: { host: 127.0.0.1, port: ${smtp.port}, userEnv: U, passwordEnv: P }, from: "輿情 <a@yuqing.test>" }
  webhooks: { ops: { url: "${sink.url('/hook')}" } }
recipients:
  pr-lead: { name: 公關主管, email: [pr@clinic.test], webhooks: [ops] }
  legal: { name: 法務 }
`,
    );
    const app: App = flowApp(project.config, { log: captureLog().log, clock: new ManualClock(NOW), env: { U: 'u', P: 'p' } });
    try {
      const r = await app.runCycle();
      await app.stop();
      return { rows: dumpDatabase(project.db), mail: smtp.messages.map((m) => m.raw + m.text + m.html), hooks: sink.requests.map((q) => q.body), alerts: r.detections.filter((d) => d.events.length > 0).length };
    } finally {
      await app.stop();
      await Promise.all([host.stop(), sink.stop(), smtp.stop()]);
      project.cleanup();
    }
  }

  const values = Object.values(PERSONAL);
  const found = (texts: string[]): string[] => values.filter((v) => texts.some((t) => t.includes(v) || t.includes(JSON.stringify(v).slice(1, -1))));

  it('without redaction (the default) the data is stored and sent: the check below can fail', async () => {
    const r = await run(false);
    expect(r.alerts).toBe(1);
    expect(found(r.rows)).toEqual(values);
    expect(found(r.mail).length).toBeGreaterThan(0);
  });

  it('with redaction on, no stored row, e-mail or webhook holds any of it, and the crisis is still alerted', async () => {
    const r = await run(true);
    expect(r.alerts).toBe(1);
    expect(r.mail.length).toBeGreaterThan(0);
    expect(r.hooks.length).toBeGreaterThan(0);
    expect(found(r.rows)).toEqual([]);
    expect(found(r.mail)).toEqual([]);
    expect(found(r.hooks)).toEqual([]);
    expect(r.rows.join('\n')).toContain('〔電話已遮蔽〕');
    expect(r.rows.join('\n')).toContain('〔身分證號已遮蔽〕');
    expect(r.mail.join('\n')).toContain('〔電話已遮蔽〕');
  });
});

describe('redaction and revisits', () => {
  it('a revisit of an unchanged post is not taken for an edit, and an edit is stored redacted', async () => {
    const T0 = Date.parse('2026-03-16T02:00:00Z');
    const clock = new ManualClock(T0);
    const store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: true });
    const rule = ruleFileSchema.parse({ id: 'clinic', name: '診所', match: { any: ['範例診所'] }, levels: { L1: { when: 'mentions >= 1', sla: { respond: '1h', resolve: '24h' }, notify: ['a'] } } });
    const deps: PollDeps = { store, clock, metrics: new Metrics(), http: {} as HttpClient, log: silentLogger(), keepUnmatched: false, scorer: createScorer({ rules: [rule], lexicon: loadLexicon(defaultLexiconPath()) }), random: () => 0, redact: ALL };
    let body = `範例診所 請聯絡 ${PERSONAL.mobile}`;
    const url = 'https://forum.example.tw/t/1';
    const instance: ConnectorInstance = {
      poll: async () => ({ items: [{ url, title: '範例診所 心得', text: body }], notModified: false, warnings: [] }),
      revisit: { policy: { afterMs: [60_000, 120_000], maxPerPoll: 5 }, fetch: async () => ({ status: 'present', item: { url, title: '範例診所 心得', text: body } }) },
    };
    try {
      await pollConnector(deps, { id: 'forum', sourceType: 'forum', instance });
      clock.advance(61_000);
      const unchanged = await pollConnector(deps, { id: 'forum', sourceType: 'forum', instance: { ...instance, poll: async () => ({ items: [], notModified: true, warnings: [] }) } });
      expect(unchanged).toMatchObject({ ok: true, revisits: { revisited: 1, changes: [] } });
      body = `範例診所 改口了 ${PERSONAL.email}`;
      clock.advance(61_000);
      const edited = await pollConnector(deps, { id: 'forum', sourceType: 'forum', instance: { ...instance, poll: async () => ({ items: [], notModified: true, warnings: [] }) } });
      expect(edited).toMatchObject({ ok: true, revisits: { changes: ['edited'] } });
      const texts = JSON.stringify(store.revisits.versions(store.mentions.recentMentions(1)[0]!.id));
      expect(texts).toContain('〔Email 已遮蔽〕');
      expect(texts).not.toContain(PERSONAL.email);
      expect(texts).not.toContain(PERSONAL.mobile);
    } finally {
      store.close();
    }
  });
});

describe('redaction in notices', () => {
  it('also covers evidence stored before redaction was turned on, without touching the stored alert', () => {
    const alert = makeAlert({ evidence: [makeEvidence(1, { title: `範例診所糾紛 電話 ${PERSONAL.mobile}` }), makeEvidence(2, { title: '範例診所 沒有個資' })] });
    const event = { alertId: alert.id, seq: 1, type: 'opened' as const, at: EVENT_AT, toLevel: alert.level, recipients: ['pr-lead'] };
    const recipients = mainConfigSchema.parse({ recipients: { 'pr-lead': { email: ['pr@clinic.test'] } } }).recipients;
    const [redacted] = fanOut(alert, [event], { recipients, timeZone: 'Asia/Taipei', redact: ALL });
    const [plain] = fanOut(alert, [event], { recipients, timeZone: 'Asia/Taipei' });
    expect(redacted!.notice.alert.evidence.map((e) => e.title)).toEqual(['範例診所糾紛 電話 〔電話已遮蔽〕', '範例診所 沒有個資']);
    expect(plain!.notice.alert.evidence[0]!.title).toContain(PERSONAL.mobile);
    expect(alert.evidence[0]!.title).toContain(PERSONAL.mobile);
  });
});
