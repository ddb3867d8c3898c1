import type { Clock } from '../core/clock';
import { DeliveryError, errorCode, errorMessage, YuqingError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Notifier } from './notifiers/define';
import { CHANNEL_KINDS, type AlertNotice, type ChannelKind } from './types';

/** One queued delivery: one event of one alert, to one target on one channel. Times are epoch ms. */
export interface OutboxItem {
  id: number;
  /** Unique per delivery; travels with every attempt (Message-ID, `webhook-id`). */
  idempotencyKey: string;
  channel: ChannelKind;
  /** An email address, or a webhook name. */
  target: string;
  notice: AlertNotice;
  /** Attempts made so far (0 for a new item). */
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
}

/**
 * The persistent delivery queue the loop works on (the SQLite state store implements it; tests use
 * an in-memory one). All methods are synchronous (better-sqlite3).
 *
 * Contract:
 * - `claimDue` returns pending items with `nextAttemptAt <= nowMs`, oldest due first, at most `limit`,
 *   only of `channels` when given. An item stays pending until `markSent` or `markFailed`, so a
 *   crash mid-send makes it due again after a restart (at-least-once; receivers de-duplicate on the
 *   idempotency key).
 * - `markSent`: delivered; never returned again.
 * - `markRetry`: stays pending; due again at `nextAttemptAt`; `attempts` is the new total; `error` the
 *   last failure, for people.
 * - `markFailed`: given up (not retryable); never returned again; `error` says why.
 */
export interface OutboxStore {
  claimDue(nowMs: number, limit: number, channels?: readonly ChannelKind[]): OutboxItem[];
  markSent(id: number, atMs: number, detail?: string): void;
  markRetry(id: number, retry: { nextAttemptAt: number; error: string; attempts: number }): void;
  markFailed(id: number, failure: { error: string; atMs: number }): void;
}

/** Backoff of retryable failures (the main config's `delivery` block fits). */
export interface RetryPolicy {
  /** Delay after the first failed attempt; doubles per attempt. */
  initialBackoffMs: number;
  /** Ceiling of the exponential delay (a server's Retry-After may ask for longer and is honoured). */
  maxBackoffMs: number;
}

/** Dependencies and knobs of one {@link deliverDue} run. */
export interface DeliverDueOptions {
  store: OutboxStore;
  notifiers: ReadonlyMap<ChannelKind, Notifier>;
  clock: Clock;
  log: Logger;
  policy: RetryPolicy;
  /** Items claimed per run (default 100). */
  limit?: number;
  /** Jitter source in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
}

/** What became of one item in a run: `deferred` = not tried, waiting behind an earlier failure to the same target. */
export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'deferred';

/** What one run did, in counts and per item (for logs, metrics and `yuqing` commands). */
export interface DeliverySummary {
  claimed: number;
  sent: number;
  /** Failed retryably, or waiting behind such a failure: still pending. */
  retried: number;
  /** Given up: not retryable. */
  failed: number;
  /** True when another run on the same store was still going and this one did nothing. */
  skipped: boolean;
  /** Channels left alone because an earlier run is still delivering on them (their items wait for it). */
  busy: ChannelKind[];
  items: Array<{ id: number; idempotencyKey: string; channel: ChannelKind; target: string; outcome: DeliveryOutcome; error?: string; nextAttemptAt?: number }>;
}

/** A Retry-After longer than this is treated as this (a receiver cannot park an alert for days). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Channels being delivered on, by store: two runs on one channel would claim the same items and
 * send them twice. Kept per channel, so a channel that hangs holds back only itself.
 */
const busyChannels = new WeakMap<OutboxStore, Set<ChannelKind>>();

/**
 * Deliver what is due. Channels run side by side and never wait for each other (a slow SMTP server
 * does not hold back webhooks); within a channel items go one by one in due order. A channel on
 * which an earlier run is still going (a receiver that has not answered yet) is left to that run:
 * this run claims and delivers the other channels' items, so one stalled channel never delays the
 * rest, and no item is ever being sent by two runs at once. Every item is isolated: a failure of
 * one never stops the others, and every outcome is written to the store and logged.
 *
 * - success → `markSent`.
 * - retryable failure → `markRetry` at now + backoff: `initialBackoffMs · 2^(attempts-1)` capped at
 *   `maxBackoffMs`, with ±20% jitter (so many stuck items do not retry in lockstep), and never earlier
 *   than the server's Retry-After. Retried indefinitely: an outage delays an alert, never drops it.
 *   Later items for the same channel and target in this run are deferred to the same time instead of
 *   being tried (keeps their order and does not hammer a receiver that is down).
 * - not retryable → `markFailed` with the reason, logged at error level.
 * - no notifier for the channel (not configured) → retried with the maximum backoff, logged at error level.
 *
 * A run in which every channel is still busy with an earlier run returns at once with `skipped: true`.
 * @throws whatever `store.claimDue` throws (nothing has been sent then). Failures of `mark*` after a
 *   send are logged at error level and do not stop the run; the item stays pending and is sent again.
 */
export async function deliverDue(options: DeliverDueOptions): Promise<DeliverySummary> {
  const { store, clock } = options;
  const log = options.log.child({ component: 'outbox' });
  const busy = busyChannels.get(store) ?? new Set<ChannelKind>();
  busyChannels.set(store, busy);
  const summary: DeliverySummary = { claimed: 0, sent: 0, retried: 0, failed: 0, skipped: false, busy: [...busy], items: [] };
  const free = CHANNEL_KINDS.filter((c) => !busy.has(c));
  if (free.length === 0) {
    log.warn('上一輪投遞尚未結束，略過本輪 (previous delivery run still going)');
    return { ...summary, skipped: true };
  }
  // Claimed and marked busy in one synchronous step: no other run can take the same channels in between.
  const due = store.claimDue(clock.now(), options.limit ?? 100, busy.size > 0 ? free : undefined).filter((item) => !busy.has(item.channel));
  summary.claimed = due.length;
  const byChannel = new Map<ChannelKind, OutboxItem[]>();
  for (const item of due) byChannel.set(item.channel, [...(byChannel.get(item.channel) ?? []), item]);
  if (due.length === 0 && busy.size > 0) {
    log.debug({ busy: [...busy] }, '其他通道仍在投遞中，本輪沒有可投遞的項目 (busy channels; nothing else due)');
    return { ...summary, skipped: true };
  }
  for (const channel of byChannel.keys()) busy.add(channel);
  await Promise.all(
    [...byChannel.entries()].map(async ([channel, items]) => {
      try {
        await deliverChannel(channel, items, options, log, summary);
      } finally {
        busy.delete(channel);
      }
    }),
  );
  for (const i of summary.items) {
    if (i.outcome === 'sent') summary.sent++;
    else if (i.outcome === 'failed') summary.failed++;
    else summary.retried++;
  }
  if (due.length > 0) log.info({ claimed: summary.claimed, sent: summary.sent, retried: summary.retried, failed: summary.failed, busy: summary.busy }, '投遞完成 (delivery run done)');
  return summary;
}

async function deliverChannel(channel: ChannelKind, items: OutboxItem[], options: DeliverDueOptions, log: Logger, summary: DeliverySummary): Promise<void> {
  const notifier = options.notifiers.get(channel);
  /** target → when it may be tried again, after a retryable failure in this run. */
  const blocked = new Map<string, { nextAttemptAt: number; error: string }>();

  for (const item of items) {
    const ids = { outboxId: item.id, idempotencyKey: item.idempotencyKey, channel, target: item.target, alertId: item.notice.alert.id };
    const record = (outcome: DeliveryOutcome, extra: { error?: string; nextAttemptAt?: number } = {}): void => {
      summary.items.push({ id: item.id, idempotencyKey: item.idempotencyKey, channel, target: item.target, outcome, ...extra });
    };

    const earlier = blocked.get(item.target);
    if (earlier) {
      const error = `等待同一目標的前一筆重試 (deferred behind an earlier failure): ${earlier.error}`;
      if (safeMark(log, ids, () => options.store.markRetry(item.id, { nextAttemptAt: earlier.nextAttemptAt, error, attempts: item.attempts }))) {
        record('deferred', { error, nextAttemptAt: earlier.nextAttemptAt });
      }
      continue;
    }

    if (!notifier) {
      const nextAttemptAt = options.clock.now() + options.policy.maxBackoffMs;
      const error = `通知管道「${channel}」未設定，待設定後重試 (channel not configured)`;
      log.error({ ...ids, nextAttemptAt }, error);
      // Not an attempt: nothing was sent, so the attempt count stays.
      if (safeMark(log, ids, () => options.store.markRetry(item.id, { nextAttemptAt, error, attempts: item.attempts }))) record('retry', { error, nextAttemptAt });
      continue;
    }

    const attempts = item.attempts + 1;
    try {
      // The row's key is the authoritative one: it is what makes the row unique in the store.
      const receipt = await notifier.send({ ...item.notice, idempotencyKey: item.idempotencyKey }, item.target);
      const at = options.clock.now();
      if (safeMark(log, ids, () => options.store.markSent(item.id, at, receipt.detail))) {
        log.info({ ...ids, attempts, detail: receipt.detail }, '警示已送達 (delivered)');
        record('sent');
      }
    } catch (err) {
      const now = options.clock.now();
      const error = describeError(err);
      const retryable = !(err instanceof DeliveryError) || err.retryable;
      if (retryable) {
        const retryAfterMs = err instanceof DeliveryError ? err.retryAfterMs : undefined;
        const nextAttemptAt = now + retryDelayMs(attempts, options.policy, retryAfterMs, options.random ?? Math.random);
        // Anything that is not a DeliveryError is a bug in a notifier: loud, but the alert is kept.
        const level = err instanceof DeliveryError ? 'warn' : 'error';
        log[level]({ ...ids, attempts, nextAttemptAt, retryAfterMs, code: errorCode(err), err: toLog(err) }, '投遞失敗，稍後重試 (delivery failed, will retry)');
        if (safeMark(log, ids, () => options.store.markRetry(item.id, { nextAttemptAt, error, attempts }))) record('retry', { error, nextAttemptAt });
        blocked.set(item.target, { nextAttemptAt, error });
      } else {
        log.error({ ...ids, attempts, code: errorCode(err), err: toLog(err) }, '投遞失敗且無法重試，已標記失敗 (delivery failed permanently)');
        if (safeMark(log, ids, () => options.store.markFailed(item.id, { error, atMs: now }))) record('failed', { error });
      }
    }
  }
}

/**
 * Delay before attempt `attempts + 1`, in ms: exponential from `initialBackoffMs`, capped at
 * `maxBackoffMs`, jittered ±20% (still capped), then raised to the server's Retry-After (itself
 * capped at {@link MAX_RETRY_AFTER_MS}).
 * @param attempts attempts made so far, including the one that just failed (≥ 1).
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number): number {
  const exp = policy.initialBackoffMs * 2 ** Math.max(0, Math.min(attempts - 1, 40));
  const base = Math.min(policy.maxBackoffMs, exp);
  const jittered = Math.min(policy.maxBackoffMs, Math.round(base * (0.8 + 0.4 * random())));
  const serverAsked = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
  return Math.max(jittered, serverAsked);
}

/** Run a store write; on failure log it (the item stays pending and is retried) and say so. */
function safeMark(log: Logger, ids: Record<string, unknown>, write: () => void): boolean {
  try {
    write();
    return true;
  } catch (err) {
    log.error({ ...ids, code: errorCode(err), err: toLog(err) }, '無法寫入投遞結果，此筆將於下次重送 (could not record delivery outcome)');
    return false;
  }
}

function describeError(err: unknown): string {
  return `${errorCode(err)}: ${errorMessage(err)}`;
}

function toLog(err: unknown): unknown {
  return err instanceof YuqingError ? err.toJSON() : { message: errorMessage(err) };
}
