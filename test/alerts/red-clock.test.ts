import { acknowledge, evolve, type LifecycleRule } from '../../src/alerts/lifecycle';
import { escalationDueAt, tickRedClock, type RedClockPolicy } from '../../src/alerts/red-clock';
import type { AlertEvent, AlertRecord } from '../../src/alerts/types';
import type { WindowSignal } from '../../src/spikes/types';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-03-02 14:00 in Taipei. */
const T0 = Date.UTC(2026, 2, 2, 6, 0);

const rule: LifecycleRule = {
  id: 'example-clinic',
  name: '範例診所',
  version: 'v1',
  cooldownMs: 2 * HOUR,
  levels: {
    L1: { sla: { respond: HOUR, resolve: 24 * HOUR }, notify: ['frontline'] },
    L2: { sla: { respond: 30 * MIN, resolve: 12 * HOUR }, notify: ['pr-lead'] },
  },
};

const signal = (nowMs: number): WindowSignal => ({
  ruleId: rule.id, windowStart: nowMs - HOUR, windowEnd: nowMs, mentions: 9, baseline: 2, spikeRatio: 4.5, pValue: 0.001, zScore: 4, velocity: 1, warm: true,
  negative: 3, negativeShare: 1 / 3, risk: 'none', highRisk: 0, mediumRisk: 0, topics: {},
});

function open(level: 'L1' | 'L2', nowMs = T0): AlertRecord {
  return evolve(undefined, { nowMs, rule, graded: { level, condition: 'spikeRatio >= 2' }, signal: signal(nowMs), evidence: [] }).alert!;
}

/** The seeds' red clock with escalation to the director at the respond deadline. */
const seedPolicy: RedClockPolicy = { escalate: { unacknowledgedAfter: 'respond', notify: ['director'] }, remindersMs: [2 * HOUR, 6 * HOUR, 12 * HOUR, 20 * HOUR] };

/** Ticks every minute from `from` to `to` (inclusive), returning the last alert and every event. */
function tickEveryMinute(alert: AlertRecord, policy: RedClockPolicy, from: number, to: number): { alert: AlertRecord; events: AlertEvent[] } {
  let a = alert;
  const events: AlertEvent[] = [];
  for (let t = from; t <= to; t += MIN) {
    const r = tickRedClock(a, policy, t);
    a = r.alert;
    events.push(...r.events);
  }
  return { alert: a, events };
}

describe('red clock (every row of the transition table)', () => {
  it('row 1: a resolved alert never escalates or reminds', () => {
    const resolved = { ...open('L2'), status: 'resolved' as const, resolvedAt: T0 + HOUR };
    const r = tickRedClock(resolved, seedPolicy, T0 + 21 * HOUR);
    expect(r.alert).toBe(resolved);
    expect(r.events).toEqual([]);
  });

  it('row 2: an unacknowledged alert escalates exactly at its respond deadline, once, to the escalation recipients', () => {
    const { alert, events } = tickEveryMinute(open('L2'), { ...seedPolicy, remindersMs: [] }, T0, T0 + 2 * HOUR);
    expect(events.map((e) => [e.type, e.at, e.recipients, e.seq])).toEqual([['escalated', T0 + 30 * MIN, ['director'], 1]]);
    expect(events[0]!.detail).toMatchObject({ dueAtMs: T0 + 30 * MIN, overdueMs: 0, waitingSinceMs: T0 });
    expect(alert).toMatchObject({ escalatedAt: T0 + 30 * MIN, eventSeq: 2, notified: ['pr-lead', 'director'] });
  });

  it('row 2: with a duration, it escalates that long after the alert opened', () => {
    const policy: RedClockPolicy = { escalate: { unacknowledgedAfter: 45 * MIN, notify: ['director'] }, remindersMs: [] };
    const { events } = tickEveryMinute(open('L1'), policy, T0, T0 + 2 * HOUR);
    expect(events.map((e) => e.at)).toEqual([T0 + 45 * MIN]);
  });

  it('row 2: a daemon that was down escalates at its first tick after the deadline, saying how late', () => {
    const r = tickRedClock(open('L2'), seedPolicy, T0 + 50 * MIN);
    expect(r.events.map((e) => e.type)).toEqual(['escalated']);
    expect(r.events[0]!.detail).toMatchObject({ overdueMs: 20 * MIN });
  });

  it('row 3: escalates once per wait, and again when an upgrade re-opens an acknowledged alert', () => {
    const policy = { ...seedPolicy, remindersMs: [] };
    const escalated = tickEveryMinute(open('L1'), policy, T0, T0 + 70 * MIN).alert;
    expect(escalated.escalatedAt).toBe(T0 + HOUR);
    const acked = acknowledge(escalated, { by: 'frontline', nowMs: T0 + 75 * MIN }).alert;
    const reopened = evolve(acked, { nowMs: T0 + 80 * MIN, rule, graded: { level: 'L2', condition: 'x' }, signal: signal(T0 + 80 * MIN), evidence: [] }).alert!;
    const { events } = tickEveryMinute(reopened, policy, T0 + 80 * MIN, T0 + 3 * HOUR);
    expect(events.map((e) => [e.type, e.at])).toEqual([['escalated', T0 + 80 * MIN + 30 * MIN]]);
  });

  it('row 4: an acknowledged alert does not escalate', () => {
    const acked = acknowledge(open('L2'), { by: 'pr-lead', nowMs: T0 + 10 * MIN }).alert;
    const { events } = tickEveryMinute(acked, { ...seedPolicy, remindersMs: [] }, T0 + 10 * MIN, T0 + 3 * HOUR);
    expect(events).toEqual([]);
  });

  it('row 4: without an escalate block nothing escalates', () => {
    expect(tickEveryMinute(open('L2'), { remindersMs: [] }, T0, T0 + 3 * HOUR).events).toEqual([]);
    expect(escalationDueAt(open('L2'), { remindersMs: [] })).toBeUndefined();
  });

  it('row 5: reminds at T+2, T+6, T+12 and T+20 hours after opening, acknowledged or not, to everyone notified', () => {
    const acked = acknowledge(open('L2'), { by: 'pr-lead', nowMs: T0 + 10 * MIN }).alert;
    const { alert, events } = tickEveryMinute(acked, { remindersMs: [20 * HOUR, 2 * HOUR, 12 * HOUR, 6 * HOUR] }, T0, T0 + 24 * HOUR);
    expect(events.map((e) => [e.type, (e.at - T0) / HOUR, e.recipients])).toEqual([
      ['reminder', 2, ['pr-lead']],
      ['reminder', 6, ['pr-lead']],
      ['reminder', 12, ['pr-lead']],
      ['reminder', 20, ['pr-lead']],
    ]);
    expect(events.map((e) => e.detail)).toEqual([
      { offsetMs: 2 * HOUR, index: 1, of: 4, skipped: 0 },
      { offsetMs: 6 * HOUR, index: 2, of: 4, skipped: 0 },
      { offsetMs: 12 * HOUR, index: 3, of: 4, skipped: 0 },
      { offsetMs: 20 * HOUR, index: 4, of: 4, skipped: 0 },
    ]);
    expect(alert.remindersSent).toBe(4);
  });

  it('row 5: after downtime it sends one reminder for the latest offset passed, not a burst', () => {
    const r = tickRedClock(open('L1'), seedPolicy, T0 + 13 * HOUR);
    const reminders = r.events.filter((e) => e.type === 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.detail).toEqual({ offsetMs: 12 * HOUR, index: 3, of: 4, skipped: 2 });
    expect(r.alert.remindersSent).toBe(3);
  });

  it('row 5: escalation comes before a reminder due at the same tick, and the reminder reaches the escalation recipients too', () => {
    const policy: RedClockPolicy = { escalate: { unacknowledgedAfter: 2 * HOUR, notify: ['director'] }, remindersMs: [2 * HOUR] };
    const r = tickRedClock(open('L2'), policy, T0 + 2 * HOUR);
    expect(r.events.map((e) => [e.type, e.seq, e.recipients])).toEqual([
      ['escalated', 1, ['director']],
      ['reminder', 2, ['pr-lead', 'director']],
    ]);
  });

  it('row 6: before the next offset nothing happens and the same object comes back', () => {
    const a = open('L1');
    const r = tickRedClock(a, { remindersMs: [2 * HOUR] }, T0 + 2 * HOUR - 1);
    expect(r.alert).toBe(a);
    expect(r.events).toEqual([]);
  });
});
