import { YuqingError } from '../../core/errors';
import type { ChannelKind } from '../types';
import type { Notifier, NotifierContext, NotifierKind } from './define';
import { alertmanagerNotifierKind } from './alertmanager';
import { discordNotifierKind } from './discord';
import { emailNotifierKind } from './email';
import { lineNotifierKind } from './line';
import { slackNotifierKind } from './slack';
import { teamsNotifierKind } from './teams';
import { webhookNotifierKind } from './webhook';

/** Every channel kind the daemon knows, one file each. */
export const BUILTIN_NOTIFIER_KINDS: readonly NotifierKind[] = [emailNotifierKind, webhookNotifierKind, slackNotifierKind, teamsNotifierKind, discordNotifierKind, lineNotifierKind, alertmanagerNotifierKind];

/** The notifiers of the configured channels, by channel. */
export type NotifierRegistry = ReadonlyMap<ChannelKind, Notifier>;

/**
 * Build one notifier per configured channel. Kinds whose channel is not set up in the config are
 * left out (deliveries on that channel then wait in the outbox, logged, until it is).
 *
 * @throws YuqingError (E_CONFIG_REF) when two kinds claim the same channel or a kind has no channel
 *   name: a programming mistake, caught at start-up rather than at the first alert.
 * @throws ConfigError from a kind whose configuration is unusable (a missing environment variable…).
 */
export function createNotifierRegistry(ctx: NotifierContext, kinds: readonly NotifierKind[] = BUILTIN_NOTIFIER_KINDS): NotifierRegistry {
  const seen = new Set<string>();
  for (const kind of kinds) {
    if (!kind.channel) throw new YuqingError('E_CONFIG_REF', '通知管道缺少名稱 (notifier kind without a channel name)', { context: { description: kind.description } });
    if (seen.has(kind.channel)) {
      throw new YuqingError('E_CONFIG_REF', `通知管道「${kind.channel}」重複註冊 (duplicate notifier channel)`, { context: { channel: kind.channel } });
    }
    seen.add(kind.channel);
  }
  const registry = new Map<ChannelKind, Notifier>();
  for (const kind of kinds) {
    const notifier = kind.create(ctx);
    if (notifier) registry.set(kind.channel, notifier);
  }
  return registry;
}
