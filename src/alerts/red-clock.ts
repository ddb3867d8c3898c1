/**
 * The time-driven half of the alert lifecycle (seed 002's 紅色時鐘 and 升級機制): an alert nobody
 * acknowledged is escalated when its wait runs out, and an unresolved alert reminds the people
 * notified at fixed offsets after it opened. Pure like `evolve`: times are parameters, inputs are
 * not mutated, the record holds all the state (`awaitingAckSince`, `escalatedAt`, `remindersSent`).
 *
 * Transition table (E = escalation time: the respond deadline for `respond`, else the wait's start
 * plus the duration; R_k = openedAt + the k-th reminder offset, ascending):
 *
 * | # | alert                                  | now                              | next state                                  | event (recipients)                      |
 * |---|----------------------------------------|----------------------------------|---------------------------------------------|-----------------------------------------|
 * | 1 | resolved                               | any                              | unchanged                                   | —                                       |
 * | 2 | open, not escalated during this wait   | ≥ E                              | escalatedAt = now; escalation recipients    | escalated (escalate.notify)             |
 * |   |                                        |                                  | join `notified`                             |                                         |
 * | 3 | open, escalated during this wait       | any                              | unchanged (once per wait)                   | —                                       |
 * | 4 | acknowledged, or open before E         | any                              | no escalation                               | —                                       |
 * | 5 | open or acknowledged                   | ≥ R_k for some k ≥ remindersSent | remindersSent = number of offsets passed    | reminder (everyone notified), one only, |
 * |   |                                        |                                  |                                             | for the latest offset passed            |
 * | 6 | open or acknowledged                   | before the next R_k              | unchanged                                   | —                                       |
 *
 * A wait starts when the alert opens and again when an upgrade re-opens an acknowledged alert, so
 * the new level can be escalated too. Row 5 sends one reminder even if a daemon that was down let
 * several offsets pass: one current reminder, not a burst of stale ones. Escalation (row 2) comes
 * before a reminder due at the same tick.
 */
import type { AlertEvent, AlertRecord } from './types';

/** What a rule (or the source-health config) says about escalation and reminders. Durations in ms. */
export interface RedClockPolicy {
  escalate?: { unacknowledgedAfter: 'respond' | number; notify: readonly string[] };
  /** Offsets after the alert opened, any order (sorted here). */
  remindersMs: readonly number[];
}

export interface RedClockResult {
  alert: AlertRecord;
  events: AlertEvent[];
}

/** When the current wait for an acknowledgement escalates, or undefined when escalation is not configured. */
export function escalationDueAt(alert: AlertRecord, policy: RedClockPolicy): number | undefined {
  const e = policy.escalate;
  if (!e) return undefined;
  const waitStart = alert.awaitingAckSince ?? alert.openedAt;
  return e.unacknowledgedAfter === 'respond' ? alert.respondBy : waitStart + e.unacknowledgedAfter;
}

/**
 * Advance an alert's red clock to `nowMs` (rows 1–6 above).
 * @returns the alert (unchanged object when nothing happened) and the events to record and deliver
 */
export function tickRedClock(alert: AlertRecord, policy: RedClockPolicy, nowMs: number): RedClockResult {
  if (alert.status === 'resolved') return { alert, events: [] }; // row 1
  let next = alert;
  const events: AlertEvent[] = [];
  const push = (type: AlertEvent['type'], recipients: readonly string[], detail: Record<string, unknown>): void => {
    events.push({ alertId: next.id, seq: next.eventSeq, type, at: nowMs, recipients: [...new Set(recipients)], detail, toLevel: next.level });
    next = { ...next, eventSeq: next.eventSeq + 1, updatedAt: nowMs };
  };

  // rows 2–4
  const dueAt = escalationDueAt(alert, policy);
  const waitStart = alert.awaitingAckSince ?? alert.openedAt;
  const escalatedThisWait = alert.escalatedAt !== undefined && alert.escalatedAt >= waitStart;
  if (policy.escalate && dueAt !== undefined && alert.status === 'open' && !escalatedThisWait && nowMs >= dueAt) {
    const notify = policy.escalate.notify;
    next = { ...next, escalatedAt: nowMs, notified: [...new Set([...next.notified, ...notify])] };
    push('escalated', notify, { waitingSinceMs: waitStart, dueAtMs: dueAt, overdueMs: nowMs - dueAt, respondBy: alert.respondBy, rule: policy.escalate.unacknowledgedAfter === 'respond' ? 'respond' : policy.escalate.unacknowledgedAfter });
  }

  // rows 5–6
  const offsets = [...new Set(policy.remindersMs)].sort((a, b) => a - b);
  const sent = alert.remindersSent ?? 0;
  let passed = 0;
  while (passed < offsets.length && nowMs >= alert.openedAt + offsets[passed]!) passed++;
  if (passed > sent) {
    const offsetMs = offsets[passed - 1]!;
    next = { ...next, remindersSent: passed };
    push('reminder', next.notified, { offsetMs, index: passed, of: offsets.length, skipped: passed - sent - 1 });
  }
  return { alert: next, events };
}
