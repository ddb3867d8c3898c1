import type { AlertKind, AlertRecord } from '../alerts/types';
import type { LoadedRule } from '../config/load';
import type { CrisisLevel } from '../core/types';
import type { WindowSignal } from '../spikes/types';
import type { DetectionData } from './detection-data';
import { evaluateHotspots } from './evaluate-hotspot';
import { evaluateRule } from './evaluate-rule';
import type { CountGrid } from './memory-detection-data';

/**
 * Replays a rule over history with the daemon's own evaluation code (`evaluateRule`,
 * `evaluateHotspots`): at every step the detector sees only the mentions published before that
 * instant, exactly as the daemon would have. No one acknowledges in a replay, so escalations and
 * red-clock reminders (which depend on people) are left out; crises and hot-spots are what the
 * rule would have fired.
 */

/** One lifecycle event the rule would have fired. Times are epoch ms. */
export interface BacktestEvent {
  type: string;
  at: number;
  fromLevel?: CrisisLevel;
  toLevel?: CrisisLevel;
  /** The condition that held (absent for resolve). */
  condition?: string;
  mentions: number;
  baseline: number;
  spikeRatio: number;
  zScore: number;
}

/** One alert the rule would have fired, with its events. */
export interface BacktestAlert {
  id: string;
  key: string;
  kind: AlertKind;
  level: CrisisLevel;
  peakLevel: CrisisLevel;
  openedAt: number;
  resolvedAt?: number;
  events: BacktestEvent[];
}

export interface BacktestOptions {
  rule: LoadedRule;
  data: DetectionData;
  /** First evaluation is `fromMs + stepMs`; observation (warm-up) starts at `fromMs`. */
  fromMs: number;
  /** Last evaluation at or before this. */
  toMs: number;
  stepMs: number;
  timeZone: string;
}

export interface BacktestResult {
  alerts: BacktestAlert[];
  /** Evaluation instants replayed. */
  evaluations: number;
}

/** Greatest common divisor of positive integers (ms). */
function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The prefix-sum grid a replay of `rule` from `fromMs` to `toMs` every `stepMs` needs: every window
 * and bucket boundary it asks about falls on a cell edge.
 */
export function backtestGrid(rule: LoadedRule, fromMs: number, toMs: number, stepMs: number): CountGrid {
  const v = rule.config.volume;
  const cellMs = gcd(gcd(stepMs, v.window), v.bucket);
  const baselineMs = Math.floor(v.baseline / v.bucket) * v.bucket;
  const originMs = fromMs - v.window - baselineMs;
  return { originMs, cellMs, cells: Math.ceil((toMs - originMs) / cellMs) + 1 };
}

/** Replay `options.rule` (see the module comment). */
export function runBacktest(options: BacktestOptions): BacktestResult {
  const { rule, data, stepMs, timeZone } = options;
  const alerts = new Map<string, BacktestAlert>();
  /** The latest alert per series key. */
  const latest = new Map<string, AlertRecord>();
  let evaluations = 0;

  /** `signal`: this evaluation's window (the alert keeps its last graded one, which would mislabel a resolve). */
  const record = (alert: AlertRecord | undefined, events: ReadonlyArray<{ type: string; at: number; fromLevel?: CrisisLevel; toLevel?: CrisisLevel }>, condition: string | undefined, signal: WindowSignal | undefined): void => {
    if (!alert) return;
    latest.set(alert.key ?? alert.ruleId, alert);
    if (events.length === 0) {
      const known = alerts.get(alert.id);
      if (known) known.level = alert.level;
      return;
    }
    let a = alerts.get(alert.id);
    if (!a) {
      a = { id: alert.id, key: alert.key ?? alert.ruleId, kind: alert.kind ?? 'crisis', level: alert.level, peakLevel: alert.peakLevel, openedAt: alert.openedAt, events: [] };
      alerts.set(alert.id, a);
    }
    a.level = alert.level;
    a.peakLevel = alert.peakLevel;
    if (alert.resolvedAt !== undefined) a.resolvedAt = alert.resolvedAt;
    for (const e of events) {
      const s = signal ?? alert.signal;
      a.events.push({
        type: e.type,
        at: e.at,
        ...(e.fromLevel ? { fromLevel: e.fromLevel } : {}),
        ...(e.toLevel ? { toLevel: e.toLevel } : {}),
        ...(e.type !== 'resolved' && condition ? { condition } : {}),
        mentions: s.mentions,
        baseline: s.baseline,
        spikeRatio: s.spikeRatio,
        zScore: s.zScore,
      });
    }
  };

  for (let t = options.fromMs + stepMs; t <= options.toMs; t += stepMs) {
    evaluations++;
    const e = evaluateRule(data, rule, t, latest.get(rule.config.id), timeZone);
    record(e.result.alert, e.result.events, e.graded?.condition, e.signal);
    for (const h of evaluateHotspots(data, rule, t, timeZone, (key) => latest.get(key))) record(h.result.alert, h.result.events, h.result.alert?.reason, undefined);
  }
  return { alerts: [...alerts.values()].sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id)), evaluations };
}
