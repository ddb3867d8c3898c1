import type { CrisisLevel, RiskLevel, SentimentLabel } from '../../core/types';
import { alertKey, alertKind, type AlertEventType, type AlertKind, type AlertNotice, type AlertStatus } from '../types';
import { buildAlertFacts } from './alert-facts';
import { oneLine } from './format';
import { httpUrlOrUndefined } from './html-escape';

/** `type` of a webhook delivery: one per lifecycle event. */
export type WebhookEventName = `alert.${AlertEventType}`;

/**
 * The JSON body of an alert webhook (version 1), in the Standard Webhooks envelope
 * `{ type, timestamp, data }`. Receivers de-duplicate on `idempotencyKey`, which is also the
 * `webhook-id` header. Conventions: times are ISO 8601 strings in UTC; a value that does not apply
 * is `null` (keys are never left out, so receivers can rely on the shape); human-readable strings
 * are zh-TW. The whole body stays under about 20 KB: evidence is capped (see `evidenceTotal`).
 *
 * ```json
 * {
 *   "type": "alert.opened",
 *   "timestamp": "2025-11-21T06:05:00.000Z",
 *   "idempotencyKey": "alert-1:1:pr-lead:webhook",
 *   "data": {
 *     "summary": { "subject": "【輿情警示 L3・新警示】範例診所：醫療糾紛（須於 11/21 14:20 前回應）", "headline": "…", "action": "…" },
 *     "alert":   { "id": "alert-1", "ruleId": "example-clinic", "level": "L3", "status": "open", "respondBy": "…", … },
 *     "event":   { "type": "opened", "label": "新警示", "at": "…", "fromLevel": null, "toLevel": "L3" },
 *     "recipient": { "id": "pr-lead", "name": "王經理" },
 *     "evidence": [ { "mentionId": "m-001", "url": "https://…", "contentSha256": "…", "fetchedAt": "…", … } ],
 *     "evidenceTotal": 3,
 *     "links": { "ack": "https://…/ack/…", "mentions": ["https://…"] }
 *   }
 * }
 * ```
 */
export interface WebhookPayload {
  /** `alert.opened` | `alert.upgraded` | `alert.downgraded` | `alert.resolved` | `alert.acknowledged` | `alert.escalated` | `alert.reminder`. */
  type: WebhookEventName;
  /** When the event happened (not when this delivery was attempted; that is the `webhook-timestamp` header). */
  timestamp: string;
  /** Stable across retries and restarts; equal to the `webhook-id` header. */
  idempotencyKey: string;
  data: {
    /** Ready-made zh-TW text for chat bridges (Slack, Teams, LINE): the email's subject line and first sentences. */
    summary: { subject: string; headline: string; action: string };
    alert: WebhookAlert;
    event: { type: AlertEventType; label: string; at: string; fromLevel: CrisisLevel | null; toLevel: CrisisLevel };
    recipient: { id: string; name: string | null };
    /** The first evidence items, in the order the alert stores them; at most `evidenceTotal`. */
    evidence: WebhookEvidence[];
    /** How many evidence items the alert has in all (more than `evidence.length` when capped). */
    evidenceTotal: number;
    links: {
      /** Acknowledge link while the alert awaits acknowledgement, else null. */
      ack: string | null;
      /** http(s) URLs of the listed evidence, in the same order. */
      mentions: string[];
    };
  };
}

/** The alert as a receiver needs it. */
export interface WebhookAlert {
  id: string;
  /** `crisis`, `hotspot` (weekly review) or `source` (a source failing or silent). */
  kind: AlertKind;
  /** The series: the rule id, `hotspot:<rule>:<topic>` or `source:<connector>`. */
  key: string;
  /** A hot-spot's topic and counts, else null. */
  hotspot: { topic: string; weekStart: string; count: number; moreThan: number } | null;
  /** A source alert's connector and problem, else null. */
  source: { connector: string; problem: 'failing' | 'blocked' | 'silent'; since: string; consecutiveFailures: number; lastErrorCode: string | null } | null;
  /** When it was escalated (nobody acknowledged in time), else null. */
  escalatedAt: string | null;
  ruleId: string;
  ruleName: string;
  /** First 12 hex of the sha256 of the rule file that graded it. */
  ruleVersion: string;
  level: CrisisLevel;
  peakLevel: CrisisLevel;
  status: AlertStatus;
  openedAt: string;
  updatedAt: string;
  /** SLA deadlines of the current level. */
  respondBy: string;
  resolveBy: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  /** The level condition that held: as written in the rule file, and in words. */
  reason: { condition: string; words: string };
  /** The evaluation window: counts in the window vs the baseline. */
  window: {
    start: string;
    end: string;
    mentions: number;
    /** Expected mentions per window from the baseline period. */
    baseline: number;
    /** mentions / baseline (0 while warming up). */
    spikeRatio: number;
    /** Standard deviations above the baseline (0 while warming up or below minCount). */
    zScore: number;
    /** Latest bucket minus the one before it (0 below minCount). */
    velocity: number;
    pValue: number;
    /** False while the baseline is still being built. */
    warm: boolean;
    negative: number;
    /** In [0, 1]. */
    negativeShare: number;
    risk: RiskLevel;
    highRisk: number;
    mediumRisk: number;
  };
  /** Topics hit in the window, riskiest first. `risk` is `none` when the rule file did not say. */
  topics: Array<{ id: string; name: string; risk: RiskLevel; count: number }>;
  topTerms: Array<{ term: string; count: number }>;
  /** Words of the titles that rose most against the baseline; null when not looked for (hot-spot and source alerts, or turned off). */
  risingTerms: Array<{ term: string; count: number; expected: number }> | null;
  topSources: Array<{ site: string; count: number }>;
}

/** One evidence item as sent: the stored item with title and site shortened. */
export interface WebhookEvidence {
  mentionId: string;
  url: string;
  title: string;
  site: string;
  connector: string;
  publishedAt: string;
  fetchedAt: string;
  contentSha256: string;
  sentiment: SentimentLabel;
  topics: string[];
}

/** Size the body is kept under (bytes of the JSON text). */
export const WEBHOOK_PAYLOAD_MAX_BYTES = 20_000;
/** Evidence items sent at most, before the size check. */
export const WEBHOOK_MAX_EVIDENCE = 25;

/**
 * Build the webhook body for one notice (see {@link WebhookPayload}). Pure. Evidence is capped at
 * {@link WEBHOOK_MAX_EVIDENCE} items and then trimmed further until the JSON fits in
 * {@link WEBHOOK_PAYLOAD_MAX_BYTES}; long titles are shortened. The full evidence stays in the store.
 */
export function renderWebhookPayload(notice: AlertNotice): WebhookPayload {
  const { alert } = notice;
  const facts = buildAlertFacts(notice, { maxEvidence: 0, maxSamples: 0 });
  const iso = (ms: number): string => new Date(ms).toISOString();
  const opt = (ms: number | undefined): string | null => (ms === undefined ? null : iso(ms));

  const evidence: WebhookEvidence[] = alert.evidence.slice(0, WEBHOOK_MAX_EVIDENCE).map((e) => ({
    mentionId: e.mentionId,
    url: e.url,
    title: oneLine(e.title, 200),
    site: oneLine(e.site, 100),
    connector: e.connector,
    publishedAt: e.publishedAt,
    fetchedAt: e.fetchedAt,
    contentSha256: e.contentSha256,
    sentiment: e.sentiment,
    topics: e.topics,
  }));

  const payload: WebhookPayload = {
    type: `alert.${notice.event}`,
    timestamp: iso(notice.eventAt),
    idempotencyKey: notice.idempotencyKey,
    data: {
      summary: { subject: facts.subject, headline: facts.headline, action: facts.event.action },
      alert: {
        id: alert.id,
        kind: alertKind(alert),
        key: alertKey(alert),
        hotspot: alert.hotspot ? { topic: alert.hotspot.topic, weekStart: iso(alert.hotspot.weekStartMs), count: alert.hotspot.count, moreThan: alert.hotspot.moreThan } : null,
        source: alert.source
          ? { connector: alert.source.connector, problem: alert.source.problem, since: iso(alert.source.sinceMs), consecutiveFailures: alert.source.consecutiveFailures, lastErrorCode: alert.source.lastErrorCode }
          : null,
        escalatedAt: opt(alert.escalatedAt),
        ruleId: alert.ruleId,
        ruleName: alert.ruleName,
        ruleVersion: alert.ruleVersion,
        level: alert.level,
        peakLevel: alert.peakLevel,
        status: alert.status,
        openedAt: iso(alert.openedAt),
        updatedAt: iso(alert.updatedAt),
        respondBy: iso(alert.respondBy),
        resolveBy: iso(alert.resolveBy),
        acknowledgedAt: opt(alert.acknowledgedAt),
        acknowledgedBy: alert.acknowledgedBy ?? null,
        resolvedAt: opt(alert.resolvedAt),
        reason: { condition: facts.reason.written, words: facts.reason.words },
        window: {
          start: iso(alert.signal.windowStart),
          end: iso(alert.signal.windowEnd),
          mentions: alert.signal.mentions,
          baseline: alert.signal.baseline,
          spikeRatio: alert.signal.spikeRatio,
          // Absent in alerts recorded before these existed.
          zScore: alert.signal.zScore ?? 0,
          velocity: alert.signal.velocity ?? 0,
          pValue: alert.signal.pValue,
          warm: alert.signal.warm,
          negative: alert.signal.negative,
          negativeShare: alert.signal.negativeShare,
          risk: alert.signal.risk,
          highRisk: alert.signal.highRisk,
          mediumRisk: alert.signal.mediumRisk,
        },
        topics: facts.riskTopics.map((t) => ({ id: t.id, name: t.name, risk: t.risk, count: t.count })),
        topTerms: facts.topTerms,
        risingTerms: alert.drivers?.risingTerms?.map((t) => ({ term: t.term.slice(0, 40), count: t.count, expected: t.expected })) ?? null,
        topSources: facts.topSources,
      },
      event: { type: notice.event, label: facts.event.label, at: iso(notice.eventAt), fromLevel: notice.fromLevel ?? null, toLevel: alert.level },
      recipient: { id: notice.recipient.id, name: notice.recipient.name ?? null },
      evidence,
      evidenceTotal: alert.evidence.length,
      links: { ack: facts.ackUrl ?? null, mentions: [] },
    },
  };

  // Trim evidence from the end until the body fits; the rest of the payload is small and bounded.
  const fit = (): void => {
    payload.data.links.mentions = payload.data.evidence.map((e) => httpUrlOrUndefined(e.url)).filter((u): u is string => u !== undefined);
  };
  fit();
  while (payload.data.evidence.length > 0 && Buffer.byteLength(JSON.stringify(payload), 'utf8') > WEBHOOK_PAYLOAD_MAX_BYTES) {
    payload.data.evidence.pop();
    fit();
  }
  return payload;
}
