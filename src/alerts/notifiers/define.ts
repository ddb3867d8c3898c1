import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { MainConfig } from '../../config/main-schema';
import type { HttpClient } from '../../http/types';
import type { AlertNotice, ChannelKind } from '../types';

/** What a delivery came to when it succeeded: a short note for the outbox (server reply, status). */
export interface DeliveryReceipt {
  detail?: string;
}

/**
 * A delivery channel. `send` delivers one notice to one target and resolves when the far side has
 * accepted it; it rejects with a DeliveryError whose `retryable` tells the outbox whether trying
 * again can help (and `retryAfterMs` when the far side said when). Sends are idempotent per notice:
 * the idempotency key travels with every attempt so the far side can drop duplicates.
 */
export interface Notifier {
  channel: ChannelKind;
  /**
   * @param target an email address for `email`; a webhook name from `channels.webhooks` for `webhook`.
   * @throws DeliveryError
   */
  send(notice: AlertNotice, target: string): Promise<DeliveryReceipt>;
  /** Release connections (daemon shutdown). */
  close?(): Promise<void>;
}

/** Everything a notifier may use; only the composition root builds it. */
export interface NotifierContext {
  config: MainConfig;
  /** Where `*Env` secrets are read from (`process.env` in production). Values are never logged. */
  env: Record<string, string | undefined>;
  http: HttpClient;
  clock: Clock;
  log: Logger;
  /** The main config file, named in configuration errors (default `yuqing.yaml`). */
  configFile?: string;
}

/** One channel kind: one typed declaration per file (src/alerts/notifiers/<channel>.ts). */
export interface NotifierKind {
  channel: ChannelKind;
  /** One line for `yuqing` help and the README. */
  description: string;
  /**
   * Build the notifier from the config, or `undefined` when the config does not set this channel up.
   * @throws ConfigError when the channel is set up but unusable (a secret's environment variable is missing…).
   */
  create(ctx: NotifierContext): Notifier | undefined;
}

/** Declare a notifier kind (identity at run time; it gives the declaration its type). */
export function defineNotifier(def: NotifierKind): NotifierKind {
  return def;
}
