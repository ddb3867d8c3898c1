import type { AlertNotice, AlertRecord, EvidenceItem } from '../../src/alerts/types';

/** 2025-11-21 14:05 in Asia/Taipei (06:05 UTC): the event time of the fixtures. */
export const EVENT_AT = Date.UTC(2025, 10, 21, 6, 5);
const MIN = 60_000;

/** One evidence item; `i` makes ids, URLs and hashes distinct. */
export function makeEvidence(i: number, overrides: Partial<EvidenceItem> = {}): EvidenceItem {
  return {
    mentionId: `m-${String(i).padStart(3, '0')}`,
    url: `https://www.ptt.cc/bbs/facelift/M.17000000${i}.A.html`,
    title: `範例診所 王大明醫師 醫療糾紛 第 ${i} 篇`,
    site: 'PTT facelift',
    connector: 'ptt-facelift',
    publishedAt: new Date(EVENT_AT - (30 + i) * MIN).toISOString(),
    fetchedAt: new Date(EVENT_AT - (20 + i) * MIN).toISOString(),
    contentSha256: (i.toString(16).padStart(2, '0') + 'ab').repeat(16),
    sentiment: i % 3 === 0 ? 'neutral' : 'negative',
    topics: ['dispute'],
    ...overrides,
  };
}

/** An open L3 alert on 範例診所 with three evidence items; respond by 14:20, resolve by 18:05 (Taipei). */
export function makeAlert(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id: 'alert-example-clinic-1',
    ruleId: 'example-clinic',
    ruleName: '範例診所',
    ruleVersion: '3f9a0c2b7d1e',
    level: 'L3',
    peakLevel: 'L3',
    status: 'open',
    openedAt: EVENT_AT,
    updatedAt: EVENT_AT,
    respondBy: EVENT_AT + 15 * MIN,
    resolveBy: EVENT_AT + 240 * MIN,
    reason: 'risk == high and mentions >= 3',
    signal: {
      ruleId: 'example-clinic',
      windowStart: EVENT_AT - 60 * MIN,
      windowEnd: EVENT_AT,
      mentions: 12,
      baseline: 2.5,
      spikeRatio: 4.8,
      pValue: 0.0001,
      zScore: 4.2,
      velocity: 3,
      warm: true,
      negative: 8,
      negativeShare: 8 / 12,
      risk: 'high',
      highRisk: 5,
      mediumRisk: 7,
      topics: { dispute: 5, service: 2, privacy: 0 },
    },
    evidence: [makeEvidence(1), makeEvidence(2), makeEvidence(3)],
    lastTrueAt: EVENT_AT,
    notified: ['pr-lead'],
    eventSeq: 1,
    ...overrides,
  };
}

/** The "opened" notice of `makeAlert()` for the PR lead, with an ack link. */
export function makeNotice(overrides: Partial<AlertNotice> = {}, alert: Partial<AlertRecord> = {}): AlertNotice {
  return {
    idempotencyKey: 'alert-example-clinic-1:1:pr-lead:email',
    event: 'opened',
    eventAt: EVENT_AT,
    alert: makeAlert(alert),
    recipient: { id: 'pr-lead', name: '王經理' },
    topTerms: [
      { term: '醫療糾紛', count: 6 },
      { term: '提告', count: 3 },
    ],
    topSources: [
      { site: 'PTT facelift', count: 5 },
      { site: 'Dcard', count: 3 },
    ],
    timeZone: 'Asia/Taipei',
    ackUrl: 'http://127.0.0.1:8787/ack/alert-example-clinic-1?t=token',
    topics: { dispute: { name: '醫療糾紛', risk: 'high' }, service: { name: '服務抱怨', risk: 'medium' }, privacy: { name: '個資外洩', risk: 'high' } },
    ...overrides,
  };
}
