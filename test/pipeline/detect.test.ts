import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acknowledge } from '../../src/alerts/lifecycle';
import { renderEmail } from '../../src/alerts/render/email';
import type { AlertEvent } from '../../src/alerts/types';
import type { LoadedRule } from '../../src/config/load';
import { mainConfigSchema } from '../../src/config/main-schema';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ManualClock } from '../../src/core/clock';
import { compileLevels } from '../../src/crisis/grade';
import { runDetection, type DetectDeps } from '../../src/pipeline/detect';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { scoredMention } from '../helpers/scored-mentions';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-03-02 00:00 Asia/Taipei. */
const MONDAY = Date.UTC(2026, 2, 1, 16, 0);

const main = mainConfigSchema.parse({
  recipients: {
    'pr-lead': { email: ['pr@clinic.test'], quietHours: { from: '22:00', to: '07:00' } },
    director: { email: ['director@clinic.test'] },
    frontline: { email: ['frontline@clinic.test'] },
    ops: { email: ['ops@clinic.test'] },
  },
  detection: { sources: { notify: ['ops'], failingAfter: '1h', silentAfter: '3d' } },
});

function loadedRule(file: Record<string, unknown>): LoadedRule {
  const config = ruleFileSchema.parse(file);
  return { file: 'test.yaml', config, version: 'v1', levels: compileLevels(config) };
}

const RULE = loadedRule({
  id: 'example-clinic',
  name: '範例診所',
  match: { any: ['範例診所'] },
  topics: { dispute: { name: '醫療糾紛', risk: 'high', terms: ['醫療糾紛'] } },
  volume: { bucket: '15m', window: '1h', baseline: '3d', minCount: 5, warmup: '1d' },
  levels: {
    L2: { when: 'spikeRatio >= 6 or highRisk >= 4', sla: { respond: '30m', resolve: '12h' }, notify: ['pr-lead'] },
    L1: { when: 'spikeRatio >= 3', sla: { respond: '1h', resolve: '24h' }, notify: ['frontline'] },
  },
  cooldown: '1h',
  escalate: { notify: ['director'] },
  reminders: ['2h'],
  weeklyHotspot: { topic: 'dispute', moreThan: 5 },
});

function deps(store: StateStore, connectors: string[] = []): DetectDeps {
  return { store, recipients: main.recipients, timeZone: 'Asia/Taipei', sources: { config: main.detection.sources, connectors } };
}

/** Each connector fails at MONDAY and the next two hours, detection running a minute after each poll: its source alert opens. */
function failForTwoHours(store: StateStore, connectors: string[]): void {
  for (let h = 0; h <= 2; h++) {
    for (const c of connectors) store.sources.recordFailure(c, { code: 'E_HTTP_NETWORK', message: 'connect ECONNREFUSED', blocked: false }, MONDAY + h * HOUR);
    runDetection(deps(store, connectors), [], MONDAY + h * HOUR + MIN);
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yuqing-detect-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Mentions per hour: 4 quiet days at 1 an hour, then a burst of 12 an hour for 2 hours, then quiet again. */
function burstSeries(): Array<{ i: number; atMs: number; risk: 'none' | 'high' }> {
  const out: Array<{ i: number; atMs: number; risk: 'none' | 'high' }> = [];
  let i = 0;
  for (let h = 0; h < 4 * 24; h++) out.push({ i: i++, atMs: MONDAY + h * HOUR + 10 * MIN, risk: 'none' });
  const burst = MONDAY + 4 * DAY + 2 * HOUR; // Friday 02:00 Taipei
  for (let k = 0; k < 24; k++) out.push({ i: i++, atMs: burst + k * 5 * MIN, risk: 'none' });
  for (let h = 2; h < 12; h++) out.push({ i: i++, atMs: burst + h * HOUR + 10 * MIN, risk: 'none' });
  return out;
}

/** Feed the series into the store up to each evaluation time and run detection every 15 minutes. */
function replay(openStore: () => StateStore, restartAtMs?: number): AlertEvent[] {
  const series = burstSeries();
  let store = openStore();
  const events: AlertEvent[] = [];
  let next = 0;
  try {
    for (let t = MONDAY; t <= MONDAY + 5 * DAY; t += 15 * MIN) {
      if (restartAtMs !== undefined && t === restartAtMs) {
        store.close();
        store = openStore();
      }
      const batch = [];
      while (next < series.length && series[next]!.atMs < t) batch.push(scoredMention(series[next++]!));
      store.mentions.ingest(batch, t);
      for (const o of runDetection(deps(store), [RULE], t)) events.push(...o.events);
    }
    return events;
  } finally {
    store.close();
  }
}

describe('detection stage over the state store', () => {
  it('fires exactly the same alerts and events whether or not the daemon restarts in the middle of a burst', () => {
    const uninterrupted = replay(() => openStateStore({ path: join(dir, 'a.db'), clock: new ManualClock(0), storeMentionDocuments: true }));
    const burst = MONDAY + 4 * DAY + 2 * HOUR;
    const restarted = replay(() => openStateStore({ path: join(dir, 'b.db'), clock: new ManualClock(0), storeMentionDocuments: true }), burst + 45 * MIN);
    const shape = (e: AlertEvent): unknown[] => [e.alertId, e.seq, e.type, e.at, e.toLevel, e.recipients];
    expect(restarted.map(shape)).toEqual(uninterrupted.map(shape));
    // What fired is the burst: at +15 min only 4 mentions are in the window (below minCount 5); at +30 min 7
    // against 1 expected opens L2; nobody acknowledges, so it escalates at the 30-minute deadline; the red
    // clock reminds at T+2h; an hour after the burst's last spike window it resolves.
    expect(uninterrupted.map((e) => [e.type, (e.at - burst) / MIN, e.toLevel, e.recipients])).toEqual([
      ['opened', 30, 'L2', ['pr-lead']],
      ['escalated', 60, 'L2', ['director']],
      ['reminder', 150, 'L2', ['pr-lead', 'director']],
      ['resolved', 210, undefined, ['pr-lead', 'director']],
    ]);
  });

  it('does not escalate an alert acknowledged before its deadline, and holds notices for a recipient in quiet hours (not L3)', () => {
    const store = openStateStore({ path: join(dir, 'c.db'), clock: new ManualClock(0), storeMentionDocuments: true });
    try {
      const series = burstSeries();
      const burst = MONDAY + 4 * DAY + 2 * HOUR;
      let next = 0;
      const types: string[] = [];
      for (let t = MONDAY; t <= burst + 40 * MIN; t += 15 * MIN) {
        const batch = [];
        while (next < series.length && series[next]!.atMs < t) batch.push(scoredMention(series[next++]!));
        store.mentions.ingest(batch, t);
        for (const o of runDetection(deps(store), [RULE], t)) types.push(...o.events.map((e) => e.type));
        const open = store.alerts.active('example-clinic');
        if (open?.status === 'open' && open.level === 'L2') {
          const r = acknowledge(open, { by: 'pr-lead', nowMs: t });
          if (r.acknowledged) store.alerts.commit(r.alert, r.events, [], t);
        }
      }
      for (let t = burst + 40 * MIN; t <= burst + 2 * HOUR; t += MIN) for (const o of runDetection(deps(store), [RULE], t)) types.push(...o.events.map((e) => e.type));
      expect(types).not.toContain('escalated');
      // The L2 opening at 02:30 Taipei went to the PR lead, who is in quiet hours until 07:00: queued, not due.
      expect(types).toEqual(['opened']); // and no escalation after the acknowledgement
      expect(store.outbox.claimDue(burst + 2 * HOUR, 100).map((d) => d.target)).not.toContain('pr@clinic.test');
      const morning = Date.UTC(2026, 2, 5, 23, 0); // Friday 07:00 Taipei
      expect(store.outbox.claimDue(morning, 100).map((d) => d.target)).toContain('pr@clinic.test');
    } finally {
      store.close();
    }
  });

  it('opens a weekly hot-spot on the sixth dispute mention of the week and closes it silently when the week ends', () => {
    const store = openStateStore({ path: ':memory:', clock: new ManualClock(0), storeMentionDocuments: true });
    try {
      // One high-risk dispute mention a day, Monday to Sunday, at 11:00 Taipei: never a crisis (highRisk < 4 in any hour).
      const mentions = Array.from({ length: 7 }, (_, d) => scoredMention({ i: 1000 + d, atMs: MONDAY + d * DAY + 11 * HOUR, risk: 'high', topic: 'dispute' }));
      const events: AlertEvent[] = [];
      for (let t = MONDAY; t <= MONDAY + 8 * DAY; t += HOUR) {
        store.mentions.ingest(mentions.filter((m) => Date.parse(m.publishedAt) < t && Date.parse(m.publishedAt) >= t - HOUR), t);
        for (const o of runDetection(deps(store), [RULE], t)) events.push(...o.events.filter((e) => e.alertId.includes('hotspot')));
      }
      expect(events.map((e) => [e.type, (e.at - MONDAY) / HOUR, e.recipients])).toEqual([
        ['opened', 5 * 24 + 12, ['frontline']], // Saturday 12:00: the sixth
        ['resolved', 7 * 24, []], // next Monday 00:00
      ]);
      const alert = store.alerts.get(events[0]!.alertId)!;
      // The record keeps the week's last count (Sunday's seventh) and its evidence.
      expect(alert).toMatchObject({ kind: 'hotspot', key: 'hotspot:example-clinic:dispute', level: 'L1', status: 'resolved', hotspot: { topic: 'dispute', count: 7, moreThan: 5, weekStartMs: MONDAY } });
      expect(alert.evidence).toHaveLength(7);
    } finally {
      store.close();
    }
  });

  it('alerts on a source that keeps failing for an hour, and on one that runs but brings nothing new for 3 days, and resolves when each recovers', () => {
    const store = openStateStore({ path: ':memory:', clock: new ManualClock(0), storeMentionDocuments: true });
    try {
      const seen = (connector: string, id: string, at: number): void => store.mentions.markSeen([{ id, connector, contentSha256: 'x' }], at);
      const events: Array<[string, string, number]> = [];
      const detect = (t: number): void => {
        for (const o of runDetection(deps(store, ['news', 'ptt']), [], t)) for (const e of o.events) events.push([o.key, e.type, (e.at - MONDAY) / HOUR]);
      };
      // Both poll hourly. `news` brings something new every hour until hour 10, then nothing; `ptt` fails from hour 20 to 23.
      for (let h = 0; h <= 90; h++) {
        const t = MONDAY + h * HOUR;
        if (h <= 10) seen('news', `n${h}`, t);
        store.sources.recordSuccess('news', h <= 10 ? 1 : 0, t);
        if (h === 85) seen('news', 'n-back', t);
        if (h >= 20 && h < 23) store.sources.recordFailure('ptt', { code: 'E_HTTP_NETWORK', message: 'connect ECONNREFUSED', blocked: false }, t);
        else store.sources.recordSuccess('ptt', 1, t);
        if (h !== 20 && h < 23) seen('ptt', `p${h}`, t);
        detect(t + MIN);
      }
      expect(events).toEqual([
        ['source:ptt', 'opened', 21 + 1 / 60], // failing since hour 20, an hour later
        ['source:ptt', 'resolved', 23 + 1 / 60],
        ['source:news', 'opened', 82 + 1 / 60], // last new item at hour 10, 72 hours later
        ['source:news', 'resolved', 85 + 1 / 60],
      ]);
      const opened = store.alerts.list({ limit: 10 }).find((a) => a.key === 'source:ptt')!;
      expect(opened).toMatchObject({ kind: 'source', ruleId: 'sources', source: { problem: 'failing', consecutiveFailures: 3, lastErrorCode: 'E_HTTP_NETWORK' } });
      expect(store.outbox.forAlert(opened.id).map((d) => d.target)).toEqual(['ops@clinic.test', 'ops@clinic.test']);
    } finally {
      store.close();
    }
  });

  it('resolves the open alert of a connector taken out of the configuration, saying why, and leaves the others alone', () => {
    const store = openStateStore({ path: ':memory:', clock: new ManualClock(0), storeMentionDocuments: true });
    try {
      failForTwoHours(store, ['ptt', 'dcard']);
      expect(store.alerts.unresolved().map((a) => a.key).sort()).toEqual(['source:dcard', 'source:ptt']);

      // dcard's connector file is removed (or disabled); it still fails in the health table, but is no longer checked.
      const out = runDetection(deps(store, ['ptt']), [], MONDAY + 3 * HOUR);
      const resolved = out.filter((o) => o.events.some((e) => e.type === 'resolved'));
      expect(resolved.map((o) => [o.key, o.kind, o.alert?.status])).toEqual([['source:dcard', 'source', 'resolved']]);
      expect(resolved[0]!.events[0]!.detail).toMatchObject({ reason: 'connector-removed' });
      expect(store.alerts.unresolved().map((a) => a.key)).toEqual(['source:ptt']);
      // The resolution reaches whoever was told of the opening, in words that say why.
      const notices = store.outbox.claimDue(MONDAY + 4 * HOUR, 100).map((d) => d.notice).filter((n) => n.alert.key === 'source:dcard');
      expect(notices.map((n) => n.event)).toEqual(['opened', 'resolved']);
      const email = renderEmail(notices[1]!).text;
      expect(email).toContain('來源「dcard」已不在設定中（連接器移除或停用），不再監測');
      expect(email).toContain('若不是有意移除，請把連接器檔案放回 connectors/');
      expect(email).not.toContain('已恢復正常');
      // Nothing more happens on later cycles.
      expect(runDetection(deps(store, ['ptt']), [], MONDAY + 4 * HOUR).flatMap((o) => o.events)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('resolves a source alert whose check is switched off, saying so rather than calling the source recovered', () => {
    const store = openStateStore({ path: ':memory:', clock: new ManualClock(0), storeMentionDocuments: true });
    try {
      failForTwoHours(store, ['ptt']);
      expect(store.alerts.unresolved().map((a) => a.key)).toEqual(['source:ptt']);
      // Still failing, but the operator turns the failing check off for this source.
      store.sources.recordFailure('ptt', { code: 'E_HTTP_NETWORK', message: 'connect ECONNREFUSED', blocked: false }, MONDAY + 3 * HOUR);
      const sources = { ...main.detection.sources, overrides: { ptt: { failingAfter: 'off' as const } } };
      const out = runDetection({ ...deps(store, ['ptt']), sources: { config: sources, connectors: ['ptt'] } }, [], MONDAY + 3 * HOUR + MIN);
      expect(out.flatMap((o) => o.events.map((e) => [o.key, e.type, e.detail?.reason]))).toEqual([['source:ptt', 'resolved', 'check-disabled']]);
      const notices = store.outbox.claimDue(MONDAY + 4 * HOUR, 100).map((d) => d.notice);
      expect(notices.map((n) => n.event)).toEqual(['opened', 'resolved']);
      const email = renderEmail(notices[1]!).text;
      expect(email).toContain('來源「ptt」的抓取失敗檢查已在設定中關閉（off）');
      expect(email).toContain('failingAfter（或 overrides 中這個來源的同名設定）改回時間長度');
      expect(email).not.toContain('已恢復正常');
      // A recovery with the check still on keeps the usual words (the test above checks those).
      expect(runDetection({ ...deps(store, ['ptt']), sources: { config: sources, connectors: ['ptt'] } }, [], MONDAY + 4 * HOUR).flatMap((o) => o.events)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('does not call a source silent when the daemon itself was stopped: only after a successful run finds nothing new', () => {
    const store = openStateStore({ path: ':memory:', clock: new ManualClock(0), storeMentionDocuments: true });
    try {
      store.mentions.markSeen([{ id: 'old', connector: 'news', contentSha256: 'x' }], MONDAY);
      store.sources.recordSuccess('news', 1, MONDAY);
      expect(runDetection(deps(store, ['news']), [], MONDAY).flatMap((o) => o.events)).toEqual([]);
      // Five days later the daemon starts again; before its first poll nothing is known to be wrong.
      expect(runDetection(deps(store, ['news']), [], MONDAY + 5 * DAY).flatMap((o) => o.events)).toEqual([]);
      store.sources.recordSuccess('news', 0, MONDAY + 5 * DAY + MIN);
      expect(runDetection(deps(store, ['news']), [], MONDAY + 5 * DAY + 2 * MIN).flatMap((o) => o.events.map((e) => e.type))).toEqual(['opened']);
    } finally {
      store.close();
    }
  });

  it('keeps evaluating the other rules when one fails, and says which', () => {
    const store = openStateStore({ path: ':memory:', clock: new ManualClock(0), storeMentionDocuments: true });
    const logged: unknown[] = [];
    const log = { error: (o: unknown) => logged.push(o), child: () => log } as unknown as NonNullable<DetectDeps['log']>;
    try {
      const broken = { ...RULE, config: { ...RULE.config, id: 'broken', volume: { ...RULE.config.volume, bucket: 0 } } } as LoadedRule;
      const out = runDetection({ ...deps(store), log }, [broken, RULE], MONDAY);
      expect(out.some((o) => o.ruleId === 'example-clinic')).toBe(true);
      expect(logged).toEqual([expect.objectContaining({ component: 'detect', rule: 'broken', stage: 'crisis' })]);
    } finally {
      store.close();
    }
  });
});
