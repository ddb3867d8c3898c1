import { fanOut, type NoticeContext } from '../alerts/fan-out';
import { evolve, type EvolveResult, type LifecycleRule } from '../alerts/lifecycle';
import { tickRedClock, type RedClockPolicy } from '../alerts/red-clock';
import { alertKind, type AlertEvent, type AlertKind, type AlertNotice, type AlertRecord } from '../alerts/types';
import type { SourceHealthConfig } from '../config/alerting-schema';
import type { LoadedRule } from '../config/load';
import type { MainConfig } from '../config/main-schema';
import { formatDurationZh } from '../core/duration';
import { errorCode, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Grade } from '../crisis/grade';
import { computeSignal } from '../spikes/compute-signal';
import { assessSource } from '../spikes/source-health';
import type { WindowSignal } from '../spikes/types';
import type { StateStore } from '../store/state-store';
import { storeDetectionData } from './detection-data';
import { evaluateHotspots } from './evaluate-hotspot';
import { evaluateRule } from './evaluate-rule';
import { withRisingTerms, type RisingTermsFinder } from './rising-terms';

export { EVIDENCE_LIMIT } from './evaluate-rule';

/** The pseudo rule id of source-health alerts (they belong to no rule file). */
export const SOURCES_RULE_ID = 'sources';
const SOURCES_RULE_NAME = '來源健康監測';

/** What the detection stage needs; only the composition root builds it. */
export interface DetectDeps {
  store: StateStore;
  recipients: MainConfig['recipients'];
  timeZone: string;
  ackUrl?: NoticeContext['ackUrl'];
  /** Personal data redacted from the outside text of notices (`privacy.redact`). */
  redact?: NoticeContext['redact'];
  /** Source-health alerts: the main config's `detection.sources` and the enabled connectors' ids. */
  sources?: { config: SourceHealthConfig; connectors: readonly string[] };
  /** Finds the words that rose in a crisis alert's window (`detection.risingTerms`); absent: none listed. */
  risingTerms?: RisingTermsFinder;
  /** Where a failing unit is reported (it never stops the others). Default: failures are rethrown. */
  log?: Logger;
}

/** One evaluation of one alert series that may have changed something. */
export interface DetectOutcome {
  /** The rule the series belongs to (`sources` for source-health alerts). */
  ruleId: string;
  /** The series: rule id, `hotspot:<rule>:<topic>` or `source:<connector>`. */
  key: string;
  kind: AlertKind;
  signal: WindowSignal;
  /** The grade that held, or null (always null for red-clock ticks). */
  graded: Grade | null;
  alert: AlertRecord | undefined;
  events: AlertEvent[];
  /** Deliveries queued in the outbox by this evaluation. */
  queued: number;
}

/** Display name and risk of each topic, for notices (`醫療糾紛` rather than `dispute`). */
function topicsOf(rule: LoadedRule | undefined): AlertNotice['topics'] {
  if (!rule) return undefined;
  return Object.fromEntries(Object.entries(rule.config.topics).map(([id, t]) => [id, { ...(t.name ? { name: t.name } : {}), risk: t.risk }]));
}

/**
 * Record what an evaluation changed and queue its deliveries, in one transaction. Nothing is
 * written when the alert object is the one passed in and there are no events.
 * @returns deliveries queued
 */
function commit(deps: DetectDeps, rule: LoadedRule | undefined, current: AlertRecord | undefined, result: EvolveResult, nowMs: number): number {
  const { alert, events } = result;
  if (!alert || (events.length === 0 && alert === current)) return 0;
  const deliveries = fanOut(alert, events, {
    recipients: deps.recipients,
    timeZone: deps.timeZone,
    ...(topicsOf(rule) ? { topics: topicsOf(rule)! } : {}),
    ...(deps.ackUrl ? { ackUrl: deps.ackUrl } : {}),
    ...(deps.redact ? { redact: deps.redact } : {}),
  });
  deps.store.alerts.commit(alert, events, deliveries, nowMs);
  return deliveries.length;
}

/**
 * Evaluate one rule's crisis levels at `nowMs` and record the alert's new state, its events and
 * their deliveries in one transaction.
 */
export function detectRule(deps: DetectDeps, rule: LoadedRule, nowMs: number): DetectOutcome {
  const current = deps.store.alerts.active(rule.config.id);
  const e = evaluateRule(storeDetectionData(deps.store), rule, nowMs, current, deps.timeZone);
  deps.store.ruleState.markEvaluated(rule.config.id, nowMs);
  const result = deps.risingTerms ? withRisingTerms(deps.risingTerms, deps.store.mentions, rule, e, current, nowMs) : e.result;
  const queued = commit(deps, rule, current, result, nowMs);
  return { ruleId: rule.config.id, key: rule.config.id, kind: 'crisis', signal: e.signal, graded: e.graded, alert: result.alert, events: result.events, queued };
}

/** Evaluate a rule's weekly hot-spots (nothing when it has no `weeklyHotspot`). */
export function detectHotspots(deps: DetectDeps, rule: LoadedRule, nowMs: number): DetectOutcome[] {
  const active = (key: string): AlertRecord | undefined => deps.store.alerts.active(key);
  return evaluateHotspots(storeDetectionData(deps.store), rule, nowMs, deps.timeZone, active).map((h) => {
    const current = active(h.key);
    const queued = commit(deps, rule, current, h.result, nowMs);
    const graded = h.result.alert && h.result.alert.status !== 'resolved' && h.result.alert.key === h.key ? { level: h.result.alert.level, condition: h.result.alert.reason } : null;
    return { ruleId: rule.config.id, key: h.key, kind: 'hotspot' as const, signal: h.result.alert?.signal ?? emptySignal(rule.config.id, nowMs), graded, alert: h.result.alert, events: h.result.events, queued };
  });
}

/** An empty window: the signal of alerts that are not about volume (sources). */
function emptySignal(ruleId: string, nowMs: number): WindowSignal {
  return computeSignal({
    ruleId,
    volume: { bucket: 60_000, window: 60_000, baseline: 0, minCount: Number.POSITIVE_INFINITY, warmup: 0, method: 'mean', seasonality: 'off' },
    nowMs,
    rows: [],
    baselineCounts: [],
    historyStartMs: nowMs,
  });
}

const firstObservedKey = (connector: string): string => `source:${connector}:firstObservedMs`;

/**
 * Check every enabled source (see `assessSource`): one that keeps failing or went silent opens a
 * `source` alert at the configured level; it resolves (and says so) once the source recovers.
 */
export function detectSources(deps: DetectDeps, nowMs: number): DetectOutcome[] {
  if (!deps.sources) return [];
  const { config, connectors } = deps.sources;
  const health = new Map(deps.store.sources.list().map((h) => [h.connector, h]));
  const out: DetectOutcome[] = [];
  for (const connector of connectors) {
    let firstObservedMs = deps.store.detectorState.get<number>(firstObservedKey(connector));
    if (firstObservedMs === undefined) {
      firstObservedMs = nowMs;
      deps.store.detectorState.set(firstObservedKey(connector), nowMs, nowMs);
    }
    const override = config.overrides[connector] ?? {};
    const failingAfterMs = override.failingAfter ?? config.failingAfter;
    const silentAfterMs = override.silentAfter ?? config.silentAfter;
    const h = health.get(connector);
    const problem = assessSource({
      connector,
      ...(h ? { health: h } : {}),
      lastNewItemMs: deps.store.mentions.lastNewItemMs(connector),
      firstObservedMs,
      nowMs,
      failingAfterMs,
      silentAfterMs,
    });
    const key = `${SOURCE_KEY_PREFIX}${connector}`;
    const current = deps.store.alerts.active(key);
    const live = current && current.status !== 'resolved' ? current : undefined;
    if (!problem && !live) continue;
    const lifecycle = sourceLifecycle(config, connector);
    const graded: Grade | null = problem
      ? { level: config.level, condition: problem.problem === 'silent' ? `無新項目 ≥ ${formatDurationZh(problem.thresholdMs)}` : `連續${problem.problem === 'blocked' ? '被封鎖' : '失敗'} ≥ ${formatDurationZh(problem.thresholdMs)}` }
      : null;
    const signal = live?.signal ?? emptySignal(SOURCES_RULE_ID, nowMs);
    // An alert whose check was switched `off` since it opened resolves for that reason, not as a recovery.
    const switchedOff = !problem && live?.source && (live.source.problem === 'silent' ? silentAfterMs : failingAfterMs) === 'off';
    const why = problem ? { context: { source: problem } } : switchedOff ? { resolvedBecause: 'check-disabled' as const } : {};
    const result = evolve(live, { nowMs, rule: lifecycle, graded, signal, evidence: [], ...why });
    const queued = commit(deps, undefined, current, result, nowMs);
    out.push({ ruleId: SOURCES_RULE_ID, key, kind: 'source', signal, graded, alert: result.alert, events: result.events, queued });
  }
  // A connector taken out of the configuration (removed or disabled) is no longer checked: its open
  // alert resolves now and says why, rather than staying open, and escalating, for good.
  const configured = new Set(connectors);
  for (const alert of deps.store.alerts.unresolved()) {
    const key = alert.key ?? '';
    if (alertKind(alert) !== 'source' || !key.startsWith(SOURCE_KEY_PREFIX)) continue;
    const connector = key.slice(SOURCE_KEY_PREFIX.length);
    if (configured.has(connector)) continue;
    const result = evolve(alert, { nowMs, rule: sourceLifecycle(config, connector), graded: null, signal: alert.signal, evidence: [], resolvedBecause: 'connector-removed' });
    const queued = commit(deps, undefined, alert, result, nowMs);
    out.push({ ruleId: SOURCES_RULE_ID, key, kind: 'source', signal: alert.signal, graded: null, alert: result.alert, events: result.events, queued });
  }
  return out;
}

const SOURCE_KEY_PREFIX = 'source:';

/** The lifecycle of one connector's source-health alerts (series `source:<connector>`). */
function sourceLifecycle(config: SourceHealthConfig, connector: string): LifecycleRule {
  return {
    id: SOURCES_RULE_ID,
    name: SOURCES_RULE_NAME,
    version: 'main-config',
    levels: { [config.level]: { sla: config.sla, notify: config.notify } },
    cooldownMs: 0,
    series: { key: `${SOURCE_KEY_PREFIX}${connector}`, kind: 'source', idBase: `source-${connector}` },
  };
}

/** The escalation and reminder policy of an alert's series (none for hot-spots and unknown rules). */
function redClockPolicy(alert: AlertRecord, rules: ReadonlyMap<string, LoadedRule>, sources: DetectDeps['sources']): RedClockPolicy | undefined {
  const kind = alertKind(alert);
  if (kind === 'source') return sources?.config.escalate ? { escalate: sources.config.escalate, remindersMs: [] } : undefined;
  if (kind !== 'crisis') return undefined;
  const rule = rules.get(alert.ruleId);
  if (!rule) return undefined;
  return { ...(rule.config.escalate ? { escalate: rule.config.escalate } : {}), remindersMs: rule.config.reminders };
}

/** Advance the red clock (escalation, reminders) of every unresolved alert. */
export function tickRedClocks(deps: DetectDeps, rules: readonly LoadedRule[], nowMs: number): DetectOutcome[] {
  const byId = new Map(rules.map((r) => [r.config.id, r]));
  const out: DetectOutcome[] = [];
  for (const alert of deps.store.alerts.unresolved()) {
    const policy = redClockPolicy(alert, byId, deps.sources);
    if (!policy) continue;
    const result = tickRedClock(alert, policy, nowMs);
    if (result.events.length === 0) continue;
    const rule = byId.get(alert.ruleId);
    const queued = commit(deps, rule, alert, result, nowMs);
    out.push({ ruleId: alert.ruleId, key: alert.key ?? alert.ruleId, kind: alertKind(alert), signal: alert.signal, graded: null, alert: result.alert, events: result.events, queued });
  }
  return out;
}

/**
 * The whole detection stage at `nowMs`: every rule's crisis levels and weekly hot-spots, every
 * source's health, then every unresolved alert's red clock. Each unit is isolated: a failure is
 * logged (component `detect`, with the rule or stage) and the others still run.
 */
export function runDetection(deps: DetectDeps, rules: readonly LoadedRule[], nowMs: number): DetectOutcome[] {
  const out: DetectOutcome[] = [];
  const isolated = (what: Record<string, unknown>, fn: () => DetectOutcome | DetectOutcome[]): void => {
    try {
      // Each unit reads alerts, decides and commits under the write lock: an ack from another
      // process (the CLI) lands before or after it, never in between to be overwritten.
      const r = deps.store.alerts.exclusive(fn);
      out.push(...(Array.isArray(r) ? r : [r]));
    } catch (err) {
      if (!deps.log) throw err;
      deps.log.error({ component: 'detect', ...what, code: errorCode(err), err: errorMessage(err) }, '偵測失敗，其他規則照常進行 (evaluation failed; the rest continue)');
    }
  };
  for (const rule of rules) {
    isolated({ rule: rule.config.id, stage: 'crisis' }, () => detectRule(deps, rule, nowMs));
    isolated({ rule: rule.config.id, stage: 'hotspot' }, () => detectHotspots(deps, rule, nowMs));
  }
  isolated({ stage: 'sources' }, () => detectSources(deps, nowMs));
  isolated({ stage: 'red-clock' }, () => tickRedClocks(deps, rules, nowMs));
  return out;
}
