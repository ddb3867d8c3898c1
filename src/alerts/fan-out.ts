import { createHash } from 'node:crypto';
import type { MainConfig, RecipientConfig } from '../config/main-schema';
import type { OutboxInsert } from '../store/alerts-repo';
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
export function fanOut(alert: AlertRecord, events: readonly AlertEvent[], ctx: NoticeContext): OutboxInsert[] {
  const out: OutboxInsert[] = [];
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
          ...(event.detail && (event.type === 'reminder' || event.type === 'escalated') ? { eventDetail: event.detail } : {}),
          ...(ackUrl ? { ackUrl } : {}),
          ...(ctx.topics ? { topics: ctx.topics } : {}),
        };
        out.push({ idempotencyKey: key, channel, target, notice, ...(notBeforeMs !== undefined ? { notBeforeMs } : {}) });
      }
    }
  }
  return out;
}
