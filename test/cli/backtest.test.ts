import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { memoryOutput } from '../../src/cli/output';
import type { BacktestReport } from '../../src/cli/commands/backtest';
import { loadRuleFile } from '../../src/config/load';
import { ManualClock } from '../../src/core/clock';
import type { ScoredMention } from '../../src/core/types';
import { backtestGrid, runBacktest } from '../../src/pipeline/backtest-engine';
import { loadMentions } from '../../src/pipeline/backtest-mentions';
import { runDetection } from '../../src/pipeline/detect';
import { MemoryDetectionData } from '../../src/pipeline/memory-detection-data';
import { openStateStore } from '../../src/store/state-store';
import { loadLexicon } from '../../src/text/lexicon';
import { createScorer } from '../../src/text/scorer';
import { ROOT } from '../helpers/project-dir';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-03-02 00:00 Asia/Taipei. */
const START = Date.UTC(2026, 2, 1, 16, 0);

const RULE = `id: test-clinic
name: 測試診所
match: { any: [範例診所] }
topics:
  dispute: { name: 醫療糾紛, risk: high, terms: [醫療糾紛, 提告] }
volume: { bucket: 15m, window: 1h, baseline: 7d, minCount: 5, warmup: 1d }
levels:
  L3: { when: "highRisk >= 4", sla: { respond: 15m, resolve: 4h }, notify: [pr-lead] }
  L1: { when: "spikeRatio >= 4", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead] }
cooldown: 1h
weeklyHotspot: { topic: dispute, moreThan: 5 }
`;

/** Ten quiet days (4 ordinary mentions a day, at 10, 13, 16 and 19 h Taipei), then on day 10 a flare of 12 dispute posts in an hour. */
function history(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let i = 0;
  for (let d = 0; d < 10; d++) {
    for (const h of [10, 13, 16, 19]) out.push({ id: `q${i++}`, publishedAt: new Date(START + d * DAY + (h - 8) * HOUR + 8 * HOUR - 8 * HOUR).toISOString(), title: `範例診所 回診心得 ${i}`, body: '護理師親切，環境乾淨。', url: `https://www.ptt.cc/bbs/facelift/q${i}.html`, site: 'PTT facelift' });
  }
  const flare = START + 10 * DAY + 10 * HOUR;
  for (let k = 0; k < 12; k++) out.push({ id: `f${k}`, publishedAt: new Date(flare + k * 5 * MIN).toISOString(), title: `範例診所 醫療糾紛 家屬要提告 ${k}`, body: '態度很差，非常生氣。', url: `https://news.example.tw/f${k}`, site: '範例新聞' });
  // A duplicate line (same id) counts once.
  out.push({ ...out[out.length - 1]! });
  return out;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yuqing-backtest-'));
  writeFileSync(join(dir, 'rule.yaml'), RULE);
  writeFileSync(join(dir, 'mentions.ndjson'), history().map((m) => JSON.stringify(m)).join('\n') + '\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = memoryOutput();
  const code = await main(['node', 'yuqing', '--config', join(dir, 'none.yaml'), ...args], out);
  return { code, stdout: out.stdout.join('\n'), stderr: out.stderr.join('\n') };
}

describe('yuqing backtest', () => {
  // The flare posts at 10:00, 10:05 … 10:55 (Taipei). At 10:15 the window holds 3 dispute posts, at 10:30 six:
  // L3 (highRisk >= 4) opens then, and so does the hot-spot (the sixth dispute mention this week). The last
  // window with 4 or more ends 11:30; an hour's cooldown later, 12:30, it resolves. The replay ends before
  // Monday, so the week's hot-spot is still open at its end.
  it('prints, in Taipei time, the alerts the rule would have fired: the flare at L3 and the week’s hot-spot', async () => {
    const r = await cli(['backtest', '--rules', join(dir, 'rule.yaml'), '--mentions', join(dir, 'mentions.ndjson')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('讀入 53 則，符合規則 52 則，重複 1 則');
    expect(r.stdout).toContain('會發出 2 則警示');
    expect(r.stdout).toMatch(/test-clinic-20260312T023000Z {2}危機 {2}最高 L3 {2}2026-03-12 10:30 開始 → 2026-03-12 12:30 解除（歷時 2 小時）/);
    expect(r.stdout).toMatch(/2026-03-12 10:30 {2}新警示 L3 {2}highRisk >= 4 {2}（提及 6，/);
    expect(r.stdout).toMatch(/2026-03-12 12:30 {2}已解除 {2}（提及 0，/);
    expect(r.stdout).toMatch(/test-clinic-hotspot-dispute-20260312T023000Z {2}週報熱點 {2}最高 L1 {2}2026-03-12 10:30 開始 → 期間結束時仍未解除/);
  });

  it('gives the same as JSON, with ISO times, counts and every event', async () => {
    const r = await cli(['backtest', '--rules', join(dir, 'rule.yaml'), '--mentions', join(dir, 'mentions.ndjson'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as BacktestReport;
    expect(report.rule).toMatchObject({ id: 'test-clinic', name: '測試診所' });
    expect(report.mentions).toEqual({ read: 53, matched: 52, duplicates: 1 });
    expect(report.alerts.map((a) => [a.kind, a.peakLevel, a.openedAt, a.resolvedAt])).toEqual([
      ['crisis', 'L3', '2026-03-12T02:30:00.000Z', '2026-03-12T04:30:00.000Z'],
      ['hotspot', 'L1', '2026-03-12T02:30:00.000Z', null],
    ]);
    expect(report.alerts[0]!.events.map((e) => [e['type'], e['toLevel']])).toEqual([
      ['opened', 'L3'],
      ['resolved', undefined],
    ]);
  });

  it('reports a line that is not JSON, and a record without a time, by file and line', async () => {
    writeFileSync(join(dir, 'bad.ndjson'), '{"title":"範例診所","publishedAt":"2026-03-02T02:00:00Z"}\n{oops\n');
    const r = await cli(['backtest', '--rules', join(dir, 'rule.yaml'), '--mentions', join(dir, 'bad.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.ndjson:2：不是有效的 JSON/);
    writeFileSync(join(dir, 'bad.ndjson'), '\n{"title":"範例診所"}\n');
    expect((await cli(['backtest', '--rules', join(dir, 'rule.yaml'), '--mentions', join(dir, 'bad.ndjson')])).stderr).toMatch(/bad\.ndjson:2：publishedAt 必須是 ISO 8601 時間/);
  });

  it('lists every problem of a bad rule file and exits 1', async () => {
    writeFileSync(join(dir, 'rule.yaml'), RULE.replace('highRisk >= 4', 'highRsk >= 4'));
    const r = await cli(['backtest', '--rules', join(dir, 'rule.yaml'), '--mentions', join(dir, 'mentions.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rule\.yaml:\d+:\d+ 鍵 levels\.L3\.when：條件式錯誤：未知的變數「highRsk」/);
  });
});

describe('backtest and daemon agree', () => {
  it('fires the same events at the same times as the daemon evaluating the same mentions at the same instants', async () => {
    const rule = loadRuleFile(join(dir, 'rule.yaml'));
    const scorer = createScorer({ rules: [rule.config], lexicon: loadLexicon(join(ROOT, 'rules', 'lexicons', 'sentiment.zh-TW.yaml')) });
    const records = history();

    // The replay.
    const data = new MemoryDetectionData();
    async function* lines(): AsyncGenerator<{ value: unknown; where: string }> {
      for (const [i, value] of records.entries()) yield { value, where: `#${i}` };
    }
    await loadMentions(lines(), scorer, rule.config.id, data);
    const from = START;
    const to = START + 14 * DAY;
    const step = 15 * MIN;
    data.seal(from, backtestGrid(rule, from, to, step));
    const replay = runBacktest({ rule, data, fromMs: from, toMs: to, stepMs: step, timeZone: 'Asia/Taipei' });

    // The daemon: the same mentions stored as they are published, detection at the same instants.
    const store = openStateStore({ path: ':memory:', clock: new ManualClock(from), storeMentionDocuments: true });
    try {
      store.ruleState.historyStart(rule.config.id, from);
      const scored: ScoredMention[] = records.map((r) => {
        const at = String(r.publishedAt);
        const s = scorer.score({ title: String(r.title), body: String(r.body), lang: 'zh' });
        return { id: String(r.id), connector: 'feed', sourceType: 'forum', site: String(r.site), url: String(r.url), title: String(r.title), body: String(r.body), author: null, publishedAt: at, fetchedAt: at, lang: 'zh', contentSha256: 'ab'.repeat(32), ...s };
      });
      const daemon: Array<[string, number, string | undefined]> = [];
      for (let t = from + step; t <= to; t += step) {
        store.mentions.ingest(scored.filter((m) => Date.parse(m.publishedAt) < t), t);
        for (const o of runDetection({ store, recipients: { 'pr-lead': { email: [], webhooks: [] } }, timeZone: 'Asia/Taipei' }, [rule], t)) for (const e of o.events) daemon.push([e.type, e.at, e.toLevel]);
      }
      const replayed = replay.alerts.flatMap((a) => a.events.map((e) => [e.type, e.at, e.toLevel] as [string, number, string | undefined])).sort((a, b) => a[1] - b[1]);
      expect(replayed).toEqual(daemon.sort((a, b) => a[1] - b[1]));
      expect(daemon.length).toBeGreaterThanOrEqual(4);
    } finally {
      store.close();
    }
  });
});
