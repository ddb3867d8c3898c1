import { fanOut, type NoticeContext } from '../alerts/fan-out';
import { evolve, lifecycleRule } from '../alerts/lifecycle';
import type { AlertEvent, AlertRecord, EvidenceItem } from '../alerts/types';
import type { LoadedRule } from '../config/load';
import type { MainConfig } from '../config/main-schema';
import { RISK_ORDER } from '../core/types';
import { grade, type Grade } from '../crisis/grade';
import { computeSignal } from '../spikes/compute-signal';
import type { WindowSignal } from '../spikes/types';
import { windowRanges } from '../spikes/window-ranges';
import type { HitRow } from '../store/mentions-repo';
import type { StateStore } from '../store/state-store';

/** How many mentions an alert cites as evidence. */
export const EVIDENCE_LIMIT = 10;
const TOP_N = 8;

export interface DetectDeps {
  store: StateStore;
  recipients: MainConfig['recipients'];
  timeZone: string;
  ackUrl?: NoticeContext['ackUrl'];
}

export interface DetectOutcome {
  ruleId: string;
  signal: WindowSignal;
  graded: Grade | null;
  alert: AlertRecord | undefined;
  events: AlertEvent[];
  /** Deliveries queued in the outbox by this evaluation. */
  queued: number;
}

/** The strongest evidence first: higher risk, then negative, then newest. */
function pickEvidence(hits: HitRow[]): EvidenceItem[] {
  return [...hits]
    .sort((a, b) => RISK_ORDER[b.risk] - RISK_ORDER[a.risk] || Number(b.negative) - Number(a.negative) || b.atMs - a.atMs)
    .slice(0, EVIDENCE_LIMIT)
    .map((h) => h.evidence);
}

function top(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_N));
}

/**
 * Evaluate one rule at `nowMs`: window and baseline from the store, signal, grade, lifecycle; then
 * record the alert's new state, its events and their deliveries in one transaction.
 */
export function detectRule(deps: DetectDeps, rule: LoadedRule, nowMs: number): DetectOutcome {
  const { store } = deps;
  const volume = rule.config.volume;
  const ranges = windowRanges(nowMs, volume);
  const hits = store.mentions.hitsBetween(rule.config.id, ranges.windowStartMs, ranges.windowEndMs);
  const baselineCounts = store.mentions.bucketCounts(rule.config.id, ranges.baselineStartMs, ranges.windowStartMs, volume.bucket);
  const historyStartMs = store.ruleState.historyStart(rule.config.id, nowMs);
  const signal = computeSignal({ ruleId: rule.config.id, volume, nowMs, rows: hits, baselineCounts, historyStartMs });
  const graded = grade(rule.levels, signal);
  const current = store.alerts.active(rule.config.id);
  const { alert, events } = evolve(current, { nowMs, rule: lifecycleRule(rule.config, rule.version), graded, signal, evidence: pickEvidence(hits) });
  store.ruleState.markEvaluated(rule.config.id, nowMs);

  let queued = 0;
  if (alert && (events.length > 0 || alert !== current)) {
    const deliveries = fanOut(alert, events, {
      recipients: deps.recipients,
      timeZone: deps.timeZone,
      topTerms: [...top(hits.flatMap((h) => h.terms))].map(([term, count]) => ({ term, count })),
      topSources: [...top(hits.map((h) => h.site))].map(([site, count]) => ({ site, count })),
      topics: Object.fromEntries(Object.entries(rule.config.topics).map(([id, t]) => [id, { ...(t.name ? { name: t.name } : {}), risk: t.risk }])),
      ...(deps.ackUrl ? { ackUrl: deps.ackUrl } : {}),
    });
    store.alerts.commit(alert, events, deliveries, nowMs);
    queued = deliveries.length;
  }
  return { ruleId: rule.config.id, signal, graded, alert, events, queued };
}
