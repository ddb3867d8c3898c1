/**
 * The alert state machine. Pure: every time is a parameter, nothing is mutated, and the whole
 * state is the serialisable `AlertRecord`; the pipeline stores the record and hands the events to
 * the outbox.
 *
 * Transition table (C = the alert's current level, L = the level graded now, cd = rule cooldown):
 *
 * | # | alert                | graded now                          | next state                                                               | event (recipients)        |
 * |---|----------------------|-------------------------------------|--------------------------------------------------------------------------|---------------------------|
 * | 1 | none or resolved     | none                                | unchanged                                                                | —                         |
 * | 2 | none or resolved     | L                                   | new alert at L, id from series + now, deadlines = now + SLA(L)           | opened (notify of L)      |
 * | 3 | open or acknowledged | L > C                               | level L, deadlines = min(old, now + SLA(L)), pending downgrade dropped;  | upgraded (notify of L)    |
 * |   |                      |                                     | an acknowledged alert is open again (the new level needs its own ack),   |                           |
 * |   |                      |                                     | its respond deadline = now + SLA(L) (the old one was met), wait restarts |                           |
 * | 4 | open or acknowledged | L = C                               | refreshed (lastTrueAt, reason, signal, evidence); a pending downgrade is cancelled | —                 |
 * | 5 | open or acknowledged | L < C, below C for less than cd     | refreshed; pending downgrade to the highest lower level seen, since the first tick below C | —       |
 * | 6 | open or acknowledged | L < C, below C for cd or longer     | level = that pending level, deadlines kept (never loosened)              | downgraded (all notified) |
 * | 7 | open or acknowledged | none, last condition < cd ago       | unchanged (a pending downgrade keeps its clock but does not fire)        | —                         |
 * | 8 | open or acknowledged | none, last condition ≥ cd ago       | resolved, time to resolve recorded                                       | resolved (all notified*)  |
 * | 9 | open                 | acknowledge()                       | acknowledged; the first one records the time to acknowledge              | acknowledged (none)       |
 * |10 | acknowledged/resolved| acknowledge()                       | unchanged; the result says why                                           | —                         |
 *
 * A rebound after resolve is row 2: a new alert with a new id (a new outbreak, notified again).
 * Events carry consecutive `seq` numbers per alert, from 0. (*) A series with `notifyOnResolve: false`
 * (the weekly hot-spot, which ends with its week) resolves without notifying anyone.
 *
 * Escalation and red-clock reminders are time-driven rather than grade-driven: src/alerts/red-clock.ts.
 */
import type { RuleFile } from '../config/rule-schema';
import { ConfigError } from '../core/errors';
import { formatLocal, DEFAULT_TIME_ZONE } from '../core/time';
import { LEVEL_ORDER, type CrisisLevel } from '../core/types';
import type { Grade } from '../crisis/grade';
import type { WindowSignal } from '../spikes/types';
import { alertId } from './ids';
import type { AlertDrivers, AlertEvent, AlertEventType, AlertKind, AlertRecord, EvidenceItem, HotspotFacts, SourceFacts } from './types';

/** What the lifecycle needs of one level: its SLA (ms) and who hears about it. */
export interface LifecycleLevel {
  sla: { respond: number; resolve: number };
  notify: readonly string[];
}

/** What the lifecycle needs of a rule. `levels` accepts a parsed rule file's `levels` as is. */
export interface LifecycleRule {
  id: string;
  name: string;
  /** sha256 (first 12 hex) of the rule file. */
  version: string;
  levels: Partial<Record<CrisisLevel, LifecycleLevel>>;
  /** How long a lower level (for a downgrade) or no level (for resolve) must hold. */
  cooldownMs: number;
  /** The alert series this evaluation is about; absent = the rule's crisis alerts (key = rule id). */
  series?: AlertSeries;
}

/** Which series of alerts (one active at a time) an evaluation moves. */
export interface AlertSeries {
  key: string;
  kind: AlertKind;
  /** Prefix of alert ids (`alertId(idBase, openedAt)`), e.g. `example-clinic-hotspot-dispute`. */
  idBase: string;
  /** Resolution notifies everyone notified (default true); false records it only. */
  notifyOnResolve?: boolean;
}

/** Facts an evaluation attaches to the alert besides the signal (kept from the latest window where a level held). */
export interface AlertContext {
  drivers?: AlertDrivers;
  hotspot?: HotspotFacts;
  source?: SourceFacts;
}

/** One evaluation of one rule. */
export interface EvolveInput {
  /** Evaluation time, epoch ms. */
  nowMs: number;
  rule: LifecycleRule;
  /** The grade of this window (`grade()`), `null` when no level condition holds. */
  graded: Grade | null;
  signal: WindowSignal;
  /** Evidence from this window (replaces the alert's evidence when a level holds). */
  evidence: readonly EvidenceItem[];
  /** Drivers, hot-spot or source facts of this window (replace the alert's when a level holds). */
  context?: AlertContext;
  /**
   * Why an alert resolving in this evaluation resolves, when it is not that its condition cleared
   * (recorded as the resolved event's `reason`, which notifications put into words).
   */
  resolvedBecause?: ResolveReason;
}

/**
 * `connector-removed`: the source alert's connector is no longer configured (removed or disabled).
 * `check-disabled`: the source check that opened the alert (`failingAfter` / `silentAfter`) is now `off`.
 */
export type ResolveReason = 'connector-removed' | 'check-disabled';

export interface EvolveResult {
  /** The alert after this evaluation (the resolved one stays until a rebound replaces it); `undefined` if there never was one. */
  alert: AlertRecord | undefined;
  /** Transitions to record and deliver, in order. */
  events: AlertEvent[];
}

/** `LifecycleRule` from a parsed rule file and its version hash. */
export function lifecycleRule(rule: Pick<RuleFile, 'id' | 'name' | 'levels' | 'cooldown'>, version: string): LifecycleRule {
  return { id: rule.id, name: rule.name, version, levels: rule.levels, cooldownMs: rule.cooldown };
}

/**
 * Advances one rule's alert by one evaluation (rows 1–8 of the table above).
 *
 * @param current the rule's latest alert (active or resolved), or `undefined` when it has none
 * @throws ConfigError (E_CONFIG_REF) when `graded.level` is not defined in `rule.levels`, which means
 *   the grade came from another version of the rule than the one passed here
 */
export function evolve(current: AlertRecord | undefined, input: EvolveInput): EvolveResult {
  const { nowMs, rule, graded } = input;
  const active = current !== undefined && current.status !== 'resolved';

  if (!active) {
    if (!graded) return { alert: current, events: [] }; // row 1
    return open(input, graded); // row 2
  }

  if (!graded) {
    // rows 7–8
    if (nowMs - current.lastTrueAt < rule.cooldownMs) return { alert: current, events: [] };
    const { pendingDowngrade: _dropped, ...rest } = current;
    const resolved: AlertRecord = { ...rest, status: 'resolved', resolvedAt: nowMs, updatedAt: nowMs, timeToResolveMs: nowMs - current.openedAt };
    const recipients = rule.series?.notifyOnResolve === false ? [] : [...current.notified];
    const reason = input.resolvedBecause ? { reason: input.resolvedBecause } : {};
    return emit(resolved, 'resolved', nowMs, recipients, { quietSinceMs: current.lastTrueAt, afterMs: nowMs - current.openedAt, ...reason });
  }

  const refreshed: AlertRecord = {
    ...current,
    ruleName: rule.name,
    ruleVersion: rule.version,
    updatedAt: nowMs,
    lastTrueAt: nowMs,
    reason: graded.condition,
    signal: input.signal,
    evidence: [...input.evidence],
    ...input.context,
  };
  const order = LEVEL_ORDER[graded.level] - LEVEL_ORDER[current.level];

  if (order > 0) {
    // row 3
    const { sla, notify } = levelConfig(rule, graded.level);
    const { pendingDowngrade: _dropped, acknowledgedAt, acknowledgedBy, ackNote: _note, ...rest } = refreshed;
    const upgraded: AlertRecord = {
      ...rest,
      level: graded.level,
      peakLevel: LEVEL_ORDER[graded.level] > LEVEL_ORDER[current.peakLevel] ? graded.level : current.peakLevel,
      status: 'open',
      // An acknowledged alert met its old respond deadline: the new level gets a full one of its own.
      respondBy: current.status === 'acknowledged' ? nowMs + sla.respond : Math.min(current.respondBy, nowMs + sla.respond),
      resolveBy: Math.min(current.resolveBy, nowMs + sla.resolve),
      notified: union(current.notified, notify),
      awaitingAckSince: current.status === 'acknowledged' ? nowMs : (current.awaitingAckSince ?? current.openedAt),
    };
    const reopened = current.status === 'acknowledged' ? { reopened: true, previouslyAcknowledgedBy: acknowledgedBy, previouslyAcknowledgedAt: acknowledgedAt } : {};
    return emit(upgraded, 'upgraded', nowMs, [...notify], { ...gradeDetail(input, graded), ...reopened }, current.level, graded.level);
  }

  if (order === 0) {
    // row 4
    const { pendingDowngrade: _cancelled, ...rest } = refreshed;
    return { alert: rest, events: [] };
  }

  // rows 5–6: a lower level holds (checked against this rule version like any grade)
  levelConfig(rule, graded.level);
  const pending = current.pendingDowngrade;
  const since = pending?.since ?? nowMs;
  const target = pending && LEVEL_ORDER[pending.level] > LEVEL_ORDER[graded.level] ? pending.level : graded.level;
  if (nowMs - since < rule.cooldownMs) {
    return { alert: { ...refreshed, pendingDowngrade: { level: target, since } }, events: [] }; // row 5
  }
  // row 6: the level is now `target`; if this window is lower still, that starts its own wait.
  const { pendingDowngrade: _done, ...rest } = refreshed;
  const downgraded: AlertRecord = { ...rest, level: target };
  if (LEVEL_ORDER[graded.level] < LEVEL_ORDER[target]) downgraded.pendingDowngrade = { level: graded.level, since: nowMs };
  return emit(downgraded, 'downgraded', nowMs, [...current.notified], { condition: graded.condition, belowSinceMs: since }, current.level, target);
}

/** Options of `acknowledge`. */
export interface AcknowledgeInput {
  /** Who acknowledged (recipient id or a person's name from the ack link). */
  by: string;
  note?: string;
  nowMs: number;
  /** Zone for the time in the refusal message (default Asia/Taipei). */
  timeZone?: string;
}

export type AcknowledgeResult =
  | { acknowledged: true; alert: AlertRecord; events: AlertEvent[] }
  /** Nothing changed; `message` (zh-TW) says why, for the ack page or CLI. */
  | { acknowledged: false; reason: 'already-acknowledged' | 'resolved'; message: string; alert: AlertRecord; events: AlertEvent[] };

/**
 * Someone took ownership of an open alert (rows 9–10). The event is recorded but notifies nobody.
 * Acknowledging twice or acknowledging a resolved alert changes nothing and says so.
 */
export function acknowledge(alert: AlertRecord, input: AcknowledgeInput): AcknowledgeResult {
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  if (alert.status === 'resolved') {
    const at = alert.resolvedAt === undefined ? '' : `已於 ${formatLocal(alert.resolvedAt, tz)} `;
    return { acknowledged: false, reason: 'resolved', message: `此警報${at}解除，不需再確認 (alert already resolved)`, alert, events: [] };
  }
  if (alert.status === 'acknowledged') {
    const at = alert.acknowledgedAt === undefined ? '' : `於 ${formatLocal(alert.acknowledgedAt, tz)} `;
    const who = alert.acknowledgedBy ?? '他人';
    return { acknowledged: false, reason: 'already-acknowledged', message: `此警報已由 ${who} ${at}確認 (already acknowledged)`, alert, events: [] };
  }
  const next: AlertRecord = { ...alert, status: 'acknowledged', acknowledgedAt: input.nowMs, acknowledgedBy: input.by, updatedAt: input.nowMs };
  if (input.note !== undefined) next.ackNote = input.note;
  const withinSla = input.nowMs <= alert.respondBy;
  if (alert.timeToAckMs === undefined) {
    // The KPI is the first acknowledgement; an upgrade that re-opens the alert does not reset it.
    next.timeToAckMs = input.nowMs - alert.openedAt;
    next.ackWithinSla = withinSla;
  }
  const detail: Record<string, unknown> = { by: input.by, afterMs: input.nowMs - alert.openedAt, withinSla };
  if (input.note !== undefined) detail.note = input.note;
  const { alert: acked, events } = emit(next, 'acknowledged', input.nowMs, [], detail);
  return { acknowledged: true, alert: acked!, events };
}

function open(input: EvolveInput, graded: Grade): EvolveResult {
  const { nowMs, rule } = input;
  const { sla, notify } = levelConfig(rule, graded.level);
  const series = rule.series;
  const alert: AlertRecord = {
    id: alertId(series?.idBase ?? rule.id, nowMs),
    ...(series ? { kind: series.kind, key: series.key } : { kind: 'crisis' as const, key: rule.id }),
    ruleId: rule.id,
    ruleName: rule.name,
    ruleVersion: rule.version,
    level: graded.level,
    peakLevel: graded.level,
    status: 'open',
    openedAt: nowMs,
    updatedAt: nowMs,
    respondBy: nowMs + sla.respond,
    resolveBy: nowMs + sla.resolve,
    reason: graded.condition,
    signal: input.signal,
    evidence: [...input.evidence],
    lastTrueAt: nowMs,
    notified: [...new Set(notify)],
    eventSeq: 0,
    awaitingAckSince: nowMs,
    ...input.context,
  };
  return emit(alert, 'opened', nowMs, [...notify], gradeDetail(input, graded), undefined, graded.level);
}

/** Appends one event to the alert: the event takes the next `seq`. */
function emit(
  alert: AlertRecord,
  type: AlertEventType,
  at: number,
  recipients: string[],
  detail: Record<string, unknown>,
  fromLevel?: CrisisLevel,
  toLevel?: CrisisLevel,
): EvolveResult {
  const event: AlertEvent = { alertId: alert.id, seq: alert.eventSeq, type, at, recipients: [...new Set(recipients)], detail };
  if (fromLevel) event.fromLevel = fromLevel;
  if (toLevel) event.toLevel = toLevel;
  return { alert: { ...alert, eventSeq: alert.eventSeq + 1 }, events: [event] };
}

/** What a notifying event records about why: the condition, the numbers, and which mentions were shown. */
function gradeDetail(input: EvolveInput, graded: Grade): Record<string, unknown> {
  const { mentions, baseline, spikeRatio } = input.signal;
  return { condition: graded.condition, mentions, baseline, spikeRatio, evidence: input.evidence.map((e) => e.mentionId) };
}

function levelConfig(rule: LifecycleRule, level: CrisisLevel): LifecycleLevel {
  const config = rule.levels[level];
  if (!config) {
    throw new ConfigError('E_CONFIG_REF', [
      { file: rule.id, keyPath: `levels.${level}`, message: `規則沒有定義 ${level}，卻被評為 ${level}；評級與規則版本不一致 (level not defined in this rule version)` },
    ]);
  }
  return config;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
