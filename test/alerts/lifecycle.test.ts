import { acknowledge, evolve, lifecycleRule, type EvolveInput, type LifecycleRule } from '../../src/alerts/lifecycle';
import { alertId } from '../../src/alerts/ids';
import type { AlertRecord, EvidenceItem } from '../../src/alerts/types';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { ConfigError } from '../../src/core/errors';
import type { CrisisLevel } from '../../src/core/types';
import type { WindowSignal } from '../../src/spikes/types';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-03-02 14:00 in Taipei (06:00 UTC). */
const T0 = Date.UTC(2026, 2, 2, 6, 0);

const rule: LifecycleRule = {
  id: 'example-clinic',
  name: '範例診所',
  version: 'a1b2c3d4e5f6',
  cooldownMs: 2 * HOUR,
  levels: {
    L1: { sla: { respond: HOUR, resolve: 24 * HOUR }, notify: ['frontline'] },
    L2: { sla: { respond: 30 * MIN, resolve: 12 * HOUR }, notify: ['pr-lead'] },
    L3: { sla: { respond: 15 * MIN, resolve: 4 * HOUR }, notify: ['pr-lead', 'legal', 'director'] },
  },
};

const CONDITION: Record<CrisisLevel, string> = { L1: 'spikeRatio >= 2', L2: 'spikeRatio >= 3', L3: 'highRisk >= 3' };

function signal(nowMs: number, mentions: number): WindowSignal {
  return {
    ruleId: rule.id, windowStart: nowMs - HOUR, windowEnd: nowMs, mentions, baseline: 4, spikeRatio: mentions / 4, pValue: 0.01, zScore: 0, velocity: 0, warm: true,
    negative: 0, negativeShare: 0, risk: 'none', highRisk: 0, mediumRisk: 0, topics: {},
  };
}

function evidence(id: string): EvidenceItem {
  return {
    mentionId: id, url: `https://example.com/${id}`, title: id, site: 'example.com', connector: 'rss', publishedAt: new Date(T0).toISOString(),
    fetchedAt: new Date(T0).toISOString(), contentSha256: 'ab'.repeat(32), sentiment: 'negative', topics: [],
  };
}

/** One evaluation at `nowMs` graded at `level` (or nothing). */
function at(nowMs: number, level: CrisisLevel | null, mentions = 10): EvolveInput {
  return {
    nowMs, rule, graded: level ? { level, condition: CONDITION[level] } : null, signal: signal(nowMs, mentions), evidence: [evidence(`m-${nowMs}`)],
  };
}

/** Runs evaluations in order from `start`, returning the last alert and every event. */
function run(start: AlertRecord | undefined, steps: EvolveInput[]) {
  let alert = start;
  const events = [];
  for (const step of steps) {
    const r = evolve(alert, step);
    alert = r.alert;
    events.push(...r.events);
  }
  return { alert: alert!, events };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function opened(level: CrisisLevel, nowMs = T0): AlertRecord {
  return evolve(undefined, at(nowMs, level)).alert!;
}

describe('alert lifecycle (every row of the transition table)', () => {
  it('row 1: with no alert and no level, nothing happens', () => {
    expect(evolve(undefined, at(T0, null))).toEqual({ alert: undefined, events: [] });
  });

  it('row 1: a resolved alert stays as it is while nothing holds', () => {
    const resolved = run(undefined, [at(T0, 'L1'), at(T0 + 2 * HOUR, null)]).alert;
    expect(resolved.status).toBe('resolved');
    const r = evolve(resolved, at(T0 + 3 * HOUR, null));
    expect(r.alert).toBe(resolved);
    expect(r.events).toEqual([]);
  });

  it('row 2: a level opens an alert with a deterministic id, SLA deadlines and an opened event to that level', () => {
    const { alert, events } = evolve(undefined, at(T0, 'L2', 14));
    expect(alert).toMatchObject({
      id: 'example-clinic-20260302T060000Z',
      ruleId: 'example-clinic', ruleName: '範例診所', ruleVersion: 'a1b2c3d4e5f6',
      level: 'L2', peakLevel: 'L2', status: 'open', openedAt: T0, updatedAt: T0, lastTrueAt: T0,
      respondBy: T0 + 30 * MIN, resolveBy: T0 + 12 * HOUR,
      reason: 'spikeRatio >= 3', notified: ['pr-lead'], eventSeq: 1,
    });
    expect(alert!.signal.mentions).toBe(14);
    expect(alert!.evidence.map((e) => e.mentionId)).toEqual([`m-${T0}`]);
    expect(events).toEqual([
      {
        alertId: 'example-clinic-20260302T060000Z', seq: 0, type: 'opened', at: T0, toLevel: 'L2', recipients: ['pr-lead'],
        detail: { condition: 'spikeRatio >= 3', mentions: 14, baseline: 4, spikeRatio: 3.5, evidence: [`m-${T0}`] },
      },
    ]);
  });

  it('row 3: a higher level upgrades at once, to the new level’s recipients, tightening deadlines', () => {
    const { alert, events } = run(undefined, [at(T0, 'L1'), at(T0 + 10 * MIN, 'L3', 40)]);
    expect(events.map((e) => [e.seq, e.type, e.fromLevel, e.toLevel, e.recipients])).toEqual([
      [0, 'opened', undefined, 'L1', ['frontline']],
      [1, 'upgraded', 'L1', 'L3', ['pr-lead', 'legal', 'director']],
    ]);
    expect(alert).toMatchObject({
      level: 'L3', peakLevel: 'L3', status: 'open', eventSeq: 2, reason: 'highRisk >= 3', lastTrueAt: T0 + 10 * MIN,
      respondBy: T0 + 25 * MIN, resolveBy: T0 + 10 * MIN + 4 * HOUR,
      notified: ['frontline', 'pr-lead', 'legal', 'director'],
    });
  });

  it('row 3: an upgrade never loosens a deadline that is already tighter', () => {
    // Opened at L2 (respond by T0+30m); L3 at T0+20m would give T0+35m, so T0+30m stays.
    const { alert } = run(undefined, [at(T0, 'L2'), at(T0 + 20 * MIN, 'L3')]);
    expect(alert.respondBy).toBe(T0 + 30 * MIN);
    expect(alert.resolveBy).toBe(T0 + 20 * MIN + 4 * HOUR);
  });

  it('row 3: an upgrade re-opens an acknowledged alert, since the new level needs its own response', () => {
    const acked = acknowledge(opened('L1'), { by: 'frontline', nowMs: T0 + 5 * MIN });
    const { alert, events } = evolve(acked.alert, at(T0 + 10 * MIN, 'L2'));
    expect(alert!.status).toBe('open');
    expect(alert!.acknowledgedBy).toBeUndefined();
    expect(alert!.acknowledgedAt).toBeUndefined();
    expect(events[0]).toMatchObject({ type: 'upgraded', seq: 2, detail: { reopened: true, previouslyAcknowledgedBy: 'frontline', previouslyAcknowledgedAt: T0 + 5 * MIN } });
  });

  it('row 3: a re-opened alert gets a full respond deadline of the new level and a new wait for acknowledgement', () => {
    // Opened L1 at T0 (respond by T0+1h), acknowledged; L2 at T0+2h must be answered by T0+2h30m, not "already overdue".
    const acked = acknowledge(opened('L1'), { by: 'frontline', nowMs: T0 + 5 * MIN }).alert;
    const { alert } = evolve(acked, at(T0 + 2 * HOUR, 'L2'));
    expect(alert).toMatchObject({ status: 'open', respondBy: T0 + 2 * HOUR + 30 * MIN, awaitingAckSince: T0 + 2 * HOUR });
    // An alert that was never acknowledged keeps waiting since it opened.
    expect(run(undefined, [at(T0, 'L1'), at(T0 + 10 * MIN, 'L2')]).alert.awaitingAckSince).toBe(T0);
  });

  it('row 4: the same level refreshes the alert without an event', () => {
    const first = opened('L2');
    const { alert, events } = evolve(first, at(T0 + 15 * MIN, 'L2', 22));
    expect(events).toEqual([]);
    expect(alert).toMatchObject({ level: 'L2', status: 'open', lastTrueAt: T0 + 15 * MIN, updatedAt: T0 + 15 * MIN, respondBy: first.respondBy, resolveBy: first.resolveBy, eventSeq: 1 });
    expect(alert!.signal.mentions).toBe(22);
    expect(alert!.evidence.map((e) => e.mentionId)).toEqual([`m-${T0 + 15 * MIN}`]);
  });

  it('row 4: the same level keeps an acknowledged alert acknowledged', () => {
    const acked = acknowledge(opened('L2'), { by: 'pr-lead', nowMs: T0 + MIN }).alert;
    expect(evolve(acked, at(T0 + 15 * MIN, 'L2')).alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'pr-lead' });
  });

  it('row 4: returning to the alert’s level before the cooldown cancels a pending downgrade, silently', () => {
    const { alert, events } = run(undefined, [at(T0, 'L3'), at(T0 + 15 * MIN, 'L1'), at(T0 + 30 * MIN, 'L3'), at(T0 + 2 * HOUR + 15 * MIN, 'L1')]);
    expect(events.map((e) => e.type)).toEqual(['opened']);
    // The last L1 started a fresh wait rather than finishing the cancelled one.
    expect(alert.pendingDowngrade).toEqual({ level: 'L1', since: T0 + 2 * HOUR + 15 * MIN });
    expect(alert.level).toBe('L3');
  });

  it('row 5: a lower level starts a pending downgrade without an event and keeps the level', () => {
    const { alert, events } = run(undefined, [at(T0, 'L3'), at(T0 + 15 * MIN, 'L1', 9), at(T0 + 30 * MIN, 'L1')]);
    expect(events.map((e) => e.type)).toEqual(['opened']);
    expect(alert).toMatchObject({ level: 'L3', pendingDowngrade: { level: 'L1', since: T0 + 15 * MIN }, lastTrueAt: T0 + 30 * MIN, reason: 'spikeRatio >= 2' });
  });

  it('row 6: once the lower level has held for the cooldown it downgrades once, to everyone notified', () => {
    const steps = [at(T0, 'L1'), at(T0 + 5 * MIN, 'L3')];
    for (let t = T0 + 15 * MIN; t <= T0 + 3 * HOUR; t += 15 * MIN) steps.push(at(t, 'L1'));
    const { alert, events } = run(undefined, steps);
    expect(events.map((e) => [e.type, e.at, e.fromLevel, e.toLevel, e.recipients])).toEqual([
      ['opened', T0, undefined, 'L1', ['frontline']],
      ['upgraded', T0 + 5 * MIN, 'L1', 'L3', ['pr-lead', 'legal', 'director']],
      ['downgraded', T0 + 2 * HOUR + 15 * MIN, 'L3', 'L1', ['frontline', 'pr-lead', 'legal', 'director']],
    ]);
    expect(events[2]!.seq).toBe(2);
    // Deadlines keep the tightest promise (never loosened by a downgrade); the peak is remembered.
    expect(alert).toMatchObject({ level: 'L1', peakLevel: 'L3', respondBy: T0 + 20 * MIN, resolveBy: T0 + 5 * MIN + 4 * HOUR });
    expect(alert.pendingDowngrade).toBeUndefined();
  });

  it('row 6: it downgrades to the highest lower level seen while waiting, and the rest waits its turn', () => {
    const { alert, events } = run(undefined, [at(T0, 'L3'), at(T0 + HOUR, 'L2'), at(T0 + 2 * HOUR, 'L1'), at(T0 + 3 * HOUR, 'L1')]);
    expect(events.map((e) => [e.type, e.toLevel])).toEqual([
      ['opened', 'L3'],
      ['downgraded', 'L2'],
    ]);
    expect(alert.level).toBe('L2');
    expect(alert.pendingDowngrade).toEqual({ level: 'L1', since: T0 + 3 * HOUR });
  });

  it('row 7: with no level, nothing happens until the cooldown has passed since a condition last held', () => {
    const first = run(undefined, [at(T0, 'L2'), at(T0 + 30 * MIN, 'L2')]).alert;
    const r = evolve(first, at(T0 + 30 * MIN + 2 * HOUR - 1, null));
    expect(r.alert).toBe(first);
    expect(r.events).toEqual([]);
  });

  it('row 8: resolves once when no condition has held for the cooldown, to everyone notified', () => {
    const { alert, events } = run(undefined, [at(T0, 'L1'), at(T0 + 15 * MIN, 'L2'), at(T0 + 30 * MIN, null), at(T0 + 15 * MIN + 2 * HOUR, null), at(T0 + 3 * HOUR, null)]);
    expect(events.map((e) => [e.seq, e.type, e.at, e.recipients])).toEqual([
      [0, 'opened', T0, ['frontline']],
      [1, 'upgraded', T0 + 15 * MIN, ['pr-lead']],
      [2, 'resolved', T0 + 15 * MIN + 2 * HOUR, ['frontline', 'pr-lead']],
    ]);
    expect(events[2]!.detail).toEqual({ quietSinceMs: T0 + 15 * MIN, afterMs: 15 * MIN + 2 * HOUR });
    expect(alert).toMatchObject({ status: 'resolved', resolvedAt: T0 + 15 * MIN + 2 * HOUR, level: 'L2', eventSeq: 3, timeToResolveMs: 15 * MIN + 2 * HOUR });
  });

  it('row 8: a resolve drops a pending downgrade', () => {
    const { alert, events } = run(undefined, [at(T0, 'L3'), at(T0 + 15 * MIN, 'L1'), at(T0 + 15 * MIN + 2 * HOUR, null)]);
    expect(events.map((e) => e.type)).toEqual(['opened', 'resolved']);
    expect(alert.pendingDowngrade).toBeUndefined();
  });

  it('row 2: an alert of another series takes its key, kind and id base from the series', () => {
    const hotspot: LifecycleRule = { ...rule, series: { key: 'hotspot:example-clinic:dispute', kind: 'hotspot', idBase: 'example-clinic-hotspot-dispute', notifyOnResolve: false } };
    const { alert } = evolve(undefined, { ...at(T0, 'L1'), rule: hotspot, context: { hotspot: { topic: 'dispute', weekStartMs: T0 - HOUR, count: 6, moreThan: 5 } } });
    expect(alert).toMatchObject({ id: 'example-clinic-hotspot-dispute-20260302T060000Z', key: 'hotspot:example-clinic:dispute', kind: 'hotspot', ruleId: 'example-clinic', hotspot: { count: 6 } });
    // A crisis alert names its own series.
    expect(opened('L1')).toMatchObject({ key: 'example-clinic', kind: 'crisis', awaitingAckSince: T0 });
  });

  it('row 8: a series that does not notify on resolve records the resolution for nobody', () => {
    const hotspot: LifecycleRule = { ...rule, cooldownMs: 0, series: { key: 'h', kind: 'hotspot', idBase: 'h', notifyOnResolve: false } };
    const { events } = run(undefined, [{ ...at(T0, 'L1'), rule: hotspot }, { ...at(T0 + MIN, null), rule: hotspot }]);
    expect(events.map((e) => [e.type, e.recipients])).toEqual([
      ['opened', ['frontline']],
      ['resolved', []],
    ]);
  });

  it('row 4: a refresh replaces the drivers and facts with this window’s', () => {
    const first = evolve(undefined, { ...at(T0, 'L2'), context: { drivers: { topTerms: [{ term: '提告', count: 1 }], topSources: [] } } }).alert!;
    const next = evolve(first, { ...at(T0 + 15 * MIN, 'L2'), context: { drivers: { topTerms: [{ term: '醫療糾紛', count: 4 }], topSources: [{ site: 'PTT', count: 4 }] } } }).alert!;
    expect(next.drivers).toEqual({ topTerms: [{ term: '醫療糾紛', count: 4 }], topSources: [{ site: 'PTT', count: 4 }] });
  });

  it('row 2 again: a level after resolve is a new outbreak with a new id', () => {
    const resolved = run(undefined, [at(T0, 'L1'), at(T0 + 2 * HOUR, null)]).alert;
    const { alert, events } = evolve(resolved, at(T0 + 5 * HOUR, 'L1'));
    expect(alert!.id).toBe(alertId(rule.id, T0 + 5 * HOUR));
    expect(alert!.id).not.toBe(resolved.id);
    expect(alert).toMatchObject({ status: 'open', openedAt: T0 + 5 * HOUR, eventSeq: 1, notified: ['frontline'] });
    expect(events).toMatchObject([{ type: 'opened', seq: 0, alertId: alert!.id }]);
  });

  it('row 9: acknowledging an open alert records who and why, notifying nobody', () => {
    const r = acknowledge(opened('L2'), { by: 'pr-lead', note: '已聯繫病患', nowMs: T0 + 10 * MIN });
    expect(r.acknowledged).toBe(true);
    expect(r.alert).toMatchObject({ status: 'acknowledged', acknowledgedAt: T0 + 10 * MIN, acknowledgedBy: 'pr-lead', ackNote: '已聯繫病患', updatedAt: T0 + 10 * MIN, eventSeq: 2 });
    expect(r.events).toEqual([{ alertId: r.alert.id, seq: 1, type: 'acknowledged', at: T0 + 10 * MIN, recipients: [], detail: { by: 'pr-lead', note: '已聯繫病患', afterMs: 10 * MIN, withinSla: true } }]);
    // The KPI: time to acknowledge, within the L2 respond deadline (30 minutes).
    expect(r.alert).toMatchObject({ timeToAckMs: 10 * MIN, ackWithinSla: true });
  });

  it('row 9: a late acknowledgement is recorded as outside the respond deadline', () => {
    const r = acknowledge(opened('L2'), { by: 'pr-lead', nowMs: T0 + 45 * MIN });
    expect(r.alert).toMatchObject({ timeToAckMs: 45 * MIN, ackWithinSla: false });
    expect(r.events[0]!.detail).toMatchObject({ afterMs: 45 * MIN, withinSla: false });
  });

  it('row 9: the time to acknowledge is the first acknowledgement, even after an upgrade re-opens the alert', () => {
    const acked = acknowledge(opened('L1'), { by: 'frontline', nowMs: T0 + 5 * MIN }).alert;
    const reopened = evolve(acked, at(T0 + 10 * MIN, 'L2')).alert!;
    const again = acknowledge(reopened, { by: 'pr-lead', nowMs: T0 + 20 * MIN }).alert;
    expect(again).toMatchObject({ acknowledgedBy: 'pr-lead', timeToAckMs: 5 * MIN, ackWithinSla: true });
  });

  it('row 10: acknowledging twice changes nothing and says who already did, in Taipei time', () => {
    const first = acknowledge(opened('L2'), { by: 'pr-lead', nowMs: T0 + 5 * MIN }).alert;
    const r = acknowledge(first, { by: 'director', nowMs: T0 + 10 * MIN });
    expect(r.acknowledged).toBe(false);
    expect(r.alert).toBe(first);
    expect(r.events).toEqual([]);
    if (r.acknowledged) throw new Error('unreachable');
    expect(r.reason).toBe('already-acknowledged');
    expect(r.message).toBe('此警報已由 pr-lead 於 2026-03-02 14:05 確認 (already acknowledged)');
  });

  it('row 10: acknowledging a resolved alert changes nothing and says it is resolved', () => {
    const resolved = run(undefined, [at(T0, 'L1'), at(T0 + 2 * HOUR, null)]).alert;
    const r = acknowledge(resolved, { by: 'frontline', nowMs: T0 + 3 * HOUR });
    expect(r).toMatchObject({ acknowledged: false, reason: 'resolved', alert: resolved, events: [] });
    if (r.acknowledged) throw new Error('unreachable');
    expect(r.message).toBe('此警報已於 2026-03-02 16:00 解除，不需再確認 (alert already resolved)');
  });
});

describe('alert lifecycle: contracts', () => {
  it('never mutates its inputs', () => {
    const input = deepFreeze(at(T0 + 15 * MIN, 'L3'));
    const current = deepFreeze(opened('L1'));
    expect(() => evolve(current, input)).not.toThrow();
    expect(() => acknowledge(current, { by: 'x', nowMs: T0 })).not.toThrow();
    expect(current.level).toBe('L1');
  });

  it('keeps the record JSON-serialisable (it is what the store persists)', () => {
    const { alert } = run(undefined, [at(T0, 'L3'), at(T0 + 15 * MIN, 'L1')]);
    expect(JSON.parse(JSON.stringify(alert))).toEqual(alert);
  });

  it('refuses a grade for a level this rule version does not define', () => {
    const onlyL1: LifecycleRule = { ...rule, levels: { L1: rule.levels.L1! } };
    expect(() => evolve(undefined, { ...at(T0, 'L3'), rule: onlyL1 })).toThrow(ConfigError);
  });

  it('builds its rule view from a parsed rule file', () => {
    const file = ruleFileSchema.parse({
      id: 'example-clinic', name: '範例診所', match: { any: ['範例診所'] }, cooldown: '90m',
      levels: { L1: { when: 'spikeRatio >= 2', sla: { respond: '1h', resolve: '24h' }, notify: ['frontline'] } },
    });
    const view = lifecycleRule(file, 'a1b2c3d4e5f6');
    expect(view).toMatchObject({ id: 'example-clinic', name: '範例診所', version: 'a1b2c3d4e5f6', cooldownMs: 90 * MIN });
    expect(view.levels.L1).toMatchObject({ sla: { respond: HOUR, resolve: 24 * HOUR }, notify: ['frontline'] });
  });
});

describe('alertId', () => {
  it('is the rule id and the UTC open time, with milliseconds only when present', () => {
    expect(alertId('example-clinic', T0)).toBe('example-clinic-20260302T060000Z');
    expect(alertId('example-clinic', T0 + 250)).toBe('example-clinic-20260302T060000.250Z');
  });
});
