import { createHash } from 'node:crypto';
import type { MainConfig, RecipientConfig } from '../config/main-schema';
import type { OutboxInsert } from '../store/alerts-repo';
import { redactPersonalData, type RedactionKind } from '../text/redact-personal-data';
import { quietUntil } from './quiet-hours';
import { CHANNEL_KINDS, type AlertEvent, type AlertNotice, type AlertRecord, type ChannelKind } from './types';

/** Everything a notice carries besides the event itself. */
export interface NoticeContext {
  recipients: MainConfig['recipients'];
  timeZone: string;
  /** Top terms and sources of the window; default: the alert's `drivers` (escalations and reminders have no window of their own). */
  topTerms?: AlertNotice['topTerms'];
  topSources?: AlertNotice['topSources'];
  topics?: AlertNotice['topics'];
  /** Builds the acknowledge link for an alert, when the daemon's server is reachable. */
  ackUrl?: (alert: AlertRecord, recipient: string) => string | undefined;
  /**
   * Personal data to redact from the outside text a notice carries (evidence titles, a source's
   * last error), `privacy.redact`. Mentions are already redacted when stored; this also covers those
   * stored before redaction was turned on.
   */
  redact?: readonly RedactionKind[];
}

/** The alert as notices may show it: outside text with personal data redacted. */
function redactedForNotice(alert: AlertRecord, kinds: readonly RedactionKind[] | undefined): AlertRecord {
  if (!kinds || kinds.length === 0) return alert;
  const evidence = alert.evidence.map((e) => {
    const title = redactPersonalData(e.title, kinds);
    return title === e.title ? e : { ...e, title };
  });
  const source = alert.source?.lastError ? { ...alert.source, lastError: redactPersonalData(alert.source.lastError, kinds) } : alert.source;
  return { ...alert, evidence, ...(source ? { source } : {}) };
}

/**
 * Idempotency key of one delivery: the same event to the same target always gets the same key,
 * across retries, restarts and replays, so a receiver can drop duplicates.
 */
export function idempotencyKey(event: Pick<AlertEvent, 'alertId' | 'seq'>, recipient: string, channel: string, target: string): string {
  const h = createHash('sha256').update(`${recipient}\n${channel}\n${target}`).digest('hex').slice(0, 10);
  return `yq-${event.alertId}-${event.seq}-${h}`;
}

/** A recipient's targets per channel, in {@link CHANNEL_KINDS} order. */
export function recipientTargets(r: RecipientConfig): Array<[ChannelKind, string]> {
  const byChannel: Record<ChannelKind, readonly string[] | undefined> = {
    email: r.email,
    webhook: r.webhooks,
    slack: r.slack,
    teams: r.teams,
    discord: r.discord,
    line: r.line,
    alertmanager: r.alertmanager,
  };
  return CHANNEL_KINDS.flatMap((channel) => (byChannel[channel] ?? []).map((target) => [channel, target] as [ChannelKind, string]));
}

/**
 * Turn lifecycle events into deliveries: one per (event, recipient, channel, target). A recipient
 * with several addresses, webhooks or chats gets one delivery each; unknown recipients are caught
 * by `yuqing validate`, so none reach here. A recipient in quiet hours gets the notice of an L1/L2
 * alert when they end (`notBeforeMs`); L3 goes at once.
 */
export function fanOut(stored: AlertRecord, events: readonly AlertEvent[], ctx: NoticeContext): OutboxInsert[] {
  const out: OutboxInsert[] = [];
  const alert = redactedForNotice(stored, ctx.redact);
  for (const event of events) {
    for (const name of event.recipients) {
      const r = ctx.recipients[name];
      if (!r) continue;
      const notBeforeMs = quietUntil(event.at, r.quietHours, alert.level, ctx.timeZone);
      for (const [channel, target] of recipientTargets(r)) {
        const key = idempotencyKey(event, name, channel, target);
        const ackUrl = ctx.ackUrl?.(alert, name);
        const notice: AlertNotice = {
          idempotencyKey: key,
          event: event.type,
          eventAt: event.at,
          alert,
          recipient: { id: name, ...(r.name ? { name: r.name } : {}) },
          topTerms: ctx.topTerms ?? alert.drivers?.topTerms ?? [],
          topSources: ctx.topSources ?? alert.drivers?.topSources ?? [],
          timeZone: ctx.timeZone,
          ...(event.fromLevel ? { fromLevel: event.fromLevel } : {}),
          ...(event.detail && (event.type === 'reminder' || event.type === 'escalated' || (event.type === 'resolved' && event.detail.reason)) ? { eventDetail: event.detail } : {}),
          ...(ackUrl ? { ackUrl } : {}),
          ...(ctx.topics ? { topics: ctx.topics } : {}),
        };
        out.push({ idempotencyKey: key, channel, target, notice, ...(notBeforeMs !== undefined ? { notBeforeMs } : {}) });
      }
    }
  }
  return out;
}
