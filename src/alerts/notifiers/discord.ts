import { buildAlertFacts } from '../render/alert-facts';
import { renderDiscordMessage } from '../render/discord-message';
import { defineNotifier } from './define';
import { endpointNotifierFromConfig, type EndpointChannel } from './endpoint-notifier';

/**
 * Discord webhooks (`channels.discord.<name>`). Sent with `?wait=true` so Discord answers only once
 * the message exists (200 with the message, rather than 204 before it is stored). A 429 carries
 * Retry-After, which the outbox honours.
 */
export const discordChannel: EndpointChannel = {
  channel: 'discord',
  label: 'Discord',
  render: (notice, _target, nowMs) => ({ body: renderDiscordMessage(buildAlertFacts(notice, { nowMs }), new Date(notice.eventAt).toISOString()) }),
  url(url) {
    const u = new URL(url);
    u.searchParams.set('wait', 'true');
    return u.href;
  },
};

export const discordNotifierKind = defineNotifier({
  channel: 'discord',
  description: 'Discord webhook（embed 摘要，不會 @ 任何人）(Discord)',
  create: (ctx) => endpointNotifierFromConfig(discordChannel, 'discord', ctx),
});
