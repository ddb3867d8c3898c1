import type { AlertEvent, AlertNotice, AlertRecord } from '../../alerts/types';
import { LEVEL_ORDER, type CrisisLevel } from '../../core/types';

/**
 * Documents of the `yuqing-alerts` index (mapping: `mappings/alerts-template.json`, strict). Three
 * kinds share it so one Kibana data view charts the crisis timeline: `alert` (latest state),
 * `event` (each lifecycle change) and `delivery` (final outcome of each notification). Times are ISO.
 */
export type AlertIndexDocument = Record<string, unknown> & { kind: 'alert' | 'event' | 'delivery'; alertId: string; at: string };

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Drop undefined values: the index should not get `null` for "not applicable". */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function signalDoc(alert: AlertRecord): Record<string, unknown> {
  const s = alert.signal;
  return {
    windowStart: iso(s.windowStart),
    windowEnd: iso(s.windowEnd),
    mentions: s.mentions,
    baseline: s.baseline,
    spikeRatio: s.spikeRatio,
    pValue: s.pValue,
    warm: s.warm,
    negative: s.negative,
    negativeShare: s.negativeShare,
    risk: s.risk,
    highRisk: s.highRisk,
    mediumRisk: s.mediumRisk,
    topics: s.topics,
  };
}

/** The words that rose in the alert's window, best first (absent when none were looked for). */
function risingTermsDoc(alert: AlertRecord): string[] | undefined {
  return alert.drivers?.risingTerms?.map((t) => t.term);
}

function evidenceDoc(alert: AlertRecord): Array<Record<string, unknown>> {
  return alert.evidence.map((e) => ({
    mentionId: e.mentionId,
    url: e.url,
    title: e.title,
    site: e.site,
    connector: e.connector,
    publishedAt: e.publishedAt,
    fetchedAt: e.fetchedAt,
    contentSha256: e.contentSha256,
    sentiment: e.sentiment,
    topics: e.topics,
  }));
}

/** The alert's latest state; `_id` = alert id, written with `updatedAt` as external version. */
export function alertStateDocument(alert: AlertRecord): AlertIndexDocument {
  return compact({
    kind: 'alert' as const,
    alertId: alert.id,
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    ruleVersion: alert.ruleVersion,
    at: iso(alert.updatedAt)!,
    level: alert.level,
    levelRank: LEVEL_ORDER[alert.level],
    peakLevel: alert.peakLevel,
    status: alert.status,
    openedAt: iso(alert.openedAt),
    updatedAt: iso(alert.updatedAt),
    respondBy: iso(alert.respondBy),
    resolveBy: iso(alert.resolveBy),
    acknowledgedAt: iso(alert.acknowledgedAt),
    acknowledgedBy: alert.acknowledgedBy,
    ackNote: alert.ackNote,
    resolvedAt: iso(alert.resolvedAt),
    reason: alert.reason,
    recipients: alert.notified,
    signal: signalDoc(alert),
    risingTerms: risingTermsDoc(alert),
    evidence: evidenceDoc(alert),
  });
}

/**
 * One lifecycle change; `_id` = `alertId:seq` (written once). `levelAtEvent` is the alert's level
 * right after the event (the caller derives it from the event history), so the timeline is exact
 * even when the alert has moved on since. Evidence and signal are the alert's at export time, which
 * the feed keeps within a second of the change.
 */
export function alertEventDocument(alert: AlertRecord, event: AlertEvent, levelAtEvent: CrisisLevel): AlertIndexDocument {
  const detail = event.detail ?? {};
  return compact({
    kind: 'event' as const,
    alertId: alert.id,
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    ruleVersion: alert.ruleVersion,
    at: iso(event.at)!,
    type: event.type,
    seq: event.seq,
    level: levelAtEvent,
    levelRank: LEVEL_ORDER[levelAtEvent],
    fromLevel: event.fromLevel,
    toLevel: event.toLevel,
    openedAt: iso(alert.openedAt),
    acknowledgedBy: event.type === 'acknowledged' && typeof detail.by === 'string' ? detail.by : undefined,
    ackNote: event.type === 'acknowledged' && typeof detail.note === 'string' ? detail.note : undefined,
    recipients: event.recipients,
    detail,
    signal: signalDoc(alert),
    risingTerms: risingTermsDoc(alert),
    evidence: evidenceDoc(alert),
  });
}

/** A finished delivery as the outbox records it. */
export interface DeliveryRecord {
  idempotencyKey: string;
  alertId: string;
  channel: string;
  status: 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  /** When it was sent, or given up (epoch ms). */
  atMs: number;
  notice: AlertNotice;
}

/** The final outcome of one notification; `_id` = `delivery:<idempotency key>`. No address is indexed, only the recipient id. */
export function deliveryDocument(d: DeliveryRecord): AlertIndexDocument {
  const alert = d.notice.alert;
  return compact({
    kind: 'delivery' as const,
    alertId: d.alertId,
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    at: iso(d.atMs)!,
    type: `delivery-${d.status}`,
    level: alert.level,
    levelRank: LEVEL_ORDER[alert.level],
    delivery: compact({
      idempotencyKey: d.idempotencyKey,
      event: d.notice.event,
      channel: d.channel,
      recipient: d.notice.recipient.id,
      outcome: d.status,
      attempts: d.attempts,
      error: d.lastError ?? undefined,
    }),
  });
}
