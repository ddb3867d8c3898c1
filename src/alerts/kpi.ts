import type { CrisisLevel } from '../core/types';
import { alertKind, type AlertRecord } from './types';

/**
 * The response KPIs our users are measured on (seed 001: 回應速度; seed 002: SLA per level): how
 * long until someone acknowledged, whether that was within the respond deadline, and how long until
 * the alert resolved. Pure: computed from alert records.
 */

/** KPIs of one group of alerts (all, or one level). Durations in ms; null when there is nothing to measure. */
export interface KpiGroup {
  alerts: number;
  acknowledged: number;
  /** Of the acknowledged ones, how many within the respond deadline (0–1). */
  ackWithinSlaShare: number | null;
  medianTimeToAckMs: number | null;
  p90TimeToAckMs: number | null;
  resolved: number;
  medianTimeToResolveMs: number | null;
  /** Still waiting for an acknowledgement. */
  unacknowledgedOpen: number;
  escalated: number;
}

export interface KpiReport {
  fromMs: number;
  toMs: number;
  overall: KpiGroup;
  byLevel: Record<CrisisLevel, KpiGroup>;
}

/** The q-quantile (0–1) of sorted values by the nearest-rank method; null for none. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function group(alerts: readonly AlertRecord[]): KpiGroup {
  const acked = alerts.filter((a) => a.timeToAckMs !== undefined);
  const ackTimes = acked.map((a) => a.timeToAckMs!).sort((x, y) => x - y);
  const resolveTimes = alerts.filter((a) => a.timeToResolveMs !== undefined).map((a) => a.timeToResolveMs!).sort((x, y) => x - y);
  return {
    alerts: alerts.length,
    acknowledged: acked.length,
    ackWithinSlaShare: acked.length === 0 ? null : acked.filter((a) => a.ackWithinSla).length / acked.length,
    medianTimeToAckMs: quantile(ackTimes, 0.5),
    p90TimeToAckMs: quantile(ackTimes, 0.9),
    resolved: resolveTimes.length,
    medianTimeToResolveMs: quantile(resolveTimes, 0.5),
    unacknowledgedOpen: alerts.filter((a) => a.status === 'open').length,
    escalated: alerts.filter((a) => a.escalatedAt !== undefined).length,
  };
}

/**
 * KPIs of the crisis alerts opened in [fromMs, toMs), overall and per peak level (the level that
 * set the deadlines people worked against). Hot-spot and source alerts are left out: they are
 * reviews and maintenance, not responses to the public.
 */
export function summarizeKpis(alerts: readonly AlertRecord[], fromMs: number, toMs: number): KpiReport {
  const crises = alerts.filter((a) => alertKind(a) === 'crisis' && a.openedAt >= fromMs && a.openedAt < toMs);
  return {
    fromMs,
    toMs,
    overall: group(crises),
    byLevel: { L1: group(crises.filter((a) => a.peakLevel === 'L1')), L2: group(crises.filter((a) => a.peakLevel === 'L2')), L3: group(crises.filter((a) => a.peakLevel === 'L3')) },
  };
}
