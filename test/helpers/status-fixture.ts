import type { AlertRecord } from '../../src/alerts/types';
import type { Clock } from '../../src/core/clock';
import { silentLogger, type Logger } from '../../src/core/logger';
import { HttpServer } from '../../src/server/http-server';
import { Metrics } from '../../src/server/metrics';
import { createStatusRoute } from '../../src/server/status-route';
import type { StateStore } from '../../src/store/state-store';
import { makeAlert, makeEvidence } from './alert-fixtures';
import { scoredMention } from './scored-mention';

/** 2026-03-16 10:35 in Asia/Taipei: "now" on the seeded status page. */
export const STATUS_NOW = Date.UTC(2026, 2, 16, 2, 35);
const MIN = 60_000;
const DAY = 86_400_000;

/** The two rules the seeded page charts. */
export const STATUS_RULES = [
  { id: 'example-clinic', name: '範例診所' },
  { id: 'sunrise-dental', name: '晨光牙醫' },
];

/** A mention title a hostile forum post could carry: markup, a script and an image with a handler. */
export const HOSTILE_TITLE = '<script>window.__yuqingPwned = 1</script><img src=x onerror="window.__yuqingPwned = 2">王醫師 醫療糾紛 "爆料" & 求償';

/**
 * A state store as a PR lead's morning might find it: an overdue L3 crisis (with hostile text in its
 * evidence), an acknowledged L2, a source alert, four sources (one blocked, one failing) and two
 * weeks of hits for two rules.
 */
export function seedStatusStore(store: StateStore): { l3: AlertRecord; l2: AlertRecord; source: AlertRecord } {
  const now = STATUS_NOW;
  const l3 = makeAlert({
    id: 'example-clinic-20260316-1005',
    openedAt: now - 30 * MIN,
    updatedAt: now - 10 * MIN,
    respondBy: now - 15 * MIN,
    resolveBy: now + 210 * MIN,
    lastTrueAt: now - 5 * MIN,
    reason: 'highRisk >= 3 or (spikeRatio >= 5 and negativeShare >= 0.6)',
    evidence: [
      makeEvidence(1, { publishedAt: new Date(now - 50 * MIN).toISOString(), title: '範例診所 王大明醫師 醫療糾紛 求償中' }),
      makeEvidence(2, { publishedAt: new Date(now - 40 * MIN).toISOString(), url: 'javascript:alert(document.domain)', title: '連結是 javascript: 網址的貼文', site: 'Dcard' }),
      makeEvidence(3, { publishedAt: new Date(now - 35 * MIN).toISOString(), title: HOSTILE_TITLE, site: '<b>PTT</b> facelift' }),
    ],
  });
  const l2 = makeAlert({
    id: 'sunrise-dental-20260316-0815',
    ruleId: 'sunrise-dental',
    ruleName: '晨光牙醫',
    level: 'L2',
    peakLevel: 'L2',
    status: 'acknowledged',
    openedAt: now - 140 * MIN,
    updatedAt: now - 120 * MIN,
    respondBy: now - 110 * MIN,
    resolveBy: now + 580 * MIN,
    acknowledgedAt: now - 125 * MIN,
    acknowledgedBy: '王經理 (pr-lead)',
    ackNote: '已聯絡病患，今日下午回覆',
    reason: 'spikeRatio >= 3 or mediumRisk >= 5',
    evidence: [makeEvidence(4, { title: '晨光牙醫 等很久 態度差', site: 'Google 評論', publishedAt: new Date(now - 150 * MIN).toISOString() })],
  });
  const source = makeAlert({
    id: 'source-dcard-clinic-20260316-1010',
    kind: 'source',
    key: 'source:dcard-clinic',
    ruleId: 'source:dcard-clinic',
    ruleName: '來源異常：dcard-clinic',
    level: 'L1',
    peakLevel: 'L1',
    openedAt: now - 25 * MIN,
    updatedAt: now - 25 * MIN,
    respondBy: now + 35 * MIN,
    resolveBy: now + 23 * 60 * MIN,
    reason: '來源 dcard-clinic 被封鎖超過 1 小時',
    evidence: [],
  });
  for (const a of [l3, l2, source]) store.alerts.commit(a, [], [], now);

  store.sources.recordSuccess('ptt-facelift', 4, now - 3 * MIN);
  store.sources.recordSuccess('google-alerts', 1, now - 8 * MIN);
  store.sources.recordFailure('dcard-clinic', { code: 'E_HTTP_BLOCKED', message: '來源封鎖了我們的請求（Cloudflare 驗證挑戰）<script>alert(1)</script>', blocked: true }, now - 90 * MIN);
  store.sources.setNextAttempt('dcard-clinic', now + 5 * 60 * MIN, 'blocked');
  store.sources.recordFailure('news-yahoo', { code: 'E_HTTP_TIMEOUT', message: '請求逾時（超過 15000 毫秒）', blocked: false }, now - 2 * MIN);

  // Two weeks of hits: a quiet baseline, then today's outbreak for 範例診所.
  const mentions = [];
  const todayStart = now - (2 * 60 + 35) * MIN - 8 * 60 * MIN; // 00:00 Taipei = 16:00 UTC the day before
  for (let day = 13; day >= 0; day--) {
    const perDay = { 'example-clinic': day === 0 ? 23 : 2 + ((day * 7) % 4), 'sunrise-dental': day === 0 ? 6 : 1 + ((day * 5) % 3) };
    for (const [ruleId, n] of Object.entries(perDay)) {
      for (let k = 0; k < n; k++) {
        const at = new Date(todayStart - day * DAY + (60 + k * 17) * MIN).toISOString();
        mentions.push(scoredMention({ id: `${ruleId}-${day}-${k}`, publishedAt: at, fetchedAt: at, rules: [{ ruleId, terms: ['x'], topics: [], risk: 'low' }] }));
      }
    }
  }
  store.mentions.ingest(mentions, now);
  return { l3, l2, source };
}

/** An HTTP server with only the status route, on 127.0.0.1 and a free port. */
export async function startStatusServer(o: { store: StateStore; clock: Clock; log?: Logger; tokenKey?: string }): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new HttpServer({
    host: '127.0.0.1',
    port: 0,
    log: o.log ?? silentLogger(),
    metrics: new Metrics(),
    health: () => ({ status: 'ok' }),
    routes: [createStatusRoute({ store: o.store, rules: () => STATUS_RULES, clock: o.clock, timeZone: 'Asia/Taipei', log: o.log ?? silentLogger(), ...(o.tokenKey ? { tokenKey: o.tokenKey } : {}) })],
  });
  const addr = await server.start();
  return { url: `http://127.0.0.1:${addr.port}`, stop: () => server.stop() };
}
