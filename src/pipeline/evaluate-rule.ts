import { evolve, lifecycleRule, type EvolveResult } from '../alerts/lifecycle';
import type { AlertDrivers, AlertRecord, EvidenceItem } from '../alerts/types';
import type { LoadedRule } from '../config/load';
import { RISK_ORDER } from '../core/types';
import { grade, topicsWithSpikeFields, type Grade } from '../crisis/grade';
import { computeSignal } from '../spikes/compute-signal';
import type { WindowSignal } from '../spikes/types';
import { windowRanges } from '../spikes/window-ranges';
import type { HitRow } from '../store/mentions-repo';
import type { DetectionData } from './detection-data';

/** How many mentions an alert cites as evidence. */
export const EVIDENCE_LIMIT = 10;
/** How many top terms and sources an alert lists. */
export const TOP_N = 8;

/** One evaluation of a rule's crisis levels: the window, its grade, and what the lifecycle made of it. */
export interface RuleEvaluation {
  signal: WindowSignal;
  graded: Grade | null;
  /** The window's hits (evidence and drivers come from them). */
  hits: HitRow[];
  drivers: AlertDrivers;
  /** The alert after this evaluation and the events to record and deliver. */
  result: EvolveResult;
}

/** The strongest evidence first: higher risk, then negative, then newest. */
export function pickEvidence(hits: readonly HitRow[], limit = EVIDENCE_LIMIT): EvidenceItem[] {
  return [...hits]
    .sort((a, b) => RISK_ORDER[b.risk] - RISK_ORDER[a.risk] || Number(b.negative) - Number(a.negative) || b.atMs - a.atMs)
    .slice(0, limit)
    .map((h) => h.evidence);
}

function top(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_N);
}

/** The terms and sources driving a window, most frequent first. */
export function driversOf(hits: readonly HitRow[]): AlertDrivers {
  return {
    topTerms: top(hits.flatMap((h) => h.terms)).map(([term, count]) => ({ term, count })),
    topSources: top(hits.map((h) => h.site)).map(([site, count]) => ({ site, count })),
  };
}

/**
 * Evaluate one rule's crisis levels at `nowMs`: window and baseline (with per-topic baselines for
 * the topics a level names) from `data`, signal, grade, then one step of the lifecycle from
 * `current` (the rule's unresolved alert, or its latest). Pure apart from reading `data` (and the
 * daemon's `historyStart`, which records the first observation).
 */
export function evaluateRule(data: DetectionData, rule: LoadedRule, nowMs: number, current: AlertRecord | undefined, timeZone: string): RuleEvaluation {
  const id = rule.config.id;
  const volume = rule.config.volume;
  const ranges = windowRanges(nowMs, volume);
  const hits = data.hitsBetween(id, ranges.windowStartMs, ranges.windowEndMs);
  const baselineCounts = data.bucketCounts(id, ranges.baselineStartMs, ranges.windowStartMs, volume.bucket);
  const topicTopics = topicsWithSpikeFields(rule.levels);
  const topicBaselineCounts = topicTopics.length
    ? Object.fromEntries(topicTopics.map((t) => [t, data.topicBucketCounts(id, t, ranges.baselineStartMs, ranges.windowStartMs, volume.bucket)]))
    : undefined;
  const historyStartMs = data.historyStart(id, nowMs);
  const signal = computeSignal({ ruleId: id, volume, nowMs, rows: hits, baselineCounts, historyStartMs, timeZone, ...(topicBaselineCounts ? { topicBaselineCounts } : {}) });
  const graded = grade(rule.levels, signal);
  const drivers = driversOf(hits);
  const result = evolve(current, { nowMs, rule: lifecycleRule(rule.config, rule.version), graded, signal, evidence: pickEvidence(hits), context: { drivers } });
  return { signal, graded, hits, drivers, result };
}
