import type { AlertRecord } from '../alerts/types';
import type { SourceHealth } from '../store/sources-repo';

/**
 * What the status page shows, read from the state store at one instant. Kept apart from the
 * markup so the page renders from plain data (and tests can hand it any).
 */

/** Mentions of one rule per local calendar day, oldest first. */
export interface RuleVolume {
  ruleId: string;
  ruleName: string;
  days: Array<{ startMs: number; count: number }>;
}

export interface StatusSnapshot {
  nowMs: number;
  timeZone: string;
  /** Alerts not resolved yet, most urgent first (open before acknowledged, then the earliest deadline). */
  alerts: AlertRecord[];
  volumes: RuleVolume[];
  sources: SourceHealth[];
}

/** The store reads the snapshot needs (the state store's repos satisfy it). */
export interface StatusSources {
  alerts: { list(options: { statuses: Array<'open' | 'acknowledged'>; limit: number }): AlertRecord[] };
  mentions: { bucketCounts(ruleId: string, fromMs: number, toMs: number, bucketMs: number): number[] };
  sources: { list(): SourceHealth[] };
}

const DAY_MS = 86_400_000;

/** Milliseconds the zone is ahead of UTC at `ms` (Asia/Taipei: +8 h). */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** Local midnight (in `timeZone`) of the day `ms` falls on, as epoch ms. */
export function localDayStartMs(ms: number, timeZone: string): number {
  const offset = zoneOffsetMs(ms, timeZone);
  return Math.floor((ms + offset) / DAY_MS) * DAY_MS - offset;
}

/** Sort key: open first, then the nearest deadline that still matters (respond while open, resolve after). */
function urgency(a: AlertRecord): [number, number] {
  return a.status === 'open' ? [0, a.respondBy] : [1, a.resolveBy];
}

/**
 * Read the snapshot: unresolved alerts, per-rule daily volume over the last `days` local days
 * (today included, so today's bar grows through the day), and every source's health.
 */
export function collectStatus(store: StatusSources, rules: ReadonlyArray<{ id: string; name: string }>, nowMs: number, timeZone: string, days: number): StatusSnapshot {
  const alerts = store.alerts.list({ statuses: ['open', 'acknowledged'], limit: 200 }).sort((a, b) => {
    const [ga, ta] = urgency(a);
    const [gb, tb] = urgency(b);
    return ga - gb || ta - tb;
  });
  const today = localDayStartMs(nowMs, timeZone);
  const fromMs = today - (days - 1) * DAY_MS;
  const volumes = rules.map((r) => {
    const counts = store.mentions.bucketCounts(r.id, fromMs, today + DAY_MS, DAY_MS);
    return { ruleId: r.id, ruleName: r.name, days: counts.map((count, i) => ({ startMs: fromMs + i * DAY_MS, count })) };
  });
  return { nowMs, timeZone, alerts, volumes, sources: store.sources.list() };
}
