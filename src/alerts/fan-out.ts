import { createHash } from 'node:crypto';
import type { MainConfig } from '../config/main-schema';
import type { OutboxInsert } from '../store/alerts-repo';
import type { AlertEvent, AlertNotice, AlertRecord } from './types';

/** Everything a notice carries besides the event itself. */
export interface NoticeContext {
  recipients: MainConfig['recipients'];
  timeZone: string;
  topTerms: AlertNotice['topTerms'];
  topSources: AlertNotice['topSources'];
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

/**
 * Turn lifecycle events into deliveries: one per (event, recipient, channel, target). A recipient
 * with several addresses or webhooks gets one delivery each; unknown recipients are caught by
 * `yuqing validate`, so none reach here.
 */
export function fanOut(alert: AlertRecord, events: readonly AlertEvent[], ctx: NoticeContext): OutboxInsert[] {
  const out: OutboxInsert[] = [];
  for (const event of events) {
    for (const name of event.recipients) {
      const r = ctx.recipients[name];
      if (!r) continue;
      const targets = [...r.email.map((t) => ['email', t] as const), ...r.webhooks.map((t) => ['webhook', t] as const)];
      for (const [channel, target] of targets) {
        const key = idempotencyKey(event, name, channel, target);
        const ackUrl = ctx.ackUrl?.(alert, name);
        const notice: AlertNotice = {
          idempotencyKey: key,
          event: event.type,
          eventAt: event.at,
          alert,
          recipient: { id: name, ...(r.name ? { name: r.name } : {}) },
          topTerms: ctx.topTerms,
          topSources: ctx.topSources,
          timeZone: ctx.timeZone,
          ...(event.fromLevel ? { fromLevel: event.fromLevel } : {}),
          ...(ackUrl ? { ackUrl } : {}),
          ...(ctx.topics ? { topics: ctx.topics } : {}),
        };
        out.push({ idempotencyKey: key, channel, target, notice });
      }
    }
  }
  return out;
}
