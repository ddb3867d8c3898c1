import { DeliveryError } from '../../core/errors';
import { buildAlertFacts } from '../render/alert-facts';
import { renderSlackMessage } from '../render/slack-message';
import { defineNotifier } from './define';
import { endpointNotifierFromConfig, type EndpointChannel } from './endpoint-notifier';

/**
 * Slack incoming webhooks (`channels.slack.<name>`, URL usually from `urlEnv`: the URL is the
 * secret). Slack answers `200 ok`; a 2xx with anything else is treated as a rejection.
 */
export const slackChannel: EndpointChannel = {
  channel: 'slack',
  label: 'Slack',
  render: (notice, _target, nowMs) => ({ body: renderSlackMessage(buildAlertFacts(notice, { nowMs })) }),
  accept(status, text, context) {
    const reply = text.trim();
    if (reply !== '' && reply !== 'ok') throw new DeliveryError(`Slack 沒有接受這則訊息：${reply.slice(0, 100)}，不再重試 (rejected)`, { retryable: false, context: { ...context, status, reply: reply.slice(0, 100) } });
  },
};

export const slackNotifierKind = defineNotifier({
  channel: 'slack',
  description: 'Slack incoming webhook（Block Kit 摘要與確認按鈕）(Slack)',
  create: (ctx) => endpointNotifierFromConfig(slackChannel, 'slack', ctx),
});
