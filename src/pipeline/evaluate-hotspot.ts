import { evolve, type EvolveResult, type LifecycleRule } from '../alerts/lifecycle';
import type { AlertRecord } from '../alerts/types';
import type { LoadedRule } from '../config/load';
import type { CrisisLevel } from '../core/types';
import { computeSignal } from '../spikes/compute-signal';
import { localWeekStart } from '../spikes/local-hour';
import { assessHotspots, watchedTopics } from '../spikes/weekly-hotspot';
import type { DetectionData } from './detection-data';
import { driversOf, pickEvidence } from './evaluate-rule';

/** The seeds' SLA per level, for a hot-spot whose level the rule does not define. */
export const SEED_SLA: Record<CrisisLevel, { respond: number; resolve: number }> = {
  L1: { respond: 3_600_000, resolve: 24 * 3_600_000 },
  L2: { respond: 30 * 60_000, resolve: 12 * 3_600_000 },
  L3: { respond: 15 * 60_000, resolve: 4 * 3_600_000 },
};

/** One watched topic's evaluation. */
export interface HotspotEvaluation {
  key: string;
  topic: string;
  count: number;
  result: EvolveResult;
}

/** The series key of a rule's hot-spot on one topic. */
export function hotspotKey(ruleId: string, topic: string): string {
  return `hotspot:${ruleId}:${topic}`;
}

/**
 * Evaluate a rule's `weeklyHotspot` at `nowMs`: count each watched topic's mentions since Monday
 * 00:00 (in `timeZone`) and move each topic's hot-spot series one step. A topic over the threshold
 * opens (or keeps) a review alert at the configured level; at the week's end the count starts
 * again, and the alert resolves without notifying anyone (cooldown 0, `notifyOnResolve: false`).
 * Evidence, drivers and the signal are re-read only when the count changed, so a long backtest
 * does not re-scan a busy week every bucket. Returns nothing when the rule has no hot-spot block.
 *
 * @param active the unresolved (or latest) alert of a series key
 */
export function evaluateHotspots(data: DetectionData, rule: LoadedRule, nowMs: number, timeZone: string, active: (key: string) => AlertRecord | undefined): HotspotEvaluation[] {
  const config = rule.config.weeklyHotspot;
  if (!config) return [];
  const ruleTopics = Object.keys(rule.config.topics);
  const topics = watchedTopics(config, ruleTopics);
  const weekStart = localWeekStart(nowMs, timeZone);
  const counts = data.topicCounts(rule.config.id, topics, weekStart, nowMs);
  const levelConfig = rule.config.levels[config.level];
  const levels = { [config.level]: { sla: levelConfig?.sla ?? SEED_SLA[config.level], notify: config.notify ?? levelConfig?.notify ?? [] } };

  const out: HotspotEvaluation[] = [];
  for (const { topic, count, hot } of assessHotspots(counts, config, ruleTopics)) {
    const key = hotspotKey(rule.config.id, topic);
    const current = active(key);
    const lifecycle: LifecycleRule = {
      id: rule.config.id,
      name: rule.config.name,
      version: rule.version,
      levels,
      cooldownMs: 0,
      series: { key, kind: 'hotspot', idBase: `${rule.config.id}-hotspot-${topic}`, notifyOnResolve: false },
    };
    const live = current && current.status !== 'resolved' ? current : undefined;
    if (!hot) {
      // Resolves a live one (the week ended); nothing happens otherwise. The signal is not read when resolving.
      const result = live ? evolve(live, { nowMs, rule: lifecycle, graded: null, signal: live.signal, evidence: [] }) : { alert: current, events: [] };
      out.push({ key, topic, count, result });
      continue;
    }
    const graded = { level: config.level, condition: `topic.${topic} > ${config.moreThan}` };
    const hotspot = { topic, weekStartMs: weekStart, count, moreThan: config.moreThan };
    if (live && live.hotspot?.count === count && live.hotspot.weekStartMs === weekStart) {
      out.push({ key, topic, count, result: evolve(live, { nowMs, rule: lifecycle, graded, signal: live.signal, evidence: live.evidence }) });
      continue;
    }
    const rows = data.hitsBetween(rule.config.id, weekStart, nowMs).filter((h) => h.topics.includes(topic));
    // The week as one window, with spike values neutral (a hot-spot is about repetition, not a spike).
    const signal = computeSignal({
      ruleId: rule.config.id,
      volume: { ...rule.config.volume, window: Math.max(1, nowMs - weekStart), minCount: Number.POSITIVE_INFINITY, warmup: 0 },
      nowMs,
      rows,
      baselineCounts: [],
      historyStartMs: weekStart,
      timeZone,
    });
    const drivers = driversOf(rows);
    out.push({ key, topic, count, result: evolve(live, { nowMs, rule: lifecycle, graded, signal, evidence: pickEvidence(rows), context: { hotspot, drivers } }) });
  }
  return out;
}
