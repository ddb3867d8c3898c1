import { buildAlertFacts } from '../render/alert-facts';
import { renderTeamsMessage } from '../render/teams-card';
import { defineNotifier } from './define';
import { endpointNotifierFromConfig, type EndpointChannel } from './endpoint-notifier';

/**
 * Microsoft Teams through a Workflows webhook URL (`channels.teams.<name>`): an Adaptive Card 1.4.
 * The retired Office 365 connectors (MessageCard) are not supported. Workflows answer 202 Accepted.
 */
export const teamsChannel: EndpointChannel = {
  channel: 'teams',
  label: 'Teams',
  render: (notice, _target, nowMs) => ({ body: renderTeamsMessage(buildAlertFacts(notice, { nowMs })) }),
};

export const teamsNotifierKind = defineNotifier({
  channel: 'teams',
  description: 'Microsoft Teams（Workflows webhook，Adaptive Card）(Teams)',
  create: (ctx) => endpointNotifierFromConfig(teamsChannel, 'teams', ctx),
});
